"""The status decisions of issue #15 (triage/decision.py, triage/judge.py): known-pathogenic ClinVar variants, call quality,
the disease entry's mechanism, the scope of what could be assessed. One situation per test."""

from __future__ import annotations

import dataclasses

import pytest

from builders import case, family_from_ped, genes, gt, reason, variant
from pidtriage.config import load_config
from pidtriage.models import AcmgClass, ClinVarRecord, Finding, PopulationFrequency, Status
from pidtriage.triage.decision import Scope, VariantEvidence, case_status, finding_level
from pidtriage.triage.judge import triage_case

STARS0 = load_config(overrides={"resources": {"clinvar": {"min_review_stars": 0}}}).values
DEFAULT = load_config().values


def judge(variants, tmp_path, *, thresholds=STARS0, scope=None, ped="fam kid 0 0 1 2"):
    family, sex = family_from_ped(tmp_path, ped, "kid")
    panel = {g.hgnc_id: g for g in genes().values()}
    return triage_case(variants, case=case("kid", sex), family=family, sex=sex, panel_genes=panel,
                       thresholds=thresholds, scope=scope)


def pathogenic_missense(symbol, genotype, *, stars=2, significance="Pathogenic", conflicts="", af=None):
    v = variant(symbol, 1000, [gt("kid", genotype)], kind="missense")
    pop = PopulationFrequency(af=af, an=150000, found=af is not None) if af is not None else v.population
    cv = ClinVarRecord(significance, stars, "criteria provided, multiple submitters, no conflicts", "a disease",
                       "12345", conflicts)
    return dataclasses.replace(v, clinvar=cv, population=pop)


# --- known pathogenic variants -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("symbol", "genotype"), [("NFKB1", "0/1"), ("RAG1", "1/1"), ("CXCR4", "0/1")])
def test_clinvar_pathogenic_missense_in_the_right_genotype_is_positive(tmp_path, symbol, genotype):
    """A rare ClinVar P missense with no in-silico score is a VUS by points (PM2_P + ClinVar 2 = 3): it is
    reportable on ClinVar's word, so the case is positive and both classes are recorded."""
    r = judge([pathogenic_missense(symbol, genotype)], tmp_path)
    c = r.candidates[0]
    assert c.classification.acmg_class == AcmgClass.VUS and c.classification.points == 3
    assert c.reportable == "ClinVar Pathogenic, 2 review star(s) >= 0, no conflict"
    assert r.status == Status.POSITIVE and "VUS; ClinVar Pathogenic" in reason(r)


def test_clinvar_assertion_below_the_review_stars_threshold_is_not_reportable(tmp_path):
    r = judge([pathogenic_missense("NFKB1", "0/1", stars=0)], tmp_path, thresholds=DEFAULT)
    assert not r.candidates[0].reportable and r.status == Status.INCONCLUSIVE  # a VUS meeting AD


def test_conflicting_clinvar_is_not_reportable(tmp_path):
    cv = pathogenic_missense("NFKB1", "0/1", conflicts="Pathogenic(2); Uncertain significance(1)")
    assert not judge([cv], tmp_path).candidates[0].reportable


def test_clinvar_pathogenic_contradicted_by_frequency_is_not_reportable(tmp_path):
    common = pathogenic_missense("NFKB1", "0/1", af=0.02)  # BS1 (> 0.01)
    r = judge([common], tmp_path)
    assert r.status != Status.POSITIVE
    assert all(not c.reportable for c in r.candidates)


def test_clinvar_pathogenic_single_het_in_a_recessive_gene_is_inconclusive(tmp_path):
    r = judge([pathogenic_missense("RAG1", "0/1")], tmp_path)
    assert r.status == Status.INCONCLUSIVE and r.findings[0].finding == Finding.AR_SINGLE_HET


# --- mechanism per disease entry -----------------------------------------------------------------------------------

def test_frameshift_gets_pvs1_only_for_the_loss_of_function_entry(tmp_path):
    """UNC93B1: AD gain of function and AR loss of function. A het null variant is judged under both: no PVS1
    for the AD GOF entry (a VUS), PVS1 for the AR LOF entry (a single het of an LP variant)."""
    v = variant("UNC93B1", 1000, [gt("kid", "0/1")])
    r = judge([v], tmp_path)
    by = {f.finding: f for f in r.findings}
    ar = by[Finding.AR_SINGLE_HET].variants[0].classification
    assert "PVS1" in ar.codes and ar.acmg_class == AcmgClass.LP
    ad = next(f for f in r.findings if f.finding == Finding.AD_HET).variants[0].classification
    pvs1 = next(x for x in ad.criteria if x.code == "PVS1")
    assert pvs1.outcome == "not_met" and "mechanism here is GOF" in pvs1.explanation
    assert r.status == Status.INCONCLUSIVE


# --- call quality gates findings -------------------------------------------------------------------------------------

def _call(**changes):
    return dataclasses.replace(gt("kid", "0/1"), **changes)


@pytest.mark.parametrize(("changes", "flag"), [
    ({"ad": (15, 0)}, "ALT_READS"),  # no read with the alternate allele
    ({"gq": 3}, "GQ"),  # below hard_min_gq 10
    ({"ad": (28, 2)}, "AB"),  # balance 0.07 < 0.1
])
def test_hard_qc_failure_is_never_a_finding(tmp_path, changes, flag):
    v = variant("NFKB1", 1000, [_call(**changes)])
    r = judge([v], tmp_path)
    assert r.status == Status.NEGATIVE and not r.findings and not r.candidates
    assert flag in r.low_quality[0].hard_qc_flags
    assert "call(s) the data do not support, not used as findings" in reason(r) and "NFKB1" in reason(r)


def test_filter_failure_is_a_hard_failure(tmp_path):
    v = variant("NFKB1", 1000, [gt("kid", "0/1")])
    v = dataclasses.replace(v, variant=dataclasses.replace(v.variant, filters=("LowQual",)))
    r = judge([v], tmp_path)
    assert r.status == Status.NEGATIVE and r.low_quality[0].hard_qc_flags == ["FILTER"]


def test_soft_qc_failure_makes_a_finding_need_confirmation(tmp_path):
    v = variant("NFKB1", 1000, [_call(gq=15, dp=8)])  # GQ 15 < 20 (but >= 10), DP 8 < 10
    r = judge([v], tmp_path)
    assert r.status == Status.INCONCLUSIVE and "calls fail QC (DP,GQ): confirm first" in reason(r)


def test_qc_explanations_at_their_thresholds(tmp_path):
    from pidtriage.qc.genotype import genotype_checks

    qc = load_config().values["qc"]
    checks = {c.name: c for c in genotype_checks(variant("NFKB1", 1, []).variant,
                                                 _call(gq=10, ad=(9, 1)), qc, haploid=False)}
    assert checks["GQ"].explanation == "GQ 10 < 20" and not checks["GQ"].hard
    assert checks["AB"].explanation == "het allele balance 0.10 outside 0.2-0.8" and not checks["AB"].hard
    assert checks["ALT_READS"].explanation == "1 read(s) with the alternate allele >= 1"
    checks = {c.name: c for c in genotype_checks(variant("NFKB1", 1, []).variant,
                                                 _call(gq=9, ad=(10, 0)), qc, haploid=False)}
    assert checks["GQ"].explanation == "GQ 9 < 20 (and < 10: not usable)" and checks["GQ"].hard
    assert checks["ALT_READS"].hard


# --- scope: nothing assessable is failed, never negative ---------------------------------------------------------------

def test_no_consequence_and_no_clinvar_is_failed(tmp_path):
    scope = Scope("none in the input", records_in_panel_regions=999, vcf="manuel.vcf.gz")
    r = judge([], tmp_path, scope=scope)
    assert r.status == Status.FAILED
    assert reason(r).startswith("manuel.vcf.gz: no variant could be assessed") and "VEP or snpEff" in reason(r)


def test_clinvar_only_negative_says_its_scope(tmp_path):
    scope = Scope("none in the input", records_in_panel_regions=999, clinvar="clinvar.vcf.gz", population="g.vcf.gz")
    r = judge([], tmp_path, scope=scope)
    assert r.status == Status.NEGATIVE
    assert scope.summary() == "limited: only ClinVar-known variants could be assessed (no consequence annotation in the VCF)"
    assert "limited scope: only ClinVar-known variants" in reason(r)


def test_full_scope():
    scope = Scope("input: VEP CSQ", 10, 10, clinvar="c.vcf.gz", population="g.vcf.gz")
    assert scope.summary() == "full" and scope.assessable


# --- the status table itself ----------------------------------------------------------------------------------------

def _ev(cls, reportable=None, qc_ok=True, freq=True):
    return VariantEvidence(AcmgClass(cls), cls in ("P", "LP") if reportable is None else reportable, qc_ok, freq)


@pytest.mark.parametrize(("finding", "meets", "variants", "level"), [
    (Finding.AD_HET, True, [_ev("LP")], Status.POSITIVE),
    (Finding.AD_HET, True, [_ev("VUS", reportable=True)], Status.POSITIVE),  # ClinVar P/LP
    (Finding.AD_HET, True, [_ev("VUS")], Status.INCONCLUSIVE),
    (Finding.AD_HET, True, [_ev("P", qc_ok=False)], Status.INCONCLUSIVE),
    (Finding.AD_HET, True, [_ev("P", freq=False)], Status.INCONCLUSIVE),
    (Finding.AR_SINGLE_HET, False, [_ev("P")], Status.INCONCLUSIVE),
    (Finding.AR_SINGLE_HET, False, [_ev("VUS")], Status.NEGATIVE),
    (Finding.AR_POSSIBLE_COMPOUND_HET, False, [_ev("P"), _ev("VUS")], Status.INCONCLUSIVE),
    (Finding.AR_COMPOUND_HET, True, [_ev("P"), _ev("LP")], Status.POSITIVE),
    (Finding.AR_COMPOUND_HET, True, [_ev("P"), _ev("VUS")], Status.INCONCLUSIVE),
    (Finding.AD_HET, True, [_ev("LB")], Status.NEGATIVE),
])
def test_finding_level(finding, meets, variants, level):
    assert finding_level(finding, meets, variants) == level


def test_vus_carried_by_an_unaffected_parent_is_listed_not_reportable():
    assert finding_level(Finding.AD_HET, True, [_ev("VUS")], unaffected_carrier=True) == Status.NEGATIVE


def test_case_status():
    assert case_status([Status.NEGATIVE, Status.INCONCLUSIVE, Status.POSITIVE]) == Status.POSITIVE
    assert case_status([Status.INCONCLUSIVE]) == Status.INCONCLUSIVE
    assert case_status([]) == Status.NEGATIVE
    assert case_status([Status.POSITIVE], failure="x.vcf: truncated") == Status.FAILED
    assert case_status([], scope=Scope("none")) == Status.FAILED


def test_an_sv_finding_stands_when_the_small_variants_could_not_be_assessed():
    """SV calls never make a case negative when its small variants could not be judged (no consequence annotation,
    no ClinVar); a finding they make still sets the status, and the scope says what was not assessed."""
    from pidtriage.models import Status
    from pidtriage.triage.decision import Scope, case_status

    sv_only = Scope("none", structural="case.sv.vcf.gz")
    assert not sv_only.assessable
    assert case_status([], scope=sv_only) == Status.FAILED
    assert case_status([Status.POSITIVE], scope=sv_only) == Status.POSITIVE
    assert case_status([Status.INCONCLUSIVE], scope=sv_only) == Status.INCONCLUSIVE
    assert "small variants not assessed" in sv_only.summary()
