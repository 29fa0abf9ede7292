"""Autosomal dominant.

Affected proband, either sex: a heterozygous (or homozygous; hemizygous for a dominant gene on chrX) qualifying
variant meets the model (`AD_het`). When both parents are confidently called without it and the proband is
heterozygous, it is `de_novo` (PS2/PM6). A homozygous proband with two reference parents is a Mendelian
inconsistency, not a de novo variant: noted, to confirm.

Parents (a call counts only when confident, see `family`):
- affected parent carrying the variant: it segregates with disease (noted as support);
- unaffected parent homozygous for it: argues against (a healthy person with two copies of a variant said to
  cause disease with one): the model is not met, recorded as BS2-type evidence naming the parent;
- unaffected parent heterozygous: argues against only where the panel marks the disease as fully penetrant
  (PanelApp penetrance "Complete"); otherwise allowed, because reduced penetrance is common in AD PID (CTLA4,
  NFKB1, STAT3 GOF...), and noted: the variant may also be benign. Triage then lists a VUS without making the
  case inconclusive;
- parent with unknown affection status, or whose call is missing or not confident: says nothing either way;
- affected parent NOT carrying it: noted against segregation (phenocopy, or a different cause in the parent);
  the finding still meets the model in the proband.
"""

from __future__ import annotations

from pidtriage.inheritance.family import AFFECTED, UNAFFECTED, Family, ModelResult, is_de_novo
from pidtriage.models import AnnotatedVariant, Finding, Zygosity

__all__ = ["dominant_finding"]


def dominant_finding(av: AnnotatedVariant, family: Family, *, fully_penetrant: bool = False) -> ModelResult:
    gt = av.genotype_of(family.proband)
    if gt is None or gt.zygosity(haploid_region=av.haploid_region) not in (Zygosity.HET, Zygosity.HOM, Zygosity.HEMI):
        return ModelResult(Finding.NONE, (av,), False, "not carried")
    if is_de_novo(av, family):
        how = "parentage supported by the genotypes" if family.parentage_checked else "parentage assumed"
        return ModelResult(Finding.DE_NOVO, (av,), True, f"absent from both parents (de novo; {how})")
    notes: list[str] = []
    against: list[str] = []
    unaffected_carrier = False
    refs = 0
    for role, sample, status in family.parents():
        carries = family.carries(av, sample)
        if carries is None:
            continue
        if not carries:
            refs += 1
        if carries and status == UNAFFECTED:
            if family.only_alt(av, sample):
                against.append(f"the unaffected {role} is homozygous for it")
            elif fully_penetrant:
                against.append(f"the unaffected {role} carries it, and the disease is fully penetrant (PanelApp)")
            else:
                unaffected_carrier = True
                notes.append(f"inherited from the unaffected {role}: reduced penetrance is common in AD PID (e.g. "
                             "CTLA4, NFKB1), but the variant may also be benign")
        elif carries and status == AFFECTED:
            notes.append(f"inherited from the affected {role}: segregates with disease")
        elif carries:
            notes.append(f"inherited from the {role} (affection status unknown)")
        elif status == AFFECTED:
            notes.append(f"the affected {role} does not carry it: does not segregate in this family")
    if refs == 2 and gt.zygosity(haploid_region=av.haploid_region) == Zygosity.HOM:
        notes.append("homozygous although neither parent carries it: a Mendelian inconsistency (deletion, "
                     "uniparental disomy, sample swap or calling error); confirm")
    notes += [f"{a}: argues against" for a in against]
    return ModelResult(Finding.AD_HET, (av,), not against, "; ".join(notes) or "heterozygous; parental origin unknown",
                       tuple(against), unaffected_carrier)
