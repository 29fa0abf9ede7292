"""Population evidence: PM2_Supporting, BA1, BS1, BS2 (ClinGen SVI: PM2 at supporting; BA1 stand-alone).

The frequency used is the filtering allele frequency (FAF95) when the resource gives one, else the AF. A
variant absent from the resource is "absent" (with the resource's AN when known), never "missing"; with no
resource configured the criteria are `not_evaluated`.
"""

from __future__ import annotations

from pidtriage.acmg.base import crit
from pidtriage.acmg.rules import GeneRules
from pidtriage.models import AnnotatedVariant, Criterion, Outcome
from pidtriage.panel.model import PanelGene

__all__ = ["ba1", "bs1", "bs2", "pm2"]

_NO_RESOURCE = "no population resource configured"


def pm2(av: AnnotatedVariant, rules: GeneRules) -> Criterion:
    p, limit = av.population, rules.thresholds["pm2_max_af"]
    src = rules.cite("pm2_max_af")
    if p is None:
        return crit("PM2_Supporting", Outcome.NOT_EVALUATED, "supporting", 1, _NO_RESOURCE)
    if not p.found:
        an = f", AN {p.an}" if p.an else ""
        return crit("PM2_Supporting", Outcome.MET, "supporting", 1, f"absent from the population resource{an}")
    af = p.effective_af
    met = af <= limit
    return crit("PM2_Supporting", Outcome.MET if met else Outcome.NOT_MET, "supporting", 1,
                f"population {'FAF' if p.faf is not None else 'AF'} {af:.3g} {'<=' if met else '>'} {limit:g}{src}")


def ba1(av: AnnotatedVariant, rules: GeneRules) -> Criterion:
    p, limit = av.population, rules.thresholds["ba1_min_af"]
    if p is None:
        return crit("BA1", Outcome.NOT_EVALUATED, "stand_alone", -8, _NO_RESOURCE)
    af = p.effective_af
    met = p.found and af > limit
    return crit("BA1", Outcome.MET if met else Outcome.NOT_MET, "stand_alone", -8,
                f"population AF {af:.3g} {'>' if met else '<='} {limit:g}{rules.cite('ba1_min_af')}")


def bs1(av: AnnotatedVariant, rules: GeneRules) -> Criterion:
    p, lo, hi = av.population, rules.thresholds["bs1_min_af"], rules.thresholds["ba1_min_af"]
    if p is None:
        return crit("BS1", Outcome.NOT_EVALUATED, "strong", -4, _NO_RESOURCE)
    af = p.effective_af
    met = p.found and lo < af <= hi
    if p.found and af > hi:
        text = f"population AF {af:.3g} > {hi:g}: BA1 applies instead"
    else:
        text = f"population AF {af:.3g} {'>' if met else '<='} {lo:g}"
    return crit("BS1", Outcome.MET if met else Outcome.NOT_MET, "strong", -4, text + rules.cite("bs1_min_af"))


def bs2(av: AnnotatedVariant, gene: PanelGene, rules: GeneRules) -> Criterion:
    """Observed in healthy adults in a state that would cause disease: homozygous (autosomal genes) or
    hemizygous (X-linked genes) in the population resource, at least `bs2_min_hom` / `bs2_min_hemi` times."""
    p = av.population
    if not rules.bs2:
        return crit("BS2", Outcome.NOT_MET, "strong", -4, f"not applicable to {gene.symbol} ({rules.source})")
    if p is None:
        return crit("BS2", Outcome.NOT_EVALUATED, "strong", -4, _NO_RESOURCE)
    if not p.found:
        return crit("BS2", Outcome.NOT_MET, "strong", -4, "absent from the population resource")
    if gene.moi.is_x_linked:
        key, count, what, limit = "bs2_min_hemi", p.nhemi, "hemizygotes", rules.thresholds["bs2_min_hemi"]
    else:
        key, count, what, limit = "bs2_min_hom", p.nhomalt, "homozygotes", rules.thresholds["bs2_min_hom"]
    if count is None:
        return crit("BS2", Outcome.NOT_EVALUATED, "strong", -4, f"the population resource gives no count of {what}")
    met = count >= limit
    return crit("BS2", Outcome.MET if met else Outcome.NOT_MET, "strong", -4,
                f"{count} {what} in the population resource {'>=' if met else '<'} {limit}{rules.cite(key)}")
