"""Autosomal dominant.

Affected proband: a heterozygous (or homozygous) qualifying variant meets the model (`AD_het`); when both
parents are in the VCF and confidently homozygous reference, the variant is `de_novo`. Inherited from a
parent (whose affection status we do not judge here) is allowed and noted: reduced penetrance is common in
AD PID (CTLA4, NFKB1). Unknown parental genotypes leave the variant `AD_het`.
"""

from __future__ import annotations

from pidtriage.inheritance.family import Family, is_de_novo, parent_carries
from pidtriage.models import AnnotatedVariant, Finding, Zygosity

__all__ = ["dominant_finding"]


def dominant_finding(av: AnnotatedVariant, family: Family) -> tuple[Finding, str]:
    gt = av.genotype_of(family.proband)
    if gt is None or gt.zygosity(haploid_region=av.haploid_region) not in (Zygosity.HET, Zygosity.HOM):
        return Finding.NONE, "not carried"
    if is_de_novo(av, family):
        return Finding.DE_NOVO, "absent from both parents (de novo)"
    carriers = [name for name, who in (("father", family.father), ("mother", family.mother))
                if parent_carries(av, who)]  # fmt: skip
    note = f"inherited from the {' and '.join(carriers)} (reduced penetrance is common in AD PID)" if carriers else ""
    return Finding.AD_HET, note or "heterozygous; parental origin unknown"
