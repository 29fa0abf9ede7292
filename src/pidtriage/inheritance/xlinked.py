"""X-linked (genes outside the pseudoautosomal regions; PAR genes are judged as autosomal recessive).

Affected male: a qualifying variant called hemizygous in any encoding (`1`, `1/1`, `1|1`) meets the model
(`XL_hemi`). A heterozygous call outside the PARs in a male is still `XL_hemi` but flagged: mosaicism, a
duplication or a calling artefact, to review.
Affected female: heterozygous is `XL_het_female` (a carrier; disease possible with skewed X-inactivation) and
meets the model only for X-linked dominant genes (IUIS "XLD"); homozygous meets it (biallelic, `AR_hom`).
Unknown sex: judged as female, the cautious reading.

Parents (confident calls only): an unaffected father hemizygous for the variant, or an unaffected mother
homozygous for it, argues against it (BS2-type evidence naming the parent): the model is not met. Of a male
proband, the mother carrying the variant is the expected transmission (an affected mother carrying it is
noted); a mother confidently without it makes it de novo in the boy (or maternal germline mosaicism). A
father's genotype says nothing else about a son's X. Of a female proband, carriers are noted like for an
autosomal gene.
"""

from __future__ import annotations

from pidtriage.inheritance.family import AFFECTED, UNAFFECTED, Family, ModelResult
from pidtriage.models import AnnotatedVariant, Finding, Sex, Zygosity
from pidtriage.panel.model import Moi

__all__ = ["xlinked_finding"]


def _parents(av: AnnotatedVariant, family: Family, sex: Sex) -> tuple[list[str], list[str]]:
    """(notes, relatives arguing against)."""
    notes, against = [], []
    for role, sample, status in family.parents():
        carries = family.carries(av, sample)
        if carries is None:
            continue
        if carries and status == UNAFFECTED and family.only_alt(av, sample):
            against.append(f"the unaffected {role} is {'hemizygous' if role == 'father' else 'homozygous'} for it")
            continue
        if role == "father" and sex == Sex.MALE:
            continue
        if carries:
            notes.append(f"inherited from the {'affected ' if status == AFFECTED else ''}{role}"
                         + (" (carrier)" if role == "mother" and status != AFFECTED else ""))
        elif role == "mother" and sex == Sex.MALE:
            notes.append("the mother does not carry it: de novo in the proband or maternal germline mosaicism")
    return notes, against


def xlinked_finding(av: AnnotatedVariant, family: Family, sex: Sex, moi: Moi) -> ModelResult:
    gt = av.genotype_of(family.proband)
    if gt is None:
        return ModelResult(Finding.NONE, (av,), False, "not carried")
    zyg = gt.zygosity(haploid_region=av.haploid_region)
    if zyg in (Zygosity.REF, Zygosity.MISSING):
        return ModelResult(Finding.NONE, (av,), False, "not carried")
    notes, against = _parents(av, family, sex)
    notes += [f"{a}: argues against" for a in against]
    meets = not against
    if sex == Sex.MALE:
        if len([a for a in gt.alleles if a >= 0]) > 1 and len(set(gt.alleles)) > 1:
            first = f"heterozygous call {gt.gt} in a male outside the PARs: review (mosaic, duplication or artefact)"
        else:
            first = "hemizygous"
        return ModelResult(Finding.XL_HEMI, (av,), meets, "; ".join([first, *notes]), tuple(against))
    if zyg == Zygosity.HOM:
        return ModelResult(Finding.AR_HOM, (av,), meets, "; ".join(["homozygous on chrX in a female", *notes]),
                           tuple(against))
    if moi == Moi.XLD:
        return ModelResult(Finding.XL_HET_FEMALE, (av,), meets,
                           "; ".join(["heterozygous female in an X-linked dominant gene", *notes]), tuple(against))
    return ModelResult(Finding.XL_HET_FEMALE, (av,), False, "; ".join(
        ["heterozygous female: a carrier; disease possible with skewed X-inactivation", *notes]), tuple(against))
