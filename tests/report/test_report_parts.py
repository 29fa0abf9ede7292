"""The report's parts on small results: TSV cells (formula-safe), the cohort rows, plain words (the result
sentence of each status), the SVG charts (labels escaped) and the PDF writer (no URL fetched). Rendering the
whole demo is in test_golden.py (one case) and test_case_report.py (what each case's report says)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pidtriage.models import AcmgClass, Criterion, Finding, Outcome, Status, Strength, VariantKey
from pidtriage.report.svg import case_bars, stacked_bars
from pidtriage.report.tables import Column, candidates_tsv, no_known_defect_tsv, summary_row, table
from pidtriage.report.wording import criterion_words, frequency_words, phenotype_words, result_sentence
from pidtriage.result.case_result import (
    CandidateResult,
    CaseResult,
    CaseSection,
    FindingResult,
    HpoFitResult,
    PhenotypeMatchResult,
    PhenotypeSection,
    Provenance,
    ScopeSection,
    TermResult,
    read_result,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden/demo/cases"
KEY = VariantKey("chr11", 36592879, "C", "T")


def _doc(case: str) -> CaseResult:
    return read_result(GOLDEN / case / "triage.json")


def _case(sid: str, status: Status, *, reason: str = "a reason", **fields: object) -> CaseResult:
    flag = None if status == Status.FAILED else status != Status.POSITIVE
    return CaseResult(case=CaseSection(sample_id=sid, suspected_category=("1",)), status=status, reason=reason,
                      no_known_defect=flag, provenance=Provenance(panel_genes=505), next_steps=("do this",),
                      **fields)  # type: ignore[arg-type]


def _single_het(cls: AcmgClass = AcmgClass.P, *, clinvar: str = "") -> CaseResult:
    """An inconclusive case: one heterozygous variant in RAG2 (recessive)."""
    finding = FindingResult(gene="RAG2", finding=Finding.AR_SINGLE_HET, level=Status.INCONCLUSIVE, variants=(KEY,),
                            classes=(cls,))
    cand = CandidateResult(rank=1, gene="RAG2", chrom=KEY.chrom, pos=KEY.pos, ref=KEY.ref, alt=KEY.alt, acmg_class=cls,
                           reportable=bool(clinvar) or cls.is_pathogenic, clinvar=clinvar)
    return _case("P05", Status.INCONCLUSIVE, findings=(finding,), candidates=(cand,))


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
    row = summary_row(_case("P07", Status.FAILED, reason="P07.vcf.gz: truncated"))
    # failed before its calls were read: its sample QC did not run (not "failed": the QC found nothing wrong)
    assert row.status == "failed" and row.qc == "not run" and row.no_known_defect is None
    assert row.top_variant is None and row.reason == "P07.vcf.gz: truncated"
    assert table((Column("no_known_defect", lambda r: r.no_known_defect),), [row]).splitlines()[1] == "."


def test_no_known_defect_lists_only_flagged_cases() -> None:
    cases = [_case(sid, status) for sid, status in (("P01", Status.POSITIVE), ("P05", Status.INCONCLUSIVE),
                                                    ("P06", Status.NEGATIVE), ("P07", Status.FAILED))]
    lines = no_known_defect_tsv(cases).splitlines()
    assert lines[0].split("\t") == ["sample_id", "status", "reason", "suspected_category", "next_steps"]
    assert [line.split("\t")[:2] for line in lines[1:]] == [["P05", "inconclusive"], ["P06", "negative"]]


def test_criterion_and_frequency_words() -> None:
    words = criterion_words(Criterion("PM2_Supporting", Outcome.MET, Strength.SUPPORTING, 1, ""))
    assert words == ("absent or extremely rare in the general population (PM2_Supporting, supporting evidence for "
                     "pathogenicity)")
    assert "evidence against" in criterion_words(Criterion("BS2", Outcome.MET, Strength.STRONG, -4, ""))
    assert frequency_words(None, True) == "not checked"
    assert frequency_words(0.0, True) == frequency_words(None, False) == "not seen in the population resource"
    assert frequency_words(0.001, True) == "0.001 (about 1 in 1,000 alleles)"


def test_the_result_sentence_of_a_failed_case_keeps_paths_and_settings_for_the_appendix() -> None:
    failed = _case("P07", Status.FAILED, reason="/data/run1/P07.vcf.gz: truncated; set resources.clinvar.vcf")
    assert result_sentence(failed) == ("The sample could not be analysed: P07.vcf.gz: truncated. The laboratory's "
                                       "bioinformatician has the fix (technical appendix).")


def test_the_result_sentence_of_a_positive_case_names_gene_disease_and_classes() -> None:
    sentence = result_sentence(_doc("P03"))
    assert sentence.startswith("A genetic finding in DCLRE1C (DCLRE1C (Artemis) deficiency (OMIM:602450); IUIS "
                               "table 1: immunodeficiencies affecting cellular and humoral immunity): two different "
                               "changes, one on each copy of the gene")
    assert "the variant(s) are likely pathogenic and pathogenic." in sentence


def test_the_result_sentence_of_an_inconclusive_case_is_no_diagnosis() -> None:
    assert result_sentence(_single_het()) == (
        "No confirmed genetic diagnosis. A possible finding needs review in RAG2: one changed copy of a recessive "
        "gene: on its own this usually makes a carrier; the variant(s) are pathogenic.")


def test_a_vus_reportable_on_clinvars_word_says_so_and_asks_the_lab_to_confirm() -> None:
    sentence = result_sentence(_single_het(AcmgClass.VUS, clinvar="Pathogenic (2 stars)"))
    assert sentence.endswith("the variant(s) are reported in ClinVar as Pathogenic (2 stars) (automated evidence: of "
                             "uncertain significance; the laboratory is to confirm the classification).")


def test_the_result_sentence_of_a_negative_case() -> None:
    scope = ScopeSection(summary="full", genes_total=505, genes_assessed=505)
    negative = _case("P06", Status.NEGATIVE, scope=scope)
    assert result_sentence(negative) == ("No causative variant was identified in the 505 panel genes. This does not "
                                         "rule out a genetic cause: see what this test cannot see and the next steps "
                                         "below.")
    part = dataclasses.replace(negative, scope=dataclasses.replace(scope, genes_assessed=62))
    assert "in the 62 of the 505 panel genes that could be assessed." in result_sentence(part)
    negative = dataclasses.replace(negative, scope=dataclasses.replace(scope, limits=("no consequence annotation",)))
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
    assert _doc("P03").candidates[0].chrom == "chr10" and summary_row(_doc("P03")).top_variant == "10:14935462:C:T"


def test_phenotype_words_never_count_an_absent_feature_as_a_fit() -> None:
    """An excluded term the disease rarely shows has a factor a little above 1: it is neither listed among the
    features that fit (the patient does not have it) nor left out silently; a factor far from 1 is said with the
    word "absent" on the side it argues for."""
    terms = (TermResult(label="Polyarticular arthritis", lr=23.7), TermResult(label="Oral ulcer", lr=0.6),
             TermResult(label="Diarrhea", observed=False, lr=0.82), TermResult(label="Myalgia", observed=False, lr=1.02),
             TermResult(label="Biliary tract abnormality", observed=False, lr=1.01),
             TermResult(label="Eczema", observed=False, lr=1.3))
    match = PhenotypeMatchResult(hpo=HpoFitResult(score=1.3, gene_annotated=True, disease_name="D", terms=terms),
                                 score=1.3)
    words = phenotype_words(match, PhenotypeSection(hpo_release="2025-11-24"))
    assert words.startswith("fits D: Polyarticular arthritis (x24), Eczema absent (x1.3); ")
    assert "against: Oral ulcer (x0.6), Diarrhea absent (x0.82); " in words
    assert "2 other term(s) neither for nor against (x0.95 to x1.05)" in words
    assert "Myalgia" not in words and words.endswith("(phenotype likelihood ratio x20)")


def test_a_single_het_in_a_gene_panelapp_calls_monoallelic_is_not_called_usually_a_carrier() -> None:
    """ITPR3 (AR in IUIS 2024, monoallelic or biallelic in PanelApp 398): the table row says it may be the cause."""
    from pidtriage.report.wording import candidate_finding_words

    itpr3 = CandidateResult(gene="ITPR3", finding=Finding.AR_SINGLE_HET, monoallelic_reported=True)
    rag1 = CandidateResult(gene="RAG1", finding=Finding.AR_SINGLE_HET)
    assert candidate_finding_words(rag1) == "one changed copy of a recessive gene: on its own this usually makes a carrier"
    assert "usually" not in candidate_finding_words(itpr3) and "so it may be the cause" in candidate_finding_words(itpr3)
