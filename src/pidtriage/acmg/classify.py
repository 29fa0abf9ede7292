"""Combining criteria by points (Tavtigian et al. 2020): P >= 10, LP 6-9, VUS 0-5, LB -1..-6, B <= -7.

Points: very strong 8, strong 4, moderate 2, supporting 1 (benign criteria negative); BA1 alone makes a variant
benign. Criteria that must not be counted twice for the same evidence are dropped with a reason: PP3 with PVS1
(ClinGen SVI), PM4 with PVS1, PM5 with PS1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pidtriage.acmg.base import crit
from pidtriage.acmg.clinvar import clinvar_evidence
from pidtriage.acmg.computational import bp4, bp7, pp3
from pidtriage.acmg.null import pvs1
from pidtriage.acmg.population import ba1, bs1, bs2, pm2
from pidtriage.acmg.protein import pm1, pm4, ps1_pm5
from pidtriage.acmg.rules import GeneRules, rules_for
from pidtriage.acmg.segregation import ps2_pm6
from pidtriage.inheritance.family import Family
from pidtriage.models import AcmgClass, AnnotatedVariant, Criterion, Outcome
from pidtriage.panel.model import Disease, PanelGene
from pidtriage.settings import AcmgThresholds

__all__ = ["Classification", "class_of", "classify", "combine", "with_criteria"]


@dataclass(frozen=True, slots=True)
class Classification:
    acmg_class: AcmgClass
    points: int
    criteria: tuple[Criterion, ...]
    rules_source: str = ""  # the gene-specific rule set applied, "" for the general thresholds

    @property
    def met(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.outcome == Outcome.MET)

    @property
    def codes(self) -> str:
        return ",".join(c.code for c in self.met)


def class_of(points: int, cutoffs: Mapping[str, int]) -> AcmgClass:
    """The class of a point total, with the schema's `acmg.class_min_points` (Tavtigian 2020)."""
    for cls in (AcmgClass.P, AcmgClass.LP, AcmgClass.VUS, AcmgClass.LB):
        if points >= cutoffs[cls.value]:
            return cls
    return AcmgClass.B


_EXCLUSIONS = (("PVS1", "PP3", "not combined with PVS1 (ClinGen SVI)"),
               ("PVS1", "PM4", "not combined with PVS1 (the same protein change)"),
               ("PS1", "PM5", "not combined with PS1 (the same residue)"))  # fmt: skip


def combine(criteria: Iterable[Criterion], cutoffs: Mapping[str, int], rules_source: str = "") -> Classification:
    crits = list(criteria)
    met = {c.base for c in crits if c.outcome == Outcome.MET}
    for keep, drop, why in _EXCLUSIONS:
        if keep in met:
            crits = [crit(c.base, Outcome.NOT_MET, c.strength, 0, f"{c.explanation}; {why}")
                     if c.outcome == Outcome.MET and c.base == drop else c for c in crits]
    points = sum(c.points for c in crits if c.outcome == Outcome.MET)
    if any(c.code == "BA1" and c.outcome == Outcome.MET for c in crits):
        return Classification(AcmgClass.B, min(points, -8), tuple(crits), rules_source)
    return Classification(class_of(points, cutoffs), points, tuple(crits), rules_source)


def classify(av: AnnotatedVariant, gene: PanelGene, thresholds: AcmgThresholds, *, min_stars: int,
             family: Family, de_novo: bool = False, diseases: Sequence[Disease] | None = None,
             clinvar_configured: bool = True) -> Classification:
    """Every criterion for `av` in `gene`, judged for the disease entries `diseases` (default: all the gene's;
    the mechanism decides PVS1), combined by points."""
    rules: GeneRules = rules_for(gene.hgnc_id, thresholds)
    ps1, pm5 = ps1_pm5(av, min_stars=min_stars)
    criteria = [
        pvs1(av, gene, diseases, min_removed=float(thresholds["pvs1_min_removed_fraction"])), ps1, ps2_pm6(de_novo, family), pm1(av, rules), pm2(av, rules), pm4(av), pm5,
        pp3(av, rules), ba1(av, rules), bs1(av, rules), bs2(av, gene, rules), bp4(av, rules), bp7(av, rules),
        clinvar_evidence(av, min_stars=min_stars, points_by_stars=thresholds["clinvar_points_by_stars"],
                         configured=clinvar_configured),
    ]  # fmt: skip
    return combine(criteria, thresholds["class_min_points"], rules.source)


def with_criteria(cls: Classification, extra: Sequence[Criterion], cutoffs: Mapping[str, int]) -> Classification:
    """The classification with criteria found later (PM3 from the pair a variant is in), recombined."""
    if not extra:
        return cls
    codes = {c.base for c in extra}
    kept = [c for c in cls.criteria if c.base not in codes]
    return dataclasses.replace(combine([*kept, *extra], cutoffs, cls.rules_source))

