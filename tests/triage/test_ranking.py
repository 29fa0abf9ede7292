"""The order of findings and candidates (pidtriage.triage.ranking), on hand-built findings of real panel genes: the level
first, P/LP before VUS within a level, then the combined score (variant probability x genotype fit x phenotype
likelihood ratio); never the gene symbol."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from builders import REPO, genes, gt, variant
from pidtriage.acmg.classify import Classification
from pidtriage.config import validate_config
from pidtriage.models import AcmgClass, CaseInfo, ClinVarRecord, Finding, Sex, Status
from pidtriage.settings import RankingSettings
from pidtriage.triage.findings import Candidate, GeneFinding
from pidtriage.triage.phenotype import HpoContext, hpo_context
from pidtriage.triage.ranking import (
    ImmunoBackground,
    finding_key,
    finding_score,
    phenotype_log10_lr,
    phenotype_match,
    rank_candidates,
    variant_probability,
)

SETTINGS: RankingSettings = validate_config({}).values["ranking"]
SCID = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.FEMALE, suspected_category=("1",),
                immunophenotype="T=absent;B=absent")
NO_PICTURE = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.MALE)


def _hpo(observed: tuple[str, ...], excluded: tuple[str, ...] = ()) -> HpoContext:
    context = hpo_context(observed, excluded, terms=str(REPO / "src/pidtriage/data/hpo_terms.tsv.gz"),
                          genes=str(REPO / "gene_panels/iuis_iei_2024.hpo.tsv"))
    assert context is not None
    return context


def _candidate(symbol: str, pos: int, cls: AcmgClass, points: int, case: CaseInfo = NO_PICTURE,
               hpo: HpoContext | None = None, genotype: str = "1/1", **extra: object) -> Candidate:
    gene = genes()[symbol]
    background = ImmunoBackground.from_genes(genes().values()) if case.immunophenotype else None
    return Candidate(av=variant(symbol, pos, [gt("S", genotype)]), gene=gene,
                     classification=Classification(cls, points, ()), qc=(), finding=Finding.AR_HOM, moi="AR",
                     meets=True, note="", phenotype=phenotype_match(case, gene, hpo, background=background,
                                                                  settings=SETTINGS), **extra)  # type: ignore[arg-type]


def _finding(*cs: Candidate, level: Status = Status.INCONCLUSIVE, finding: Finding = Finding.AR_HOM,
             meets: bool = True) -> GeneFinding:
    return GeneFinding(gene=cs[0].gene, finding=finding, moi="AR", variants=cs, meets=meets, level=level,
                       explanation="")


def _order(*fs: GeneFinding) -> list[str]:
    return [f.gene.symbol for f in sorted(fs, key=lambda f: finding_key(f, SETTINGS))]


def test_variant_probability_follows_the_bayesian_point_scale() -> None:
    """Tavtigian 2018: prior 0.10, 350^(points/8): 0 points 0.10, LP's 6 points 0.90, P's 10 points 0.99."""
    p = {n: variant_probability(_candidate("RAG1", 1, AcmgClass.VUS, n), SETTINGS) for n in (0, 6, 10)}
    assert p[0] == pytest.approx(0.10) and p[6] == pytest.approx(0.90, abs=0.005) and p[10] == pytest.approx(0.994, abs=0.001)
    unjudged = _candidate("RAG1", 1, AcmgClass.VUS, 1, unjudged_effect="splice region: no prediction")
    plain = _candidate("RAG1", 1, AcmgClass.VUS, 1)
    assert variant_probability(unjudged, SETTINGS) == pytest.approx(
        SETTINGS["unjudged_effect_prior"] * variant_probability(plain, SETTINGS))


def test_a_clinvar_pathogenic_assertion_lifts_a_low_automated_probability() -> None:
    c = _candidate("RAG1", 1, AcmgClass.VUS, 2, reportable="ClinVar Pathogenic (2 stars)")
    c = replace(c, av=replace(c.av, clinvar=ClinVarRecord("Pathogenic", 2)))
    assert variant_probability(c, SETTINGS) == pytest.approx(0.99)


def test_a_pathogenic_finding_is_never_outranked_by_a_vus_with_a_better_phenotype() -> None:
    fmf = _hpo(("HP:0001954", "HP:0002027", "HP:0001369"))
    lp = _finding(_candidate("CYBB", 200, AcmgClass.LP, 6, hpo=fmf), finding=Finding.AR_SINGLE_HET, meets=False)
    vus = _finding(_candidate("MEFV", 100, AcmgClass.VUS, 3, hpo=fmf))
    assert finding_score(vus, SETTINGS) > finding_score(lp, SETTINGS)
    assert _order(vus, lp) == ["CYBB", "MEFV"]


def test_the_level_comes_before_everything() -> None:
    positive = _finding(_candidate("RAG1", 1, AcmgClass.LP, 6), level=Status.POSITIVE)
    inconclusive = _finding(_candidate("BTK", 1, AcmgClass.P, 12))
    assert _order(inconclusive, positive) == ["RAG1", "BTK"]


def test_an_unphased_pathogenic_pair_outranks_a_single_vus_in_a_dominant_gene() -> None:
    """Issue #28: a FANCI-like pair of two ClinVar-pathogenic nonsense variants (unphased) was under single-point
    VUS decoys in dominant genes."""
    pair = _finding(_candidate("DCLRE1C", 1, AcmgClass.P, 11, genotype="0/1"),
                    _candidate("DCLRE1C", 9, AcmgClass.P, 11, genotype="0/1"),
                    finding=Finding.AR_POSSIBLE_COMPOUND_HET, meets=False)
    decoy = _finding(_candidate("STAT3", 5, AcmgClass.VUS, 1, genotype="0/1"), finding=Finding.AD_HET)
    assert _order(decoy, pair) == ["DCLRE1C", "STAT3"]


def test_an_lp_truncation_in_a_heterozygous_girl_with_the_genes_picture_outranks_an_unrelated_vus() -> None:
    """Issue #28: a WAS nonsense (LP) in a girl ranked below a CFHR3 VUS. Heterozygous in an X-linked gene
    (a manifesting carrier is possible, not expected), with Wiskott-Aldrich features: first, on its tier and its
    score alike."""
    was = _hpo(("HP:0001873", "HP:0000964", "HP:0002718"))  # thrombocytopenia, eczema, recurrent bacterial infections
    girl = _finding(_candidate("WAS", 1, AcmgClass.LP, 7, hpo=was, genotype="0/1"), finding=Finding.XL_HET_FEMALE,
                    meets=False)
    decoy = _finding(_candidate("CFHR3", 5, AcmgClass.VUS, 1, hpo=was, genotype="0/1"), finding=Finding.AD_HET)
    assert phenotype_log10_lr(girl.variants[0].phenotype, SETTINGS) > 1
    assert finding_score(girl, SETTINGS) > finding_score(decoy, SETTINGS)
    assert _order(decoy, girl) == ["WAS", "CFHR3"]


def test_the_phenotype_decides_between_equal_vus_findings() -> None:
    """Two VUS of equal points and equal genotype fit: a periodic-fever picture puts MEFV first, a SCID picture
    RAG1; without terms the order is not the gene symbol's but the position's (a tie)."""
    fmf = ("HP:0001954", "HP:0002027", "HP:0001369")  # recurrent fever, abdominal pain, arthritis

    def order(hpo: HpoContext | None) -> list[str]:
        return _order(*(_finding(_candidate(s, p, AcmgClass.VUS, 1, hpo=hpo)) for s, p in (("RAG1", 100), ("MEFV", 200))))

    assert order(_hpo(fmf)) == ["MEFV", "RAG1"]
    assert order(_hpo(("HP:0004430", "HP:0004429", "HP:0001888"))) == ["RAG1", "MEFV"]
    # a tie (same evidence, no phenotype): decided by the position, not by the symbol (RAG1 < RAG2)
    assert _order(*(_finding(_candidate(s, p, AcmgClass.VUS, 1)) for s, p in (("RAG1", 200), ("RAG2", 100)))) == [
        "RAG2", "RAG1"]


def test_a_gene_without_hpo_annotation_is_neutral_not_last() -> None:
    """With SCID terms, a gene with no HPO annotation (phenotype unknown, log10 LR 0) stands between a gene whose
    diseases fit (RAG1) and one whose diseases argue against (MEFV, familial Mediterranean fever)."""
    scid = _hpo(("HP:0004430", "HP:0004429", "HP:0001888"))
    unannotated = next(s for s, g in genes().items() if not scid.genes.by_hgnc.get(g.hgnc_id))
    fs = [_finding(_candidate(s, 1, AcmgClass.VUS, 1, hpo=scid)) for s in ("MEFV", unannotated, "RAG1")]
    assert fs[1].variants[0].phenotype.hpo is not None and not fs[1].variants[0].phenotype.hpo.annotated
    assert phenotype_log10_lr(fs[1].variants[0].phenotype, SETTINGS) == 0.0
    assert _order(*fs) == ["RAG1", unannotated, "MEFV"]


def test_genotype_fit_weighs_in_the_score() -> None:
    """Same variant evidence: meeting the inheritance beats a single het in a recessive gene by the factor
    ranking.missed_second_hit, an unphased pair is worth ranking.unphased_pair_trans of a phased one."""
    c = _candidate("RAG1", 1, AcmgClass.LP, 6)
    hom = finding_score(_finding(c), SETTINGS)
    single = finding_score(_finding(c, finding=Finding.AR_SINGLE_HET, meets=False), SETTINGS)
    p = variant_probability(c, SETTINGS)
    assert hom == pytest.approx(math.log10(p / (1 - p)), abs=1e-3)
    q = p * SETTINGS["missed_second_hit"]
    assert single == pytest.approx(math.log10(q / (1 - q)), abs=1e-3)


def test_immunophenotype_agreeing_raises_and_contradicting_lowers_the_likelihood_ratio() -> None:
    agree = _candidate("RAG1", 1, AcmgClass.VUS, 2, SCID).phenotype
    assert set(agree.agree) == {"T=absent", "B=absent"} and agree.immunophenotype_log10_lr > 0.5
    normal_t = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.FEMALE, immunophenotype="T=normal")
    differs = _candidate("RAG1", 1, AcmgClass.VUS, 2, normal_t).phenotype
    assert differs.contradict == ("T=normal",) and differs.immunophenotype_log10_lr < 0
    # the category adds its likelihood ratio
    assert agree.category and phenotype_log10_lr(agree, SETTINGS) == pytest.approx(
        agree.immunophenotype_log10_lr + math.log10(SETTINGS["category_match_lr"]), abs=1e-4)


def test_rank_candidates_keeps_one_row_per_variant_with_its_best_finding_and_score() -> None:
    c = _candidate("RAG1", 100, AcmgClass.LP, 7)
    best = _finding(c, level=Status.POSITIVE)
    weaker = _finding(c, finding=Finding.AR_SINGLE_HET, meets=False, level=Status.NEGATIVE)
    ranked = rank_candidates([best, weaker], SETTINGS)
    assert [(r.rank, r.finding, r.score) for r in ranked] == [(1, Finding.AR_HOM, finding_score(best, SETTINGS))]


def test_a_single_het_weighs_more_where_panelapp_reports_monoallelic_disease_too() -> None:
    """The genotype factor of a single heterozygous variant in a recessive gene is ranking.missed_second_hit, or
    ranking.monoallelic_reported where PanelApp gives the gene a monoallelic mode too (ITPR3, not RAG1)."""
    assert genes()["ITPR3"].monoallelic_also_reported and not genes()["RAG1"].monoallelic_also_reported
    scores = {}
    for symbol in ("ITPR3", "RAG1"):
        c = _candidate(symbol, 1, AcmgClass.VUS, 1, genotype="0/1")
        scores[symbol] = finding_score(_finding(c, finding=Finding.AR_SINGLE_HET, meets=False), SETTINGS)
        p = variant_probability(c, SETTINGS) * SETTINGS["monoallelic_reported" if symbol == "ITPR3"
                                                        else "missed_second_hit"]
        assert scores[symbol] == pytest.approx(math.log10(p / (1 - p)), abs=1e-3)
    assert scores["ITPR3"] > scores["RAG1"]
