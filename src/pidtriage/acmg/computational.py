"""Computational evidence: PP3, BP4 and BP7.

Missense: REVEL at the calibrated strengths of Pejaver et al. 2022 (ClinGen SVI): PP3 supporting >= 0.644,
moderate >= 0.773, strong >= 0.932; BP4 supporting <= 0.290, moderate <= 0.183, strong <= 0.016 (capped at
strong). Without REVEL, CADD PHRED at the same paper's intervals. Splicing: SpliceAI maximum delta score
(Walker et al. 2023): PP3 >= 0.2, BP4 needs <= 0.1. A variant gets PP3 at the strongest level either path
gives. BP7: a synonymous variant, or an intronic one at or beyond +7/-21, with no predicted splice impact.
PP3 is never combined with PVS1 (classify drops it). Thresholds live in the config (`acmg:`) and per gene.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pidtriage.acmg.base import POINTS, crit, scaled
from pidtriage.acmg.rules import GeneRules
from pidtriage.annotate.consequence import NULL_TERMS
from pidtriage.models import AnnotatedVariant, Criterion, Outcome

__all__ = ["bp4", "bp7", "pp3"]

LEVELS = ("supporting", "moderate", "strong")


def _level_at_least(value: float, thresholds: Sequence[float]) -> str:
    """The strongest level whose threshold `value` reaches (thresholds ascending by strength)."""
    reached = [lvl for lvl, t in zip(LEVELS, thresholds, strict=False) if t is not None and value >= t]
    return reached[-1] if reached else ""


def _level_at_most(value: float, thresholds: Sequence[float]) -> str:
    reached = [lvl for lvl, t in zip(LEVELS, thresholds, strict=False) if t is not None and value <= t]
    return reached[-1] if reached else ""


def _missense_tool(av: AnnotatedVariant, rules: GeneRules) -> tuple[str, float, Sequence[float], Sequence[float]] | None:
    t = rules.thresholds
    revel = av.score("revel")
    if revel is not None:
        return "REVEL", revel, t["revel_pp3"], t["revel_bp4"]
    cadd = av.score("cadd_phred")
    if cadd is not None:
        return "CADD", cadd, t["cadd_pp3"], t["cadd_bp4"]
    return None


def _is_missense(av: AnnotatedVariant) -> bool:
    return av.consequence is not None and "missense_variant" in av.consequence.so_terms


def pp3(av: AnnotatedVariant, rules: GeneRules) -> Criterion:
    t = rules.thresholds
    found: list[tuple[str, str]] = []  # (level, reason)
    checked = []
    if _is_missense(av) and rules.pp3_missense:
        tool = _missense_tool(av, rules)
        if tool:
            name, value, pp3_t, _ = tool
            level = _level_at_least(value, pp3_t)
            checked.append(f"{name} {value:.3g}")
            if level:
                found.append((level, f"{name} {value:.3g} >= {pp3_t[LEVELS.index(level)]:g}{rules.cite('revel_pp3')}"))
    elif _is_missense(av):
        checked.append(f"missense predictors not used for {rules.source.split(', ')[-1]} ({rules.source})")
    spliceai = av.score("spliceai")
    if spliceai is not None:
        checked.append(f"SpliceAI {spliceai:.2g}")
        if spliceai >= t["spliceai_pp3"]:
            found.append(("supporting", f"SpliceAI delta {spliceai:.2g} >= {t['spliceai_pp3']:g}"))
    if found:
        level, reason = max(found, key=lambda f: LEVELS.index(f[0]))
        return crit(scaled("PP3", "supporting", level), Outcome.MET, level, POINTS[level], reason)
    if not checked:
        return crit("PP3", Outcome.NOT_EVALUATED, "supporting", 1, "no in-silico score for this variant")
    return crit("PP3", Outcome.NOT_MET, "supporting", 1, "below the PP3 thresholds: " + ", ".join(checked))


def bp4(av: AnnotatedVariant, rules: GeneRules) -> Criterion:
    t = rules.thresholds
    if not rules.bp4:
        return crit("BP4", Outcome.NOT_MET, "supporting", -1, f"not applicable ({rules.source})")
    c = av.consequence
    if c is not None and set(c.so_terms) & NULL_TERMS:
        return crit("BP4", Outcome.NOT_MET, "supporting", -1, "a null variant: computational benign evidence does not apply")
    spliceai = av.score("spliceai")
    splice_ok = spliceai is not None and spliceai <= t["spliceai_bp4"]
    if spliceai is not None and not splice_ok:
        return crit("BP4", Outcome.NOT_MET, "supporting", -1, f"SpliceAI delta {spliceai:.2g} > {t['spliceai_bp4']:g}")
    if _is_missense(av):
        tool = _missense_tool(av, rules)
        if tool is None:
            return crit("BP4", Outcome.NOT_EVALUATED, "supporting", -1, "no missense score (REVEL or CADD)")
        name, value, _, bp4_t = tool
        level = _level_at_most(value, bp4_t)
        splice = f", SpliceAI {spliceai:.2g} <= {t['spliceai_bp4']:g}" if splice_ok else ", SpliceAI not available"
        if level:
            return crit(scaled("BP4", "supporting", level), Outcome.MET, level, -POINTS[level],
                        f"{name} {value:.3g} <= {bp4_t[LEVELS.index(level)]:g}{splice}")
        return crit("BP4", Outcome.NOT_MET, "supporting", -1, f"{name} {value:.3g} > {bp4_t[0]:g}")
    if spliceai is None:
        return crit("BP4", Outcome.NOT_EVALUATED, "supporting", -1, "no SpliceAI score for this non-missense variant")
    return crit("BP4", Outcome.MET, "supporting", -1, f"SpliceAI delta {spliceai:.2g} <= {t['spliceai_bp4']:g}")


def _intron_offset(hgvs_c: str) -> tuple[str, int] | None:
    m = re.search(r"c\.[-*]?\d+([+-])(\d+)", hgvs_c or "")
    return (m.group(1), int(m.group(2))) if m else None


def bp7(av: AnnotatedVariant, rules: GeneRules) -> Criterion:
    c = av.consequence
    if c is None:
        return crit("BP7", Outcome.NOT_EVALUATED, "supporting", -1, "no consequence annotation")
    offset = _intron_offset(c.hgvs_c)
    limits = rules.bp7_intron_offset
    if "synonymous_variant" in c.so_terms:
        what = "synonymous"
    elif offset and set(c.so_terms) <= {"intron_variant", "splice_region_variant", "splice_polypyrimidine_tract_variant",
                                         "splice_donor_region_variant"}:
        side, dist = offset
        need = limits["donor"] if side == "+" else limits["acceptor"]
        if dist < need:
            return crit("BP7", Outcome.NOT_MET, "supporting", -1, f"intronic {side}{dist}, closer than {side}{need}")
        what = f"intronic {side}{dist} (at or beyond {side}{need})"
    else:
        return crit("BP7", Outcome.NOT_MET, "supporting", -1, "neither synonymous nor deep intronic")
    spliceai = av.score("spliceai")
    if spliceai is None:
        return crit("BP7", Outcome.NOT_EVALUATED, "supporting", -1, f"{what}, but no SpliceAI score to rule out splicing")
    met = spliceai <= rules.thresholds["spliceai_bp4"]
    return crit("BP7", Outcome.MET if met else Outcome.NOT_MET, "supporting", -1,
                f"{what}, SpliceAI delta {spliceai:.2g} {'<=' if met else '>'} {rules.thresholds['spliceai_bp4']:g}")
