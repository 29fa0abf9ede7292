"""Each inheritance model, one situation per test (genmod style: inline PED, one genotype row per variant),
judged by `triage_case` with the real panel's genes and the schema's default thresholds."""

from __future__ import annotations

from builders import case, family_from_ped, genes, gt, reason, variant
from pidtriage.config import load_config
from pidtriage.models import Finding, Sex, Status
from pidtriage.triage.judge import triage_case

TRIO = """
fam kid dad mum {kid_sex} 2
fam dad 0 0 1 {dad}
fam mum 0 0 2 {mum}
"""
THRESHOLDS = load_config(overrides={"resources": {"clinvar": {"min_review_stars": 0}}}).values


def trio(tmp_path, kid_sex="1", dad="1", mum="1", **kw):
    return family_from_ped(tmp_path, TRIO.format(kid_sex=kid_sex, dad=dad, mum=mum), "kid", **kw)


def judge(variants, family, sex):
    panel = {g.hgnc_id: g for g in genes().values()}
    return triage_case(variants, case=case(family.proband, sex), family=family, sex=sex, panel_genes=panel,
                       thresholds=THRESHOLDS)


def by_finding(result, symbol):
    return {f.finding: f for f in result.findings if f.gene.symbol == symbol}


# --- autosomal dominant (NFKB1: AD, loss of function) -----------------------------------------------------------

def test_ad_de_novo_with_checked_parentage_is_ps2(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/0", gq=99), gt("mum", "0/0", gq=99)])
    r = judge([v], fam, sex)
    assert r.status == Status.POSITIVE and r.findings[0].finding == Finding.DE_NOVO
    assert "PS2" in r.candidates[0].classification.codes


def test_ad_de_novo_with_assumed_parentage_is_pm6(tmp_path):
    fam, sex = trio(tmp_path, parentage_checked=False)
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/0", gq=99), gt("mum", "0/0", gq=99)])
    assert "PM6" in judge([v], fam, sex).candidates[0].classification.codes


def test_ad_low_gq_parent_is_not_de_novo(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/0", gq=5), gt("mum", "0/0", gq=99)])
    r = judge([v], fam, sex)
    assert r.findings[0].finding == Finding.AD_HET and "PS2" not in r.candidates[0].classification.codes


def test_ad_inherited_from_unaffected_parent_is_allowed_and_noted(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    f = judge([v], fam, sex).findings[0]
    assert f.finding == Finding.AD_HET and f.meets and f.level == Status.POSITIVE
    assert "unaffected father" in f.explanation and "reduced penetrance" in f.explanation


def test_ad_inherited_from_affected_parent_segregates(tmp_path):
    fam, sex = trio(tmp_path, mum="2")
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/1")])
    assert "affected mother: segregates" in judge([v], fam, sex).findings[0].explanation


def test_ad_affected_parent_without_the_variant_is_noted(tmp_path):
    fam, sex = trio(tmp_path, dad="2")
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/1")])
    assert "affected father does not carry it" in judge([v], fam, sex).findings[0].explanation


def test_ad_missing_parental_genotypes_leave_origin_unknown(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "./."), gt("mum", "./.")])
    f = judge([v], fam, sex).findings[0]
    assert f.finding == Finding.AD_HET and "parental origin unknown" in f.explanation


# --- autosomal recessive (RAG1: AR, loss of function) -----------------------------------------------------------

def test_ar_homozygous(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("RAG1", 1000, [gt("kid", "1/1"), gt("dad", "0/1"), gt("mum", "0/1")])
    r = judge([v], fam, sex)
    assert r.status == Status.POSITIVE and r.findings[0].finding == Finding.AR_HOM


def test_ar_homozygous_with_a_non_carrier_parent_suggests_deletion_or_upd(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("RAG1", 1000, [gt("kid", "1/1"), gt("dad", "0/0", gq=99), gt("mum", "0/1")])
    assert "uniparental disomy" in judge([v], fam, sex).findings[0].explanation


def test_ar_unaffected_homozygous_parent_argues_against(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("RAG1", 1000, [gt("kid", "1/1"), gt("dad", "1/1"), gt("mum", "0/1")])
    r = judge([v], fam, sex)
    c = r.candidates[0]
    assert c.finding == Finding.AR_HOM and not c.meets
    assert "the unaffected father is homozygous for it: argues against" in c.note
    # recorded as BS2 evidence naming the father; the null variant is no longer LP, and the case not positive
    bs2 = next(x for x in c.classification.criteria if x.code == "BS2")
    assert bs2.outcome == "met" and "unaffected father" in bs2.explanation
    assert r.status == Status.NEGATIVE and not r.findings


def test_ar_compound_het_in_trans_from_parents_gets_pm3(tmp_path):
    fam, sex = trio(tmp_path)
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/1")])
    r = judge([a, b], fam, sex)
    top = r.findings[0]
    assert r.status == Status.POSITIVE and top.finding == Finding.AR_COMPOUND_HET and len(top.variants) == 2
    assert all("PM3" in v.classification.codes for v in top.variants)


def test_ar_pair_in_cis_is_not_a_pair(tmp_path):
    fam, sex = trio(tmp_path)
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    r = judge([a, b], fam, sex)
    assert r.status == Status.INCONCLUSIVE
    assert {f.finding for f in r.findings} == {Finding.AR_SINGLE_HET}
    assert all("PM3" not in c.classification.codes for c in r.candidates)


def test_ar_pair_without_parents_is_possible_compound_het(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 2 2", "kid")
    a = variant("RAG1", 1000, [gt("kid", "0/1")])
    b = variant("RAG1", 2000, [gt("kid", "0/1")])
    r = judge([a, b], fam, sex)
    assert r.status == Status.INCONCLUSIVE and r.findings[0].finding == Finding.AR_POSSIBLE_COMPOUND_HET
    assert all("PM3_Supporting" in c.classification.codes for c in r.candidates)


def test_ar_read_backed_phase_trans_and_cis(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    trans = [variant("RAG1", 1000, [gt("kid", "0|1", ps=900)]), variant("RAG1", 2000, [gt("kid", "1|0", ps=900)])]
    assert judge(trans, fam, sex).findings[0].finding == Finding.AR_COMPOUND_HET
    cis = [variant("RAG1", 1000, [gt("kid", "0|1", ps=900)]), variant("RAG1", 2000, [gt("kid", "0|1", ps=900)])]
    assert {f.finding for f in judge(cis, fam, sex).findings} == {Finding.AR_SINGLE_HET}
    other_block = [variant("RAG1", 1000, [gt("kid", "0|1", ps=900)]), variant("RAG1", 2000, [gt("kid", "1|0", ps=1500)])]
    assert judge(other_block, fam, sex).findings[0].finding == Finding.AR_POSSIBLE_COMPOUND_HET


def test_ar_missing_parental_genotype_leaves_phase_unknown(tmp_path):
    fam, sex = trio(tmp_path)
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "./."), gt("mum", "0/1")])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/1")])
    assert judge([a, b], fam, sex).findings[0].finding == Finding.AR_POSSIBLE_COMPOUND_HET


def test_ar_one_missing_parental_call_is_resolved_by_the_other_parent(tmp_path):
    """The mother is 0/0 at the first variant, so the child's allele there is paternal whatever the father's
    missing call; the father is 0/0 at the second, so that allele is maternal: in trans."""
    fam, sex = trio(tmp_path)
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "./."), gt("mum", "0/0")])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/1")])
    assert judge([a, b], fam, sex).findings[0].finding == Finding.AR_COMPOUND_HET


def test_ar_single_het_advice_depends_on_the_clinical_picture(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    v = variant("RAG1", 1000, [gt("kid", "0/1")])
    plain = judge([v], fam, sex).findings[0]
    assert plain.finding == Finding.AR_SINGLE_HET and "most likely a carrier" in plain.explanation
    panel = {g.hgnc_id: g for g in genes().values()}
    scid = case("kid", sex)
    from dataclasses import replace
    scid = replace(scid, immunophenotype="T=absent;B=absent;NK=normal")
    r = triage_case([v], case=scid, family=fam, sex=sex, panel_genes=panel, thresholds=THRESHOLDS)
    assert "second, unseen variant is plausible" in r.findings[0].explanation and "CNV" in r.findings[0].explanation


# --- X-linked (BTK: XL recessive; IL2RG) -------------------------------------------------------------------------

def test_xl_male_hemizygous_in_any_encoding(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    for text in ("1", "1/1", "1|1"):
        v = variant("BTK", 1000, [gt("kid", text)], sex=Sex.MALE)
        r = judge([v], fam, sex)
        assert r.status == Status.POSITIVE and r.findings[0].finding == Finding.XL_HEMI, text


def test_xl_male_het_call_outside_par_is_flagged(tmp_path):
    """A male's heterozygous call on chrX outside the PARs is judged as his one copy (hemizygous), and the finding
    says it is to be reviewed (mosaic, duplication or artefact) instead of calling it hemizygous."""
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    f = judge([variant("BTK", 1000, [gt("kid", "0/1")], sex=Sex.MALE)], fam, sex).findings[0]
    assert (f.finding, f.meets, f.level) == (Finding.XL_HEMI, True, Status.POSITIVE)
    assert f.explanation == ("heterozygous call 0/1 in a male outside the PARs: review (mosaic, duplication or "
                             "artefact)")


def test_xl_female_het_is_a_carrier_not_a_diagnosis(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 2 2", "kid")
    r = judge([variant("BTK", 1000, [gt("kid", "0/1")])], fam, sex)
    assert r.status == Status.INCONCLUSIVE and r.findings[0].finding == Finding.XL_HET_FEMALE
    assert not r.findings[0].meets and "skewed X-inactivation" in r.findings[0].explanation


def test_xl_female_homozygous_meets(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 2 2", "kid")
    assert judge([variant("BTK", 1000, [gt("kid", "1/1")])], fam, sex).status == Status.POSITIVE


def test_xl_male_with_carrier_mother_and_unaffected_hemizygous_father(tmp_path):
    fam, sex = trio(tmp_path)
    inherited = variant("BTK", 1000, [gt("kid", "1"), gt("dad", "0"), gt("mum", "0/1")], sex=Sex.MALE)
    f = judge([inherited], fam, sex).findings[0]
    assert f.meets and "mother (carrier)" in f.explanation
    against = variant("BTK", 1000, [gt("kid", "1"), gt("dad", "1"), gt("mum", "0/1")], sex=Sex.MALE)
    r = judge([against], fam, sex)
    c = r.candidates[0]
    assert not c.meets and "unaffected father is hemizygous for it: argues against" in c.note
    assert "BS2" in c.classification.codes  # a healthy hemizygous man: BS2 from the family, no longer LP
    assert r.status == Status.NEGATIVE


def test_xl_unknown_sex_is_judged_as_female(tmp_path):
    fam, _ = family_from_ped(tmp_path, "fam kid 0 0 0 2", "kid")
    r = judge([variant("BTK", 1000, [gt("kid", "0/1")])], fam, Sex.UNKNOWN)
    assert r.findings[0].finding == Finding.XL_HET_FEMALE


# --- pseudoautosomal gene (CSF2RA, PAR1) and a gene with AD and AR entries (STAT1) -------------------------------

def test_par_gene_in_a_male_is_judged_as_autosomal_recessive(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    het = variant("CSF2RA", 1300000, [gt("kid", "0/1")], sex=Sex.MALE)
    assert not het.haploid_region
    f = judge([het], fam, sex).findings[0]
    assert f.finding == Finding.AR_SINGLE_HET and "pseudoautosomal" in f.explanation
    hom = variant("CSF2RA", 1300000, [gt("kid", "1/1")], sex=Sex.MALE)
    assert judge([hom], fam, sex).findings[0].finding == Finding.AR_HOM


def test_gene_with_ad_and_ar_entries_is_judged_under_both(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    r = judge([variant("STAT1", 1000, [gt("kid", "0/1")])], fam, sex)
    found = by_finding(r, "STAT1")
    assert {Finding.AD_HET, Finding.AR_SINGLE_HET} <= set(found)
    assert "fits" in found[Finding.AD_HET].explanation and "AD" in found[Finding.AD_HET].explanation


# --- beyond single genes ------------------------------------------------------------------------------------------

def test_two_genes_of_one_subcategory_note_possible_oligogenic_never_positive(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    r = judge([variant("RAG1", 1000, [gt("kid", "0/1")]), variant("DCLRE1C", 1000, [gt("kid", "0/1")])], fam, sex)
    assert r.status == Status.INCONCLUSIVE and r.oligogenic
    assert {"RAG1", "DCLRE1C"} <= set(r.oligogenic[0].genes) and "oligogenic" in reason(r)


# --- what a VUS alone does ------------------------------------------------------------------------------------------

def test_vus_levels_follow_the_design_table(tmp_path):
    fam, sex = trio(tmp_path)
    single = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")], kind="missense")
    r = judge([single], fam, sex)
    assert r.status == Status.NEGATIVE and r.candidates  # listed, but a single VUS in an AR gene changes nothing
    ad_de_novo = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/0", gq=99), gt("mum", "0/0", gq=99)],
                         kind="missense")
    assert judge([ad_de_novo], fam, sex).status == Status.INCONCLUSIVE
    from_unaffected = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")], kind="missense")
    assert judge([from_unaffected], fam, sex).status == Status.NEGATIVE
    fam_unknown, _ = trio(tmp_path, dad="0")
    assert judge([from_unaffected], fam_unknown, sex).status == Status.INCONCLUSIVE
