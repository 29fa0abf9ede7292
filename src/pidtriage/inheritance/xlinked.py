"""X-linked (genes outside the pseudoautosomal regions; PAR genes are judged as autosomal recessive).

Affected male: a qualifying variant called hemizygous in any encoding (`1`, `1/1`, `1|1`) meets the model
(`XL_hemi`). A heterozygous call outside the PARs in a male is still `XL_hemi` but flagged: mosaicism, a
duplication or a calling artefact, to review.
Affected female: heterozygous is `XL_het_female` (a carrier; disease possible with skewed X-inactivation) and
meets the model only for X-linked dominant genes (IUIS "XLD"); homozygous meets it (biallelic, `AR_hom`).
Unknown sex: judged as female, the cautious reading.

Parents of a male proband: the mother carrying the variant is the expected transmission (an affected mother
carrying it is unusual and noted); a confidently reference mother makes it de novo in the boy (or maternal
germline mosaicism). An unaffected father hemizygous for the same variant argues against it: the model is not
met. A father's genotype says nothing else about a son's X.
Parents of a female proband: carriers are noted like for an autosomal gene.
"""

from __future__ import annotations

from pidtriage.inheritance.family import AFFECTED, UNAFFECTED, Family, parent_carries
from pidtriage.models import AnnotatedVariant, Finding, Sex, Zygosity
from pidtriage.panel.model import Moi

__all__ = ["xlinked_finding"]


def _parent_notes(av: AnnotatedVariant, family: Family, sex: Sex) -> tuple[list[str], bool]:
    notes, against = [], False
    for role, sample, status in family.parents():
        carries = parent_carries(av, sample)
        if carries is None:
            continue
        if role == "father" and sex == Sex.MALE:
            if carries and status == UNAFFECTED:
                notes.append("the unaffected father is hemizygous for it: argues against pathogenicity")
                against = True
            continue
        if carries:
            notes.append(f"inherited from the {'affected ' if status == AFFECTED else ''}{role}"
                         + (" (carrier)" if role == "mother" and status != AFFECTED else ""))
        elif role == "mother" and sex == Sex.MALE:
            notes.append("the mother does not carry it: de novo in the proband or maternal germline mosaicism")
    return notes, against


def xlinked_finding(av: AnnotatedVariant, family: Family, sex: Sex, moi: Moi) -> tuple[Finding, bool, str]:
    """(finding, meets the model, note)."""
    gt = av.genotype_of(family.proband)
    if gt is None:
        return Finding.NONE, False, "not carried"
    zyg = gt.zygosity(haploid_region=av.haploid_region)
    if zyg in (Zygosity.REF, Zygosity.MISSING):
        return Finding.NONE, False, "not carried"
    notes, against = _parent_notes(av, family, sex)
    if sex == Sex.MALE:
        if len([a for a in gt.alleles if a >= 0]) > 1 and len(set(gt.alleles)) > 1:
            first = f"heterozygous call {gt.gt} in a male outside the PARs: review (mosaic, duplication or artefact)"
        else:
            first = "hemizygous"
        return Finding.XL_HEMI, not against, "; ".join([first, *notes])
    if zyg == Zygosity.HOM:
        return Finding.AR_HOM, not against, "; ".join(["homozygous on chrX in a female", *notes])
    if moi == Moi.XLD:
        return Finding.XL_HET_FEMALE, True, "; ".join(["heterozygous female in an X-linked dominant gene", *notes])
    return Finding.XL_HET_FEMALE, False, "; ".join(
        ["heterozygous female: a carrier; disease possible with skewed X-inactivation", *notes])
