"""Sample-level QC: is this the individual the sheet says, and can the data be trusted?

- Sex (pidtriage.qc.sex) from chrX heterozygosity outside the PARs and from chrY calls.
- Call statistics in the panel regions (non-reference calls, het/hom ratio, Ti/Tv, FILTER-failed fraction),
  and the record count of the whole VCF from its index when the index has one.
- For families: a Mendelian-error rate over the panel regions, a check that the pedigree matches the data.

Hard QC (`hard_failures`: a high Mendelian-error rate, a mostly FILTER-failed sample, a proband whose data
contradict the reported sex) makes a case `failed`, never `negative`: its data cannot support any result, and a
swapped sample would give another person's. Warnings (`warnings`: sex evidence that conflicts, a parent's sex
mismatch, a low Ti/Tv, many missing genotypes) leave the status as it is and are shown first: in summary.tsv's
`qc`, the report's result box and the dashboard's list of cases that need action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pidtriage.io.genotype_table import GenotypeTable, allele_lengths
from pidtriage.models import Role, SexCheck, VariantKey
from pidtriage.result.case_result import IndividualQc, PanelCalls
from pidtriage.settings import QcThresholds

__all__ = ["CallStats", "MendelianCheck", "call_stats", "hard_failures", "is_conflicting", "mendelian_check",
           "warnings"]

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

    def panel_calls(self) -> PanelCalls:
        """As the case's result lists them for each individual."""
        return PanelCalls(records=self.records, nonref_calls=self.nonref, het=self.het, hom_or_hemi=self.hom,
                          missing=self.missing, het_hom_ratio=self.het_hom_ratio, ti_tv=self.ti_tv,
                          filtered_fraction=self.filtered_fraction)


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
    examples = tuple(str(VariantKey(t.chrom[k], int(t.pos[k]), t.ref[k], t.alt[k])) for k in idx)
    if informative < min_sites:
        return MendelianCheck(informative, errors, False,
                              f"{informative} informative sites in the panel regions (< {min_sites} needed)")
    rate = errors / informative
    return MendelianCheck(informative, errors, True,
                          f"{errors}/{informative} informative panel sites inconsistent with the parents ({rate:.1%})",
                          examples)


def is_conflicting(individual: IndividualQc) -> bool:
    """chrX and chrY told different sexes (pidtriage.qc.sex: aneuploidy, or a mixed sample)."""
    return individual.sex_evidence.startswith("conflicting evidence")


def hard_failures(stats: CallStats, mendel: MendelianCheck, thresholds: QcThresholds, *, sample: str,
                  vcf: str, sex: IndividualQc | None = None) -> list[str]:
    """Reasons the sample's data cannot be trusted (each one line, naming the file and the fix):

    - a Mendelian-error rate above `qc.max_mendelian_error_rate`: the pedigree does not match the data;
    - more than `qc.max_filtered_fraction` of the proband's panel calls failing FILTER;
    - the proband's data contradicting the reported sex (chrX heterozygosity and chrY calls agree on the other
      sex): a swapped sample or a sheet error. The case fails rather than report another person's result or read
      X-linked genes with the wrong number of copies; a reported sex known to differ from the chromosomes is
      given as `unknown`, and the inferred one is used.
    """
    out = []
    if sex is not None and sex.role == Role.PROBAND and sex.sex_check == SexCheck.MISMATCH:
        out.append(f"{vcf}: {sample} is reported {sex.sex_reported} but the data suggest {sex.sex_inferred} "
                   f"({sex.sex_evidence}): "
                   "a swapped sample or a sample-sheet error; check the sample's identity, or, if the chromosomes "
                   "are known to differ from the reported sex, set sex to unknown in the sample sheet")
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


def warnings(stats: CallStats, sexes: Sequence[IndividualQc], thresholds: QcThresholds) -> list[str]:
    """Sample-level QC warnings (the status stands; shown first everywhere):

    - the proband's chrX and chrY evidence disagree (sex-chromosome aneuploidy, or a mixed or contaminated
      sample): sex not inferred;
    - a parent's data contradict the reported sex: X-linked inheritance and phase rely on it;
    - the proband's panel SNVs have a Ti/Tv below `qc.min_ti_tv` (with at least `qc.min_snvs_for_ti_tv`);
    - more than `qc.max_missing_fraction` of the panel records miss the proband's genotype (with at least
      `qc.min_records_for_missing` records).
    """
    out = []
    for s in sexes:
        if s.role == Role.PROBAND and is_conflicting(s):
            out.append(f"sex could not be inferred: {s.sex_evidence}; check the sample (a mixed or contaminated sample "
                       "gives false heterozygous calls)")
        elif s.role != Role.PROBAND and s.sex_check == SexCheck.MISMATCH:
            out.append(f"{s.role} {s.sample}: reported {s.sex_reported} but the data suggest {s.sex_inferred} "
                       f"({s.sex_evidence}); "
                       "verify the sample identity: X-linked interpretation and phase depend on it")
    snvs = stats.snv_ti + stats.snv_tv
    if stats.ti_tv is not None and snvs >= thresholds["min_snvs_for_ti_tv"] and stats.ti_tv < thresholds["min_ti_tv"]:
        out.append(f"Ti/Tv of the proband's {snvs} panel SNVs is {stats.ti_tv} (< {thresholds['min_ti_tv']}): many "
                   "calls may be false; check the variant calling and filtering")
    if stats.records >= thresholds["min_records_for_missing"]:
        frac = stats.missing / stats.records
        if frac > thresholds["max_missing_fraction"]:
            out.append(f"the proband's genotype is missing at {frac:.0%} of the {stats.records} panel records (> "
                       f"{thresholds['max_missing_fraction']:.0%}): much of the panel may not have been called")
    return out
