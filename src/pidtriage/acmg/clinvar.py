"""ClinVar assertions as evidence, weighted by review stars (a pidtriage triage policy, not an ACMG criterion:
SVI retired PP5/BP6, so the code names say `_ClinVar` and the points are configurable)."""

from __future__ import annotations

from collections.abc import Sequence

from pidtriage.acmg.base import STRENGTH_OF_POINTS, crit
from pidtriage.models import AnnotatedVariant, Criterion, Outcome

__all__ = ["clinvar_evidence", "clinvar_reportable"]

# criteria that contradict a ClinVar P/LP assertion: population frequency (BA1, BS1), healthy homozygotes or
# hemizygotes in the population resource or an unaffected relative with the proband's genotype (BS2)
CONTRADICTING = ("BA1", "BS1", "BS2")


def clinvar_evidence(av: AnnotatedVariant, *, min_stars: int, points_by_stars: Sequence[int],
                     configured: bool = True) -> Criterion:
    cv = av.clinvar
    if cv is None:
        if not configured:
            return crit("ClinVar", Outcome.NOT_EVALUATED, "supporting", 0, "no ClinVar resource configured")
        return crit("ClinVar", Outcome.NOT_MET, "supporting", 0, "not in ClinVar")
    stars = cv.stars if cv.stars is not None else 0
    star_text = f"{cv.stars} star(s)" if cv.stars is not None else "review status not given (counted as 0 stars)"
    if not (cv.is_pathogenic or cv.is_benign):
        return crit("ClinVar", Outcome.NOT_MET, "supporting", 0, f"ClinVar: {cv.significance}, {star_text}")
    code = "PP5_ClinVar" if cv.is_pathogenic else "BP6_ClinVar"
    if stars < min_stars:
        return crit(code, Outcome.NOT_MET, "supporting", 0,
                    f"ClinVar {cv.significance} with {star_text} < {min_stars}: shown, not used as evidence")
    pts = points_by_stars[min(stars, len(points_by_stars) - 1)]
    return crit(code, Outcome.MET, STRENGTH_OF_POINTS.get(pts, "supporting"), pts if cv.is_pathogenic else -pts,
                f"ClinVar {cv.significance}, {star_text}: {pts} point(s)")


def clinvar_reportable(av: AnnotatedVariant, criteria: Sequence[Criterion], *, min_stars: int) -> str:
    """Why a variant is reportable on ClinVar's word, or "" when it is not (DESIGN.md, "Case status"): ClinVar
    asserts Pathogenic or Likely pathogenic, with at least `min_stars` review stars, without conflicting
    submissions, and no met criterion contradicts it (BA1/BS1: too common; BS2: healthy homozygotes or
    hemizygotes in the population, or an unaffected relative with the same genotype). The automated points do
    not matter here: the report shows both classes and asks the lab to confirm."""
    cv = av.clinvar
    if cv is None or not cv.is_pathogenic or cv.conflicts:
        return ""
    stars = cv.stars if cv.stars is not None else 0
    if stars < min_stars:
        return ""
    against = [c.code for c in criteria if c.outcome == Outcome.MET and c.base in CONTRADICTING]
    if against:
        return ""
    star_text = f"{cv.stars} review star(s)" if cv.stars is not None else "no review status (0 stars)"
    return f"ClinVar {cv.significance.replace('_', ' ')}, {star_text} >= {min_stars}, no conflict"
