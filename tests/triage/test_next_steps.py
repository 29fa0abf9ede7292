"""The next steps of pidtriage.triage.next_steps (its docstring is the rule table), one situation per test: which step a
status and a finding give, with the gene's name, and what is added for low-quality calls and genes below the
coverage threshold."""

from __future__ import annotations

from builders import genes, gt, variant
from pidtriage.acmg.classify import Classification
from pidtriage.models import AcmgClass, Finding, Outcome, QcCheck, Status
from pidtriage.triage.decision import Scope
from pidtriage.triage.findings import Candidate, GeneFinding
from pidtriage.triage.next_steps import next_steps, second_hit_plausible
from pidtriage.triage.phenotype import PhenotypeMatch

FULL = Scope("input: VEP CSQ", records_with_consequence=10, clinvar="clinvar.vcf.gz", population="gnomad.vcf.gz")


def candidate(symbol: str, cls: AcmgClass = AcmgClass.P, *, reportable: str = "automated ACMG/AMP P",
              phenotype: PhenotypeMatch | None = None, qc_failed: bool = False) -> Candidate:
    g = genes()[symbol]
    qc = (QcCheck("GQ", Outcome.NOT_MET if qc_failed else Outcome.MET, "12", "20", "GQ 12"),)
    return Candidate(variant(symbol, 1000, [gt("kid", "0/1")]), g, Classification(cls, 10, ()), qc, Finding.NONE,
                     g.moi, True, "", phenotype or PhenotypeMatch(), reportable=reportable)


def finding(symbol: str, kind: Finding, level: Status, *variants: Candidate, meets: bool = True) -> GeneFinding:
    vs = variants or (candidate(symbol),)
    return GeneFinding(genes()[symbol], kind, vs[0].moi, vs, meets, level, "")


def steps(status: Status, *findings: GeneFinding, scope: Scope | None = FULL, parents: bool = False,
          below: tuple[str, ...] = (), low: tuple[Candidate, ...] = ()) -> list[str]:
    return next_steps(status, findings, scope=scope, parents_in_data=parents, coverage_below=below, low_quality=low)


def test_a_failed_case_is_to_be_fixed_and_rerun_nothing_else():
    assert steps(Status.FAILED, scope=None) == ["Fix the input named in the reason and rerun; the case has not been "
                                               "analysed."]


def test_a_positive_finding_is_confirmed_then_its_family_tested_by_its_kind():
    out = steps(Status.POSITIVE, finding("RAG1", Finding.AR_HOM, Status.POSITIVE))
    assert out[0].startswith("RAG1: confirm the variant(s) by an independent method (e.g. Sanger sequencing)")
    assert out[1] == ("RAG1: test both parents to confirm that each carries the variant (a homozygous call can hide "
                      "a deletion of the other copy) and offer carrier testing to relatives.")
    assert len(out) == 2


def test_each_kind_of_positive_finding_has_its_family_step():
    for kind, words in ((Finding.AR_COMPOUND_HET, "offer carrier testing to relatives"),
                        (Finding.XL_HEMI, "test the mother for carrier status"),
                        (Finding.DE_NOVO, "recurrence risk is low but not zero (germline mosaicism)"),
                        (Finding.AD_HET, "bearing in mind reduced penetrance")):
        assert words in steps(Status.POSITIVE, finding("BTK", kind, Status.POSITIVE))[1], kind


def test_only_the_positive_findings_of_a_positive_case_give_steps():
    out = steps(Status.POSITIVE, finding("RAG1", Finding.AR_HOM, Status.POSITIVE),
                finding("BTK", Finding.XL_HET_FEMALE, Status.INCONCLUSIVE))
    assert not [s for s in out if s.startswith("BTK")]


def test_a_single_het_with_a_fitting_picture_asks_for_a_second_hit():
    fits = candidate("RAG1", phenotype=PhenotypeMatch(category=True))
    assert second_hit_plausible(fits)
    out = steps(Status.INCONCLUSIVE, finding("RAG1", Finding.AR_SINGLE_HET, Status.INCONCLUSIVE, fits))
    assert out[0].startswith("RAG1: look for a second variant on the other copy: CNV analysis (exon deletions)")
    assert out[-2:] == ["Review the finding(s) with the clinical team.", "Reanalyse when the gene panel or ClinVar "
                                                                         "is updated."]


def test_a_single_het_without_a_fitting_picture_is_most_likely_a_carrier():
    plain = candidate("RAG1")
    assert not second_hit_plausible(plain)
    out = steps(Status.INCONCLUSIVE, finding("RAG1", Finding.AR_SINGLE_HET, Status.INCONCLUSIVE, plain))
    assert out[0] == ("RAG1: one heterozygous variant, most likely a carrier; pursue a second hit only if the clinical "
                      "picture fits RAG1.")


def test_a_single_het_that_is_not_reportable_never_asks_for_a_second_hit():
    assert not second_hit_plausible(candidate("RAG1", AcmgClass.VUS, reportable="",
                                              phenotype=PhenotypeMatch(category=True)))


def test_an_unphased_pair_asks_for_the_parents_or_for_long_reads_when_they_were_in_the_data():
    pair = finding("DCLRE1C", Finding.AR_POSSIBLE_COMPOUND_HET, Status.INCONCLUSIVE)
    assert steps(Status.INCONCLUSIVE, pair)[0].startswith("DCLRE1C: test the parents to establish whether")
    assert "long-read sequencing or cloning" in steps(Status.INCONCLUSIVE, pair, parents=True)[0]


def test_a_female_het_in_an_x_linked_gene_is_usually_a_carrier():
    out = steps(Status.INCONCLUSIVE, finding("BTK", Finding.XL_HET_FEMALE, Status.INCONCLUSIVE, meets=False))
    assert out[0].startswith("BTK: a female heterozygous for an X-linked variant is usually a carrier")


def test_a_vus_that_meets_the_inheritance_asks_for_segregation_and_function():
    vus = candidate("NFKB1", AcmgClass.VUS, reportable="")
    out = steps(Status.INCONCLUSIVE, finding("NFKB1", Finding.AD_HET, Status.INCONCLUSIVE, vus))
    assert out[0].startswith("NFKB1: the variant(s) are of uncertain significance: segregation")


def test_a_call_below_the_quality_thresholds_is_to_be_confirmed():
    weak = candidate("NFKB1", qc_failed=True)
    out = steps(Status.INCONCLUSIVE, finding("NFKB1", Finding.AD_HET, Status.INCONCLUSIVE, weak))
    assert "NFKB1: the call quality is below the thresholds: confirm the variant(s)" in out[0]


def test_genes_below_the_coverage_threshold_are_named_in_an_inconclusive_case():
    out = steps(Status.INCONCLUSIVE, finding("BTK", Finding.XL_HET_FEMALE, Status.INCONCLUSIVE), below=("RAG1", "BTK"))
    assert "Genes not assessable at this coverage (2): a second variant or another cause may have been missed" in out[1]


def test_a_negative_case_of_full_scope_lists_what_else_to_do():
    out = steps(Status.NEGATIVE)
    assert out[0] == "No causative variant was identified in the panel genes: this does not exclude a genetic cause."
    assert [s.split(" ")[1] for s in out[1:]] == ["CNV", "exome", "functional", "when"]


def test_a_negative_case_says_how_to_lift_what_limited_it():
    clinvar_only = Scope("none in the input", records_with_consequence=0, clinvar="clinvar.vcf.gz", population="")
    out = steps(Status.NEGATIVE, scope=clinvar_only, below=tuple(f"G{i}" for i in range(25)))
    assert out[1].startswith("Only variants known to ClinVar could be assessed: annotate the VCF with VEP or snpEff")
    assert out[2] == ("Population frequencies were not checked (no population resource such as gnomAD was given): "
                      "the laboratory can add one and rerun.")  # the counsellor's words: no config key
    assert "(25): G0, G1" in out[3] and "G19 and 5 more" in out[3]


def test_low_quality_calls_add_a_step_whatever_the_status():
    low = (candidate("RAG1"), candidate("RAG1"), candidate("BTK"))
    for status in (Status.POSITIVE, Status.INCONCLUSIVE, Status.NEGATIVE):
        out = steps(status, low=low)
        assert out[-1].startswith("Confirm the low-quality call(s) in RAG1, BTK by another method"), status
    assert steps(Status.FAILED, scope=None, low=low) == steps(Status.FAILED, scope=None)


def test_a_step_is_said_once():
    twice = finding("RAG1", Finding.AR_HOM, Status.POSITIVE)
    out = steps(Status.POSITIVE, twice, twice)
    assert len(out) == len(set(out)) == 2


def test_a_single_het_in_a_gene_panelapp_calls_monoallelic_too_is_not_dismissed_as_a_carrier():
    """ITPR3 is AR in IUIS 2024 and 'BOTH monoallelic and biallelic' in PanelApp 398 (de novo dominant patients
    published since): one heterozygous variant may be the cause. RAG1 (AR in both) keeps the carrier wording."""
    itpr3 = steps(Status.INCONCLUSIVE, finding("ITPR3", Finding.AR_SINGLE_HET, Status.INCONCLUSIVE, meets=False))
    assert itpr3[0] == ("ITPR3: PanelApp also reports disease from a single changed copy of ITPR3: compare the "
                        "patient with that form, test the parents (a de novo variant would support it), and look for "
                        "a second variant as for a recessive disease.")
    rag1 = steps(Status.INCONCLUSIVE, finding("RAG1", Finding.AR_SINGLE_HET, Status.INCONCLUSIVE, meets=False))
    assert "most likely a carrier" in rag1[0]
