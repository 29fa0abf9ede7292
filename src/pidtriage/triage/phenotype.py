"""How much more likely the patient's HPO terms are if a gene's disease is the cause: the HPO part of the ranking.

The likelihood ratio of one term (in the spirit of LIRICAL, Robinson et al. 2020, Am J Hum Genet 107:403; the
rules and numbers are ours), for a disease D of the gene and the patient's term q:

    LR(q | D) = P(q | D) / P(q | background)

- P(q | background) is the term's background frequency: the mean, over every disease of the panel, of the term's
  frequency in that disease (an annotation implies its ancestors), i.e. how often a patient of a random panel
  disease shows q (gene_panels/<panel>.hpo_background.tsv);
- exact or implied match: D is annotated with q or a more specific term: P(q | D) is that frequency (HPO's
  annotation frequencies; scripts/build_hpo_tables.py says how counts and bands become numbers);
- more specific than the disease's term: D is annotated with an ancestor c of q (below the organ-system level):
  LR = k x f(c | D) / f_bg(c), for the most telling such c, k = `phenotype.partial_match_factor`;
- related: q and a term of D share an ancestor c specific enough to tell panel diseases apart (below the
  organ-system level, background frequency at most `phenotype.max_partial_match_background`) but D's terms under c
  are on another branch: LR = `phenotype.related_term_lr`;
- unmatched (or a feature D is known to lack): LR = `phenotype.unmatched_term_lr`, the floor of every term's LR.

The constants are calibrated, not guessed: on the real-referral set (genes A-L; tests/benchmarks/VALIDATION.md),
with each patient's own publication left out of the annotations, a patient's term falls in each kind of match
with the true gene's disease and with other panel genes' diseases at rates whose ratio is the kind's likelihood
ratio: unmatched 0.60, related 1.52, more specific 1.96 (the mean of k x f/f_bg with k = 1), exact 4.2 (the mean
of f/f_bg).

An excluded term x (a feature the patient is known not to have) weighs by its frequency in the disease:
LR = (1 - f(x | D)) / (1 - f_bg(x)), floored at `phenotype.unmatched_term_lr`: an obligate feature absent argues
strongly against D, an occasional one hardly at all. Redundant terms are removed first: an observed term that is
an ancestor of another observed term, and an excluded term below another excluded term, are not counted twice.

The gene's HPO likelihood ratio is that of its best-fitting disease, the product over the patient's terms (its
log10 is the gene's HPO score, with the per-term contributions kept for the report). A gene with no HPO
annotation has no HPO likelihood ratio ("phenotype unknown": neutral, log10 LR 0), and says so.

The tables are derived by scripts/build_hpo_tables.py (the ontology from the HPO release embedded in hpo3,
pidtriage/data/hpo_terms.tsv.gz; the diseases' annotations with frequencies, gene_panels/<panel>.hpo.tsv; the
background, gene_panels/<panel>.hpo_background.tsv) so that a case pays ~0.1 s, not hpo3's 0.6 s load.
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pidtriage.errors import ConfigError
from pidtriage.settings import PhenotypeSettings

__all__ = ["HPO_ID", "METHOD", "DiseaseHpo", "GeneHpo", "HpoContext", "HpoFit", "HpoOntology", "HpoSettings",
           "PatientHpo", "PhenotypeMatch", "TermEvidence", "background_path", "hpo_context", "hpo_fit",
           "load_gene_hpo", "load_ontology", "patient_hpo"]

HPO_ID = re.compile(r"^HP:\d{7}$")
METHOD = ("likelihood ratio per HPO term: the term's frequency in the gene's best-fitting disease against its "
          "background frequency over the panel's diseases (exact, implied, more specific and related matches; a "
          "floor for unmatched terms; excluded terms weighed by their frequency in the disease)")
ROOT = "HP:0000001"
PHENOTYPIC_ABNORMALITY = "HP:0000118"


HpoSettings = PhenotypeSettings
DEFAULT_SETTINGS = PhenotypeSettings(hpo_terms="", gene_annotations="", unmatched_term_lr=0.6, partial_match_factor=1.0,
                                     related_term_lr=1.5, max_partial_match_background=0.1)


@dataclass(frozen=True, slots=True)
class _Term:
    name: str
    parents: tuple[str, ...]
    ic: float
    obsolete: bool
    replaced_by: str


@dataclass(frozen=True)
class HpoOntology:
    """The HPO terms (label, is_a parents, gene-based IC) of one release."""

    release: str
    terms: Mapping[str, _Term]
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _partial: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def name(self, term: str) -> str:
        t = self.terms.get(term)
        return t.name if t else term

    def ic(self, term: str) -> float:
        t = self.terms.get(term)
        return t.ic if t else 0.0

    def ancestors(self, term: str) -> frozenset[str]:
        """The term and all its ancestors (is_a), memoised."""
        found = self._ancestors.get(term)
        if found is None:
            t = self.terms.get(term)
            found = frozenset({term}).union(*(self.ancestors(p) for p in t.parents)) if t else frozenset({term})
            self._ancestors[term] = found
        return found

    def partial_ancestors(self, term: str) -> tuple[str, ...]:
        """The term's proper ancestors a partial match may go through (not too general), sorted: ties between
        equally telling ancestors go to the same one in every process. Memoised."""
        found = self._partial.get(term)
        if found is None:
            found = tuple(sorted(c for c in self.ancestors(term) - {term} if not self.too_general(c)))
            self._partial[term] = found
        return found

    def closure(self, terms: Iterable[str]) -> frozenset[str]:
        """Every term implied by `terms` (each with its ancestors)."""
        return frozenset().union(*(self.ancestors(t) for t in terms))

    def too_general(self, term: str) -> bool:
        """The root, "Phenotypic abnormality" and the organ systems below it: a match there says nothing."""
        t = self.terms.get(term)
        return term in (ROOT, PHENOTYPIC_ABNORMALITY) or bool(t and PHENOTYPIC_ABNORMALITY in t.parents)


@dataclass(frozen=True, slots=True)
class DiseaseHpo:
    """One disease of a gene with its phenotype annotations (term -> frequency in the disease, 0 = known absent)."""

    disease_id: str  # OMIM:..., ORPHA:..., or "" for a gene's annotations without disease-level data
    name: str
    annotations: Mapping[str, float]


@dataclass(frozen=True)
class GeneHpo:
    """The panel genes' diseases with their annotations (HGNC ID -> diseases), and each term's background
    frequency over the panel's diseases."""

    release: str
    by_hgnc: Mapping[str, tuple[DiseaseHpo, ...]]
    background: Mapping[str, float]
    n_diseases: int
    annotation_source: str = ""
    _implied: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict, compare=False, repr=False)

    def background_frequency(self, term: str) -> float:
        """The term's background frequency, at least that of half a disease (a term no panel disease has)."""
        return max(self.background.get(term, 0.0), 0.5 / max(self.n_diseases, 1))

    def implied(self, disease: DiseaseHpo, ontology: HpoOntology) -> dict[str, float]:
        """Every term the disease has, directly or through a more specific annotation, with its frequency
        (the highest of the annotations implying it)."""
        key = (disease.disease_id or disease.name, ontology.release)
        found = self._implied.get(key)
        if found is None:
            found = {}
            for term, f in disease.annotations.items():
                for a in ontology.ancestors(term):
                    if f > found.get(a, -1.0):
                        found[a] = f
            self._implied[key] = found
        return found


def _header_value(lines: Iterable[str], key: str) -> str:
    for line in lines:
        if line.startswith(f"## {key}="):
            return line.split("=", 1)[1].strip()
    return ""


@cache
def load_ontology(path: str) -> HpoOntology:
    """The terms table, read once per process."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            text = fh.read().splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the HPO terms table ({exc}); set phenotype.hpo_terms or rebuild it "
                          "with scripts/build_hpo_tables.py") from exc
    head = [line for line in text if line.startswith("##")]
    terms: dict[str, _Term] = {}
    for line in text[len(head) + 1:]:
        tid, name, parents, ic, obsolete, replaced = line.split("\t")
        terms[tid] = _Term(name, tuple(p for p in parents.split(";") if p), float(ic), obsolete == "yes", replaced)
    return HpoOntology(_header_value(head, "hpo_release"), terms)


def background_path(annotations: str) -> Path:
    """The background table that belongs to a `<panel>.hpo.tsv`."""
    return Path(annotations).with_name(Path(annotations).name.removesuffix(".hpo.tsv") + ".hpo_background.tsv")


def _read_table(path: str | Path, what: str) -> tuple[list[str], list[list[str]]]:
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc}); set phenotype.gene_annotations or build them with "
                          "scripts/build_hpo_tables.py") from exc
    head = [line for line in text if line.startswith("##")]
    return head, [line.split("\t") for line in text[len(head) + 1:] if line]


@cache
def load_gene_hpo(path: str) -> GeneHpo:
    """The diseases' annotations (`<panel>.hpo.tsv`) and the background beside it, read once per process."""
    head, rows = _read_table(path, "the panel genes' HPO annotations")
    by_hgnc: dict[str, list[DiseaseHpo]] = {}
    for f in rows:
        if len(f) < 8:
            raise ConfigError(f"{path}: not a per-disease HPO table (8 columns); rebuild it with "
                              "scripts/build_hpo_tables.py")
        genes = by_hgnc.setdefault(f[0], [])
        if f[7]:
            ann = {t: float(v) for t, v in (kv.split("=") for kv in f[7].split(";"))}
            genes.append(DiseaseHpo(f[4], f[5], ann))
    bg_head, bg_rows = _read_table(background_path(path), "the HPO background frequencies")
    background = {f[0]: float(f[1]) for f in bg_rows}
    n = int(_header_value(bg_head, "n_diseases") or 0)
    return GeneHpo(_header_value(head, "hpo_release"), {h: tuple(d) for h, d in by_hgnc.items()}, background, n,
                   _header_value(head, "annotation_source"))


@dataclass(frozen=True, slots=True)
class PatientHpo:
    """The patient's terms as used: obsolete terms replaced, terms unknown to the release set aside (`notes`)."""

    observed: tuple[str, ...]
    excluded: tuple[str, ...]
    notes: tuple[str, ...] = ()


def patient_hpo(observed: Iterable[str], excluded: Iterable[str], ontology: HpoOntology) -> PatientHpo:
    notes: list[str] = []

    def usable(terms: Iterable[str]) -> tuple[str, ...]:
        out: list[str] = []
        for term in terms:
            t = ontology.terms.get(term)
            if t is None:
                notes.append(f"{term} is not in HPO release {ontology.release}: not used for ranking")
                continue
            if t.obsolete and t.replaced_by:
                notes.append(f"{term} is obsolete in HPO {ontology.release}: {t.replaced_by} used instead")
                term = t.replaced_by
            elif t.obsolete:
                notes.append(f"{term} is obsolete in HPO {ontology.release} with no replacement: not used")
                continue
            if term not in out:
                out.append(term)
        return tuple(out)

    return PatientHpo(usable(observed), usable(excluded), tuple(notes))


def _most_specific(terms: tuple[str, ...], ontology: HpoOntology) -> tuple[str, ...]:
    """The terms without those that are an ancestor of another of them."""
    implied = set().union(*(ontology.ancestors(t) - {t} for t in terms)) if terms else set()
    return tuple(t for t in terms if t not in implied)


def _most_general(terms: tuple[str, ...], ontology: HpoOntology) -> tuple[str, ...]:
    """The terms without those that are a descendant of another of them."""
    return tuple(t for t in terms if not any(o != t and o in ontology.ancestors(t) for o in terms))


@dataclass(frozen=True, slots=True)
class TermEvidence:
    """One patient term's likelihood ratio for the gene's best disease, and how it was matched."""

    term: str
    label: str
    observed: bool  # False: a feature the patient is known not to have
    match: str  # exact | implied | more_specific | related | unmatched | absent_in_disease | excluded
    matched_term: str  # the disease's term (or the shared ancestor) the LR was read at; "" when unmatched
    matched_label: str
    disease_frequency: float | None
    background_frequency: float
    lr: float

    @property
    def log10_lr(self) -> float:
        return math.log10(self.lr)


def _observed_lr(q: str, implied: Mapping[str, float], direct: Mapping[str, float], genes: GeneHpo,
                 ontology: HpoOntology, settings: HpoSettings) -> TermEvidence:
    """The rule of the module docstring for an observed term."""
    floor = settings["unmatched_term_lr"]
    label = ontology.name(q)
    bg_q = genes.background_frequency(q)
    if q in implied:
        f = implied[q]
        match = "exact" if q in direct else "implied"
        if f <= 0:
            return TermEvidence(q, label, True, "absent_in_disease", q, label, 0.0, bg_q, floor)
        return TermEvidence(q, label, True, match, q, label, f, bg_q, max(floor, f / bg_q))
    best: TermEvidence | None = None
    for c in ontology.partial_ancestors(q):
        f = implied.get(c, 0.0)
        if f <= 0:
            continue
        bg_c = genes.background_frequency(c)
        more_specific = c in direct
        if not more_specific and bg_c > settings["max_partial_match_background"]:
            continue
        lr = settings["partial_match_factor"] * f / bg_c if more_specific else settings["related_term_lr"]
        if best is None or lr > best.lr:
            best = TermEvidence(q, label, True, "more_specific" if more_specific else "related", c, ontology.name(c),
                                f, bg_c, lr)
    if best is None or best.lr < floor:
        return TermEvidence(q, label, True, "unmatched", "", "", None, bg_q, floor)
    return best


def _excluded_lr(x: str, implied: Mapping[str, float], genes: GeneHpo, ontology: HpoOntology,
                 settings: HpoSettings) -> TermEvidence:
    f = implied.get(x, 0.0)
    bg = min(genes.background_frequency(x), 0.95)
    lr = max(settings["unmatched_term_lr"], (1.0 - f) / (1.0 - bg))
    label = ontology.name(x)
    return TermEvidence(x, label, False, "excluded", x if f > 0 else "", label if f > 0 else "", f, bg, lr)


@dataclass(frozen=True, slots=True)
class HpoFit:
    """The gene's HPO fit: the log10 likelihood ratio of its best-fitting disease (`score`; 0 when the gene has no
    annotation), that disease, and each patient term's contribution (`terms`). `annotated` is False for the
    genes with no HPO annotation (45 of the 505 panel genes in HPO 2025-11-24): phenotype unknown."""

    score: float
    terms: tuple[TermEvidence, ...]
    annotated: bool
    disease_id: str = ""
    disease_name: str = ""

    @property
    def fits(self) -> tuple[tuple[str, str], ...]:
        """The observed terms that argue for the gene (LR > 1), as (term, label)."""
        return tuple((t.term, t.label) for t in self.terms if t.observed and t.lr > 1)

    @property
    def against(self) -> tuple[tuple[str, str], ...]:
        """The terms that argue against it (LR < 1): observed features it does not have, absent ones it has."""
        return tuple((t.term, t.label) for t in self.terms if t.lr < 1)

    @property
    def lr(self) -> float:
        return 10 ** self.score


def _disease_fit(observed: tuple[str, ...], excluded: tuple[str, ...], disease: DiseaseHpo, genes: GeneHpo,
                 ontology: HpoOntology, settings: HpoSettings) -> tuple[float, tuple[TermEvidence, ...]]:
    implied = genes.implied(disease, ontology)
    terms = tuple(_observed_lr(q, implied, disease.annotations, genes, ontology, settings) for q in observed)
    terms += tuple(_excluded_lr(x, implied, genes, ontology, settings) for x in excluded)
    return sum(t.log10_lr for t in terms), terms


def hpo_fit(patient: PatientHpo, hgnc_id: str, genes: GeneHpo, ontology: HpoOntology,
            settings: HpoSettings = DEFAULT_SETTINGS) -> HpoFit:
    """The rule in the module docstring: the best of the gene's diseases."""
    diseases = genes.by_hgnc.get(hgnc_id, ())
    if not diseases or not (patient.observed or patient.excluded):
        return HpoFit(0.0, (), bool(diseases))
    best: tuple[float, tuple[TermEvidence, ...], DiseaseHpo] | None = None
    observed, excluded = _most_specific(patient.observed, ontology), _most_general(patient.excluded, ontology)
    for d in diseases:
        score, terms = _disease_fit(observed, excluded, d, genes, ontology, settings)
        if best is None or score > best[0]:
            best = (score, terms, d)
    assert best is not None
    return HpoFit(round(best[0], 4), best[1], True, best[2].disease_id, best[2].name)


@dataclass(frozen=True)
class HpoContext:
    """One case's HPO terms with the ontology, the panel's disease annotations and the settings."""

    patient: PatientHpo
    ontology: HpoOntology
    genes: GeneHpo
    settings: HpoSettings = field(default_factory=lambda: DEFAULT_SETTINGS)

    def fit(self, hgnc_id: str) -> HpoFit:
        return hpo_fit(self.patient, hgnc_id, self.genes, self.ontology, self.settings)


def hpo_context(observed: Iterable[str], excluded: Iterable[str], *, terms: str, genes: str,
                settings: HpoSettings = DEFAULT_SETTINGS) -> HpoContext | None:
    """The case's context, or None when the case has no HPO terms (then nothing is loaded)."""
    observed, excluded = tuple(observed), tuple(excluded)
    if not observed and not excluded:
        return None
    ontology = load_ontology(terms)
    return HpoContext(patient_hpo(observed, excluded, ontology), ontology, load_gene_hpo(genes), settings)


@dataclass(frozen=True, slots=True)
class PhenotypeMatch:
    """How the patient's clinical picture fits a gene: the IUIS immunophenotype features agreeing and
    contradicting (panel.features), whether the suspected IUIS category is one of the gene's, and the HPO fit
    (None when the case gives no HPO terms). Combined into one likelihood ratio by `ranking.phenotype_lr`."""

    agree: tuple[str, ...] = ()
    contradict: tuple[str, ...] = ()
    category: bool = False
    hpo: HpoFit | None = None
    # log10 likelihood ratio of the immunophenotype (ranking.immunophenotype_lr); 0 when not given or not stated
    immunophenotype_log10_lr: float = 0.0
