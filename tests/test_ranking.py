"""The order of findings and candidates (pidtriage.ranking), on hand-built findings of real panel genes: the
level first (a P/LP finding is never outranked by a VUS), the phenotype only within a level."""

from __future__ import annotations

from builders import REPO, genes, gt, variant
from pidtriage.acmg.classify import Classification
from pidtriage.findings import Candidate, GeneFinding
from pidtriage.models import AcmgClass, CaseInfo, Finding, Sex, Status
from pidtriage.phenotype import HpoContext, hpo_context
from pidtriage.ranking import finding_key, phenotype_match, phenotype_score, rank_candidates

SCID = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.FEMALE, suspected_category=("1",),
                immunophenotype="T=absent;B=absent")


def _candidate(symbol: str, pos: int, cls: AcmgClass, points: int, case: CaseInfo = SCID,
               hpo: HpoContext | None = None) -> Candidate:
    gene = genes()[symbol]
    return Candidate(av=variant(symbol, pos, [gt("S", "1/1")]), gene=gene,
                     classification=Classification(cls, points, ()), qc=(), finding=Finding.AR_HOM, moi="AR",
                     meets=True, note="", phenotype=phenotype_match(case, gene, hpo))


def _hpo(observed: tuple[str, ...], excluded: tuple[str, ...] = ()) -> HpoContext:
    context = hpo_context(observed, excluded, terms=str(REPO / "src/pidtriage/data/hpo_terms.tsv.gz"),
                          genes=str(REPO / "gene_panels/iuis_iei_2024.hpo.tsv"))
    assert context is not None
    return context


NO_PICTURE = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.MALE)


def _finding(c: Candidate, level: Status) -> GeneFinding:
    return GeneFinding(gene=c.gene, finding=Finding.AR_HOM, moi="AR", variants=(c,), meets=True, level=level,
                       explanation="")


def test_phenotype_match_of_a_scid_patient_with_rag1() -> None:
    match = phenotype_match(SCID, genes()["RAG1"])
    assert set(match.agree) == {"T=absent", "B=absent"} and match.contradict == () and match.category
    assert match.hpo is None  # no HPO terms: nothing loaded


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


def test_hpo_terms_decide_between_equal_evidence_in_different_genes() -> None:
    """Two VUS of equal points: agammaglobulinemia terms put BTK first; SCID terms put RAG1 first."""
    xla = _hpo(("HP:0004432", "HP:0002718", "HP:0030252"))
    scid = _hpo(("HP:0004430", "HP:0004429"))  # SCID, recurrent viral infections

    def order(hpo: HpoContext) -> list[str]:
        fs = [_finding(_candidate(s, p, AcmgClass.VUS, 3, NO_PICTURE, hpo), Status.INCONCLUSIVE)
              for s, p in (("BTK", 100), ("RAG1", 200))]
        return [f.gene.symbol for f in sorted(fs, key=lambda f: finding_key(f, category_points=2))]

    assert order(xla) == ["BTK", "RAG1"]
    assert order(scid) == ["RAG1", "BTK"]


def test_an_excluded_feature_lowers_the_gene_that_has_it() -> None:
    observed = ("HP:0002718",)  # recurrent bacterial infections: both genes have it
    plain = _hpo(observed)
    no_scid = _hpo(observed, excluded=("HP:0004430",))  # SCID known to be absent
    rag1_plain = phenotype_score(_candidate("RAG1", 1, AcmgClass.VUS, 3, NO_PICTURE, plain), category_points=2)
    rag1_excl = phenotype_score(_candidate("RAG1", 1, AcmgClass.VUS, 3, NO_PICTURE, no_scid), category_points=2)
    assert rag1_excl < rag1_plain
    cand = _candidate("RAG1", 1, AcmgClass.VUS, 3, NO_PICTURE, no_scid)
    assert cand.phenotype.hpo is not None and cand.phenotype.hpo.against[0][0] == "HP:0004430"


def test_a_pathogenic_finding_stays_first_whatever_the_hpo_terms() -> None:
    xla = _hpo(("HP:0004432", "HP:0002718", "HP:0030252"))
    lp = _finding(_candidate("RAG1", 200, AcmgClass.LP, 7, NO_PICTURE, xla), Status.POSITIVE)
    vus = _finding(_candidate("BTK", 100, AcmgClass.VUS, 3, NO_PICTURE, xla), Status.INCONCLUSIVE)
    assert [f.gene.symbol for f in sorted([vus, lp], key=lambda f: finding_key(f, category_points=2))] == ["RAG1",
                                                                                                         "BTK"]
