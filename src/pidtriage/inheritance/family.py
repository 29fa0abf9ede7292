"""The family around a case, and the parental facts the models need (transmitted, de novo)."""

from __future__ import annotations

from dataclasses import dataclass

from pidtriage.models import AnnotatedVariant, Genotype

__all__ = ["Family", "parent_carries"]


@dataclass(frozen=True, slots=True)
class Family:
    proband: str  # sample name in the VCF
    father: str = ""  # "" when not in the VCF
    mother: str = ""
    min_parent_gq: int = 20

    @property
    def is_trio(self) -> bool:
        return bool(self.father and self.mother)


def parent_carries(av: AnnotatedVariant, parent: str) -> bool | None:
    """True / False when the parent's genotype is called, None when unknown (absent, missing)."""
    if not parent:
        return None
    gt = av.genotype_of(parent)
    if gt is None or gt.is_missing:
        return None
    return gt.alt_count > 0


def _confident_ref(gt: Genotype | None, min_gq: int) -> bool:
    if gt is None or gt.is_missing or gt.alt_count > 0:
        return False
    return gt.gq is None or gt.gq >= min_gq


def is_de_novo(av: AnnotatedVariant, family: Family) -> bool:
    """Both parents confidently homozygous reference and the proband carries the allele."""
    if not family.is_trio:
        return False
    proband = av.genotype_of(family.proband)
    if proband is None or proband.alt_count == 0:
        return False
    return _confident_ref(av.genotype_of(family.father), family.min_parent_gq) and _confident_ref(
        av.genotype_of(family.mother), family.min_parent_gq
    )
