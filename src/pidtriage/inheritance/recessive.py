"""Autosomal recessive.

Affected proband: a homozygous qualifying variant meets the model (`AR_hom`). Two heterozygous qualifying
variants meet it when they are in trans (`AR_compound_het`): one transmitted by each parent, or on
different haplotypes of the same read-backed phase set (`|` genotypes with equal `PS`). In cis (both from
one parent, or the same haplotype) they are not a pair. Without phase they are `AR_possible_compound_het`.
A single heterozygous qualifying variant is `AR_single_het`: a carrier, or a second hit the test did not see
(CNV, deep intronic).
"""

from __future__ import annotations

from itertools import combinations

from pidtriage.inheritance.family import Family, parent_carries
from pidtriage.models import AnnotatedVariant, Finding, Zygosity

__all__ = ["phase_of_pair", "recessive_findings"]


def phase_of_pair(a: AnnotatedVariant, b: AnnotatedVariant, family: Family) -> str:
    """'trans', 'cis' or 'unknown'."""
    fa, fb = parent_carries(a, family.father), parent_carries(b, family.father)
    ma, mb = parent_carries(a, family.mother), parent_carries(b, family.mother)
    if fa is not None and fb is not None and ma is not None and mb is not None:
        if (fa and not ma and mb and not fb) or (ma and not fa and fb and not mb):
            return "trans"
        if (fa and fb and not ma and not mb) or (ma and mb and not fa and not fb):
            return "cis"
    ga, gb = a.genotype_of(family.proband), b.genotype_of(family.proband)
    if ga and gb and ga.phased and gb.phased and ga.ps is not None and ga.ps == gb.ps:
        ha = tuple(x > 0 for x in ga.alleles)
        hb = tuple(x > 0 for x in gb.alleles)
        return "cis" if ha == hb else "trans"
    return "unknown"


def recessive_findings(variants: list[AnnotatedVariant], family: Family) -> list[tuple[Finding, tuple[AnnotatedVariant, ...], str]]:
    """Findings for one gene's qualifying variants, strongest first."""
    out: list[tuple[Finding, tuple[AnnotatedVariant, ...], str]] = []
    hets = []
    for av in variants:
        gt = av.genotype_of(family.proband)
        if gt is None:
            continue
        zyg = gt.zygosity(haploid_region=av.haploid_region)
        if zyg == Zygosity.HOM:
            out.append((Finding.AR_HOM, (av,), "homozygous"))
        elif zyg == Zygosity.HET:
            hets.append(av)
    used: set[str] = set()
    for a, b in combinations(hets, 2):
        phase = phase_of_pair(a, b, family)
        if phase == "trans":
            out.append((Finding.AR_COMPOUND_HET, (a, b), "in trans (one from each parent or read-backed phase)"))
            used |= {a.variant.key, b.variant.key}
        elif phase == "unknown":
            out.append((Finding.AR_POSSIBLE_COMPOUND_HET, (a, b), "two heterozygous variants, phase unknown"))
            used |= {a.variant.key, b.variant.key}
    for av in hets:
        if av.variant.key not in used:
            out.append((Finding.AR_SINGLE_HET, (av,), "one heterozygous variant: carrier, or a second hit not seen"))
    return out
