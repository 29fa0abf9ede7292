"""The SV/CNV evidence rules of pidtriage.sv.evidence (its docstring is the table), one situation per test, on a
four-exon loss-of-function gene of chr11 and small calls written inline: which criterion, how many points, which
class, and why a call is listed rather than scored."""

from __future__ import annotations

import pytest

from pidtriage.config import load_config
from pidtriage.models import AcmgClass, Genotype, Outcome, Strength
from pidtriage.panel.model import Disease, GeneLocation, Mechanism, Moi, PanelGene
from pidtriage.sv.calls import SvCall, SvGenotype
from pidtriage.sv.evidence import Dosage, Exon, Region, structural_variants, sv_checks, sv_class

SV = load_config().values["sv"]  # the schema's defaults: region_overlap 0.5, last_exon_min_fraction 0.9 ...
EXONS = [Exon("11", 1000, 1100, 1), Exon("11", 3000, 3100, 2), Exon("11", 5000, 5100, 3), Exon("11", 8900, 9000, 4)]


def gene(mechanism: Mechanism = Mechanism.LOF, *, chrom: str = "11", symbol: str = "GENE1") -> PanelGene:
    """A gene spanning 1000-9000 (its exons: EXONS) whose one disease has `mechanism`."""
    disease = Disease(f"{symbol} deficiency", "", Moi.AR, mechanism, "1", "", "")
    return PanelGene(hgnc_id=f"HGNC:{symbol}", symbol=symbol, moi=Moi.AR, mechanism=mechanism, diseases=(disease,),
                     grch38=GeneLocation(chrom, 1000, 9000, "+", "test"))


def call(start: int, end: int, svtype: str = "DEL", *, gt: str = "0/1", chrom: str = "chr11",
         filters: tuple[str, ...] = ("PASS",), support: int | None = 20, gq: int | None = 60, cn: int | None = None,
         ciend: tuple[int, int] = (0, 0)) -> SvCall:
    alt = {"0/1": 1, "1/1": 2, "0/0": 0, "1": 1}.get(gt)
    return SvCall(chrom, start - 1, start, end, svtype, "N", f"<{svtype}>", filters, ciend=ciend,
                  genotypes=(SvGenotype("kid", gt, alt, cn, gq, support),), caller="manta")


def score(c: SvCall, g: PanelGene | None = None, *, exons: list[Exon] = EXONS, dosage: Dosage | None = None,
          regions: tuple[Region, ...] = (), af: float | None = None, haploid: bool = False):
    g = g or gene()
    variants, seen = structural_variants(
        [c], ["kid"], [g], build="GRCh38", exons={g.hgnc_id: exons}, dosage={g.hgnc_id: dosage} if dosage else {},
        regions=regions, population={(c.chrom, c.start, c.svtype): af} if af is not None else {}, thresholds=SV,
        haploid=haploid, source="sv.vcf.gz", population_checked=af is not None)
    return variants, seen[0]


def met(variants) -> list[tuple[str, int]]:
    return [(x.code, x.points) for x in variants[0].structural.criteria if x.outcome == Outcome.MET]


# --- deletions ---------------------------------------------------------------------------------------------------

def test_deleting_a_whole_haploinsufficient_gene_is_2a_pathogenic():
    v, _ = score(call(900, 9100), dosage=Dosage(hi="3", ts=""))
    assert met(v) == [("2A", 10)] and v[0].structural.acmg_class == AcmgClass.P and v[0].structural.whole_gene
    assert "established haploinsufficient gene (ClinGen HI 3)" in v[0].structural.criteria[0].explanation


def test_deleting_most_of_a_haploinsufficient_clingen_region_is_2a():
    region = Region("ISCA-37446", "22q11.2 recurrent (DGS/VCFS) region", "11", 1200, 9200, "3", "")
    v, _ = score(call(1000, 9000), regions=(region,))  # reciprocal overlap 0.975 >= sv.region_overlap 0.5
    assert met(v) == [("2A", 10)] and "ISCA-37446" in v[0].structural.criteria[0].explanation
    assert v[0].structural.regions == ("ISCA-37446",)


def test_deleting_a_whole_loss_of_function_gene_is_2a_likely_pathogenic():
    v, _ = score(call(900, 9100))
    assert met(v) == [("2A", 9)] and v[0].structural.acmg_class == AcmgClass.LP
    assert v[0].consequence is not None and v[0].consequence.so_terms == ("transcript_ablation",)


def test_deleting_coding_exons_of_a_loss_of_function_gene_is_2e_likely_pathogenic():
    v, _ = score(call(2900, 3200))
    assert met(v) == [("2E", 9)] and v[0].structural.exons == (2,) and v[0].structural.acmg_class == AcmgClass.LP
    assert "deletes exon(s) 2 of 4" in v[0].structural.criteria[0].explanation


def test_deleting_most_of_the_last_exon_of_a_two_exon_gene_is_a_null_allele():
    exons = [Exon("11", 1000, 1100, 1), Exon("11", 5000, 9000, 2)]  # as RAG1: the coding sequence in the last exon
    v, _ = score(call(5000, 8700), exons=exons)  # 3,701 of its 4,001 bases: 0.925 >= 0.9
    assert met(v) == [("2E", 9)] and "93% of the last exon" in v[0].structural.criteria[0].explanation


def test_deleting_the_last_exon_only_of_a_longer_gene_is_half_the_points():
    v, _ = score(call(8950, 9500))
    assert met(v) == [("2E", 4)] and v[0].structural.acmg_class == AcmgClass.VUS  # 0.45: below LP's 0.90


def test_a_deletion_without_an_exon_scores_nothing():
    v, _ = score(call(2000, 2500))
    assert met(v) == [] and v[0].structural.points == 0 and v[0].consequence.so_terms == ("intron_variant",)


def test_a_deletion_is_not_the_mechanism_of_a_gain_of_function_gene():
    v, _ = score(call(900, 9100), gene(Mechanism.GOF))
    (criterion,) = v[0].structural.criteria
    assert (criterion.code, criterion.outcome, criterion.points) == ("2E", Outcome.NOT_MET, 0)
    assert "gain of function or dominant negative" in criterion.explanation and v[0].structural.acmg_class == "VUS"


def test_a_copy_number_below_two_is_a_loss():
    v, _ = score(call(900, 9100, "CNV", cn=1))
    assert met(v) == [("2A", 9)]


def test_breakpoint_uncertainty_names_the_exons_it_may_reach():
    v, _ = score(call(2950, 3150, ciend=(0, 2000)))  # the end may lie anywhere up to 5150: exon 3 may be deleted
    assert v[0].structural.exons == (2,) and v[0].structural.exons_uncertain == (3,)


# --- duplications --------------------------------------------------------------------------------------------------

def test_duplicating_a_whole_triplosensitive_gene_is_2a():
    v, _ = score(call(900, 9100, "DUP"), dosage=Dosage(hi="", ts="3"))
    assert met(v) == [("2A", 10)] and "triplosensitive (ClinGen TS 3)" in v[0].structural.criteria[0].explanation


def test_duplicating_most_of_a_triplosensitive_clingen_region_is_2a():
    region = Region("ISCA-1", "a TS 3 region", "11", 2000, 8000, "", "3")
    v, _ = score(call(2500, 8500, "DUP"), regions=(region,))  # part of the gene; reciprocal overlap 0.92
    assert met(v) == [("2A", 10)] and "duplicates a TS 3 region, triplosensitive" in v[0].structural.criteria[0].explanation


def test_duplicating_inner_exons_of_a_loss_of_function_gene_is_2i():
    v, _ = score(call(2900, 5200, "DUP"))
    assert met(v) == [("2I", 4)] and "only if in tandem and out of frame" in v[0].structural.criteria[0].explanation


def test_duplicating_a_whole_gene_that_is_not_triplosensitive_scores_nothing():
    v, _ = score(call(900, 9100, "DUP"))
    assert met(v) == [] and v[0].structural.acmg_class == AcmgClass.VUS


# --- population, and what is listed rather than scored ------------------------------------------------------------

def test_a_common_population_sv_is_benign_on_its_own():
    v, _ = score(call(900, 9100), dosage=Dosage(hi="3", ts=""), af=0.2)
    (common,) = [x for x in v[0].structural.criteria if x.code == "4O"]
    assert (common.strength, common.points, v[0].structural.points) == (Strength.STAND_ALONE, -10, -1.0)
    assert v[0].structural.acmg_class == AcmgClass.B and "AF 0.2 (>= 0.01)" in common.explanation


def test_a_call_in_an_antigen_receptor_locus_is_a_somatic_rearrangement_not_scored():
    igh = call(105_600_000, 105_700_000, chrom="chr14")
    v, row = score(igh, gene(chrom="14"))
    assert v == [] and row.fate.startswith("not scored: inside the IGH locus, a somatic V(D)J rearrangement")


def test_a_megabase_call_outside_a_clingen_region_is_listed_not_scored():
    v, row = score(call(1, 2_000_000))  # sv.max_size 1,000,000
    assert v == [] and row.fate.startswith("not scored: 2.0 Mb, above sv.max_size")
    region = Region("ISCA-1", "a recurrent region", "11", 1, 2_000_000, "3", "")
    v, row = score(call(1, 2_000_000), regions=(region,))
    assert row.fate == "scored" and met(v) == [("2A", 10)]


@pytest.mark.parametrize(("svtype", "gt", "fate"), [
    ("INV", "0/1", "not scored: INV (only deletions and duplications are scored)"),
    ("DEL", "./.", "not genotyped (no GT or copy number for the proband): not scored; genotype the calls"),
    ("DEL", "0/0", "not carried by the proband"),
])
def test_a_call_that_is_not_scored_says_why(svtype, gt, fate):
    v, row = score(call(900, 9100, svtype, gt=gt))
    assert v == [] and row.fate == fate and row.effects is None


def test_a_scored_call_lists_its_effect_on_each_gene():
    _, row = score(call(2900, 3200))
    (effect,) = row.effects
    assert (effect.gene, effect.effect, effect.cnv_points, effect.acmg_class, effect.criteria) == (
        "GENE1", "exons 2/4", 0.9, AcmgClass.LP, "2E")


def test_an_x_linked_deletion_in_a_male_is_hemizygous():
    v, _ = score(call(900, 9100, chrom="chrX", gt="1"), gene(chrom="X"), haploid=True)
    assert v[0].genotypes[0].gt == "1" and v[0].haploid_region


# --- the class from the points, and the call's quality -------------------------------------------------------------

@pytest.mark.parametrize(("points", "cls"), [(0.99, "P"), (0.98, "LP"), (0.90, "LP"), (0.89, "VUS"), (-0.89, "VUS"),
                                             (-0.90, "LB"), (-0.98, "LB"), (-0.99, "B")])
def test_the_cnv_classes_at_their_boundaries(points, cls):
    assert sv_class(points) == cls


def test_filter_genotype_and_support_are_hard_checks_gq_is_soft():
    v, _ = score(call(900, 9100, filters=("LowQual",), support=1, gq=5))
    checks = {q.name: q for q in sv_checks(v[0].structural, v[0].genotypes[0], SV)}
    assert [n for n, q in checks.items() if q.failed and q.hard] == ["FILTER", "support"]
    assert checks["GQ"].failed and not checks["GQ"].hard
    missing = sv_checks(v[0].structural, Genotype.parse("kid", "./."), SV)
    assert [q.name for q in missing if q.failed and q.hard] == ["FILTER", "GT", "support"]
