"""Each ACMG/AMP criterion at and around its threshold, and the points system on worked examples."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builders import genes, gt, variant
from pidtriage.acmg.base import crit
from pidtriage.acmg.classify import class_of, classify, combine
from pidtriage.acmg.computational import bp4, bp7, pp3
from pidtriage.acmg.null import pvs1
from pidtriage.acmg.population import ba1, bs1, bs2, pm2
from pidtriage.acmg.protein import pm1, pm4, ps1_pm5
from pidtriage.acmg.rules import rules_for
from pidtriage.acmg.segregation import pm3, ps2_pm6
from pidtriage.config import load_config
from pidtriage.inheritance.family import Family
from pidtriage.models import Outcome, PopulationFrequency

ACMG = load_config().values["acmg"]


def general():
    return rules_for("HGNC:0", ACMG)


def with_pop(af=None, found=True, faf=None, nhomalt=None, nhemi=None, symbol="NFKB1", kind="stop"):
    v = variant(symbol, 1000, [gt("kid", "0/1")], kind=kind)
    return replace(v, population=PopulationFrequency(af=af, an=100000, faf=faf, nhomalt=nhomalt, nhemi=nhemi, found=found))


def missense(symbol="NFKB1", **scores):
    v = variant(symbol, 1000, [gt("kid", "0/1")], kind="missense")
    return replace(v, scores=tuple(sorted(scores.items())))


def outcome(c):
    return c.outcome, c.code


# --- population ---------------------------------------------------------------------------------------------------

def test_pm2_at_threshold_and_absent():
    assert outcome(pm2(with_pop(af=0.0001), general())) == (Outcome.MET, "PM2_Supporting")
    assert pm2(with_pop(af=0.000101), general()).outcome == Outcome.NOT_MET
    absent = pm2(with_pop(found=False), general())
    assert absent.outcome == Outcome.MET and "absent" in absent.explanation and "AN 100000" in absent.explanation
    assert pm2(replace(with_pop(), population=None), general()).outcome == Outcome.NOT_EVALUATED


def test_pm2_uses_faf_when_given():
    assert pm2(with_pop(af=0.00005, faf=0.0002), general()).outcome == Outcome.NOT_MET


def test_ba1_and_bs1_boundaries():
    assert ba1(with_pop(af=0.05), general()).outcome == Outcome.NOT_MET
    assert ba1(with_pop(af=0.0501), general()).outcome == Outcome.MET
    assert bs1(with_pop(af=0.01), general()).outcome == Outcome.NOT_MET
    assert bs1(with_pop(af=0.0101), general()).outcome == Outcome.MET
    assert bs1(with_pop(af=0.06), general()).outcome == Outcome.NOT_MET  # BA1 territory, not BS1


def test_bs2_homozygotes_for_autosomal_hemizygotes_for_x_linked():
    nfkb1 = genes()["NFKB1"]
    assert bs2(with_pop(af=0.001, nhomalt=1), nfkb1, general()).outcome == Outcome.NOT_MET
    assert bs2(with_pop(af=0.001, nhomalt=2), nfkb1, general()).outcome == Outcome.MET
    btk = genes()["BTK"]
    assert bs2(with_pop(af=0.001, nhomalt=0, nhemi=2, symbol="BTK"), btk, general()).outcome == Outcome.MET
    assert bs2(with_pop(af=0.001, nhomalt=5, nhemi=None, symbol="BTK"), btk, general()).outcome == Outcome.NOT_EVALUATED


def test_scid_vcep_thresholds_apply_to_their_genes_only():
    rag1 = rules_for(genes()["RAG1"].hgnc_id, ACMG)
    c = pm2(with_pop(af=0.000101, symbol="RAG1"), rag1)  # above the general 0.0001, below RAG1's 0.000102
    assert c.outcome == Outcome.MET and "SCID VCEP" in c.explanation
    assert bs2(with_pop(af=0.001, nhomalt=5, symbol="RAG1"), genes()["RAG1"], rag1).outcome == Outcome.NOT_MET
    assert bs2(with_pop(af=0.001, nhomalt=6, symbol="RAG1"), genes()["RAG1"], rag1).outcome == Outcome.MET
    foxn1 = rules_for(genes()["FOXN1"].hgnc_id, ACMG)
    assert bs2(with_pop(af=0.001, nhomalt=50, symbol="FOXN1"), genes()["FOXN1"], foxn1).outcome == Outcome.NOT_MET


# --- computational ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("revel", "code"), [(0.643, None), (0.644, "PP3"), (0.772, "PP3"), (0.773, "PP3_Moderate"),
                                             (0.931, "PP3_Moderate"), (0.932, "PP3_Strong")])
def test_pp3_revel_calibrated_levels(revel, code):
    c = pp3(missense(revel=revel), general())
    assert (c.code if c.outcome == Outcome.MET else None) == code


@pytest.mark.parametrize(("revel", "code"), [(0.291, None), (0.290, "BP4"), (0.184, "BP4"), (0.183, "BP4_Moderate"),
                                             (0.017, "BP4_Moderate"), (0.016, "BP4_Strong"), (0.001, "BP4_Strong")])
def test_bp4_revel_calibrated_levels(revel, code):
    c = bp4(missense(revel=revel), general())
    assert (c.code if c.outcome == Outcome.MET else None) == code


def test_spliceai_thresholds_for_pp3_and_bp4():
    assert pp3(missense(spliceai=0.19), general()).outcome == Outcome.NOT_MET
    assert pp3(missense(spliceai=0.2), general()).code == "PP3"
    assert bp4(missense(revel=0.1, spliceai=0.11), general()).outcome == Outcome.NOT_MET
    assert bp4(missense(revel=0.1, spliceai=0.1), general()).outcome == Outcome.MET
    assert pp3(missense(), general()).outcome == Outcome.NOT_EVALUATED


def test_cadd_only_without_revel():
    assert pp3(missense(cadd_phred=28.1), general()).code == "PP3_Moderate"
    assert pp3(missense(cadd_phred=30.0, revel=0.5), general()).outcome == Outcome.NOT_MET


def test_scid_genes_do_not_use_revel_for_pp3_or_bp4():
    rag1 = rules_for(genes()["RAG1"].hgnc_id, ACMG)
    assert pp3(missense("RAG1", revel=0.99), rag1).outcome == Outcome.NOT_MET
    assert pp3(missense("RAG1", revel=0.99, spliceai=0.5), rag1).outcome == Outcome.MET
    assert bp4(missense("RAG1", revel=0.01), rag1).outcome == Outcome.NOT_MET


def _cons(v, **kw):
    return replace(v, consequence=replace(v.consequence, **kw))


def test_bp7_synonymous_and_deep_intronic():
    syn = _cons(missense(spliceai=0.05), so_terms=("synonymous_variant",), impact="LOW", hgvs_p="p.Arg34=")
    assert bp7(syn, general()).outcome == Outcome.MET
    assert bp7(replace(syn, scores=(("spliceai", 0.3),)), general()).outcome == Outcome.NOT_MET
    assert bp7(replace(syn, scores=()), general()).outcome == Outcome.NOT_EVALUATED
    for hgvs, met in (("c.100+6T>C", False), ("c.100+7T>C", True), ("c.101-20A>G", False), ("c.101-21A>G", True)):
        intr = _cons(missense(spliceai=0.01), so_terms=("intron_variant",), impact="MODIFIER", hgvs_c=hgvs, hgvs_p="")
        assert (bp7(intr, general()).outcome == Outcome.MET) is met, hgvs


# --- null variants, protein -----------------------------------------------------------------------------------------

def test_pvs1_strength_by_the_svi_tree():
    nfkb1 = genes()["NFKB1"]
    v = with_pop(found=False)
    assert pvs1(v, nfkb1).code == "PVS1"
    last = _cons(v, exon="10/10", protein_position="451/500")  # removes 10% of the protein
    assert pvs1(last, nfkb1).code == "PVS1_Strong"
    assert pvs1(_cons(v, exon="10/10", protein_position="452/500"), nfkb1).code == "PVS1_Moderate"
    assert pvs1(_cons(v, so_terms=("splice_donor_variant",)), nfkb1).code == "PVS1_Strong"
    assert pvs1(_cons(v, so_terms=("start_lost",)), nfkb1).code == "PVS1_Moderate"
    assert pvs1(_cons(v, so_terms=("missense_variant",)), nfkb1).outcome == Outcome.NOT_MET


def test_pvs1_not_for_gain_of_function_genes():
    gof = next(g for g in genes().values() if g.mechanism == "GOF")
    v = variant(gof.symbol, 1000, [gt("kid", "0/1")])
    c = pvs1(v, gof)
    assert c.outcome == Outcome.NOT_MET and "loss of function is not the mechanism" in c.explanation


def test_ps1_and_pm5_from_clinvar_residues():
    v = missense()
    same = replace(v, clinvar_residue=(("p.Arg34Gly", "Pathogenic", 2),))
    assert ps1_pm5(same, min_stars=1)[0].code == "PS1"
    other = replace(v, clinvar_residue=(("p.Arg34Trp", "Likely_pathogenic", 1),))
    ps1, pm5 = ps1_pm5(other, min_stars=1)
    assert ps1.outcome == Outcome.NOT_MET and pm5.code == "PM5_Supporting"
    assert ps1_pm5(replace(v, clinvar_residue=(("p.Arg34Trp", "Pathogenic", 0),)), min_stars=1)[1].outcome == Outcome.NOT_MET
    assert ps1_pm5(replace(v, clinvar_residue=(("p.Arg34Trp", "Conflicting_classifications", 2),)),
                   min_stars=1)[1].outcome == Outcome.NOT_MET
    assert ps1_pm5(v, min_stars=1)[0].outcome == Outcome.NOT_EVALUATED  # resource without protein changes


def test_pm4_and_pm1():
    v = missense()
    assert pm4(_cons(v, so_terms=("inframe_deletion",))).outcome == Outcome.MET
    assert pm4(v).outcome == Outcome.NOT_MET
    rag1 = rules_for(genes()["RAG1"].hgnc_id, ACMG)
    assert pm1(_cons(missense("RAG1"), protein_position="400/1043"), rag1).code == "PM1"
    assert pm1(_cons(missense("RAG1"), protein_position="600/1043"), rag1).code == "PM1_Supporting"
    assert pm1(_cons(missense("RAG1"), protein_position="200/1043"), rag1).outcome == Outcome.NOT_MET
    assert pm1(missense(), general()).outcome == Outcome.NOT_EVALUATED


def test_de_novo_and_pm3():
    trio = Family("kid", "dad", "mum", parentage_checked=True)
    assert ps2_pm6(True, trio).code == "PS2"
    assert ps2_pm6(True, replace(trio, parentage_checked=False)).code == "PM6"
    assert ps2_pm6(True, Family("kid")).outcome == Outcome.NOT_EVALUATED
    assert pm3("trans", "P", "x").code == "PM3" and pm3("unknown", "LP", "x").code == "PM3_Supporting"
    assert pm3("cis", "P", "x").outcome == Outcome.NOT_MET and pm3("trans", "VUS", "x").outcome == Outcome.NOT_MET


# --- combining (Tavtigian et al. 2020; ClinGen SVI worked examples) -------------------------------------------------

def _met(*pairs):
    return [crit(code, Outcome.MET, "supporting", pts, "") for code, pts in pairs]


@pytest.mark.parametrize(("points", "cls"), [(10, "P"), (9, "LP"), (6, "LP"), (5, "VUS"), (0, "VUS"), (-1, "LB"),
                                             (-6, "LB"), (-7, "B")])
def test_class_boundaries(points, cls):
    assert class_of(points, ACMG["class_min_points"]) == cls


@pytest.mark.parametrize(("criteria", "cls"), [
    ((("PVS1", 8), ("PM2_Supporting", 1)), "LP"),   # SVI PM2 v1.0: PVS1 + PM2_Supporting is likely pathogenic
    ((("PVS1", 8), ("PS2", 4)), "P"),               # very strong + strong
    ((("PS2", 4), ("PM2_Supporting", 1), ("PP3", 1)), "LP"),  # 1 strong + 2 supporting: 6 points
    ((("PM2_Supporting", 1), ("PP3", 1)), "VUS"),
    ((("PM2_Supporting", 1), ("PM3", 2), ("PP3_Moderate", 2), ("PM1", 2)), "LP"),  # 7
    ((("BS1", -4), ("BP4", -1)), "LB"),
    ((("BS1", -4), ("BS2", -4)), "B"),
    ((("PVS1", 8), ("BS1", -4)), "VUS"),            # conflicting evidence sums, 4 points
])
def test_worked_examples(criteria, cls):
    assert combine(_met(*criteria), ACMG["class_min_points"]).acmg_class == cls


def test_ba1_alone_is_benign_and_pp3_is_not_added_to_pvs1():
    assert combine(_met(("BA1", -8), ("PVS1", 8), ("PS2", 4)), ACMG["class_min_points"]).acmg_class == "B"
    combined = combine(_met(("PVS1", 8), ("PP3", 1), ("PM2_Supporting", 1)), ACMG["class_min_points"])
    assert combined.points == 9 and "PP3" not in combined.codes


def test_classify_end_to_end_on_a_null_variant():
    v = with_pop(found=False)
    cls = classify(v, genes()["NFKB1"], ACMG, min_stars=1, family=Family("kid"))
    assert cls.acmg_class == "LP" and cls.codes == "PVS1,PM2_Supporting"
    every = {c.code.split("_")[0] for c in cls.criteria}
    assert {"PVS1", "PS1", "PS2", "PM1", "PM2", "PM4", "PM5", "PP3", "BA1", "BS1", "BS2", "BP4", "BP7"} <= every
    assert all(c.explanation for c in cls.criteria)


# --- explanation texts at the thresholds (issue #15) -----------------------------------------------------------------

def test_bs1_text_at_and_above_its_thresholds():
    assert bs1(with_pop(af=0.01), general()).explanation == "population AF 0.01 <= 0.01"
    assert bs1(with_pop(af=0.0101), general()).explanation == "population AF 0.0101 > 0.01"
    # above BA1 the text says so instead of "AF 0.2 not > 0.01"
    assert bs1(with_pop(af=0.2), general()).explanation == "population AF 0.2 > 0.05: BA1 applies instead"
    il2rg = rules_for(genes()["IL2RG"].hgnc_id, ACMG)
    assert bs1(with_pop(af=0.2, symbol="IL2RG"), il2rg).explanation.endswith(
        "> 0.0111: BA1 applies instead (ClinGen SCID VCEP CSpec v1.0.0 (GN113-GN129), as transcribed by "
        "bihealth/auto-acmg, IL2RG)")


def test_il2rg_bs2_counts_hemizygotes_at_the_vcep_threshold():
    """IL2RG is X-linked: BS2 counts hemizygotes, at the VCEP's > 5 (the general bs2_min_hemi is 2)."""
    il2rg = genes()["IL2RG"]
    rules = rules_for(il2rg.hgnc_id, ACMG)
    five = bs2(with_pop(af=0.001, nhemi=5, symbol="IL2RG"), il2rg, rules)
    six = bs2(with_pop(af=0.001, nhemi=6, symbol="IL2RG"), il2rg, rules)
    assert five.outcome == Outcome.NOT_MET and five.explanation.startswith("5 hemizygotes in the population resource < 6")
    assert six.outcome == Outcome.MET and "IL2RG)" in six.explanation


def test_every_acmg_threshold_of_the_schema_can_be_set_per_gene():
    from pidtriage.acmg.rules import overridable_keys

    assert set(overridable_keys()) == set(ACMG)


def test_missing_data_is_never_not_met():
    """A criterion whose data are absent is not_evaluated: no ClinVar configured, no consequence."""
    from pidtriage.acmg.clinvar import clinvar_evidence

    v = replace(variant("NFKB1", 1000, [gt("kid", "0/1")]), clinvar=None, consequence=None)
    assert clinvar_evidence(v, min_stars=1, points_by_stars=[1], configured=False).outcome == Outcome.NOT_EVALUATED
    assert clinvar_evidence(v, min_stars=1, points_by_stars=[1]).explanation == "not in ClinVar"
    assert pvs1(v, genes()["NFKB1"]).outcome == Outcome.NOT_EVALUATED
