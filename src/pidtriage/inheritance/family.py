"""The family around a case, and the parental facts the models need: what a relative's call says, which
parent transmitted an allele, phase, de novo.

A parent is "affected", "unaffected" or "unknown" (from the sheet's `affected` column or a PED file). A
relative's call says something only when it is as confident as a call we would report in the proband: called,
GQ >= `min_parent_gq` and DP >= `min_parent_dp` where the VCF gives them (a site filled in as 0/0 from a
parent's own VCF has no GQ, and then says nothing where `require_parent_gq`). Below that it is read as unknown,
never as evidence either way; an unknown affection status likewise says nothing about segregation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pidtriage.models import AnnotatedVariant, Finding, Genotype, Zygosity

__all__ = ["Family", "ModelResult", "Phase", "alt_origin", "is_de_novo", "phase_of_pair"]

AFFECTED, UNAFFECTED, UNKNOWN = "affected", "unaffected", "unknown"


class Phase(StrEnum):
    TRANS = "trans"
    CIS = "cis"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ModelResult:
    """What one inheritance model says of one variant (or a recessive pair) in the proband.

    `against` names each relative whose genotype argues against pathogenicity (BS2-type evidence: an
    unaffected relative with the genotype that causes the disease); `meets` is False when there is one.
    `unaffected_carrier`: an unaffected parent is heterozygous in a dominant gene of reduced penetrance
    (noted; not evidence against)."""

    finding: Finding
    variants: tuple[AnnotatedVariant, ...]
    meets: bool
    note: str
    against: tuple[str, ...] = ()
    unaffected_carrier: bool = False


@dataclass(frozen=True, slots=True)
class Family:
    proband: str  # sample name in the VCF
    father: str = ""  # "" when not in the VCF
    mother: str = ""
    min_parent_gq: int = 20
    min_parent_dp: int = 0
    father_status: str = UNKNOWN
    mother_status: str = UNKNOWN
    # parentage supported by the genotypes (the Mendelian-error check ran on enough sites and passed):
    # a de novo call is then "confirmed" (PS2) rather than "assumed" (PM6)
    parentage_checked: bool = False
    # parents came from VCFs of their own: a site absent there was filled in as 0/0 without GQ, which is not
    # a confident call
    require_parent_gq: bool = False

    @property
    def is_trio(self) -> bool:
        return bool(self.father and self.mother)

    def parents(self) -> tuple[tuple[str, str, str], ...]:
        """(role, sample, status) of the parents present in the VCF."""
        return tuple((role, sample, status) for role, sample, status in
                     (("father", self.father, self.father_status), ("mother", self.mother, self.mother_status))
                     if sample)  # fmt: skip

    def confident_call(self, av: AnnotatedVariant, sample: str) -> Genotype | None:
        """The relative's genotype when it is called with enough quality to say something; else None."""
        gt = av.genotype_of(sample) if sample else None
        if gt is None or gt.is_missing or gt.is_partial:
            return None
        if gt.gq is None:
            if self.require_parent_gq:
                return None
        elif gt.gq < self.min_parent_gq:
            return None
        if gt.dp is not None and gt.dp < self.min_parent_dp:
            return None
        return gt

    def carries(self, av: AnnotatedVariant, sample: str) -> bool | None:
        """True / False when the relative's call is confident, None when it says nothing."""
        gt = self.confident_call(av, sample)
        return None if gt is None else gt.alt_count > 0

    def confident_ref(self, av: AnnotatedVariant, sample: str) -> bool:
        """The sample is confidently called without the allele."""
        return self.carries(av, sample) is False

    def only_alt(self, av: AnnotatedVariant, sample: str) -> bool:
        """The relative's confident call has only the alternate allele: homozygous, or hemizygous."""
        gt = self.confident_call(av, sample)
        return gt is not None and gt.alt_count == len(gt.alleles)


def alt_origin(av: AnnotatedVariant, family: Family) -> str:
    """Which parent transmitted the proband's alternate allele at a heterozygous site, from allele dosage:
    a parent confidently without the allele transmitted the reference (so the alternate came from the other
    parent), a parent with only the alternate allele (homozygous, or a hemizygous father on chrX) transmitted
    it. A heterozygous parent says nothing. "father" / "mother", or "" when undetermined or when the two
    parents contradict each other (a Mendelian inconsistency)."""
    gt = av.genotype_of(family.proband)
    if gt is None or gt.zygosity(haploid_region=av.haploid_region) != Zygosity.HET or gt.is_partial:
        return ""
    votes = set()
    for role, other, sample in (("father", "mother", family.father), ("mother", "father", family.mother)):
        if family.confident_ref(av, sample):
            votes.add(other)
        elif family.only_alt(av, sample):
            votes.add(role)
    return votes.pop() if len(votes) == 1 else ""


def phase_of_pair(a: AnnotatedVariant, b: AnnotatedVariant, family: Family) -> Phase:
    """Two heterozygous variants of the proband, in this order of evidence:
    1. the parents: each alternate allele's parental origin (alt_origin); different origins are trans, the
       same origin cis;
    2. one multiallelic call: the two alternate alleles of a `1/2` record (split by bcftools norm) are on the
       two chromosomes, so trans;
    3. read-backed phase: `|` genotypes in the same phase set (PS), or GATK's PGT within the same PID; the
       same haplotype is cis, different haplotypes trans.
    Otherwise unknown."""
    oa, ob = alt_origin(a, family), alt_origin(b, family)
    if oa and ob:
        return Phase.TRANS if oa != ob else Phase.CIS
    ma, mb = a.variant.multiallelic_origin, b.variant.multiallelic_origin
    if ma and mb and ma[0] == mb[0] and ma[1] != mb[1]:
        return Phase.TRANS
    ga, gb = a.genotype_of(family.proband), b.genotype_of(family.proband)
    if ga is None or gb is None:
        return Phase.UNKNOWN
    if ga.phased and gb.phased and ga.ps is not None and ga.ps == gb.ps:
        return _haplotypes(ga.alleles, gb.alleles)
    if ga.pgt and gb.pgt and ga.pid and ga.pid == gb.pid and "|" in ga.pgt and "|" in gb.pgt:
        return _haplotypes(_alleles(ga.pgt), _alleles(gb.pgt))
    return Phase.UNKNOWN


def _alleles(text: str) -> tuple[int, ...]:
    return tuple(-1 if x == "." else int(x) for x in text.split("|"))


def _haplotypes(x: tuple[int, ...], y: tuple[int, ...]) -> Phase:
    hx, hy = tuple(a > 0 for a in x), tuple(a > 0 for a in y)
    return Phase.CIS if hx == hy else Phase.TRANS


def is_de_novo(av: AnnotatedVariant, family: Family) -> bool:
    """The proband is heterozygous (hemizygous in a haploid region) and both parents are confidently called
    without the allele. A homozygous proband with two reference parents is not de novo: it is a Mendelian
    inconsistency (a deletion of the other allele, uniparental disomy, a sample swap or a calling error)."""
    if not family.is_trio:
        return False
    proband = av.genotype_of(family.proband)
    if proband is None or proband.is_partial:
        return False
    zygosity = proband.zygosity(haploid_region=av.haploid_region)
    if zygosity not in (Zygosity.HET, Zygosity.HEMI) or (zygosity == Zygosity.HEMI and not av.haploid_region):
        return False
    return all(family.confident_ref(av, p) for p in (family.father, family.mother))
