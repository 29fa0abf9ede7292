"""Autosomal recessive (and pseudoautosomal genes).

Affected proband, either sex:
- a homozygous qualifying variant meets the model (`AR_hom`); so does a hemizygous call where one copy is
  expected (a male's chrX for a recessive gene on X). When a parent is confidently called without it, the note
  says so: a deletion of the other allele or uniparental disomy (both parents: a Mendelian inconsistency),
  to confirm;
- two heterozygous qualifying variants meet it in trans (`AR_compound_het`): phase from the parents' allele
  dosage, from one multiallelic `1/2` call, or from read-backed phase (`family.phase_of_pair`). In cis they
  are not a pair. Without phase they are `AR_possible_compound_het`;
- a single heterozygous qualifying variant is `AR_single_het`: a carrier, or a second hit the test did not see
  (CNV, deep intronic); triage says which is more likely.

Parents (confident calls only): an unaffected parent homozygous for the variant (for a pair: for either
variant), or an unaffected parent carrying both variants of a pair, argues against (BS2-type evidence naming
the parent): the model is not met. Heterozygous parents are the expected carriers. Unknown status or
missing or low-quality calls say nothing.
"""

from __future__ import annotations

from itertools import combinations

from pidtriage.inheritance.family import UNAFFECTED, Family, ModelResult, Phase, phase_of_pair
from pidtriage.models import AnnotatedVariant, Finding, VariantKey, Zygosity

__all__ = ["recessive_findings"]


def _unaffected_homozygous(avs: tuple[AnnotatedVariant, ...], family: Family) -> list[str]:
    return [f"the unaffected {role} is homozygous for {av.variant.key}" if len(avs) > 1 else
            f"the unaffected {role} is homozygous for it"
            for role, sample, status in family.parents() if status == UNAFFECTED
            for av in avs if family.only_alt(av, sample)]  # fmt: skip


def _unaffected_with_both(a: AnnotatedVariant, b: AnnotatedVariant, family: Family) -> list[str]:
    return [f"the unaffected {role} carries both variants" for role, sample, status in family.parents()
            if status == UNAFFECTED and family.carries(a, sample) and family.carries(b, sample)]


def _hom_note(av: AnnotatedVariant, family: Family) -> str:
    refs = [role for role, sample, _ in family.parents() if family.confident_ref(av, sample)]
    if len(refs) == 2:
        return ("neither parent carries it: a Mendelian inconsistency (a deletion of one allele with a de novo "
                "variant, uniparental disomy, a sample swap or a calling error); confirm")
    return "; ".join(f"the {role} does not carry it: a deletion of the other allele or uniparental disomy, to "
                     "confirm" for role in refs)


def _in_deletion(av: AnnotatedVariant, deletions: list[AnnotatedVariant]) -> AnnotatedVariant | None:
    """The heterozygous deletion of the same gene whose span holds this (non-SV) variant, if any."""
    if av.structural is not None:
        return None
    for d in deletions:
        s = d.structural
        if s is not None and d.variant.chrom == av.variant.chrom and s.start <= av.variant.pos <= s.end:
            return d
    return None


def recessive_findings(variants: list[AnnotatedVariant], family: Family) -> list[ModelResult]:
    """One result per homozygous variant, per pair of heterozygous variants not in cis, and per heterozygous
    variant in no such pair. A variant inside a heterozygous deletion that appears homozygous is hemizygous:
    it is on the other copy, so it and the deletion are a compound heterozygote in trans by construction,
    not `AR_hom`."""
    out: list[ModelResult] = []
    hets = []
    deletions = [av for av in variants if av.structural is not None and av.structural.svtype in ("DEL", "CNV")
                 and (g := av.genotype_of(family.proband)) is not None and g.zygosity() == Zygosity.HET]
    over: set[VariantKey] = set()
    for av in variants:
        gt = av.genotype_of(family.proband)
        if gt is None:
            continue
        zyg = gt.zygosity(haploid_region=av.haploid_region)
        deletion = _in_deletion(av, deletions) if zyg == Zygosity.HOM else None
        if deletion is not None:
            over.add(deletion.variant.key)
            out.append(ModelResult(Finding.AR_COMPOUND_HET, (av, deletion), True,
                                   "in trans by construction: the variant lies in the deleted region and appears "
                                   "homozygous, so it is hemizygous on the other copy"))
            continue
        if zyg in (Zygosity.HOM, Zygosity.HEMI):
            against = _unaffected_homozygous((av,), family)
            notes = ["homozygous" if zyg == Zygosity.HOM else "hemizygous", _hom_note(av, family),
                     *(f"{a}: argues against" for a in against)]
            out.append(ModelResult(Finding.AR_HOM, (av,), not against, "; ".join(n for n in notes if n),
                                   tuple(against)))
        elif zyg == Zygosity.HET:
            hets.append(av)
    hets = [av for av in hets if av.variant.key not in over]
    used: set[VariantKey] = set()
    for a, b in combinations(hets, 2):
        phase = phase_of_pair(a, b, family)
        if phase == Phase.CIS:
            continue
        against = _unaffected_homozygous((a, b), family) + _unaffected_with_both(a, b, family)
        if phase == Phase.TRANS:
            finding, note = Finding.AR_COMPOUND_HET, "in trans (parental alleles, one multiallelic call or read-backed phase)"
        else:
            finding, note = (Finding.AR_POSSIBLE_COMPOUND_HET,
                             "two heterozygous variants, phase unknown: test the parents (or read-backed phasing)")
        note += "".join(f"; {x}: argues against" for x in against)
        out.append(ModelResult(finding, (a, b), phase == Phase.TRANS and not against, note, tuple(against)))
        used |= {a.variant.key, b.variant.key}
    for av in hets:
        if av.variant.key not in used:
            out.append(ModelResult(Finding.AR_SINGLE_HET, (av,), False,
                                   "one heterozygous variant: a carrier, or a second hit this test cannot see"))
    return out
