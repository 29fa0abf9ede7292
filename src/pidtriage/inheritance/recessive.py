"""Autosomal recessive (and pseudoautosomal genes).

Affected proband, either sex:
- a homozygous qualifying variant meets the model (`AR_hom`); so does a hemizygous call where one copy is
  expected (a male's chrX for a recessive gene on X). When a parent is confidently homozygous reference for it,
  the note says so: a deletion of the other allele or uniparental disomy, to confirm;
- two heterozygous qualifying variants meet it in trans (`AR_compound_het`): one transmitted by each parent, or
  on different haplotypes of one read-backed phase set (`|` genotypes with the same `PS`). In cis (both from one
  parent, or one haplotype) they are not a pair. Without phase they are `AR_possible_compound_het`;
- a single heterozygous qualifying variant is `AR_single_het`: a carrier, or a second hit the test did not see
  (CNV, deep intronic); triage says which is more likely.

Parents: an unaffected parent homozygous for the same variant(s) argues against: the model is not met.
Heterozygous parents are the expected carriers. Unknown status or missing genotypes say nothing.
"""

from __future__ import annotations

from itertools import combinations

from pidtriage.inheritance.family import UNAFFECTED, Family, parent_carries
from pidtriage.models import AnnotatedVariant, Finding, Zygosity

__all__ = ["phase_of_pair", "recessive_findings"]


def phase_of_pair(a: AnnotatedVariant, b: AnnotatedVariant, family: Family) -> str:
    """'trans', 'cis' or 'unknown'."""
    fa, fb = parent_carries(a, family.father), parent_carries(b, family.father)
    ma, mb = parent_carries(a, family.mother), parent_carries(b, family.mother)
    if fa is not None and fb is not None and ma is not None and mb is not None:
        if (fa and not ma and mb and not fb) or (ma and not fa and fb and not mb):
            return "trans"
        if (fa and fb and not ma and not mb) or (ma and mb and not fa and not fb):
            return "cis"
    ga, gb = a.genotype_of(family.proband), b.genotype_of(family.proband)
    if ga and gb and ga.phased and gb.phased and ga.ps is not None and ga.ps == gb.ps:
        ha = tuple(x > 0 for x in ga.alleles)
        hb = tuple(x > 0 for x in gb.alleles)
        return "cis" if ha == hb else "trans"
    return "unknown"


def _unaffected_homozygous_parent(av: AnnotatedVariant, family: Family) -> str:
    for role, sample, status in family.parents():
        gt = av.genotype_of(sample)
        if status == UNAFFECTED and gt is not None and not gt.is_missing and gt.alt_count >= 2:
            return role
    return ""


def _hom_note(av: AnnotatedVariant, family: Family) -> str:
    notes = []
    for role, sample, _ in family.parents():
        if family.confident_ref(av, sample):
            notes.append(f"the {role} does not carry it: a deletion of the other allele or uniparental disomy, to "
                         "confirm")
    return "; ".join(notes)


Result = tuple[Finding, tuple[AnnotatedVariant, ...], bool, str]


def recessive_findings(variants: list[AnnotatedVariant], family: Family) -> list[Result]:
    """(finding, variants, meets the model, note) for one gene's qualifying variants."""
    out: list[Result] = []
    hets = []
    for av in variants:
        gt = av.genotype_of(family.proband)
        if gt is None:
            continue
        zyg = gt.zygosity(haploid_region=av.haploid_region)
        if zyg in (Zygosity.HOM, Zygosity.HEMI):
            against = _unaffected_homozygous_parent(av, family)
            note = "homozygous" if zyg == Zygosity.HOM else "hemizygous"
            extra = (f"; the unaffected {against} is homozygous too: argues against" if against else "")
            hom_note = _hom_note(av, family)
            out.append((Finding.AR_HOM, (av,), not against, note + extra + (f"; {hom_note}" if hom_note else "")))
        elif zyg == Zygosity.HET:
            hets.append(av)
    used: set[str] = set()
    for a, b in combinations(hets, 2):
        phase = phase_of_pair(a, b, family)
        if phase == "trans":
            out.append((Finding.AR_COMPOUND_HET, (a, b), True, "in trans (one from each parent or read-backed phase)"))
            used |= {a.variant.key, b.variant.key}
        elif phase == "unknown":
            out.append((Finding.AR_POSSIBLE_COMPOUND_HET, (a, b), False,
                        "two heterozygous variants, phase unknown: test the parents (or read-backed phasing)"))
            used |= {a.variant.key, b.variant.key}
    for av in hets:
        if av.variant.key not in used:
            out.append((Finding.AR_SINGLE_HET, (av,), False,
                        "one heterozygous variant: a carrier, or a second hit this test cannot see"))
    return out
