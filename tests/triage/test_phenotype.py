"""The HPO likelihood ratio (pidtriage.triage.phenotype): each match rule on a hand-built disease against a hand-built
background, at its numbers; then on the real tables (the right gene fits better, excluded terms weigh by their
frequency, obsolete and unknown terms, genes without annotation are neutral)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pidtriage.triage.phenotype import (
    DEFAULT_SETTINGS,
    DiseaseHpo,
    GeneHpo,
    hpo_context,
    hpo_fit,
    load_gene_hpo,
    load_ontology,
    patient_hpo,
)

REPO = Path(__file__).resolve().parents[2]
TERMS = str(REPO / "src/pidtriage/data/hpo_terms.tsv.gz")
GENES = str(REPO / "gene_panels/iuis_iei_2024.hpo.tsv")

# real terms: agammaglobulinemia, recurrent bacterial infections, absent B cells; severe combined immunodeficiency
XLA = ("HP:0004432", "HP:0002718", "HP:0030252")
SCID = ("HP:0004430",)
# a chain of real terms: Recurrent infections > Recurrent bacterial infections; and a sibling branch
RECURRENT_INFECTIONS, RECURRENT_BACTERIAL, RECURRENT_VIRAL = "HP:0002719", "HP:0002718", "HP:0004429"
PNEUMONIA, SEIZURE = "HP:0002090", "HP:0001250"


def _toy(annotations: dict[str, float], background: dict[str, float],
         diseases: tuple[DiseaseHpo, ...] = ()) -> GeneHpo:
    """One gene with one disease (or `diseases`); the terms' ancestors not given in `background` are taken as
    general (background 0.95), as they are in a PID panel."""
    onto = load_ontology(TERMS)
    general = {a: 0.95 for t in (*annotations, *background, RECURRENT_BACTERIAL, SEIZURE, PNEUMONIA)
               for a in onto.ancestors(t)}
    diseases = diseases or (DiseaseHpo("OMIM:1", "toy disease", annotations),)
    return GeneHpo("test", {"HGNC:1": diseases}, general | background, 100)


def _one(term: str, annotations: dict[str, float], background: dict[str, float], *, excluded: bool = False):
    onto = load_ontology(TERMS)
    patient = patient_hpo(() if excluded else (term,), (term,) if excluded else (), onto)
    fit = hpo_fit(patient, "HGNC:1", _toy(annotations, background), onto)
    assert len(fit.terms) == 1
    return fit.terms[0]


def test_exact_match_is_the_disease_frequency_over_the_background() -> None:
    t = _one(RECURRENT_BACTERIAL, {RECURRENT_BACTERIAL: 0.8}, {RECURRENT_BACTERIAL: 0.1})
    assert (t.match, t.lr) == ("exact", pytest.approx(8.0))


def test_a_more_general_patient_term_is_implied_by_the_disease_term() -> None:
    t = _one(RECURRENT_INFECTIONS, {RECURRENT_BACTERIAL: 0.8}, {RECURRENT_INFECTIONS: 0.4})
    assert (t.match, t.lr) == ("implied", pytest.approx(2.0))


def test_a_more_specific_patient_term_counts_at_the_disease_term() -> None:
    t = _one(RECURRENT_BACTERIAL, {RECURRENT_INFECTIONS: 0.9}, {RECURRENT_INFECTIONS: 0.3, RECURRENT_BACTERIAL: 0.05})
    assert (t.match, t.matched_term) == ("more_specific", RECURRENT_INFECTIONS)
    assert t.lr == pytest.approx(DEFAULT_SETTINGS["partial_match_factor"] * 0.9 / 0.3)


def test_a_related_term_counts_through_a_telling_ancestor_only() -> None:
    """Another branch under a shared ancestor: the related LR when the ancestor tells panel diseases apart
    (background frequency at most `max_partial_match_background`), unmatched above it."""
    limit = DEFAULT_SETTINGS["max_partial_match_background"]
    at = _one(RECURRENT_BACTERIAL, {RECURRENT_VIRAL: 0.9}, {RECURRENT_INFECTIONS: limit})
    above = _one(RECURRENT_BACTERIAL, {RECURRENT_VIRAL: 0.9}, {RECURRENT_INFECTIONS: limit + 0.01})
    assert (at.match, at.matched_term, at.lr) == ("related", RECURRENT_INFECTIONS, DEFAULT_SETTINGS["related_term_lr"])
    assert (above.match, above.lr) == ("unmatched", DEFAULT_SETTINGS["unmatched_term_lr"])


def test_an_unmatched_term_gets_the_floor_and_never_less() -> None:
    t = _one(SEIZURE, {RECURRENT_VIRAL: 0.9}, {SEIZURE: 0.2})
    assert (t.match, t.lr) == ("unmatched", DEFAULT_SETTINGS["unmatched_term_lr"])
    weak = _one(RECURRENT_BACTERIAL, {RECURRENT_BACTERIAL: 0.001}, {RECURRENT_BACTERIAL: 0.5})
    assert weak.lr == DEFAULT_SETTINGS["unmatched_term_lr"]  # 0.002 would be below the floor


def test_a_feature_the_disease_is_known_to_lack_gets_the_floor() -> None:
    t = _one(PNEUMONIA, {PNEUMONIA: 0.0}, {PNEUMONIA: 0.2})
    assert (t.match, t.lr) == ("absent_in_disease", DEFAULT_SETTINGS["unmatched_term_lr"])


def test_an_excluded_term_weighs_by_its_frequency_in_the_disease() -> None:
    obligate = _one(PNEUMONIA, {PNEUMONIA: 0.95}, {PNEUMONIA: 0.5}, excluded=True)
    occasional = _one(PNEUMONIA, {PNEUMONIA: 0.17}, {PNEUMONIA: 0.5}, excluded=True)
    lacking = _one(PNEUMONIA, {SEIZURE: 0.5}, {PNEUMONIA: 0.5}, excluded=True)
    assert obligate.lr == DEFAULT_SETTINGS["unmatched_term_lr"]  # (1 - 0.95) / 0.5 = 0.1, below the floor
    assert occasional.lr == pytest.approx(0.83 / 0.5)
    assert _one(PNEUMONIA, {PNEUMONIA: 0.6}, {PNEUMONIA: 0.5}, excluded=True).lr == pytest.approx(0.4 / 0.5)
    assert lacking.lr == pytest.approx(2.0) and lacking.matched_term == ""


def test_redundant_terms_count_once() -> None:
    onto = load_ontology(TERMS)
    genes = _toy({RECURRENT_BACTERIAL: 0.8}, {RECURRENT_BACTERIAL: 0.1, RECURRENT_INFECTIONS: 0.4})
    both = hpo_fit(patient_hpo((RECURRENT_INFECTIONS, RECURRENT_BACTERIAL), (), onto), "HGNC:1", genes, onto)
    assert [t.term for t in both.terms] == [RECURRENT_BACTERIAL]
    assert both.score == pytest.approx(math.log10(8.0), abs=1e-4)


def test_the_gene_takes_its_best_fitting_disease() -> None:
    onto = load_ontology(TERMS)
    genes = _toy({}, {RECURRENT_BACTERIAL: 0.1, RECURRENT_VIRAL: 0.1},
                 (DiseaseHpo("OMIM:1", "viral", {RECURRENT_VIRAL: 0.9}),
                  DiseaseHpo("OMIM:2", "bacterial", {RECURRENT_BACTERIAL: 0.9})))
    fit = hpo_fit(patient_hpo((RECURRENT_BACTERIAL,), (), onto), "HGNC:1", genes, onto)
    assert (fit.disease_id, fit.score) == ("OMIM:2", pytest.approx(math.log10(9.0), abs=1e-4))


def test_tables_name_the_same_release_and_the_background_has_every_disease() -> None:
    genes = load_gene_hpo(GENES)
    assert load_ontology(TERMS).release == genes.release != ""
    n_rows = sum(len(d) for d in genes.by_hgnc.values())
    assert genes.n_diseases == n_rows > 1000
    assert 0.5 < genes.background["HP:0002715"] <= 1.0  # abnormality of the immune system: most PID diseases


def test_the_right_genes_come_first_on_the_real_tables() -> None:
    """Over the whole panel: agammaglobulinemia terms put BTK in the top 10 (with the other agammaglobulinemia
    genes); the SCID term puts RAG1 among the best-fitting genes, BTK below them."""
    from pidtriage.panel.tsv import read_panel

    genes = read_panel(REPO / "gene_panels/iuis_iei_2024.tsv").genes

    def rank(terms: tuple[str, ...], symbol: str) -> int:
        context = hpo_context(terms, (), terms=TERMS, genes=GENES)
        assert context is not None
        order = sorted(genes, key=lambda g: -context.fit(g.hgnc_id).score)
        return [g.symbol for g in order].index(symbol) + 1

    assert rank(XLA, "BTK") <= 10
    scid = hpo_context(SCID, (), terms=TERMS, genes=GENES)
    assert scid is not None
    best = max(scid.fit(g.hgnc_id).score for g in genes)
    assert scid.fit("HGNC:9831").score == best > scid.fit("HGNC:1133").score  # RAG1 among the best, BTK not
    context = hpo_context(XLA, (), terms=TERMS, genes=GENES)
    assert (context is not None and ("HP:0004432", "Agammaglobulinemia") in context.fit("HGNC:1133").fits) or \
        ("HP:0030252", "Absent circulating B cells") in context.fit("HGNC:1133").fits


def test_an_absent_feature_argues_against_each_disease_that_has_it() -> None:
    """Agammaglobulinemia known to be absent: BTK's X-linked agammaglobulinemia (97.8 % of patients) would lose a
    factor of 40; BTK's best disease becomes its growth-hormone deficiency "with agammaglobulinemia", whose HPO
    annotations do not include the term, so BTK loses less. RAG1's best disease without SCID is Omenn syndrome, which is not annotated
    with SCID: a patient without SCID may still have it."""
    plain = hpo_context(("HP:0002718",), (), terms=TERMS, genes=GENES)
    no_agamma = hpo_context(("HP:0002718",), ("HP:0004432",), terms=TERMS, genes=GENES)
    assert plain is not None and no_agamma is not None
    btk = "HGNC:1133"
    assert no_agamma.fit(btk).score < plain.fit(btk).score
    assert (plain.fit(btk).disease_id, no_agamma.fit(btk).disease_id) == ("ORPHA:47", "OMIM:307200")
    no_scid = hpo_context(("HP:0002718",), SCID, terms=TERMS, genes=GENES)
    assert no_scid is not None and no_scid.fit("HGNC:9831").disease_name == "Omenn syndrome"


def test_obsolete_and_unknown_terms() -> None:
    onto = load_ontology(TERMS)
    obsolete = next(t for t, v in onto.terms.items() if v.obsolete and v.replaced_by)
    p = patient_hpo((obsolete, "HP:9999999"), (), onto)
    assert p.observed == (onto.terms[obsolete].replaced_by,)
    assert any("obsolete" in n for n in p.notes) and any("HP:9999999 is not in HPO" in n for n in p.notes)


def test_a_gene_without_annotations_is_neutral_and_says_so() -> None:
    onto = load_ontology(TERMS)
    genes = load_gene_hpo(GENES)
    unannotated = next(h for h, d in genes.by_hgnc.items() if not d)
    fit = hpo_fit(patient_hpo(XLA, (), onto), unannotated, genes, onto)
    assert (fit.score, fit.annotated, fit.terms) == (0.0, False, ())
