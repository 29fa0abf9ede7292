"""What triage produces, as values: a candidate variant (`Candidate`), a finding in one gene under one mode of
inheritance (`GeneFinding`), what was made of every variant the proband carries (`Assessment`), and a case's
result (`TriageResult`). Built by pidtriage.triage.judge, ordered by pidtriage.triage.ranking, turned into the case's result
(triage.json) by pidtriage.result.assemble."""

from __future__ import annotations

from dataclasses import dataclass, field

from pidtriage.acmg.classify import Classification
from pidtriage.models import AcmgClass, AnnotatedVariant, Finding, Outcome, QcCheck, Status, VariantKey
from pidtriage.panel.model import Moi, PanelGene
from pidtriage.qc.genotype import failed_checks, hard_failures
from pidtriage.result.case_result import Oligogenic
from pidtriage.triage.decision import Scope, VariantEvidence
from pidtriage.triage.phenotype import PhenotypeMatch

__all__ = ["Assessment", "Candidate", "GeneFinding", "TriageResult", "population_unchecked"]


@dataclass(frozen=True, slots=True)
class Assessment:
    """What was made of one variant the proband carries, in one gene: its class and why it was kept or dropped
    (variants.tsv's columns)."""

    gene: str
    acmg_class: AcmgClass
    acmg_points: int
    criteria: str
    consequence: str
    reason: str


@dataclass(frozen=True, slots=True)
class Candidate:
    av: AnnotatedVariant
    gene: PanelGene
    classification: Classification
    qc: tuple[QcCheck, ...]
    finding: Finding
    moi: Moi
    meets: bool
    note: str
    phenotype: PhenotypeMatch
    rank: int = 0
    # why the variant is reportable (P/LP automated, or ClinVar P/LP: acmg.clinvar.clinvar_reportable); "" if not
    reportable: str = ""
    # a rare variant whose effect could not be judged (splice region or near-splice intronic with no splice
    # prediction, UTR next to the start or stop codon): why, e.g. "splice_region_variant: splice prediction not
    # available"; a low-prior candidate (ranking.variant_probability)
    unjudged_effect: str = ""
    # kept only as the possible second hit of a recessive pair (it does not qualify alone: triage._candidates)
    partner_only: bool = False
    # the combined ranking score of its best finding (log10 odds; ranking.finding_score), set by rank_candidates
    score: float = 0.0

    @property
    def qc_flags(self) -> list[str]:
        return failed_checks(self.qc)

    @property
    def hard_qc_flags(self) -> list[str]:
        return hard_failures(self.qc)

    def evidence(self) -> VariantEvidence:
        return VariantEvidence(self.classification.acmg_class, bool(self.reportable), not self.qc_flags,
                               not population_unchecked(self))


@dataclass(frozen=True, slots=True)
class GeneFinding:
    gene: PanelGene
    finding: Finding
    moi: Moi
    variants: tuple[Candidate, ...]
    meets: bool
    level: Status  # what this finding alone would make the case (decision.finding_level)
    explanation: str
    against: tuple[str, ...] = ()  # relatives whose genotype argues against (BS2-type)


@dataclass(frozen=True)
class TriageResult:
    """The case's status (pidtriage.triage.decision) and what set it; its one-line reason is written from the result
    model (pidtriage.result.assemble.case_reason)."""

    status: Status
    findings: list[GeneFinding] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    oligogenic: list[Oligogenic] = field(default_factory=list)
    # qualifying calls that failed hard genotype QC: never findings, listed to confirm by another method
    low_quality: list[Candidate] = field(default_factory=list)
    scope: Scope | None = None
    # every annotated variant the proband carries, by (key, gene symbol): class, points, kept or why not
    assessed: dict[tuple[VariantKey, str], Assessment] = field(default_factory=dict)


def population_unchecked(c: Candidate) -> bool:
    """The frequency was not checked: PM2 not evaluated (no population resource), or, for an SV call, no
    population SV resource configured."""
    if c.av.structural is not None:
        return not c.av.structural.population_checked
    return any(x.code == "PM2_Supporting" and x.outcome == Outcome.NOT_EVALUATED for x in c.classification.criteria)
