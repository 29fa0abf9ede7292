"""The family logic of issue #15, one situation per test (genmod style: inline PED, one genotype row per variant):
unaffected relatives with the disease genotype, phase from allele dosage, multiallelic and GATK read-backed
phase, de novo against a homozygous proband, half calls, and confidence of parental calls."""

from __future__ import annotations

import dataclasses

from builders import case, family_from_ped, genes, gt, variant
from pidtriage.config import load_config
from pidtriage.inheritance.family import Phase, alt_origin, is_de_novo, phase_of_pair
from pidtriage.models import Finding, Sex, Status, Variant
from pidtriage.triage.judge import triage_case

TRIO = """
fam kid dad mum {kid_sex} 2
fam dad 0 0 1 {dad}
fam mum 0 0 2 {mum}
"""
THRESHOLDS = load_config(overrides={"resources": {"clinvar": {"min_review_stars": 0}}}).values


def trio(tmp_path, kid_sex="1", dad="1", mum="1"):
    return family_from_ped(tmp_path, TRIO.format(kid_sex=kid_sex, dad=dad, mum=mum), "kid")


def judge(variants, family, sex, panel=None):
    panel = panel or {g.hgnc_id: g for g in genes().values()}
    return triage_case(variants, case=case(family.proband, sex), family=family, sex=sex, panel_genes=panel,
                       thresholds=THRESHOLDS)


# --- unaffected relatives with the disease genotype ----------------------------------------------------------

def test_ad_unaffected_homozygous_parent_rules_the_variant_out(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "1/1"), gt("mum", "0/0")])
    r = judge([v], fam, sex)
    c = r.candidates[0]
    assert c.finding == Finding.AD_HET and not c.meets
    assert "the unaffected father is homozygous for it: argues against" in c.note
    assert "BS2" in c.classification.codes and r.status == Status.NEGATIVE


def test_ad_unaffected_het_parent_is_a_note_when_penetrance_is_not_complete(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    f = judge([v], fam, sex).findings[0]
    assert f.meets and f.level == Status.POSITIVE and "reduced penetrance" in f.explanation and not f.against


def test_ad_unaffected_het_parent_argues_against_a_fully_penetrant_disease(tmp_path):
    fam, sex = trio(tmp_path)
    nfkb1 = dataclasses.replace(genes()["NFKB1"], penetrance="Complete")
    panel = {g.hgnc_id: g for g in genes().values()} | {nfkb1.hgnc_id: nfkb1}
    v = variant("NFKB1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    c = judge([v], fam, sex, panel).candidates[0]
    assert not c.meets and "disease is fully penetrant (PanelApp): argues against" in c.note


def test_ar_pair_with_an_unaffected_homozygous_parent_is_not_a_compound_het(tmp_path):
    fam, sex = trio(tmp_path)
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "1/1"), gt("mum", "0/0")])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/1")])
    r = judge([a, b], fam, sex)
    pair = next(c for c in r.candidates if c.finding == Finding.AR_COMPOUND_HET)
    assert not pair.meets and "unaffected father is homozygous for" in pair.note
    assert r.status != Status.POSITIVE


def test_ar_pair_carried_together_by_an_unaffected_parent_argues_against(tmp_path):
    """genmod's rule: a healthy individual carrying both variants of a pair excludes the compound."""
    fam, sex = trio(tmp_path)
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/1")])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    r = judge([a, b], fam, sex)
    assert all(not c.meets for c in r.candidates)
    assert any("unaffected father carries both variants" in c.note for c in r.candidates)


def test_xl_unaffected_homozygous_mother_argues_against_a_female_homozygote(tmp_path):
    fam, sex = trio(tmp_path, kid_sex="2")
    v = variant("BTK", 1000, [gt("kid", "1/1"), gt("dad", "1"), gt("mum", "1/1")], sex=Sex.FEMALE)
    c = judge([v], fam, sex).candidates[0]
    assert not c.meets and "unaffected mother is homozygous" in c.note and "unaffected father is hemizygous" in c.note


# --- phase ----------------------------------------------------------------------------------------------------

def test_phase_from_homozygous_parents_dosage(tmp_path):
    """A 1/1 parent transmitted the allele for sure (parents of unknown status: their genotypes phase, they
    do not argue against)."""
    fam, _ = trio(tmp_path, dad="0", mum="0")
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "1/1"), gt("mum", "0/1")])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "1/1")])
    assert alt_origin(a, fam) == "father" and alt_origin(b, fam) == "mother"
    assert phase_of_pair(a, b, fam) == Phase.TRANS
    c = variant("RAG1", 3000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    assert phase_of_pair(a, c, fam) == Phase.CIS  # both paternal


def test_contradicting_parents_leave_the_origin_unknown(tmp_path):
    fam, _ = trio(tmp_path, dad="0", mum="0")
    v = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/0")])
    assert alt_origin(v, fam) == ""  # a Mendelian inconsistency (or de novo): no parental origin


def test_low_quality_parental_calls_say_nothing_about_phase(tmp_path):
    fam, sex = trio(tmp_path)
    a = variant("RAG1", 1000, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0", gq=3)])
    b = variant("RAG1", 2000, [gt("kid", "0/1"), gt("dad", "0/0", gq=3), gt("mum", "0/1")])
    assert phase_of_pair(a, b, fam) == Phase.UNKNOWN
    assert judge([a, b], fam, sex).findings[0].finding == Finding.AR_POSSIBLE_COMPOUND_HET


def test_the_two_alleles_of_one_multiallelic_call_are_in_trans(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    origin = "10|1000|C|T,G"
    a = variant("RAG1", 1000, [gt("kid", "1/0")])
    b = variant("RAG1", 1000, [gt("kid", "0/1")])
    a = dataclasses.replace(a, variant=dataclasses.replace(a.variant, split_from=f"{origin}|1"))
    b = dataclasses.replace(b, variant=Variant(a.variant.chrom, 1000, "C", "G", ("PASS",), split_from=f"{origin}|2"))
    assert phase_of_pair(a, b, fam) == Phase.TRANS
    r = judge([a, b], fam, sex)
    assert r.findings[0].finding == Finding.AR_COMPOUND_HET and r.status == Status.POSITIVE


def test_gatk_read_backed_phase_pgt_pid(tmp_path):
    fam, _ = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")

    def het(pos, pgt, pid="1000_C_T"):
        return variant("RAG1", pos, [dataclasses.replace(gt("kid", "0/1"), pgt=pgt, pid=pid)])

    assert phase_of_pair(het(1000, "0|1"), het(1010, "1|0"), fam) == Phase.TRANS
    assert phase_of_pair(het(1000, "0|1"), het(1010, "0|1"), fam) == Phase.CIS
    assert phase_of_pair(het(1000, "0|1"), het(1010, "1|0", pid="999_A_G"), fam) == Phase.UNKNOWN


# --- de novo, half calls --------------------------------------------------------------------------------------

def test_homozygous_proband_with_reference_parents_is_not_de_novo(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("NFKB1", 1000, [gt("kid", "1/1"), gt("dad", "0/0", gq=99), gt("mum", "0/0", gq=99)])
    assert not is_de_novo(v, fam)
    c = judge([v], fam, sex).candidates[0]
    assert c.finding == Finding.AD_HET and "PS2" not in c.classification.codes
    assert "Mendelian inconsistency" in c.note


def test_homozygous_recessive_proband_with_reference_parents_is_flagged(tmp_path):
    fam, sex = trio(tmp_path)
    v = variant("RAG1", 1000, [gt("kid", "1/1"), gt("dad", "0/0"), gt("mum", "0/0")])
    f = judge([v], fam, sex).findings[0]
    assert f.finding == Finding.AR_HOM and "neither parent carries it: a Mendelian inconsistency" in f.explanation
    assert "PS2" not in f.variants[0].classification.codes


def test_half_call_is_never_homozygous_nor_a_finding(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    v = variant("RAG1", 1000, [gt("kid", "./1")])
    r = judge([v], fam, sex)
    assert not r.findings and r.status == Status.NEGATIVE
    assert [c.hard_qc_flags for c in r.low_quality] == [["GT"]]
    assert "half call ./1" in next(q.explanation for q in r.low_quality[0].qc if q.name == "GT")


def test_haploid_call_on_an_autosome_is_flagged(tmp_path):
    fam, sex = family_from_ped(tmp_path, "fam kid 0 0 1 2", "kid")
    r = judge([variant("NFKB1", 1000, [gt("kid", "1")])], fam, sex)
    assert not r.findings and r.low_quality[0].hard_qc_flags == ["GT"]
