"""HTML reports through Jinja2 with autoescaping: text from a VCF, the panel or a resource never becomes markup."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined, select_autoescape

from pidtriage.report.wording import (
    IUIS_TABLES,
    criterion_words,
    finding_words,
    frequency_words,
    result_sentence,
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
    env.filters["finding_words"] = finding_words
    env.globals["frequency_words"] = frequency_words
    env.globals["iuis_tables"] = IUIS_TABLES
    return env


def render_case(doc: Mapping[str, Any]) -> str:
    findings = [c for c in doc["candidates"] if c["meets_inheritance"] and c["reportable"]
                and doc["status"] == "positive"]
    keys = {f"{c['chrom']}:{c['pos']}:{c['ref']}:{c['alt']}" for c in findings}
    others = [c for c in doc["candidates"] if f"{c['chrom']}:{c['pos']}:{c['ref']}:{c['alt']}" not in keys]
    return _env().get_template("case.html").render(doc=doc, headline=HEADLINE[doc["status"]], findings=findings,
                                                    others=others, sentence=result_sentence(doc))


def render_cohort(docs: Sequence[Mapping[str, Any]], summary: Sequence[Mapping[str, Any]]) -> str:
    from pidtriage.report.svg import histogram, stacked_bars

    statuses = ["positive", "inconclusive", "negative", "failed"]
    counts = Counter(d["status"] for d in docs)
    analysed = sum(v for k, v in counts.items() if k != "failed")
    by_category: dict[str, Counter[str]] = {}
    for d in docs:
        for cat in d["case"]["suspected_category"] or ["not given"]:
            by_category.setdefault(cat, Counter())[d["status"]] += 1
    categories = sorted(by_category.items(), key=lambda kv: (not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0, kv[0]))
    genes: dict[str, Counter[str]] = {}
    for d in docs:  # genes of the findings that set each case's status, once per case
        if d["status"] in ("positive", "inconclusive"):
            for g in sorted({f["gene"] for f in d["findings"] if f["level"] == d["status"]}):
                genes.setdefault(g, Counter())[d["status"]] += 1
    gene_rows = sorted(genes.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    qc_rows = [_qc_row(d) for d in docs]
    charts = {
        "category": stacked_bars([(f"{c} {IUIS_TABLES.get(c, '')}".strip(), n) for c, n in categories], statuses,
                                 title="Status by suspected IUIS category"),
        "genes": stacked_bars(gene_rows[:25], ["positive", "inconclusive"], title="Findings by gene"),
        "records": histogram([r["records"] for r in qc_rows if r["records"] is not None and r["status"] != "failed"],
                             title="Records in the panel regions per case", unit="records"),
    }
    return _env().get_template("cohort.html").render(
        docs=docs, summary=summary, counts=counts, total=len(docs), analysed=analysed,
        yield_pct=_pct(counts["positive"], analysed), by_category=categories, genes=gene_rows,
        statuses=statuses, qc_rows=qc_rows, charts=charts, pct=_pct, iuis_tables=IUIS_TABLES,
    )


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
