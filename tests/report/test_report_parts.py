"""The report's parts on small documents: TSV cells (formula-safe), the cohort rows, plain words, the SVG charts
(labels escaped) and the PDF writer (no URL fetched). Rendering the whole demo is in test_golden.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pidtriage.models import Criterion, Outcome, Strength
from pidtriage.report.svg import case_bars, stacked_bars
from pidtriage.report.tables import Column, candidates_tsv, no_known_defect_tsv, summary_row, table
from pidtriage.report.wording import criterion_words, frequency_words, result_sentence
from pidtriage.result.case_result import CaseResult, read_result

GOLDEN = Path(__file__).resolve().parents[1] / "golden/demo/cases"


def _doc(case: str) -> CaseResult:
    return read_result(GOLDEN / case / "triage.json")


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1+1", "'+1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-5", "-5"),
    ("-0.3e-2", "-0.3e-2"), ("a\tb\nc", "a b c"), ("", "."), (None, "."), (True, "yes"), (0.000123456789, "0.000123457"),
    (["PVS1", "PM2"], "PVS1,PM2"),
])
def test_tsv_cells(value: object, cell: str) -> None:
    assert table((Column("x", lambda v: v),), [value]).splitlines()[1] == cell


def test_candidates_tsv_has_one_row_per_candidate() -> None:
    doc = _doc("P03")
    rows = candidates_tsv(doc).splitlines()
    assert len(rows) == 1 + len(doc.candidates) == 3


def test_summary_row_of_a_failed_case() -> None:
    row = summary_row(_doc("P07"))
    # P07 failed before its calls were read: its sample QC did not run (not "failed": the QC found nothing wrong)
    assert row.status == "failed" and row.qc == "not run" and row.no_known_defect is None
    assert row.top_variant is None and row.reason


def test_no_known_defect_lists_only_flagged_cases() -> None:
    text = no_known_defect_tsv([_doc(c) for c in ("P01", "P05", "P06", "P07")])
    assert [line.split("\t")[0] for line in text.splitlines()[1:]] == ["P05", "P06"]


def test_criterion_and_frequency_words() -> None:
    words = criterion_words(Criterion("PM2_Supporting", Outcome.MET, Strength.SUPPORTING, 1, ""))
    assert words == "absent or extremely rare in the general population (PM2_Supporting, supporting evidence for)"
    assert "evidence against" in criterion_words(Criterion("BS2", Outcome.MET, Strength.STRONG, -4, ""))
    assert frequency_words(None, True) == "not checked"
    assert frequency_words(0.0, True) == frequency_words(None, False) == "not seen in the population resource"
    assert frequency_words(0.001, True) == "0.001 (about 1 in 1,000 alleles)"


def test_result_sentence_per_status() -> None:
    assert result_sentence(_doc("P07")).startswith("The sample could not be analysed: ")
    assert result_sentence(_doc("P03")).startswith("A genetic finding in DCLRE1C")
    assert result_sentence(_doc("P05")).startswith("No confirmed genetic diagnosis. A possible finding needs review")
    negative = _doc("P06")
    assert "does not rule out a genetic cause" in result_sentence(negative)
    negative = dataclasses.replace(negative, scope=dataclasses.replace(negative.scope,
                                                                       limits=("no consequence annotation",)))
    assert result_sentence(negative).startswith("Negative within a limited scope (no consequence annotation)")


def test_svg_charts_escape_labels_and_draw_nothing_for_no_data() -> None:
    svg = stacked_bars([("<script>alert(1)</script>", {"positive": 2, "negative": 1})], ["positive", "negative"],
                       title="by <gene>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "by &lt;gene&gt;" in svg
    assert svg.count("<rect") == 2 + 2  # two legend keys, two bar segments
    assert stacked_bars([], ["positive"], title="t") == ""
    long = "immunodeficiencies affecting cellular and humoral immunity"
    assert long in stacked_bars([(long, {"positive": 1})], ["positive"], title="t")  # full IUIS names
    bars = case_bars([("P2", 10.0, "negative"), ("P1", 5.0, "positive"), ("<b>P3</b>", None, "failed")],
                     title="Records", y_label="records in the panel")
    assert bars.count("<rect") == 3 and "records in the panel" in bars and "cases (3)" in bars
    assert "&lt;b&gt;P3&lt;/b&gt;: no value (failed) · failed" in bars  # failed cases shown, labels escaped
    assert bars.index("P3") < bars.index("P1: 5") < bars.index("P2: 10")  # sorted by value, failed first
    assert case_bars([], title="t", y_label="y") == ""


def test_pdf_writer_refuses_every_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pidtriage.report import pdf

    asked: list[str] = []
    refuse = pdf._no_fetch

    def spy(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        asked.append(url)
        return refuse(url)

    monkeypatch.setattr(pdf, "_no_fetch", spy)
    out = tmp_path / "r.pdf"
    png = tmp_path / "x.png"
    png.write_bytes(b"not fetched")
    pdf.write_pdf(f'<p>result</p><img src="{png.as_uri()}"><img src="http://example.invalid/y.png">', out)
    assert asked == [png.as_uri(), "http://example.invalid/y.png"]  # each refused; the page still renders
    assert out.read_bytes().startswith(b"%PDF") and sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf", "x.png"]


def test_candidates_tsv_has_what_a_bioinformatician_looks_for() -> None:
    rows = [dict(zip(*(line.split("\t") for line in pair), strict=True))
            for pair in [(candidates_tsv(_doc("P03")).splitlines()[0], line)
                         for line in candidates_tsv(_doc("P03")).splitlines()[1:]]]
    first = rows[0]
    # the demo's HGVS is ClinVar's, which names no transcript: no transcript, and no MANE RefSeq ID beside it
    # (it used to print the gene's MANE IDs beside any HGVS; issue #29)
    assert (first["transcript"], first["mane_select"], first["mane_refseq"]) == (".", "no", ".")
    assert first["clinvar"] == "Pathogenic (review status not given)" and first["clinvar_significance"] == "Pathogenic"
    assert first["family_genotypes"] == "P03=0/1;P03_F=0/1;P03_M=0/0" or "P03_F=" in first["family_genotypes"]
    for column in ("dp", "gq", "ad", "allele_balance", "clinvar_date", "population_faf", "population_nhomalt",
                   "scores", "phenotype_score", "clinvar_variation_id"):
        assert column in first, column
    assert first["clinvar_date"] == _doc("P03").provenance.clinvar_date


def test_cohort_files_use_the_panels_contig_naming() -> None:
    tops = [summary_row(_doc(c)).top_variant for c in ("P01", "P02", "P03")]
    assert all(t and not t.startswith("chr") for t in tops), tops
