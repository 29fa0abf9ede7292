"""HTML reports through Jinja2 with autoescaping: text from a VCF, the panel or a resource never becomes markup."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined, select_autoescape

from pidtriage.clock import today
from pidtriage.models import SexCheck, Status, VariantKey
from pidtriage.report.tables import SummaryRow
from pidtriage.report.wording import (
    CLASS_NAMES,
    IUIS_TABLES,
    ZYGOSITY,
    candidate_finding_words,
    change_words,
    criterion_words,
    disease_words,
    finding_words,
    for_counsellor,
    frequency_words,
    not_assessed_rows,
    phenotype_words,
    plain_criterion,
    result_sentence,
    sv_words,
    variant_words,
)
from pidtriage.result.case_result import CandidateResult, CaseResult
from pidtriage.result.changes import CohortChanges

__all__ = ["render_case", "render_cohort"]

HEADLINE = {
    Status.POSITIVE: "A causative genetic finding was identified",
    Status.INCONCLUSIVE: "A possible finding needs review",
    Status.NEGATIVE: "No known genetic defect found",  # never "no genetic cause"
    Status.FAILED: "Could not be analysed",
}


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept in the user's cache directory (keyed by the template source's checksum, so never
    stale): compiling case.html costs ~0.05 s, a cached one ~1 ms. None when the directory cannot be made."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pidtriage" / "jinja"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(root)) if os.access(root, os.W_OK) else None


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("pidtriage", "report/templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=_bytecode_cache())
    env.filters["af"] = lambda v: "." if v is None else ("absent" if v == 0 else f"{v:.2g}")
    env.filters["plain"] = criterion_words
    env.filters["plain_only"] = plain_criterion
    env.filters["zygosity"] = lambda z: ZYGOSITY.get(z, z)
    env.filters["class_name"] = lambda c: CLASS_NAMES.get(c, c)
    env.filters["finding_words"] = finding_words
    env.globals["frequency_words"] = frequency_words
    env.globals["phenotype_words"] = phenotype_words
    env.globals["candidate_finding_words"] = candidate_finding_words
    env.globals["not_assessed_rows"] = not_assessed_rows
    env.filters["counsellor"] = for_counsellor
    env.globals["sv_words"] = sv_words
    env.globals["variant_words"] = variant_words
    env.filters["disease_words"] = disease_words
    env.filters["change_words"] = change_words
    env.globals["iuis_tables"] = IUIS_TABLES
    return env


def links(c: CandidateResult, build: str) -> list[tuple[str, str]]:
    """Link-outs for one candidate, built from identifiers only (quoted): ClinVar, gnomAD, Ensembl."""
    out = []
    if c.clinvar_variation_id:
        out.append(("ClinVar", f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{quote(c.clinvar_variation_id)}/"))
    dataset = "gnomad_r4" if build == "GRCh38" else "gnomad_r2_1"
    variant = quote("-".join(map(str, c.key.bare)))
    out.append(("gnomAD", f"https://gnomad.broadinstitute.org/variant/{variant}?dataset={dataset}"))
    if c.transcript:
        host = "www.ensembl.org" if build == "GRCh38" else "grch37.ensembl.org"
        out.append(("Ensembl", f"https://{host}/Homo_sapiens/Transcript/Summary?t={quote(c.transcript.split('.')[0])}"))
    return out


def render_case(result: CaseResult) -> str:
    """The counsellor's report: each candidate in the section of its finding's level (positive: the finding;
    inconclusive: to review; the rest: other variants of note), codes only in the technical appendix."""
    level = {(f.gene, k): f.level for f in result.findings for k in f.variants}
    sections: dict[str, list[CandidateResult]] = {"positive": [], "inconclusive": [], "other": []}
    for c in result.candidates:
        found = level.get((c.gene, c.key))
        shown = found == Status.INCONCLUSIVE or (found == Status.POSITIVE and result.status == Status.POSITIVE)
        sections[str(found) if shown else "other"].append(c)
    build = result.provenance.genome_build
    links_of: dict[VariantKey, list[tuple[str, str]]] = {c.key: links(c, build) for c in result.candidates}
    return _env().get_template("case.html").render(
        doc=result, headline=HEADLINE[result.status], findings=sections["positive"], review=sections["inconclusive"],
        others=sections["other"], sentence=result_sentence(result), report_date=today(), links=links_of)


def render_cohort(results: Sequence[CaseResult], summary: Sequence[SummaryRow],
                  changes: CohortChanges | None = None) -> str:
    from pidtriage.report.svg import case_bars, stacked_bars

    statuses = [str(s) for s in Status]
    counts = Counter(str(r.status) for r in results)
    analysed = sum(v for k, v in counts.items() if k != Status.FAILED)
    categories, gene_rows = _cohort_counts(results)
    qc_rows = [_qc_row(r) for r in results]
    charts = {
        "category": stacked_bars([(f"{c} {IUIS_TABLES.get(c, '')}".strip(), n) for c, n in categories], statuses,
                                 title="Status by suspected IUIS category"),
        "genes": stacked_bars(gene_rows[:25], ["positive", "inconclusive"], title="Findings by gene"),
        "records": case_bars([(r.sample_id, r.records if r.status != Status.FAILED else None, r.status)
                              for r in qc_rows], title="Records in the panel regions per case (failed cases in red)",
                             y_label="records in the panel"),
        "titv": case_bars([(r.sample_id, r.ti_tv, r.status) for r in qc_rows if r.status != Status.FAILED],
                          title="Ti/Tv of the panel calls per case", y_label="Ti/Tv"),
    }
    order = {Status.FAILED: 0, Status.INCONCLUSIVE: 1, Status.NEGATIVE: 2, Status.POSITIVE: 3}
    action = sorted((r for r in results if r.status == Status.FAILED or r.no_known_defect or r.qc.warnings),
                    key=lambda r: (order[r.status], r.sample_id))
    return _env().get_template("cohort.html").render(
        docs=results, summary=summary, counts=counts, total=len(results), analysed=analysed,
        yield_pct=_pct(counts["positive"], analysed), by_category=categories, genes=gene_rows,
        statuses=statuses, qc_rows=qc_rows, charts=charts, pct=_pct, iuis_tables=IUIS_TABLES, action=action,
        changes=changes or CohortChanges(),
    )


def _cohort_counts(results: Sequence[CaseResult]) -> tuple[list[tuple[str, Counter[str]]],
                                                             list[tuple[str, Counter[str]]]]:
    """Statuses by suspected IUIS category (a case counts in each of its categories; "not given" without one),
    in table order; and by gene, over the findings that set each positive or inconclusive case's status (once
    per case), most cases first. Plain counters: pandas' crosstab did the same and cost 0.3 s of import in
    every cohort job (issue #17)."""
    by_category: dict[str, Counter[str]] = {}
    for r in results:
        for cat in r.case.suspected_category or ("not given",):
            by_category.setdefault(str(cat), Counter())[str(r.status)] += 1
    case_genes = {(r.sample_id, g, str(r.status)) for r in results if r.status in (Status.POSITIVE, Status.INCONCLUSIVE)
                  for g in {f.gene for f in r.findings if f.level == r.status}}  # fmt: skip
    by_gene: dict[str, Counter[str]] = {}
    for _, gene, status in case_genes:
        by_gene.setdefault(str(gene), Counter())[status] += 1

    def category_order(kv: tuple[str, Counter[str]]) -> tuple[bool, int, str]:
        return not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0, kv[0]

    return (sorted(by_category.items(), key=category_order),
            sorted(by_gene.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "n/a"


@dataclass(frozen=True, slots=True)
class QcRow:
    """A row of the dashboard's quality table: one case."""

    sample_id: str
    status: Status
    sex_reported: str
    sex_inferred: str
    sex_check: SexCheck
    records: int
    ti_tv: float | None
    mendelian: str  # errors/informative sites, "." when not evaluated
    warnings: tuple[str, ...]
    failure: str


def _qc_row(r: CaseResult) -> QcRow:
    qc, mendel = r.qc, r.qc.mendelian
    return QcRow(sample_id=r.sample_id, status=r.status, sex_reported=qc.sex_reported, sex_inferred=qc.sex_inferred,
                 sex_check=qc.sex_check, records=qc.records_in_panel_regions,
                 ti_tv=qc.individuals[0].panel.ti_tv if qc.individuals else None,
                 mendelian=f"{mendel.errors}/{mendel.informative_sites}" if mendel and mendel.evaluated else ".",
                 warnings=qc.warnings, failure=r.reason if r.status == Status.FAILED else "")
