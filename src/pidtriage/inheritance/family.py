"""The family around a case, and the parental facts the models need (transmitted, de novo, segregation).

A parent is "affected", "unaffected" or "unknown" (from the sheet's `affected` column or a PED file). Only a
parent whose genotype is called and whose status is known says anything about segregation; an unknown status
or a missing genotype is never read as evidence either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from pidtriage.models import AnnotatedVariant, Genotype

__all__ = ["Family", "is_de_novo", "parent_carries", "parent_genotype_text"]

AFFECTED, UNAFFECTED, UNKNOWN = "affected", "unaffected", "unknown"


@dataclass(frozen=True, slots=True)
class Family:
    proband: str  # sample name in the VCF
    father: str = ""  # "" when not in the VCF
    mother: str = ""
    min_parent_gq: int = 20
    father_status: str = UNKNOWN
    mother_status: str = UNKNOWN
    # parentage supported by the genotypes (the Mendelian-error check ran on enough sites and passed):
    # a de novo call is then "confirmed" (PS2) rather than "assumed" (PM6)
    parentage_checked: bool = False
    # parents came from VCFs of their own: a site absent there was filled in as 0/0 without GQ, which phases
    # but never confirms a de novo call, so a parental GQ is required
    require_parent_gq: bool = False

    @property
    def is_trio(self) -> bool:
        return bool(self.father and self.mother)

    def confident_ref(self, av: AnnotatedVariant, sample: str) -> bool:
        """The sample is called homozygous reference with enough quality to say it does not carry the allele."""
        return _confident_ref(av.genotype_of(sample) if sample else None, self.min_parent_gq, self.require_parent_gq)

    def parents(self) -> tuple[tuple[str, str, str], ...]:
        """(role, sample, status) of the parents present in the VCF."""
        return tuple((role, sample, status) for role, sample, status in
                     (("father", self.father, self.father_status), ("mother", self.mother, self.mother_status))
                     if sample)  # fmt: skip


def parent_carries(av: AnnotatedVariant, parent: str) -> bool | None:
    """True / False when the parent's genotype is called, None when unknown (absent, missing)."""
    if not parent:
        return None
    gt = av.genotype_of(parent)
    if gt is None or gt.is_missing:
        return None
    return gt.alt_count > 0


def parent_genotype_text(av: AnnotatedVariant, parent: str) -> str:
    gt = av.genotype_of(parent) if parent else None
    return gt.gt if gt is not None else "not in the VCF"


def _confident_ref(gt: Genotype | None, min_gq: int, require_gq: bool) -> bool:
    if gt is None or gt.is_missing or gt.alt_count > 0:
        return False
    if gt.gq is None:
        return not require_gq
    return gt.gq >= min_gq


def is_de_novo(av: AnnotatedVariant, family: Family) -> bool:
    """Both parents confidently homozygous reference and the proband carries the allele."""
    if not family.is_trio:
        return False
    proband = av.genotype_of(family.proband)
    if proband is None or proband.alt_count == 0:
        return False
    return all(family.confident_ref(av, p) for p in (family.father, family.mother))
