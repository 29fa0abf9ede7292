"""What every criterion module shares: points per strength (Tavtigian 2020) and the `Criterion` constructor."""

from __future__ import annotations

from pidtriage.models import Criterion, Outcome, Strength

__all__ = ["POINTS", "STRENGTH_OF_POINTS", "crit", "scaled"]

POINTS = {"very_strong": 8, "strong": 4, "moderate": 2, "supporting": 1}
STRENGTH_OF_POINTS = {v: k for k, v in POINTS.items()}
_SUFFIX = {"very_strong": "_VeryStrong", "strong": "_Strong", "moderate": "_Moderate", "supporting": "_Supporting"}


def crit(code: str, outcome: Outcome, strength: str, points: int, text: str) -> Criterion:
    """A criterion; points count only when met (benign criteria carry negative points)."""
    return Criterion(code, outcome, Strength(strength), points if outcome == Outcome.MET else 0, text)


def scaled(code: str, default: str, strength: str) -> str:
    """ClinGen naming of a criterion applied at another strength: PVS1 at strong is PVS1_Strong."""
    return code if strength == default else code + _SUFFIX[strength]
