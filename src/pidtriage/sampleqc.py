"""Sample-level QC: is this the individual the sheet says, and can the data be trusted?

- Sex (pidtriage.sex) from chrX heterozygosity outside the PARs and from chrY calls.
- Call statistics in the panel regions (non-reference calls, het/hom ratio, Ti/Tv, FILTER-failed fraction),
  and the record count of the whole VCF from its index when the index has one.
- For families: a Mendelian-error rate over the panel regions, a check that the pedigree matches the data.

Hard QC (a high Mendelian-error rate, a mostly FILTER-failed sample) makes a case `failed`, never
`negative`: its data cannot support "no known defect". A sex mismatch is a warning the report shows first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pidtriage.genotype_table import GenotypeTable, allele_lengths
from pidtriage.settings import QcThresholds

__all__ = ["CallStats", "MendelianCheck", "call_stats", "hard_failures", "mendelian_check"]

@dataclass(frozen=True, slots=True)
class CallStats:
    """Calls of one sample in the panel regions (after splitting multiallelics)."""

    records: int = 0
    nonref: int = 0
    het: int = 0
    hom: int = 0
    missing: int = 0
    snv_ti: int = 0
    snv_tv: int = 0
    filtered: int = 0

    @property
    def het_hom_ratio(self) -> float | None:
        return round(self.het / self.hom, 3) if self.hom else None

    @property
    def ti_tv(self) -> float | None:
        return round(self.snv_ti / self.snv_tv, 3) if self.snv_tv else None

    @property
    def filtered_fraction(self) -> float | None:
        return round(self.filtered / self.nonref, 4) if self.nonref else None

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "nonref_calls": self.nonref, "het": self.het, "hom_or_hemi": self.hom,
                "missing": self.missing, "het_hom_ratio": self.het_hom_ratio, "ti_tv": self.ti_tv,
                "filtered_fraction": self.filtered_fraction}


def call_stats(t: GenotypeTable, index: int) -> CallStats:
    d = t.dosage[:, index]
    nonref = d > 0
    snv = (allele_lengths(t.ref) == 1) & (allele_lengths(t.alt) == 1) & nonref
    ti = np.zeros(len(t), dtype=bool)
    # one-base alleles as code points, upper-cased (clear bit 0x20 of a letter): A<->G and C<->T are transitions
    ref = t.ref[snv].astype("U1").view(np.uint32) & ~np.uint32(0x20)
    alt = t.alt[snv].astype("U1").view(np.uint32) & ~np.uint32(0x20)
    a, c, g, u = (np.uint32(ord(b)) for b in "ACGT")
    ti[snv] = ((ref == a) & (alt == g)) | ((ref == g) & (alt == a)) | ((ref == c) & (alt == u)) | ((ref == u) & (alt == c))
    return CallStats(records=len(t), nonref=int(nonref.sum()), het=int((d == 1).sum()), hom=int((d == 2).sum()),
                     missing=int((d < 0).sum()), snv_ti=int(ti.sum()), snv_tv=int((snv & ~ti).sum()),
                     filtered=int((nonref & ~t.passed).sum()))


@dataclass(frozen=True, slots=True)
class MendelianCheck:
    informative: int = 0
    errors: int = 0
    evaluated: bool = False
    explanation: str = ""
    examples: tuple[str, ...] = field(default=())

    @property
    def rate(self) -> float | None:
        return round(self.errors / self.informative, 4) if self.evaluated and self.informative else None


def mendelian_check(t: GenotypeTable, samples: Sequence[str], father: str, mother: str,
                    *, min_gq: int, min_sites: int) -> MendelianCheck:
    """Autosomal PASS sites where the child and the parent(s) present are confidently called (diploid, GQ) and
    someone carries the allele; an error is a child genotype the parents cannot transmit."""
    if not father and not mother:
        return MendelianCheck(explanation="no parent in the data")
    cols = [samples.index(s) for s in (samples[0], father, mother) if s]
    autosomal = ~np.isin(np.char.lstrip(np.char.lower(t.chrom), "chr"), ["x", "y", "m", "mt"])
    gq_ok = np.isnan(t.gq[:, cols]) | (t.gq[:, cols] >= min_gq)
    usable = autosomal & t.passed & np.all(t.diploid[:, cols] & gq_ok, axis=1) & np.any(t.dosage[:, cols] > 0, axis=1)
    d = t.dosage[usable][:, cols].astype(int)
    child = d[:, 0]
    # each parent transmits 0 or 1 alt alleles: dosage 0 -> {0}, 1 -> {0, 1}, 2 -> {1}
    lo = sum((d[:, k] == 2).astype(int) for k in range(1, d.shape[1]))
    hi = sum((d[:, k] >= 1).astype(int) for k in range(1, d.shape[1]))
    if d.shape[1] == 2:  # one parent: the other transmits anything
        hi = hi + 1
    errors_mask = (child < lo) | (child > hi)
    informative, errors = int(usable.sum()), int(errors_mask.sum())
    idx = np.flatnonzero(usable)[errors_mask][:5]
    examples = tuple(f"{t.chrom[k]}:{t.pos[k]}:{t.ref[k]}:{t.alt[k]}" for k in idx)
    if informative < min_sites:
        return MendelianCheck(informative, errors, False,
                              f"{informative} informative sites in the panel regions (< {min_sites} needed)")
    rate = errors / informative
    return MendelianCheck(informative, errors, True,
                          f"{errors}/{informative} informative panel sites inconsistent with the parents ({rate:.1%})",
                          examples)


def hard_failures(stats: CallStats, mendel: MendelianCheck, thresholds: QcThresholds, *, sample: str,
                  vcf: str) -> list[str]:
    """Reasons the sample's data cannot be trusted (each one line, naming the file and the fix)."""
    out = []
    max_me = thresholds["max_mendelian_error_rate"]
    if mendel.rate is not None and mendel.rate > max_me:
        out.append(f"{vcf}: Mendelian-error rate {mendel.rate:.1%} > {max_me:.0%} ({mendel.explanation}); the pedigree "
                   "does not match the data: check father_id/mother_id and the VCF sample names in the sample sheet")
    max_filt = thresholds["max_filtered_fraction"]
    frac = stats.filtered_fraction
    if frac is not None and stats.nonref >= int(thresholds["min_calls_for_filter_check"]) and frac > max_filt:
        out.append(f"{vcf}: {frac:.0%} of {sample}'s calls in the panel regions fail FILTER (> {max_filt:.0%}); "
                   "check the variant calling and filtering of this sample")
    return out

