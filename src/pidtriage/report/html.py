"""HTML reports through Jinja2 with autoescaping: text from a VCF, the panel or a resource never becomes markup."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined, select_autoescape

from pidtriage.clock import today
from pidtriage.genome import bare
from pidtriage.report.wording import (
    CLASS_NAMES,
    IUIS_TABLES,
    ZYGOSITY,
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

__all__ = ["render_case", "render_cohort"]

HEADLINE = {
    "positive": "A causative genetic finding was identified",
    "inconclusive": "A possible finding needs review",
    "negative": "No known genetic defect found",  # never "no genetic cause"
    "failed": "Could not be analysed",
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
    env.globals["not_assessed_rows"] = not_assessed_rows
    env.filters["counsellor"] = for_counsellor
    env.globals["sv_words"] = sv_words
    env.globals["variant_words"] = variant_words
    env.filters["disease_words"] = disease_words
    env.filters["change_words"] = change_words
    env.globals["iuis_tables"] = IUIS_TABLES
    return env


def _key(c: Mapping[str, Any]) -> str:
    return f"{c['chrom']}:{c['pos']}:{c['ref']}:{c['alt']}"


def links(c: Mapping[str, Any], build: str) -> list[tuple[str, str]]:
    """Link-outs for one candidate, built from identifiers only (quoted): ClinVar, gnomAD, Ensembl."""
    out = []
    if c.get("clinvar_variation_id"):
        out.append(("ClinVar", f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{quote(str(c['clinvar_variation_id']))}/"))
    chrom = bare(str(c["chrom"]))
    dataset = "gnomad_r4" if build == "GRCh38" else "gnomad_r2_1"
    variant = quote(f"{chrom}-{c['pos']}-{c['ref']}-{c['alt']}")
    out.append(("gnomAD", f"https://gnomad.broadinstitute.org/variant/{variant}?dataset={dataset}"))
    if c.get("transcript"):
        host = "www.ensembl.org" if build == "GRCh38" else "grch37.ensembl.org"
        out.append(("Ensembl", f"https://{host}/Homo_sapiens/Transcript/Summary?t={quote(str(c['transcript']).split('.')[0])}"))
    return out


def render_case(doc: Mapping[str, Any]) -> str:
    """The counsellor's report: each candidate in the section of its finding's level (positive: the finding;
    inconclusive: to review; the rest: other variants of note), codes only in the technical appendix."""
    level = {(f["gene"], k): f["level"] for f in doc["findings"] for k in f["variants"]}
    sections: dict[str, list[Mapping[str, Any]]] = {"positive": [], "inconclusive": [], "other": []}
    for c in doc["candidates"]:
        found = level.get((c["gene"], _key(c)), "other")
        sections[found if found in sections and (found != "positive" or doc["status"] == "positive") else "other"].append(c)
    build = doc["provenance"]["genome_build"]
    return _env().get_template("case.html").render(
        doc=doc, headline=HEADLINE[doc["status"]], findings=sections["positive"], review=sections["inconclusive"],
        others=sections["other"], sentence=result_sentence(doc), report_date=today(),
        links={_key(c): links(c, build) for c in doc["candidates"]})


def render_cohort(docs: Sequence[Mapping[str, Any]], summary: Sequence[Mapping[str, Any]],
                  changes: Mapping[str, Any] | None = None) -> str:
    from pidtriage.report.svg import case_bars, stacked_bars

    statuses = ["positive", "inconclusive", "negative", "failed"]
    counts = Counter(d["status"] for d in docs)
    analysed = sum(v for k, v in counts.items() if k != "failed")
    categories, gene_rows = _cohort_counts(docs)
    qc_rows = [_qc_row(d) for d in docs]
    charts = {
        "category": stacked_bars([(f"{c} {IUIS_TABLES.get(c, '')}".strip(), n) for c, n in categories], statuses,
                                 title="Status by suspected IUIS category"),
        "genes": stacked_bars(gene_rows[:25], ["positive", "inconclusive"], title="Findings by gene"),
        "records": case_bars([(r["sample_id"], r["records"] if r["status"] != "failed" else None, r["status"])
                              for r in qc_rows], title="Records in the panel regions per case (failed cases in red)",
                             y_label="records in the panel"),
        "titv": case_bars([(r["sample_id"], r["ti_tv"], r["status"]) for r in qc_rows if r["status"] != "failed"],
                          title="Ti/Tv of the panel calls per case", y_label="Ti/Tv"),
    }
    action = [d for d in docs if d["status"] == "failed" or d["no_known_defect"] or d["qc"].get("warnings")]
    action.sort(key=lambda d: ({"failed": 0, "inconclusive": 1, "negative": 2, "positive": 3}[d["status"]],
                               d["case"]["sample_id"]))
    return _env().get_template("cohort.html").render(
        docs=docs, summary=summary, counts=counts, total=len(docs), analysed=analysed,
        yield_pct=_pct(counts["positive"], analysed), by_category=categories, genes=gene_rows,
        statuses=statuses, qc_rows=qc_rows, charts=charts, pct=_pct, iuis_tables=IUIS_TABLES, action=action,
        changes=changes or {"previous": False},
    )


def _cohort_counts(docs: Sequence[Mapping[str, Any]]) -> tuple[list[tuple[str, Counter[str]]],
                                                                 list[tuple[str, Counter[str]]]]:
    """Statuses by suspected IUIS category (a case counts in each of its categories; "not given" without one),
    in table order; and by gene, over the findings that set each positive or inconclusive case's status (once
    per case), most cases first. Plain counters: pandas' crosstab did the same and cost 0.3 s of import in
    every cohort job (issue #17)."""
    by_category: dict[str, Counter[str]] = {}
    for d in docs:
        for cat in d["case"]["suspected_category"] or ["not given"]:
            by_category.setdefault(str(cat), Counter())[d["status"]] += 1
    case_genes = {(d["case"]["sample_id"], g, d["status"]) for d in docs if d["status"] in ("positive", "inconclusive")
                  for g in {f["gene"] for f in d["findings"] if f["level"] == d["status"]}}  # fmt: skip
    by_gene: dict[str, Counter[str]] = {}
    for _, gene, status in case_genes:
        by_gene.setdefault(str(gene), Counter())[status] += 1

    def category_order(kv: tuple[str, Counter[str]]) -> tuple[bool, int, str]:
        return not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0, kv[0]

    return (sorted(by_category.items(), key=category_order),
            sorted(by_gene.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "n/a"


def _qc_row(d: Mapping[str, Any]) -> dict[str, Any]:
    qc = d["qc"]
    proband = (qc.get("individuals") or [{}])[0]
    mendel = qc.get("mendelian") or {}
    return {
        "sample_id": d["case"]["sample_id"], "status": d["status"], "sex_reported": qc["sex_reported"],
        "sex_inferred": qc["sex_inferred"], "sex_check": qc["sex_check"],
        "records": qc.get("records_in_panel_regions"),
        "ti_tv": (proband.get("panel") or {}).get("ti_tv"),
        "mendelian": f"{mendel['errors']}/{mendel['informative_sites']}" if mendel.get("evaluated") else ".",
        "warnings": qc.get("warnings", []), "failure": d["reason"] if d["status"] == "failed" else "",
    }  # fmt: skip
