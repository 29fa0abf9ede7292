"""The counsellor's report of each demo case, by what it must say (the golden files keep one case, P03, whole):
the headline and the result sentence of each status and kind of finding, the sections a status shows, the next
steps. One case per test, read from the demo run (the README's `make demo`)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.workflow


def _report(results: Path, case: str) -> tuple[str, str, list[str], list[str]]:
    """(headline, result sentence, section headings, next steps) of a case's report.html, as text."""
    page = (results / "cases" / case / "report.html").read_text()
    headline = re.search(r'<span class="badge [a-z]+">(.*?)</span>', page)
    sentence = re.search(r'<div class="result">(.*?)</div>', page, re.S)
    steps = re.search(r"<h2>Recommended next steps</h2>\s*<ul>(.*?)</ul>", page, re.S)
    assert headline and sentence and steps, case
    return (html.unescape(headline.group(1)), html.unescape(sentence.group(1)),
            re.findall(r"<h2>(.*?)</h2>", page), [html.unescape(s) for s in re.findall(r"<li>(.*?)</li>", steps.group(1))])


@pytest.mark.parametrize(("case", "gene", "words", "family_step"), [
    ("P01", "BTK", "the single X-chromosome copy of a male is changed, as expected for an X-linked condition",
     "BTK: test the mother for carrier status"),
    ("P02", "RAG1", "both copies carry the same change, as expected for a recessive condition",
     "RAG1: test both parents to confirm that each carries the variant"),
    ("P04", "NFKB1", "one copy changed, new in the patient (absent from both parents), as expected for a dominant "
     "condition", "NFKB1: counsel the parents: the recurrence risk is low but not zero"),
])
def test_a_positive_report_names_the_finding_in_words_and_its_family_step(demo_results, case, gene, words,
                                                                          family_step):
    headline, sentence, sections, steps = _report(demo_results, case)
    assert headline == "A causative genetic finding was identified"
    assert sentence.startswith(f"A genetic finding in {gene} (") and f"): {words}; the variant(s) are pathogenic. " \
        "This can explain an inborn error of immunity of this type" in sentence
    assert sections[:3] == ["Reason for testing", "Result", "Finding"] and "Possible finding to review" not in sections
    assert steps[0].startswith(f"{gene}: confirm the variant(s) by an independent method") and \
        steps[1].startswith(family_step) and len(steps) == 2


def test_an_inconclusive_report_is_no_diagnosis_and_asks_for_the_second_hit(demo_results):
    headline, sentence, sections, steps = _report(demo_results, "P05")
    assert headline == "A possible finding needs review"
    assert sentence.startswith("No confirmed genetic diagnosis. A possible finding needs review in RAG2 (")
    assert sentence.endswith("one changed copy of a recessive gene: on its own this usually makes a carrier; the "
                             "variant(s) are pathogenic.")
    assert "Possible finding to review" in sections and "Finding" not in sections
    assert steps == [s for s in steps if s]  # no empty item
    assert steps[0].startswith("RAG2: look for a second variant on the other copy: CNV analysis (exon deletions)")
    assert steps[-2:] == ["Review the finding(s) with the clinical team.",
                          "Reanalyse when the gene panel or ClinVar is updated."]
    page = (demo_results / "cases/P05/report.html").read_text()
    assert "Flagged for review: no known genetic defect found." in page


def test_a_negative_report_of_limited_scope_says_so_first(demo_results):
    headline, sentence, sections, steps = _report(demo_results, "P06")
    assert headline == "No known genetic defect found"
    assert sentence.startswith("Negative within a limited scope (only ClinVar-known variants could be assessed (no "
                               "consequence annotation in the VCF); 501 of the 505 panel genes not assessed")
    assert "This does not rule out a genetic cause" in sentence
    assert sections[2:6] == ["Other variants of note", "Genes assessed", "What this test cannot see",
                             "Recommended next steps"]
    assert steps[0] == "No causative variant was identified in the panel genes: this does not exclude a genetic cause."
    assert steps[1].startswith("Only variants known to ClinVar could be assessed: annotate the VCF with VEP or snpEff")


def test_a_failed_report_names_the_file_and_shows_no_result_sections(demo_results):
    headline, sentence, sections, steps = _report(demo_results, "P07")
    assert headline == "Could not be analysed"
    assert sentence == ("The sample could not be analysed: P07.vcf.gz: the bgzip file is truncated (no end-of-file "
                        "block); copy or export it again. The laboratory's bioinformatician has the fix (technical "
                        "appendix).")
    assert not {"Genes assessed", "Other variants of note", "What this test cannot see"} & set(sections)
    assert steps == ["Fix the input named in the reason and rerun; the case has not been analysed."]


def test_every_demo_result_reads_into_the_model_and_writes_back_unchanged(demo_results):
    """The typed model (result/case_result.py) holds every key of every demo case's triage.json."""
    import json

    from pidtriage.io.jsonio import to_jsonable
    from pidtriage.result.case_result import read_result

    for path in sorted(demo_results.glob("cases/*/triage.json")):
        text = path.read_text()
        assert json.dumps(to_jsonable(read_result(path)), indent=2, ensure_ascii=False) + "\n" == text, path
