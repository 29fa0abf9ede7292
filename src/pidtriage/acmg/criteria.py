"""ACMG/AMP criteria evaluated from annotation. Each returns a `Criterion` with its reason; missing data is
`not_evaluated`, never `not_met`. Thresholds come from the config (`acmg:` keys) and are quoted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pidtriage.annotate.consequence import NULL_TERMS
from pidtriage.models import AnnotatedVariant, Criterion, Outcome
from pidtriage.panel.model import Mechanism, PanelGene

__all__ = ["POINTS", "ba1", "bs1", "clinvar_evidence", "pm2", "ps2", "pvs1"]

POINTS = {"very_strong": 8, "strong": 4, "moderate": 2, "supporting": 1}


def _c(code: str, outcome: Outcome, strength: str, points: int, text: str) -> Criterion:
    return Criterion(code, outcome, strength, points if outcome == Outcome.MET else 0, text)


def pvs1(av: AnnotatedVariant, gene: PanelGene) -> Criterion:
    c = av.consequence
    if c is None:
        return _c("PVS1", Outcome.NOT_EVALUATED, "very_strong", 0, "no consequence annotation")
    null = sorted(set(c.so_terms) & NULL_TERMS)
    if not null:
        return _c("PVS1", Outcome.NOT_MET, "very_strong", 0, f"{'&'.join(c.so_terms)} is not a null variant")
    lof = [d for d in gene.diseases if d.mechanism in (Mechanism.LOF, Mechanism.MIXED)] or (
        [] if gene.mechanism in (Mechanism.GOF, Mechanism.DN) else list(gene.diseases)
    )
    if not lof and gene.mechanism in (Mechanism.GOF, Mechanism.DN):
        return _c("PVS1", Outcome.NOT_MET, "very_strong", 0,
                  f"{null[0]} in {gene.symbol}, whose disease mechanism is {gene.mechanism}: loss of function is not the mechanism")
    exon = c.exon.split("/") if c.exon else []
    if len(exon) == 2 and exon[0] == exon[1] and set(null) & {"stop_gained", "frameshift_variant"}:
        return _c("PVS1_Strong", Outcome.MET, "strong", POINTS["strong"],
                  f"{null[0]} in the last exon ({c.exon}) of {gene.symbol}: may escape NMD, PVS1 at strong")
    return _c("PVS1", Outcome.MET, "very_strong", POINTS["very_strong"],
              f"{null[0]} in {gene.symbol}, a gene where loss of function causes disease")


def pm2(av: AnnotatedVariant, t: Mapping[str, Any]) -> Criterion:
    p, limit = av.population, t["pm2_max_af"]
    if p is None:
        return _c("PM2_Supporting", Outcome.NOT_EVALUATED, "supporting", 0, "no population resource configured")
    if not p.found:
        an = f" (AN {p.an})" if p.an else ""
        return _c("PM2_Supporting", Outcome.MET, "supporting", 1, f"absent from the population resource{an}")
    af = p.effective_af
    met = af <= limit
    return _c("PM2_Supporting", Outcome.MET if met else Outcome.NOT_MET, "supporting", 1,
              f"population AF {af:.3g} {'<=' if met else '>'} {limit}")


def ba1(av: AnnotatedVariant, t: Mapping[str, Any]) -> Criterion:
    p, limit = av.population, t["ba1_min_af"]
    if p is None:
        return _c("BA1", Outcome.NOT_EVALUATED, "stand_alone", 0, "no population resource configured")
    af = p.effective_af
    met = p.found and af > limit
    return _c("BA1", Outcome.MET if met else Outcome.NOT_MET, "stand_alone", -8,
              f"population AF {af:.3g} {'>' if met else '<='} {limit}")


def bs1(av: AnnotatedVariant, t: Mapping[str, Any]) -> Criterion:
    p, lo, hi = av.population, t["bs1_min_af"], t["ba1_min_af"]
    if p is None:
        return _c("BS1", Outcome.NOT_EVALUATED, "strong", 0, "no population resource configured")
    af = p.effective_af
    met = p.found and lo < af <= hi
    return _c("BS1", Outcome.MET if met else Outcome.NOT_MET, "strong", -4,
              f"population AF {af:.3g} {'>' if met else 'not >'} {lo} (and <= {hi})")


def ps2(is_de_novo: bool, trio: bool) -> Criterion:
    if not trio:
        return _c("PS2", Outcome.NOT_EVALUATED, "strong", 0, "parents' genotypes not available")
    if is_de_novo:
        return _c("PS2", Outcome.MET, "strong", POINTS["strong"],
                  "de novo: both parents homozygous reference (parentage assumed from the sheet, not confirmed)")
    return _c("PS2", Outcome.NOT_MET, "strong", 0, "inherited or parental genotypes uncertain")


def clinvar_evidence(av: AnnotatedVariant, *, min_stars: int, points_by_stars: Sequence[int]) -> list[Criterion]:
    """ClinVar P/LP (PP5-like) or B/LB (BP6-like), weighted by review stars; below `min_stars` shown only."""
    cv = av.clinvar
    if cv is None:
        return [_c("ClinVar", Outcome.NOT_MET, "supporting", 0, "not in ClinVar")]
    stars = cv.stars if cv.stars is not None else 0
    star_text = f"{cv.stars} star(s)" if cv.stars is not None else "review status not given (counted as 0 stars)"
    if not (cv.is_pathogenic or cv.is_benign):
        return [_c("ClinVar", Outcome.NOT_MET, "supporting", 0, f"ClinVar: {cv.significance}, {star_text}")]
    code = "PP5_ClinVar" if cv.is_pathogenic else "BP6_ClinVar"
    if stars < min_stars:
        return [_c(code, Outcome.NOT_MET, "supporting", 0,
                   f"ClinVar {cv.significance} with {star_text} < {min_stars}: shown, not used as evidence")]
    pts = points_by_stars[min(stars, len(points_by_stars) - 1)]
    strength = {1: "supporting", 2: "moderate", 4: "strong", 8: "very_strong"}.get(pts, "supporting")
    return [_c(code, Outcome.MET, strength, pts if cv.is_pathogenic else -pts,
               f"ClinVar {cv.significance}, {star_text}: {pts} point(s)")]
