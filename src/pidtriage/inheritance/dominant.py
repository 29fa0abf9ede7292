"""Autosomal dominant.

Affected proband, either sex: a heterozygous (or homozygous; hemizygous for a dominant gene on chrX) qualifying
variant meets the model (`AD_het`). When both parents are in the VCF and confidently homozygous reference, the
variant is `de_novo` (stronger evidence: PS2/PM6).

Parents:
- affected parent carrying the variant: it segregates with disease (noted as support);
- unaffected parent carrying it: still allowed, because reduced penetrance is common in AD PID (CTLA4, NFKB1,
  STAT3 GOF...), but the note says so: the variant may also be benign. Triage then lists a VUS without making
  the case inconclusive (nothing but a weak prediction speaks for it, and segregation speaks against);
- parent with unknown affection status, or whose genotype is missing: says nothing either way;
- affected parent NOT carrying it (confidently called reference): noted against segregation (phenocopy or
  a different cause in the parent), the finding still meets the model in the proband.
"""

from __future__ import annotations

from pidtriage.inheritance.family import AFFECTED, UNAFFECTED, Family, is_de_novo, parent_carries
from pidtriage.models import AnnotatedVariant, Finding, Zygosity

__all__ = ["dominant_finding"]


def dominant_finding(av: AnnotatedVariant, family: Family) -> tuple[Finding, bool, str, bool]:
    """(finding, meets the model, note, carried by an unaffected parent)."""
    gt = av.genotype_of(family.proband)
    if gt is None or gt.zygosity(haploid_region=av.haploid_region) not in (Zygosity.HET, Zygosity.HOM, Zygosity.HEMI):
        return Finding.NONE, False, "not carried", False
    if is_de_novo(av, family):
        how = "parentage supported by the genotypes" if family.parentage_checked else "parentage assumed"
        return Finding.DE_NOVO, True, f"absent from both parents (de novo; {how})", False
    notes, unaffected_carrier = [], False
    for role, sample, status in family.parents():
        carries = parent_carries(av, sample)
        if carries is None:
            continue
        if carries and status == AFFECTED:
            notes.append(f"inherited from the affected {role}: segregates with disease")
        elif carries and status == UNAFFECTED:
            unaffected_carrier = True
            notes.append(f"inherited from the unaffected {role}: reduced penetrance is common in AD PID (e.g. CTLA4, "
                         "NFKB1), but the variant may also be benign")
        elif carries:
            notes.append(f"inherited from the {role} (affection status unknown)")
        elif status == AFFECTED:
            notes.append(f"the affected {role} does not carry it: does not segregate in this family")
    return Finding.AD_HET, True, "; ".join(notes) or "heterozygous; parental origin unknown", unaffected_carrier
