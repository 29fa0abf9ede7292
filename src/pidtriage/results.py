"""A run's results as pandas DataFrames, for a notebook: `pidtriage.results.load(outdir)`.

    >>> from pidtriage.results import load
    >>> r = load("results")
    >>> r.summary.status.value_counts()                  # one row per case
    >>> r.candidates.query("acmg_class in ['P', 'LP']")   # one row per candidate of every case
    >>> r.findings.groupby("gene").size()                # one row per finding
    >>> r.qc.loc[r.qc.sex_check == "mismatch"]            # one row per individual of every case

Every frame is read from the cases' triage.json (the contract; the rows are those of the cohort tables, built
by `report.tables`), typed: categoricals with the fixed vocabulary for status, finding, ACMG class, zygosity,
sex and roles; nullable integers and floats (`Int64`, `Float64`) and `string` columns, with `<NA>` where the
TSV files write "." (never a "." string). The cohort job writes summary.tsv and no_known_defect.tsv from these
frames (`cohort_tables`), so the notebook and the files agree. pandas is imported here only: the per-case job
never imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pidtriage.errors import InputError
from pidtriage.models import AcmgClass, Finding, Sex, SexCheck, Status, Zygosity
from pidtriage.report.tables import (
    COHORT_CANDIDATE_TABLE,
    NO_KNOWN_DEFECT_COLUMNS,
    SUMMARY_COLUMNS,
    SUMMARY_TABLE,
    Column,
    candidate_lines,
    summary_row,
    table,
)
from pidtriage.result.case_result import CaseResult, FindingResult, IndividualQc

__all__ = ["FINDING_COLUMNS", "QC_COLUMNS", "Results", "cohort_tables", "frames", "load", "read_cases", "to_records"]

STATUS = pd.CategoricalDtype([s.value for s in Status])
FINDING = pd.CategoricalDtype([f.value for f in Finding])
ACMG_CLASS = pd.CategoricalDtype([c.value for c in AcmgClass], ordered=True)  # P first: sort_values puts P on top
ZYGOSITY = pd.CategoricalDtype([z.value for z in Zygosity])
SEX = pd.CategoricalDtype([s.value for s in Sex])
SEX_CHECK = pd.CategoricalDtype([c.value for c in SexCheck])
ROLE = pd.CategoricalDtype(["proband", "father", "mother"])



@dataclass(frozen=True, slots=True)
class _FindingLine:
    result: CaseResult
    f: FindingResult


def _finding(name: str) -> Column[_FindingLine]:
    return Column(name, lambda r: getattr(r.f, name))


FINDING_TABLE: tuple[Column[_FindingLine], ...] = (
    Column("sample_id", lambda r: r.result.sample_id),
    *map(_finding, ("gene", "hgnc_id", "finding", "moi", "level", "meets_inheritance")),
    Column("variants", lambda r: ",".join(map(str, r.f.variants))), Column("classes", lambda r: ",".join(r.f.classes)),
    Column("diseases", lambda r: "; ".join(r.f.diseases)), Column("iuis_tables", lambda r: ",".join(r.f.iuis_tables)),
    _finding("explanation"),
)
FINDING_COLUMNS = tuple(c.name for c in FINDING_TABLE)


@dataclass(frozen=True, slots=True)
class _QcLine:
    """One individual of one case (a case failed before its calls were read: its proband, from the sheet)."""

    result: CaseResult
    i: IndividualQc


def _mendel(read: Callable[[Any], Any]) -> Callable[[_QcLine], Any]:
    return lambda r: read(r.result.qc.mendelian) if r.result.qc.mendelian is not None else None


def _panel(name: str) -> Column[_QcLine]:
    return Column(f"panel_{name}" if name in ("records", "nonref_calls", "het", "hom_or_hemi", "missing") else name,
                  lambda r: getattr(r.i.panel, name) if r.result.qc.individuals else None)


QC_TABLE: tuple[Column[_QcLine], ...] = (
    Column("sample_id", lambda r: r.result.sample_id), Column("individual", lambda r: r.i.sample),
    Column("role", lambda r: r.i.role), Column("status", lambda r: r.result.status),
    Column("sex_reported", lambda r: r.i.sex_reported), Column("sex_inferred", lambda r: r.i.sex_inferred),
    Column("sex_check", lambda r: r.i.sex_check), Column("records_in_vcf", lambda r: r.i.records_in_vcf),
    *map(_panel, ("records", "nonref_calls", "het", "hom_or_hemi", "missing", "het_hom_ratio", "ti_tv",
                  "filtered_fraction")),
    Column("mendelian_evaluated", _mendel(lambda m: m.evaluated)),
    Column("mendelian_informative_sites", _mendel(lambda m: m.informative_sites)),
    Column("mendelian_errors", _mendel(lambda m: m.errors)), Column("mendelian_error_rate", _mendel(lambda m: m.rate)),
    Column("panel_genes_assessed", lambda r: r.result.scope.genes_assessed if r.result.scope.analysed else None),
    Column("panel_genes", lambda r: r.result.scope.genes_total if r.result.scope.analysed else None),
    Column("qc_warnings", lambda r: " | ".join(r.result.qc.warnings)),
)
QC_COLUMNS = tuple(c.name for c in QC_TABLE)
_TYPES: dict[str, Any] = {  # every other column is `string`
    "status": STATUS, "level": STATUS, "finding": FINDING, "acmg_class": ACMG_CLASS, "zygosity": ZYGOSITY,
    "sex_reported": SEX, "sex_inferred": SEX, "sex_check": SEX_CHECK, "role": ROLE,
    "no_known_defect": "boolean", "meets_inheritance": "boolean", "mendelian_evaluated": "boolean",
    **dict.fromkeys(("rank", "pos", "n_candidates", "panel_genes_assessed", "panel_genes", "acmg_points", "clinvar_stars", "dp",
                     "gq", "population_nhomalt", "population_nhemi", "records_in_vcf", "panel_records",
                     "panel_nonref_calls", "panel_het", "panel_hom_or_hemi", "panel_missing",
                     "mendelian_informative_sites", "mendelian_errors"), "Int64"),
    **dict.fromkeys(("allele_balance", "population_af", "population_faf", "population_grpmax", "phenotype_score",
                     "het_hom_ratio", "ti_tv", "filtered_fraction", "mendelian_error_rate"), "Float64"),
}  # fmt: skip


@dataclass(frozen=True)
class Results:
    """A run's results: `summary` (one row per case, summary.tsv's columns), `candidates` (sample_id and
    candidates.tsv's columns, contigs in the panel's naming), `findings` (one row per finding) and `qc` (one
    row per individual of each case: sex check, panel call statistics, the trio's Mendelian check)."""

    summary: pd.DataFrame
    candidates: pd.DataFrame
    findings: pd.DataFrame
    qc: pd.DataFrame


def load(outdir: str | Path) -> Results:
    """The results under `outdir` (the run's `outdir`: `outdir/cases/*/triage.json`) as typed DataFrames."""
    return frames(read_cases(outdir))


def read_cases(outdir: str | Path) -> list[CaseResult]:
    """Every case's result under `outdir`, by sample_id."""
    from pidtriage.result.case_result import read_result

    paths = sorted(Path(outdir).glob("cases/*/triage.json"))
    if not paths:
        raise InputError(f"{outdir}: no cases/*/triage.json here; give the run's outdir (the directory holding "
                         "cases/ and cohort/)")
    return sorted((read_result(p) for p in paths), key=lambda r: r.sample_id)


def frames(results: Sequence[CaseResult]) -> Results:
    """The four frames from case results (already read)."""
    candidates = [line for r in results for line in candidate_lines(r, panel_naming=True)]
    findings = [_FindingLine(r, f) for r in results for f in r.findings]
    qc = [_QcLine(r, i) for r in results for i in _individuals(r)]
    return Results(summary=_frame(SUMMARY_TABLE, [summary_row(r) for r in results]),
                   candidates=_frame(COHORT_CANDIDATE_TABLE, candidates), findings=_frame(FINDING_TABLE, findings),
                   qc=_frame(QC_TABLE, qc))


def _individuals(result: CaseResult) -> tuple[IndividualQc, ...]:
    """The case's individuals; a case that failed before its calls were read: its proband, from the sheet."""
    if result.qc.individuals:
        return result.qc.individuals
    return (IndividualQc(sample=result.case.vcf_sample or result.sample_id, sex_reported=result.qc.sex_reported,
                         sex_inferred=result.qc.sex_inferred, sex_check=result.qc.sex_check),)


def _plain(value: Any) -> Any:
    """A cell as the frame holds it: lists joined as the TSV joins them, "" missing, enums as their value."""
    if isinstance(value, list | tuple):
        value = ",".join(map(str, value))
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return str(value)
    return value


def _frame(columns: Sequence[Column[Any]], rows: Sequence[Any]) -> pd.DataFrame:
    data = {c.name: [_plain(c.value(r)) for r in rows] for c in columns}
    return pd.DataFrame({c: pd.array(v, dtype=_TYPES.get(c, "string")) for c, v in data.items()},
                        columns=[c.name for c in columns])


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as plain Python values (`<NA>` as None, numpy scalars as int/float/bool/str), for the
    TSV writer, whose cell rules (".", "yes"/"no", spreadsheet safety) then apply as to any other table."""
    out = []
    for row in frame.astype(object).itertuples(index=False):
        out.append({c: _python(v) for c, v in zip(frame.columns, row, strict=True)})
    return out


def _python(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def cohort_tables(results: Results, cases: Sequence[CaseResult]) -> dict[str, str]:
    """summary.tsv and no_known_defect.tsv, written from the typed frames (the same cell rules as every TSV)."""
    summary = results.summary.sort_values("sample_id", kind="stable")
    by_id = {r.sample_id: r for r in cases}
    flagged = summary[summary.no_known_defect.fillna(False)]
    summary_columns = [Column(name, _record(name)) for name in SUMMARY_COLUMNS]
    return {"summary.tsv": table(summary_columns, to_records(summary)),
            "no_known_defect.tsv": table(_no_known_defect_table(), [by_id[s] for s in flagged.sample_id])}


def _record(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[name]


def _no_known_defect_table() -> tuple[Column[CaseResult], ...]:
    from pidtriage.report.tables import NO_KNOWN_DEFECT_TABLE

    assert tuple(c.name for c in NO_KNOWN_DEFECT_TABLE) == NO_KNOWN_DEFECT_COLUMNS
    return NO_KNOWN_DEFECT_TABLE
