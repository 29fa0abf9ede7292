"""The inheritance models called directly (not through triage_case): each returns a ModelResult whose finding,
`meets` and `against` follow its docstring. Genmod style: inline PED, one genotype row per variant."""

from __future__ import annotations

from builders import family_from_ped, gt, variant
from pidtriage.inheritance.dominant import dominant_finding
from pidtriage.inheritance.recessive import recessive_findings
from pidtriage.inheritance.xlinked import xlinked_finding
from pidtriage.models import Finding, Sex
from pidtriage.panel.model import Moi

TRIO = "fam kid dad mum {kid} 2\nfam dad 0 0 1 1\nfam mum 0 0 2 1"


def trio(tmp_path, kid="1"):
    return family_from_ped(tmp_path, TRIO.format(kid=kid), "kid")


def test_dominant_de_novo(tmp_path):
    fam, _ = trio(tmp_path)
    r = dominant_finding(variant("NFKB1", 1, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/0")]), fam)
    assert (r.finding, r.meets, r.against) == (Finding.DE_NOVO, True, ())


def test_dominant_not_carried():
    from pidtriage.inheritance.family import Family

    r = dominant_finding(variant("NFKB1", 1, [gt("kid", "0/0")]), Family(proband="kid"))
    assert (r.finding, r.meets) == (Finding.NONE, False)


def test_dominant_unaffected_homozygous_parent_is_against(tmp_path):
    fam, _ = trio(tmp_path)
    r = dominant_finding(variant("NFKB1", 1, [gt("kid", "0/1"), gt("dad", "1/1"), gt("mum", "0/0")]), fam)
    assert r.finding == Finding.AD_HET and not r.meets and r.against == ("the unaffected father is homozygous for it",)


def test_dominant_unaffected_het_parent_is_reduced_penetrance(tmp_path):
    fam, _ = trio(tmp_path)
    r = dominant_finding(variant("NFKB1", 1, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")]), fam)
    assert r.meets and r.unaffected_carrier and not r.against
    r = dominant_finding(variant("NFKB1", 1, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")]), fam,
                         fully_penetrant=True)
    assert not r.meets and r.against


def test_recessive_one_result_per_hom_pair_and_single(tmp_path):
    fam, _ = trio(tmp_path)
    hom = variant("RAG1", 1, [gt("kid", "1/1"), gt("dad", "0/1"), gt("mum", "0/1")])
    a = variant("RAG1", 2, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    b = variant("RAG1", 3, [gt("kid", "0/1"), gt("dad", "0/0"), gt("mum", "0/1")])
    results = recessive_findings([hom, a, b], fam)
    assert [(r.finding, r.meets, len(r.variants)) for r in results] == [
        (Finding.AR_HOM, True, 1), (Finding.AR_COMPOUND_HET, True, 2)]


def test_recessive_cis_pair_is_two_single_hets(tmp_path):
    fam, _ = trio(tmp_path)
    a = variant("RAG1", 2, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    b = variant("RAG1", 3, [gt("kid", "0/1"), gt("dad", "0/1"), gt("mum", "0/0")])
    assert [r.finding for r in recessive_findings([a, b], fam)] == [Finding.AR_SINGLE_HET, Finding.AR_SINGLE_HET]


def test_xlinked_male_hemizygous_and_female_carrier(tmp_path):
    fam, sex = trio(tmp_path)
    r = xlinked_finding(variant("BTK", 1, [gt("kid", "1"), gt("dad", "0"), gt("mum", "0/1")], sex=Sex.MALE), fam, sex,
                        Moi.XL)
    assert (r.finding, r.meets) == (Finding.XL_HEMI, True) and "mother (carrier)" in r.note
    fam_f, sex_f = trio(tmp_path, kid="2")
    r = xlinked_finding(variant("BTK", 1, [gt("kid", "0/1"), gt("dad", "0"), gt("mum", "0/0")]), fam_f, sex_f, Moi.XL)
    assert (r.finding, r.meets) == (Finding.XL_HET_FEMALE, False)
    r = xlinked_finding(variant("BTK", 1, [gt("kid", "0/1"), gt("dad", "0"), gt("mum", "0/0")]), fam_f, sex_f, Moi.XLD)
    assert (r.finding, r.meets) == (Finding.XL_HET_FEMALE, True)
