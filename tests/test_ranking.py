"""The order of findings and candidates (pidtriage.ranking), on hand-built findings of real panel genes: the
level first (a P/LP finding is never outranked by a VUS), the phenotype only within a level."""

from __future__ import annotations

from builders import genes, gt, variant
from pidtriage.acmg.classify import Classification
from pidtriage.findings import Candidate, GeneFinding
from pidtriage.models import AcmgClass, CaseInfo, Finding, Sex, Status
from pidtriage.ranking import finding_key, phenotype_match, phenotype_score, rank_candidates

SCID = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.FEMALE, suspected_category=("1",),
                immunophenotype="T=absent;B=absent")


def _candidate(symbol: str, pos: int, cls: AcmgClass, points: int, case: CaseInfo = SCID) -> Candidate:
    gene = genes()[symbol]
    return Candidate(av=variant(symbol, pos, [gt("S", "1/1")]), gene=gene,
                     classification=Classification(cls, points, ()), qc=(), finding=Finding.AR_HOM, moi="AR",
                     meets=True, note="", phenotype=phenotype_match(case, gene))


def _finding(c: Candidate, level: Status) -> GeneFinding:
    return GeneFinding(gene=c.gene, finding=Finding.AR_HOM, moi="AR", variants=(c,), meets=True, level=level,
                       explanation="")


def test_phenotype_match_of_a_scid_patient_with_rag1() -> None:
    agree, contra, category = phenotype_match(SCID, genes()["RAG1"])
    assert set(agree) == {"T=absent", "B=absent"} and contra == () and category


def test_a_contradicting_feature_lowers_the_phenotype_score() -> None:
    normal_t = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.FEMALE, immunophenotype="T=normal")
    assert phenotype_score(_candidate("RAG1", 100, AcmgClass.VUS, 2, normal_t), category_points=2) == -1
    assert phenotype_score(_candidate("RAG1", 100, AcmgClass.VUS, 2), category_points=2) == 4


def test_a_pathogenic_finding_is_never_outranked_by_a_vus_with_a_better_phenotype() -> None:
    lp = _finding(_candidate("CYBB", 200, AcmgClass.LP, 7), Status.POSITIVE)  # no T/B features, other category
    vus = _finding(_candidate("RAG1", 100, AcmgClass.VUS, 3), Status.INCONCLUSIVE)
    assert phenotype_score(vus.variants[0], category_points=2) > phenotype_score(lp.variants[0], category_points=2)
    ordered = sorted([vus, lp], key=lambda f: finding_key(f, category_points=2))
    assert [f.gene.symbol for f in ordered] == ["CYBB", "RAG1"]


def test_within_a_level_the_phenotype_orders_equal_evidence() -> None:
    rag1 = _finding(_candidate("RAG1", 100, AcmgClass.VUS, 3), Status.INCONCLUSIVE)
    cybb = _finding(_candidate("CYBB", 200, AcmgClass.VUS, 3), Status.INCONCLUSIVE)
    ordered = sorted([cybb, rag1], key=lambda f: finding_key(f, category_points=2))
    assert [f.gene.symbol for f in ordered] == ["RAG1", "CYBB"]


def test_rank_candidates_keeps_one_row_per_variant_with_its_best_finding() -> None:
    c = _candidate("RAG1", 100, AcmgClass.LP, 7)
    best = _finding(c, Status.POSITIVE)
    weaker = GeneFinding(gene=c.gene, finding=Finding.AR_SINGLE_HET, moi="AR", variants=(c,), meets=False,
                         level=Status.NEGATIVE, explanation="")
    ranked = rank_candidates([best, weaker])
    assert [(r.rank, r.finding) for r in ranked] == [(1, Finding.AR_HOM)]
