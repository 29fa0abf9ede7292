"""candidates.tsv, structural.tsv and the cohort tables, from case results (fixed columns, sorted).

Each table is a tuple of `Column`s, a name and how its value is read from a typed row; `table()` writes any of
them with one rule per cell (`cell`). pidtriage.results builds its DataFrames from the same columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pidtriage.models import Status
from pidtriage.result.case_result import CandidateResult, CaseResult, SvCallRow, SvEffect
from pidtriage.result.changes import CHANGE_COLUMNS, ChangeRow

__all__ = [
    "CANDIDATE_COLUMNS",
    "CANDIDATE_TABLE",
    "CHANGE_TABLE",
    "COHORT_CANDIDATE_TABLE",
    "NO_KNOWN_DEFECT_COLUMNS",
    "STRUCTURAL_COLUMNS",
    "SUMMARY_COLUMNS",
    "SUMMARY_TABLE",
    "CandidateLine",
    "Column",
    "StructuralLine",
    "SummaryRow",
    "candidate_lines",
    "candidates_tsv",
    "cell",
    "cohort_candidates_tsv",
    "no_known_defect_tsv",
    "structural_rows",
    "summary_row",
    "summary_tsv",
    "table",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """A table column: its name and how its value is read from a row."""

    name: str
    value: Callable[[T], Any]


_FORMULA_START = ("=", "+", "-", "@", "\r")


def cell(value: Any) -> str:
    """One TSV cell. Text that a spreadsheet would run as a formula (starting with = + - @ or a carriage return,
    and not a number) gets a leading apostrophe, as spreadsheets themselves mark text (OWASP CSV injection)."""
    if value is None:
        return "."
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int) and not isinstance(value, str):
        return str(value)
    text = (",".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value))
    text = text.replace("\t", " ").replace("\n", " ")
    if text.startswith(_FORMULA_START) and not _is_number(text):
        text = "'" + text
    return text if text else "."


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table(columns: Sequence[Column[T]], rows: Iterable[T]) -> str:
    """The rows as TSV text, a header line first."""
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None, escapechar="\\")
    w.writerow([c.name for c in columns])
    for r in rows:
        w.writerow([cell(c.value(r)) for c in columns])
    return out.getvalue()


def _of(name: str) -> Callable[[Any], Any]:
    """A column read from the row's attribute of the same name."""
    return lambda row: getattr(row, name)


@dataclass(frozen=True, slots=True)
class CandidateLine:
    """A row of candidates.tsv: one candidate of a case, its contig as the file writes it (the input's naming in
    the case's candidates.tsv, the panel's in the cohort's files)."""

    result: CaseResult
    c: CandidateResult
    chrom: str


def _candidate(name: str) -> Column[CandidateLine]:
    return Column(name, lambda r: getattr(r.c, name))


# transcript: the one hgvs_c/hgvs_p are on ("." when the source names none, as ClinVar's HGVS); mane_refseq only when
# that transcript is the gene's MANE Select (mane_select); clinvar: the one ClinVar wording of every output
CANDIDATE_TABLE: tuple[Column[CandidateLine], ...] = (
    *map(_candidate, ("rank", "gene", "hgnc_id")), Column("chrom", lambda r: r.chrom),
    *map(_candidate, ("pos", "ref", "alt", "transcript", "mane_select", "mane_refseq", "hgvs_c", "hgvs_p",
                      "consequence", "genotype", "zygosity")),
    Column("family_genotypes", lambda r: ";".join(f"{s}={g}" for s, g in r.c.genotypes.items())),
    *map(_candidate, ("dp", "gq", "ad", "allele_balance", "moi", "finding", "acmg_class", "acmg_points",
                      "acmg_criteria", "reportable_basis", "clinvar", "clinvar_significance", "clinvar_stars",
                      "clinvar_review_status", "clinvar_variation_id")),
    Column("clinvar_date", lambda r: r.result.provenance.clinvar_date or ""),
    *map(_candidate, ("population_af", "population_faf", "population_grpmax", "population_nhomalt",
                      "population_nhemi")),
    Column("scores", lambda r: ";".join(f"{k}={v}" for k, v in sorted(r.c.scores.items()))),
    Column("phenotype_score", lambda r: r.c.phenotype_match.score),
    *map(_candidate, ("score", "unjudged_effect", "qc_flags")),
)
CANDIDATE_COLUMNS = tuple(c.name for c in CANDIDATE_TABLE)
COHORT_CANDIDATE_TABLE: tuple[Column[CandidateLine], ...] = (Column("sample_id", lambda r: r.result.sample_id),
                                                              *CANDIDATE_TABLE)


def candidate_lines(result: CaseResult, *, panel_naming: bool = False) -> list[CandidateLine]:
    """The case's candidates as rows, contigs as in the input or (`panel_naming`) in the panel's naming."""
    return [CandidateLine(result, c, c.key.bare.chrom if panel_naming else c.chrom) for c in result.candidates]


def candidates_tsv(result: CaseResult) -> str:
    return table(CANDIDATE_TABLE, candidate_lines(result))


def cohort_candidates_tsv(results: Iterable[CaseResult]) -> str:
    """Every candidate of the cohort, with its case, contigs in the panel's naming."""
    return table(COHORT_CANDIDATE_TABLE, [line for r in results for line in candidate_lines(r, panel_naming=True)])


@dataclass(frozen=True, slots=True)
class StructuralLine:
    """A row of structural.tsv: an SV call, once per panel gene it was scored for, with the candidate it made."""

    call: SvCallRow
    effect: SvEffect | None
    candidate: CandidateResult | None

    @property
    def finding(self) -> str | None:
        if self.candidate is not None:
            return str(self.candidate.finding)
        return "not a candidate (class or points too low)" if self.effect is not None else None


def _call(name: str) -> Column[StructuralLine]:
    return Column(name, lambda r: getattr(r.call, name))


def _effect(name: str) -> Column[StructuralLine]:
    return Column(name, lambda r: getattr(r.effect, name) if r.effect is not None else None)


STRUCTURAL_TABLE: tuple[Column[StructuralLine], ...] = (
    *map(_call, ("chrom", "start", "end", "svtype", "genes", "genotype", "fate")), *map(_effect, ("gene", "effect")),
    Column("cn", lambda r: r.candidate.structural.cn if r.candidate and r.candidate.structural else None),
    Column("support", lambda r: r.candidate.structural.support if r.candidate and r.candidate.structural else None),
    *map(_effect, ("cnv_points", "acmg_class", "criteria")), Column("finding", lambda r: r.finding),
    Column("rank", lambda r: r.candidate.rank if r.candidate else None),
)
STRUCTURAL_COLUMNS = tuple(c.name for c in STRUCTURAL_TABLE)


def structural_rows(result: CaseResult) -> list[StructuralLine]:
    """structural.tsv: every SV call in the panel regions with what was done with it; a scored call once per
    gene, with its effect, CNV points, class and the finding it is part of."""
    found = {(c.chrom, c.structural.start, c.gene): c for c in result.candidates if c.structural}
    rows = []
    for call in (result.structural.calls or ()) if result.structural else ():
        for effect in call.effects or (None,):
            candidate = found.get((call.chrom, call.start, effect.gene)) if effect is not None else None
            rows.append(StructuralLine(call, effect, candidate))
    return rows


def structural_tsv(result: CaseResult) -> str:
    return table(STRUCTURAL_TABLE, structural_rows(result))


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """A row of summary.tsv: one case."""

    sample_id: str
    status: Status
    no_known_defect: bool | None
    genes: tuple[str, ...]
    top_variant: str | None  # chrom:pos:ref:alt of the rank-1 candidate, in the panel's contig naming
    n_candidates: int
    sex_reported: str
    sex_inferred: str
    qc: str
    genes_assessed: str | None  # "62/505"
    scope: str
    reason: str


SUMMARY_TABLE: tuple[Column[SummaryRow], ...] = tuple(Column(name, _of(name)) for name in SummaryRow.__slots__)
SUMMARY_COLUMNS = tuple(c.name for c in SUMMARY_TABLE)


def summary_row(result: CaseResult) -> SummaryRow:
    top = result.candidates[0] if result.candidates else None
    scope = result.scope
    return SummaryRow(
        sample_id=result.sample_id, status=result.status, no_known_defect=result.no_known_defect,
        genes=tuple(sorted({f.gene for f in result.qualifying_findings})),
        top_variant=str(top.key.bare) if top else None, n_candidates=len(result.candidates),
        sex_reported=result.qc.sex_reported, sex_inferred=result.qc.sex_inferred, qc=_qc_text(result),
        genes_assessed=f"{scope.genes_assessed}/{scope.genes_total}" if scope.genes_total else None,
        scope=scope.summary, reason=result.reason)


def _qc_text(result: CaseResult) -> str:
    """summary.tsv's `qc`: the sample-level QC failures ("failed: ..."), else its warnings ("warning: ..."), else
    "ok"; "not run" for a case that failed before its calls were read."""
    qc = result.qc
    if qc.hard_failures:
        return "failed: " + "; ".join(qc.hard_failures)
    if qc.warnings:
        return "warning: " + "; ".join(qc.warnings)
    return "not run" if result.status == Status.FAILED and not qc.individuals else "ok"


def summary_tsv(results: Iterable[CaseResult]) -> str:
    return table(SUMMARY_TABLE, sorted((summary_row(r) for r in results), key=lambda r: r.sample_id))


NO_KNOWN_DEFECT_TABLE: tuple[Column[CaseResult], ...] = (
    Column("sample_id", lambda r: r.sample_id), Column("status", lambda r: r.status),
    Column("reason", lambda r: r.reason), Column("suspected_category", lambda r: r.case.suspected_category),
    Column("next_steps", lambda r: " | ".join(r.next_steps)),
)
NO_KNOWN_DEFECT_COLUMNS = tuple(c.name for c in NO_KNOWN_DEFECT_TABLE)


def no_known_defect_tsv(results: Iterable[CaseResult]) -> str:
    """The cases flagged "no known genetic defect found", by sample_id."""
    return table(NO_KNOWN_DEFECT_TABLE, sorted((r for r in results if r.no_known_defect), key=lambda r: r.sample_id))


CHANGE_TABLE: tuple[Column[ChangeRow], ...] = tuple(Column(name, _of(name)) for name in CHANGE_COLUMNS)
