"""How well the patient's HPO terms fit a gene: the one place for the HPO part of the phenotype ranking.

Method: the patient-to-gene Resnik best-match average (Köhler et al. 2009, Am J Hum Genet 85:457, the
"Phenomizer" query-to-disease similarity; Resnik 1995). For each of the patient's observed terms, the
information content (IC) of the most informative common ancestor with its best-matching term among the gene's
HPO annotations; an excluded term (a feature known to be absent) counts minus its IC when the gene has the
feature (is annotated with it or a more specific term), zero otherwise. The score is the mean over all the
patient's terms, in IC units (nats). The one-directional form is chosen because a gene has tens to hundreds of
annotations and a patient a handful: the symmetric average would mostly measure how many of the gene's
features the patient lacks, which a referral seldom lists.

The IC is gene-based (-ln of the share of annotated genes carrying the term or a descendant), from the HPO
release embedded in hpo3. Both tables are derived by scripts/build_hpo_tables.py (the ontology,
pidtriage/data/hpo_terms.tsv.gz; the panel genes' annotations, gene_panels/<panel>.hpo.tsv) so that a case
pays ~0.1 s, not hpo3's 0.6 s load; tests/test_phenotype.py holds the scores to hpo3's own.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pidtriage.errors import ConfigError

__all__ = ["HPO_ID", "METHOD", "GeneHpo", "HpoContext", "HpoFit", "HpoOntology", "PatientHpo", "PhenotypeMatch",
           "hpo_context", "hpo_fit", "load_gene_hpo", "load_ontology", "patient_hpo"]

HPO_ID = re.compile(r"^HP:\d{7}$")
METHOD = ("patient-to-gene Resnik best-match average (Köhler et al. 2009), gene-based information content; "
          "excluded terms the gene has count minus their information content")


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

    def closure(self, terms: Iterable[str]) -> frozenset[str]:
        """Every term implied by `terms` (each with its ancestors)."""
        return frozenset().union(*(self.ancestors(t) for t in terms))


@dataclass(frozen=True)
class GeneHpo:
    """The panel genes' HPO annotations (HGNC ID → terms) from one HPO release."""

    release: str
    by_hgnc: Mapping[str, tuple[str, ...]]


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


@cache
def load_gene_hpo(path: str) -> GeneHpo:
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the panel genes' HPO annotations ({exc}); set "
                          "phenotype.gene_annotations or build them with scripts/build_hpo_tables.py") from exc
    head = [line for line in text if line.startswith("##")]
    by_hgnc = {}
    for line in text[len(head) + 1:]:
        f = line.split("\t")
        by_hgnc[f[0]] = tuple(t for t in f[5].split(";") if t)
    return GeneHpo(_header_value(head, "hpo_release"), by_hgnc)


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


@dataclass(frozen=True, slots=True)
class HpoFit:
    """The gene's HPO fit: the score (nats; METHOD), the observed terms the gene has (it is annotated with them or
    a more specific term), the excluded terms it has (they count against it), and whether the gene has any
    HPO annotation at all (45 of the 505 panel genes have none in HPO 2025-11-24: their score is 0, unknown)."""

    score: float
    fits: tuple[tuple[str, str], ...]  # (term, label)
    against: tuple[tuple[str, str], ...]
    annotated: bool


def hpo_fit(patient: PatientHpo, gene_terms: tuple[str, ...], ontology: HpoOntology) -> HpoFit:
    """The rule in the module docstring."""
    n = len(patient.observed) + len(patient.excluded)
    if not gene_terms or n == 0:
        return HpoFit(0.0, (), (), bool(gene_terms))
    gene_closure = ontology.closure(gene_terms)
    total = 0.0
    for term in patient.observed:
        common = ontology.ancestors(term) & gene_closure
        total += max((ontology.ic(t) for t in common), default=0.0)
    against = tuple(t for t in patient.excluded if t in gene_closure)
    total -= sum(ontology.ic(t) for t in against)
    fits = tuple(t for t in patient.observed if t in gene_closure)
    return HpoFit(round(total / n, 4), tuple((t, ontology.name(t)) for t in fits),
                  tuple((t, ontology.name(t)) for t in against), True)


@dataclass(frozen=True)
class HpoContext:
    """One case's HPO terms with the ontology and the panel genes' annotations they are scored against."""

    patient: PatientHpo
    ontology: HpoOntology
    genes: GeneHpo

    def fit(self, hgnc_id: str) -> HpoFit:
        return hpo_fit(self.patient, self.genes.by_hgnc.get(hgnc_id, ()), self.ontology)


def hpo_context(observed: Iterable[str], excluded: Iterable[str], *, terms: str, genes: str) -> HpoContext | None:
    """The case's context, or None when the case has no HPO terms (then nothing is loaded)."""
    observed, excluded = tuple(observed), tuple(excluded)
    if not observed and not excluded:
        return None
    ontology = load_ontology(terms)
    return HpoContext(patient_hpo(observed, excluded, ontology), ontology, load_gene_hpo(genes))


@dataclass(frozen=True, slots=True)
class PhenotypeMatch:
    """How the patient's clinical picture fits a gene: the IUIS immunophenotype features agreeing and
    contradicting (panel.features), whether the suspected IUIS category is one of the gene's, and the HPO fit
    (None when the case gives no HPO terms). Combined into one number by `ranking.phenotype_score`."""

    agree: tuple[str, ...] = ()
    contradict: tuple[str, ...] = ()
    category: bool = False
    hpo: HpoFit | None = None
