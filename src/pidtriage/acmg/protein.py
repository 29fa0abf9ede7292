"""Evidence at the protein level: PS1, PM5 (ClinVar P/LP missense at the same residue), PM4 (protein length
change), PM1 (critical domain or residue; only for genes whose expert panel lists them, as data).

PS1: the same amino-acid change as a ClinVar pathogenic missense by another nucleotide change: strong (moderate
when ClinVar says likely pathogenic). PM5: a different missense change at a residue where ClinVar has a
pathogenic one: moderate (supporting for likely pathogenic). Both need a ClinVar resource with protein changes
(HGVSp) and count ClinVar records at or above the configured review stars.
"""

from __future__ import annotations

import re

from pidtriage.acmg.base import POINTS, crit, scaled
from pidtriage.acmg.rules import GeneRules
from pidtriage.annotate.consequence import protein_residue
from pidtriage.models import AnnotatedVariant, Criterion, Outcome

__all__ = ["pm1", "pm4", "ps1_pm5"]


def _is_plp(significance: str) -> str:
    s = significance.lower()
    if "conflicting" in s:
        return ""
    if s.startswith("pathogenic"):
        return "P"
    if s.startswith("likely_pathogenic") or s.startswith("likely pathogenic"):
        return "LP"
    return ""


def ps1_pm5(av: AnnotatedVariant, *, min_stars: int) -> tuple[Criterion, Criterion]:
    c = av.consequence
    if c is None or "missense_variant" not in c.so_terms:
        text = "not a missense variant"
        return (crit("PS1", Outcome.NOT_MET, "strong", 4, text), crit("PM5", Outcome.NOT_MET, "moderate", 2, text))
    own = protein_residue(c.hgvs_p)
    if own is None or av.clinvar_residue is None:
        why = ("no three-letter HGVS p. for the variant" if own is None
               else "the ClinVar resource carries no protein changes (HGVSp)")
        return (crit("PS1", Outcome.NOT_EVALUATED, "strong", 4, why), crit("PM5", Outcome.NOT_EVALUATED, "moderate", 2, why))
    same: list[tuple[str, str]] = []
    other: list[tuple[str, str]] = []
    for hgvs_p, significance, stars in av.clinvar_residue:
        theirs, cls = protein_residue(hgvs_p), _is_plp(significance)
        if theirs is None or not cls or (stars or 0) < min_stars or theirs[1] != own[1]:
            continue
        (same if theirs[2] == own[2] else other).append((cls, hgvs_p))
    ps1 = _residue_crit("PS1", "strong", same, f"same amino-acid change ({c.hgvs_p})")
    pm5 = _residue_crit("PM5", "moderate", other, f"another missense change at residue {own[0]}{own[1]}")
    return ps1, pm5


def _residue_crit(code: str, default: str, hits: list[tuple[str, str]], what: str) -> Criterion:
    if not hits:
        return crit(code, Outcome.NOT_MET, default, POINTS[default], f"no ClinVar P/LP with the {what.split(' (')[0]}")
    best = "P" if any(h[0] == "P" for h in hits) else "LP"
    strength = default if best == "P" else ("moderate" if default == "strong" else "supporting")
    shown = ", ".join(sorted({f"{h[1]} ({h[0]})" for h in hits}))
    return crit(scaled(code, default, strength), Outcome.MET, strength, POINTS[strength],
                f"{what}: ClinVar {shown}")


def pm4(av: AnnotatedVariant) -> Criterion:
    c = av.consequence
    if c is None:
        return crit("PM4", Outcome.NOT_EVALUATED, "moderate", 2, "no consequence annotation")
    terms = set(c.so_terms) & {"inframe_deletion", "inframe_insertion", "stop_lost"}
    if not terms:
        return crit("PM4", Outcome.NOT_MET, "moderate", 2, "no change of protein length")
    return crit("PM4", Outcome.MET, "moderate", 2, f"{sorted(terms)[0]} changes the protein length (whether it lies "
                                                   "in a repeat region, where PM4 does not apply, is not assessed)")


def _position(protein_position: str) -> int | None:
    m = re.match(r"^(\d+)", protein_position or "")
    return int(m.group(1)) if m else None


def pm1(av: AnnotatedVariant, rules: GeneRules) -> Criterion:
    if not rules.pm1:
        return crit("PM1", Outcome.NOT_EVALUATED, "moderate", 2, "no expert-panel domain or hotspot list for this gene")
    c = av.consequence
    if c is None or "missense_variant" not in c.so_terms:
        return crit("PM1", Outcome.NOT_MET, "moderate", 2, "not a missense variant")
    res = protein_residue(c.hgvs_p)
    pos = _position(c.protein_position) or (res[1] if res else None)
    if pos is None:
        return crit("PM1", Outcome.NOT_EVALUATED, "moderate", 2, "protein position unknown")
    p = rules.pm1
    levels = (("strong", pos in p.get("strong_residues", ()) or _inside(pos, p.get("strong_domains", ()))),
              ("moderate", _inside(pos, p.get("domains", ()))),
              ("supporting", _inside(pos, p.get("supporting_domains", ()))))
    for strength, hit in levels:
        if hit:
            return crit(scaled("PM1", "moderate", strength), Outcome.MET, strength, POINTS[strength],
                        f"residue {pos} in a critical region ({rules.source})")
    return crit("PM1", Outcome.NOT_MET, "moderate", 2, f"residue {pos} outside the listed critical regions")


def _inside(pos: int, spans: object) -> bool:
    return any(a <= pos <= b for a, b in spans)  # type: ignore[attr-defined]
