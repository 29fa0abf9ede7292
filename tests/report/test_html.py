"""The cohort dashboard's counts (report/html._cohort_counts), on small documents."""

from __future__ import annotations

from collections import Counter

from builders import result_of
from pidtriage.report.html import _cohort_counts


def _doc(sid: str, status: str, categories: list[str], genes: list[str]) -> dict:
    return {"case": {"sample_id": sid, "suspected_category": categories}, "status": status,
            "findings": [{"gene": g, "level": status} for g in genes]}


def test_statuses_by_category_and_gene():
    docs = [_doc("A", "positive", ["3", "1"], ["BTK", "BTK"]), _doc("B", "failed", [], []),
            _doc("C", "inconclusive", ["10"], ["RAG1", "BTK"]), _doc("D", "negative", ["1"], [])]
    categories, genes = _cohort_counts([result_of(d) for d in docs])
    # a case counts once in each of its categories, numeric order, "not given" last
    assert categories == [("1", Counter({"positive": 1, "negative": 1})), ("3", Counter({"positive": 1})),
                          ("10", Counter({"inconclusive": 1})), ("not given", Counter({"failed": 1}))]
    # a gene counts once per case, most cases first
    assert genes == [("BTK", Counter({"positive": 1, "inconclusive": 1})), ("RAG1", Counter({"inconclusive": 1}))]


def test_empty_cohort():
    assert _cohort_counts([]) == ([], [])
