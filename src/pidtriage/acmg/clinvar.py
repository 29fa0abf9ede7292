"""ClinVar assertions as evidence, weighted by review stars (a pidtriage triage policy, not an ACMG criterion:
SVI retired PP5/BP6, so the code names say `_ClinVar` and the points are configurable)."""

from __future__ import annotations

from collections.abc import Sequence

from pidtriage.acmg.base import STRENGTH_OF_POINTS, crit
from pidtriage.models import AnnotatedVariant, Criterion, Outcome

__all__ = ["clinvar_evidence"]


def clinvar_evidence(av: AnnotatedVariant, *, min_stars: int, points_by_stars: Sequence[int]) -> Criterion:
    cv = av.clinvar
    if cv is None:
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
