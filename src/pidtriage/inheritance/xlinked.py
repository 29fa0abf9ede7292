"""X-linked.

Affected male: a qualifying variant outside the PARs, called hemizygous in any encoding (`1`, `1/1`, or a
heterozygous call, which in a male is flagged as a calling artefact to review), meets the model (`XL_hemi`).
Affected female: heterozygous is `XL_het_female` (a carrier; skewed X-inactivation can cause disease) and
meets the model only for X-linked dominant genes; homozygous meets it (biallelic, reported as `AR_hom`).
Unknown sex: judged as female, the cautious reading.
"""

from __future__ import annotations

from pidtriage.inheritance.family import Family
from pidtriage.models import AnnotatedVariant, Finding, Sex, Zygosity
from pidtriage.panel.model import Moi

__all__ = ["xlinked_finding"]


def xlinked_finding(av: AnnotatedVariant, family: Family, sex: Sex, moi: Moi) -> tuple[Finding, bool, str]:
    """(finding, meets the model, note)."""
    gt = av.genotype_of(family.proband)
    if gt is None:
        return Finding.NONE, False, "not carried"
    zyg = gt.zygosity(haploid_region=av.haploid_region)
    if zyg in (Zygosity.REF, Zygosity.MISSING):
        return Finding.NONE, False, "not carried"
    if sex == Sex.MALE:
        if len([a for a in gt.alleles if a >= 0]) > 1 and len(set(gt.alleles)) > 1:
            return Finding.XL_HEMI, True, f"heterozygous call {gt.gt} in a male outside the PARs: review (mosaic or artefact)"
        return Finding.XL_HEMI, True, "hemizygous"
    if zyg == Zygosity.HOM:
        return Finding.AR_HOM, True, "homozygous on chrX in a female"
    if moi == Moi.XLD:
        return Finding.XL_HET_FEMALE, True, "heterozygous female in an X-linked dominant gene"
    return Finding.XL_HET_FEMALE, False, "heterozygous female: carrier; disease possible with skewed X-inactivation"
