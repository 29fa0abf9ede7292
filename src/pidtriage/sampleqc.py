"""Sample-level QC: is this the individual the sheet says, and can the data be trusted?

- Sex from chrX heterozygosity outside the PARs and from chrY calls, read through the index of the whole
  input VCF (bcftools region query: chrX and chrY only, never a whole-genome scan).
- Call statistics in the panel regions (non-reference calls, het/hom ratio, Ti/Tv, FILTER-failed fraction),
  and the record count of the whole VCF from its index when the index has one.
- For families: a Mendelian-error rate over the panel regions, a check that the pedigree matches the data.

Hard QC (a high Mendelian-error rate, a mostly FILTER-failed sample) makes a case `failed`, never
`negative`: its data cannot support "no known defect". A sex mismatch is a warning the report shows first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pysam.bcftools
import pysam.utils

from pidtriage.genome import PAR, bare, to_naming
from pidtriage.io.vcf import RawRecord
from pidtriage.models import Genotype, Sex

__all__ = [
    "CallStats",
    "MendelianCheck",
    "SexInference",
    "call_stats",
    "combine_sex",
    "hard_failures",
    "infer_sex",
    "mendelian_check",
    "records_in_index",
]

TRANSITIONS = {("A", "G"), ("G", "A"), ("C", "T"), ("T", "C")}


@dataclass(frozen=True, slots=True)
class SexInference:
    inferred: Sex
    x_calls: int = 0
    x_het: int = 0
    y_calls: int = 0
    y_sites: int = 0
    y_median_dp: float | None = None
    explanation: str = ""


def _non_par(chrom: str, build: str, length: int | None) -> str | None:
    """A region string of `chrom` between its PARs (1-based, inclusive)."""
    pars = PAR.get(build, {}).get(bare(chrom))
    if not pars:
        return None
    start = pars[0][1] + 1
    end = pars[1][0] - 1 if len(pars) > 1 else (length or 300_000_000)
    return f"{chrom}:{start}-{end}"


def _parse_gt(gt: str) -> tuple[int, ...]:
    return tuple(-1 if a in (".", "") else int(a) for a in gt.replace("|", "/").split("/"))


def _confident(filt: str, gq: str, min_gq: int) -> bool:
    if filt not in ("PASS", "."):
        return False
    return gq in (".", "") or int(float(gq)) >= min_gq


def infer_sex(
    vcf: str,
    samples: Sequence[str],
    *,
    contigs: Mapping[str, int | None],
    formats: Sequence[str],
    build: str,
    thresholds: Mapping[str, Any],
) -> dict[str, SexInference]:
    """Per sample: sex from chrX (het fraction of confident non-reference calls outside the PARs) and chrY
    (confident non-reference calls; or, in a joint-called VCF, no reads at the chrY sites of others).

    `vcf` must be indexed. Returns UNKNOWN with the reason when the data say too little or disagree."""
    naming = "chr" if any(c.startswith("chr") for c in contigs) else "bare"
    regions = []
    for name in ("X", "Y"):
        contig = to_naming(name, naming)
        if contig in contigs:
            region = _non_par(contig, build, contigs[contig])
            if region:
                regions.append(region)
    if not regions or not samples:
        return {s: SexInference(Sex.UNKNOWN, explanation="the VCF has no chrX/chrY contigs") for s in samples}
    tags = [t for t in ("GT", "GQ", "DP") if t in formats]
    if "GT" not in tags:
        return {s: SexInference(Sex.UNKNOWN, explanation="no GT field in the VCF") for s in samples}
    fmt = "%CHROM\t%POS\t%TYPE\t%FILTER[\t" + "\t".join(f"%{t}" for t in tags) + "]\n"
    try:
        text = pysam.bcftools.query("-r", ",".join(regions), "-s", ",".join(samples), "-f", fmt, vcf)
    except pysam.utils.SamtoolsError:
        return {s: SexInference(Sex.UNKNOWN, explanation="chrX/chrY could not be queried") for s in samples}
    width = len(tags)
    min_gq = int(thresholds["min_gq"])
    bin_size = int(thresholds["sex_bin_size"])
    # chrX: confident SNV calls counted once per bin (het if any het call in the bin), so that a cluster of
    # artefactual heterozygous calls in a segmental duplication counts once, like a single call.
    x_bins: list[dict[int, bool]] = [{} for _ in samples]
    y_calls = [0] * len(samples)
    y_dp: list[list[int]] = [[] for _ in samples]
    y_sites = 0
    for line in text.splitlines():
        parts = line.split("\t")
        is_y = bare(parts[0]) == "Y"
        if not is_y and parts[2].upper() != "SNP":
            continue
        filt = parts[3]
        if is_y:
            y_sites += 1
        for i in range(len(samples)):
            values = dict(zip(tags, parts[4 + i * width: 4 + (i + 1) * width], strict=False))
            alleles = _parse_gt(values.get("GT", "."))
            called = [a for a in alleles if a >= 0]
            nonref = any(a > 0 for a in called)
            if is_y:
                dp = values.get("DP", ".")
                if dp not in (".", ""):
                    y_dp[i].append(int(float(dp)))
                if nonref and _confident(filt, values.get("GQ", "."), min_gq):
                    y_calls[i] += 1
            elif nonref and _confident(filt, values.get("GQ", "."), min_gq):
                b = int(parts[1]) // bin_size
                x_bins[i][b] = x_bins[i].get(b, False) or (len(called) > 1 and len(set(called)) > 1)
    return {s: combine_sex(len(x_bins[i]), sum(x_bins[i].values()), y_calls[i], y_sites, y_dp[i], thresholds)
            for i, s in enumerate(samples)}


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    v = sorted(values)
    mid = len(v) // 2
    return float(v[mid]) if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def combine_sex(x_calls: int, x_het: int, y_calls: int, y_sites: int, y_dp: list[int],
                thresholds: Mapping[str, Any]) -> SexInference:
    """The decision, separated from the reading so that it can be tested on counts. `x_calls`/`x_het`
    count chrX bins with a confident SNV call / with a heterozygous one."""
    min_x = int(thresholds["min_x_calls_for_sex"])
    x_sex, x_text = Sex.UNKNOWN, f"chrX: confident SNV calls in {x_calls} bins outside the PARs (< {min_x} needed)"
    if x_calls >= min_x:
        frac = x_het / x_calls
        x_text = f"chrX: heterozygous calls in {x_het}/{x_calls} bins with calls ({frac:.2f})"
        if frac <= thresholds["max_male_x_het_fraction"]:
            x_sex = Sex.MALE
        elif frac >= thresholds["min_female_x_het_fraction"]:
            x_sex = Sex.FEMALE
        else:
            x_text += ", between the male and female ranges"
    median_dp = _median(y_dp)
    y_sex, y_text = Sex.UNKNOWN, ""
    if y_calls >= int(thresholds["min_y_calls_for_male"]):
        y_sex, y_text = Sex.MALE, f"chrY: {y_calls} confident non-reference calls"
    elif (y_calls == 0 and y_sites >= int(thresholds["min_y_sites_for_female"]) and median_dp is not None
          and median_dp <= thresholds["max_female_y_depth"]):
        y_sex, y_text = Sex.FEMALE, f"chrY: no confident calls at {y_sites} sites, median depth {median_dp:g}"
    elif y_sites:
        y_text = f"chrY: {y_calls} confident calls at {y_sites} sites (not decisive)"
    if x_sex != Sex.UNKNOWN and y_sex != Sex.UNKNOWN and x_sex != y_sex:
        sex, text = Sex.UNKNOWN, f"conflicting evidence: {x_text} suggests {x_sex}, {y_text} suggests {y_sex} " \
                                 "(sex-chromosome aneuploidy or a mixed sample?)"
    else:
        sex = x_sex if x_sex != Sex.UNKNOWN else y_sex
        text = "; ".join(t for t in (x_text, y_text) if t)
    return SexInference(sex, x_calls, x_het, y_calls, y_sites, median_dp, text)


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


def call_stats(records: Sequence[RawRecord], index: int) -> CallStats:
    counts: Counter[str] = Counter()
    for r in records:
        gt = r.genotypes[index]
        counts["records"] += 1
        if gt.is_missing:
            counts["missing"] += 1
            continue
        if gt.alt_count == 0:
            continue
        counts["nonref"] += 1
        called = [a for a in gt.alleles if a >= 0]
        counts["het" if len(set(called)) > 1 else "hom"] += 1
        if not r.variant.passed:
            counts["filtered"] += 1
        v = r.variant
        if len(v.ref) == 1 and len(v.alt) == 1:
            counts["snv_ti" if (v.ref.upper(), v.alt.upper()) in TRANSITIONS else "snv_tv"] += 1
    return CallStats(**counts)


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


def _consistent(child: tuple[int, ...], father: tuple[int, ...] | None, mother: tuple[int, ...] | None) -> bool:
    a, b = child
    if father is not None and mother is not None:
        return (a in father and b in mother) or (b in father and a in mother)
    parent = father if father is not None else mother
    return parent is None or a in parent or b in parent


def _diploid(gt: Genotype, min_gq: int) -> tuple[int, ...] | None:
    if len(gt.alleles) != 2 or any(a < 0 for a in gt.alleles):
        return None
    return None if gt.gq is not None and gt.gq < min_gq else gt.alleles


def mendelian_check(records: Sequence[RawRecord], samples: Sequence[str], father: str, mother: str,
                    *, min_gq: int, min_sites: int) -> MendelianCheck:
    """Autosomal sites where the child and the parent(s) present are confidently called and someone carries
    the allele; an error is a child genotype the parents cannot transmit."""
    if not father and not mother:
        return MendelianCheck(explanation="no parent in the data")
    pos = {s: i for i, s in enumerate(samples)}
    who = [pos[samples[0]], pos.get(father), pos.get(mother)]
    informative = errors = 0
    examples: list[str] = []

    for r in records:
        if bare(r.variant.chrom) in ("X", "Y", "MT") or not r.variant.passed:
            continue
        gts = [_diploid(r.genotypes[i], min_gq) if i is not None else None for i in who]
        child = gts[0]
        if child is None or (who[1] is not None and gts[1] is None) or (who[2] is not None and gts[2] is None):
            continue
        if not any(g and any(a > 0 for a in g) for g in gts):
            continue
        informative += 1
        if not _consistent(child, gts[1], gts[2]):
            errors += 1
            if len(examples) < 5:
                examples.append(f"{r.variant.key} child {r.genotypes[0].gt}")
    if informative < min_sites:
        return MendelianCheck(informative, errors, False,
                              f"{informative} informative sites in the panel regions (< {min_sites} needed)")
    rate = errors / informative
    return MendelianCheck(informative, errors, True,
                          f"{errors}/{informative} informative panel sites inconsistent with the parents ({rate:.1%})",
                          tuple(examples))


def hard_failures(stats: CallStats, mendel: MendelianCheck, thresholds: Mapping[str, Any], *, sample: str,
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


def records_in_index(vcf: str) -> int | None:
    """Records in the whole VCF, read from its index (None when the index holds no counts)."""
    try:
        text = pysam.bcftools.index("-n", vcf)
    except pysam.utils.SamtoolsError:
        return None
    try:
        return int(str(text).strip())
    except ValueError:
        return None
