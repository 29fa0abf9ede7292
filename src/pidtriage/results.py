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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pidtriage.errors import InputError
from pidtriage.genome import bare
from pidtriage.models import AcmgClass, Finding, Sex, Status, Zygosity
from pidtriage.report.tables import (
    CANDIDATE_COLUMNS,
    NO_KNOWN_DEFECT_COLUMNS,
    SUMMARY_COLUMNS,
    candidate_rows,
    summary_row,
    tsv,
)

__all__ = ["FINDING_COLUMNS", "QC_COLUMNS", "Results", "cohort_tables", "frames", "load", "read_cases", "to_records"]

STATUS = pd.CategoricalDtype([s.value for s in Status])
FINDING = pd.CategoricalDtype([f.value for f in Finding])
ACMG_CLASS = pd.CategoricalDtype([c.value for c in AcmgClass], ordered=True)  # P first: sort_values puts P on top
ZYGOSITY = pd.CategoricalDtype([z.value for z in Zygosity])
SEX = pd.CategoricalDtype([s.value for s in Sex])
SEX_CHECK = pd.CategoricalDtype(["match", "mismatch", "not_inferred", "reported_unknown"])
ROLE = pd.CategoricalDtype(["proband", "father", "mother"])

FINDING_COLUMNS = ("sample_id", "gene", "hgnc_id", "finding", "moi", "level", "meets_inheritance", "variants",
                   "classes", "diseases", "iuis_tables", "explanation")
QC_COLUMNS = ("sample_id", "individual", "role", "status", "sex_reported", "sex_inferred", "sex_check",
              "records_in_vcf", "panel_records", "panel_nonref_calls", "panel_het", "panel_hom_or_hemi",
              "panel_missing", "het_hom_ratio", "ti_tv", "filtered_fraction", "mendelian_evaluated",
              "mendelian_informative_sites", "mendelian_errors", "mendelian_error_rate", "panel_genes_assessed", "panel_genes",
              "qc_warnings")
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


def read_cases(outdir: str | Path) -> list[dict[str, Any]]:
    """Every case's triage.json under `outdir`, by sample_id."""
    from pidtriage.io.jsonio import read_json

    paths = sorted(Path(outdir).glob("cases/*/triage.json"))
    if not paths:
        raise InputError(f"{outdir}: no cases/*/triage.json here; give the run's outdir (the directory holding "
                         "cases/ and cohort/)")
    return sorted((read_json(p) for p in paths), key=lambda d: d["case"]["sample_id"])


def frames(docs: Sequence[Mapping[str, Any]]) -> Results:
    """The four frames from triage.json documents (already read)."""
    summary = [summary_row(d) for d in docs]
    candidates = [{"sample_id": d["case"]["sample_id"], **c, "chrom": bare(c["chrom"])}
                  for d in docs for c in candidate_rows(d)]
    findings = [_finding_row(d, f) for d in docs for f in d["findings"]]
    qc = [row for d in docs for row in _qc_rows(d)]
    return Results(summary=_frame(summary, SUMMARY_COLUMNS), candidates=_frame(candidates, ("sample_id", *CANDIDATE_COLUMNS)),
                   findings=_frame(findings, FINDING_COLUMNS), qc=_frame(qc, QC_COLUMNS))


def _finding_row(doc: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    return {"sample_id": doc["case"]["sample_id"], **{k: f.get(k) for k in FINDING_COLUMNS[1:]},
            "variants": ",".join(f["variants"]), "classes": ",".join(f["classes"]), "diseases": "; ".join(f["diseases"]),
            "iuis_tables": ",".join(map(str, f["iuis_tables"]))}


def _qc_rows(doc: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    qc = doc["qc"]
    mendel = qc.get("mendelian") or {}
    scope = doc.get("scope") or {}
    case = {"sample_id": doc["case"]["sample_id"], "status": doc["status"],
            "mendelian_evaluated": mendel.get("evaluated") if mendel else None,
            "mendelian_informative_sites": mendel.get("informative_sites"), "mendelian_errors": mendel.get("errors"),
            "mendelian_error_rate": mendel.get("rate"),
            "panel_genes_assessed": scope.get("genes_assessed"), "panel_genes": scope.get("genes_total"),
            "qc_warnings": " | ".join(qc.get("warnings") or [])}
    individuals = qc.get("individuals") or [{"sample": doc["case"].get("vcf_sample") or doc["case"]["sample_id"],
                                             "role": "proband", "sex_reported": qc["sex_reported"],
                                             "sex_inferred": qc["sex_inferred"], "sex_check": qc.get("sex_check")}]
    for ind in individuals:
        panel = ind.get("panel") or {}
        yield {**case, "individual": ind["sample"], "role": ind.get("role"), "sex_reported": ind.get("sex_reported"),
               "sex_inferred": ind.get("sex_inferred"), "sex_check": ind.get("sex_check"),
               "records_in_vcf": ind.get("records_in_vcf"), "panel_records": panel.get("records"),
               "panel_nonref_calls": panel.get("nonref_calls"), "panel_het": panel.get("het"),
               "panel_hom_or_hemi": panel.get("hom_or_hemi"), "panel_missing": panel.get("missing"),
               "het_hom_ratio": panel.get("het_hom_ratio"), "ti_tv": panel.get("ti_tv"),
               "filtered_fraction": panel.get("filtered_fraction")}


def _plain(value: Any, column: str) -> Any:
    """A cell as the frame holds it: lists joined as the TSV joins them, "" and "." missing."""
    if isinstance(value, list | tuple):
        value = ",".join(map(str, value))
    if isinstance(value, dict):
        value = ";".join(f"{k}={v}" for k, v in sorted(value.items()))
    if value is None or (isinstance(value, str) and value in ("", ".")):
        return None
    if column == "no_known_defect" and isinstance(value, str):
        return value == "yes"
    return value


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    data = {c: [_plain(r.get(c), c) for r in rows] for c in columns}
    return pd.DataFrame({c: pd.array(v, dtype=_TYPES.get(c, "string")) for c, v in data.items()}, columns=list(columns))


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


def cohort_tables(results: Results, docs: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """summary.tsv and no_known_defect.tsv, written from the typed frames (the same cell rules as every TSV)."""
    summary = results.summary.sort_values("sample_id", kind="stable")
    by_id = {d["case"]["sample_id"]: d for d in docs}
    flagged = summary[summary.no_known_defect.fillna(False)]
    rows = [{"sample_id": s, "status": by_id[s]["status"], "reason": by_id[s]["reason"],
             "suspected_category": by_id[s]["case"]["suspected_category"], "next_steps": " | ".join(by_id[s]["next_steps"])}
            for s in flagged.sample_id]  # fmt: skip
    return {"summary.tsv": tsv(SUMMARY_COLUMNS, to_records(summary)),
            "no_known_defect.tsv": tsv(NO_KNOWN_DEFECT_COLUMNS, rows)}
