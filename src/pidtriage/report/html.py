"""HTML reports through Jinja2 with autoescaping: text from a VCF, the panel or a resource never becomes markup."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

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


def _env() -> Environment:
    env = Environment(loader=PackageLoader("pidtriage", "report/templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["af"] = lambda v: "." if v is None else ("absent" if v == 0 else f"{v:.2g}")
    env.filters["plain"] = criterion_words
    env.filters["finding_words"] = finding_words
    env.globals["frequency_words"] = frequency_words
    env.globals["iuis_tables"] = IUIS_TABLES
    return env


def render_case(doc: Mapping[str, Any]) -> str:
    findings = [c for c in doc["candidates"] if c["meets_inheritance"] and c["acmg_class"] in ("P", "LP")
                and doc["status"] == "positive"]
    keys = {f"{c['chrom']}:{c['pos']}:{c['ref']}:{c['alt']}" for c in findings}
    others = [c for c in doc["candidates"] if f"{c['chrom']}:{c['pos']}:{c['ref']}:{c['alt']}" not in keys]
    return _env().get_template("case.html").render(doc=doc, headline=HEADLINE[doc["status"]], findings=findings,
                                                    others=others, sentence=result_sentence(doc))


def render_cohort(docs: Sequence[Mapping[str, Any]], summary: Sequence[Mapping[str, Any]]) -> str:
    counts = Counter(d["status"] for d in docs)
    analysed = sum(v for k, v in counts.items() if k != "failed")
    yield_pct = f"{100 * counts['positive'] / analysed:.0f}%" if analysed else "n/a"
    by_category: dict[str, Counter[str]] = {}
    for d in docs:
        for cat in d["case"]["suspected_category"] or ["not given"]:
            by_category.setdefault(cat, Counter())[d["status"]] += 1
    genes = Counter(g for row in summary if row["status"] == "positive" for g in row["genes"])
    return _env().get_template("cohort.html").render(
        docs=docs, summary=summary, counts=counts, total=len(docs), yield_pct=yield_pct,
        by_category=sorted(by_category.items()), genes=genes.most_common(),
        statuses=["positive", "inconclusive", "negative", "failed"],
    )
