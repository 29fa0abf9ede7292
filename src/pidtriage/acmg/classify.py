"""Combining criteria by points (Tavtigian et al. 2020): P >= 10, LP 6-9, VUS 0-5, LB -1..-6, B <= -7."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pidtriage.acmg.criteria import ba1, bs1, clinvar_evidence, pm2, ps2, pvs1
from pidtriage.models import AnnotatedVariant, Criterion, Outcome
from pidtriage.panel.model import PanelGene

__all__ = ["Classification", "class_of", "classify"]


@dataclass(frozen=True, slots=True)
class Classification:
    acmg_class: str  # P LP VUS LB B
    points: int
    criteria: tuple[Criterion, ...]

    @property
    def met(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.outcome == Outcome.MET)

    @property
    def codes(self) -> str:
        return ",".join(c.code for c in self.met)


def class_of(points: int) -> str:
    if points >= 10:
        return "P"
    if points >= 6:
        return "LP"
    if points >= 0:
        return "VUS"
    if points >= -6:
        return "LB"
    return "B"


def classify(av: AnnotatedVariant, gene: PanelGene, thresholds: Mapping[str, Any], *, min_stars: int,
             de_novo: bool = False, trio: bool = False) -> Classification:
    criteria: list[Criterion] = [
        pvs1(av, gene), pm2(av, thresholds), ps2(de_novo, trio), ba1(av, thresholds), bs1(av, thresholds),
        *clinvar_evidence(av, min_stars=min_stars, points_by_stars=thresholds["clinvar_points_by_stars"]),
    ]  # fmt: skip
    points = sum(c.points for c in criteria if c.outcome == Outcome.MET)
    if any(c.code == "BA1" and c.outcome == Outcome.MET for c in criteria):
        return Classification("B", min(points, -8), tuple(criteria))
    return Classification(class_of(points), points, tuple(criteria))


def worst_class(classes: Sequence[str]) -> str:
    order = ["P", "LP", "VUS", "LB", "B"]
    return max(classes, key=order.index) if classes else "VUS"
