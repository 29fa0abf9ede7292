"""Sex from chrX heterozygosity outside the PARs and from chrY calls, read through the index of the whole
input VCF (bcftools region query: chrX and chrY only, never a whole-genome scan)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pysam.bcftools
import pysam.utils

from pidtriage.genome import non_par, to_naming
from pidtriage.io.genotype_table import GenotypeTable, genotype_table
from pidtriage.models import Sex
from pidtriage.settings import QcThresholds

__all__ = ["SexInference", "combine_sex", "infer_sex"]


@dataclass(frozen=True, slots=True)
class SexInference:
    inferred: Sex
    x_calls: int = 0
    x_het: int = 0
    y_calls: int = 0
    y_sites: int = 0
    y_median_dp: float | None = None
    explanation: str = ""


def _confident(t: GenotypeTable, min_gq: int) -> np.ndarray:
    """(records, samples): a PASS non-reference call with GQ >= min_gq (or no GQ)."""
    gq_ok = np.isnan(t.gq) | (t.gq >= min_gq)
    confident: np.ndarray = (t.dosage > 0) & gq_ok & t.passed[:, None]
    return confident


def _x_regions(counts: Mapping[str, int], contig: str, region: str, thresholds: QcThresholds) -> str:
    """The whole non-PAR chrX, or evenly spaced windows of it when the VCF is large there (a WGS, by the index's
    record counts `counts`): sex needs a few hundred bins, not every call."""
    if counts.get(contig, 0) <= int(thresholds["sex_max_x_records"]):
        return region
    start, end = (int(x) for x in region.split(":")[1].split("-"))
    n, size = int(thresholds["sex_windows"]), int(thresholds["sex_window_size"])
    step = (end - start - size) // max(n - 1, 1)
    return ",".join(f"{contig}:{start + k * step}-{start + k * step + size - 1}" for k in range(n))


def infer_sex(
    vcf: str,
    samples: Sequence[str],
    *,
    contigs: Mapping[str, int | None],
    formats: Sequence[str],
    build: str,
    thresholds: QcThresholds,
    records_per_contig: Mapping[str, int],
) -> dict[str, SexInference]:
    """Per sample: sex from chrX (het fraction of confident non-reference SNV calls outside the PARs, counted
    per bin) and chrY (confident non-reference calls; or, in a joint-called VCF, no reads at the chrY sites
    of others). `vcf` must be indexed; `records_per_contig` its index's counts ({} when it has none).
    UNKNOWN, with the reason, when the data say too little or disagree."""
    naming = "chr" if any(c.startswith("chr") for c in contigs) else "bare"
    x, y = to_naming("X", naming), to_naming("Y", naming)
    x_region = "{}:{}-{}".format(x, *non_par(x, build)) if x in contigs else None
    y_region = "{}:{}-{}".format(y, *non_par(y, build)) if y in contigs else None
    if not (x_region or y_region) or not samples:
        return {s: SexInference(Sex.UNKNOWN, explanation="the VCF has no chrX/chrY contigs") for s in samples}
    if "GT" not in formats:
        return {s: SexInference(Sex.UNKNOWN, explanation="no GT field in the VCF") for s in samples}
    min_gq, bin_size = int(thresholds["min_gq"]), int(thresholds["sex_bin_size"])
    regions = [r for r in (x_region and _x_regions(records_per_contig, x, x_region, thresholds), y_region) if r]
    try:  # one query (one load of the index) for both chromosomes
        both = genotype_table(vcf, samples, formats=formats, regions=",".join(regions))
    except pysam.utils.SamtoolsError:
        return {s: SexInference(Sex.UNKNOWN, explanation="chrX/chrY could not be queried") for s in samples}
    xt = both.rows((both.chrom == x) & both.snv_mask()) if x_region else None
    yt = both.rows(both.chrom == y) if y_region else None
    out = {}
    for i, sample in enumerate(samples):
        x_bins = x_het = 0
        if xt is not None and len(xt):
            # counted per bin: a bin is heterozygous when at least min_female_x_het_fraction of its confident
            # calls are, so that a cluster of artefactual hets in a segmental duplication counts once (an exome)
            # and the few percent of artefactual hets spread along a male genome count for nothing (a WGS)
            conf = _confident(xt, min_gq)[:, i]
            _, inverse = np.unique(xt.pos[conf] // bin_size, return_inverse=True)
            calls = np.bincount(inverse)
            hets = np.bincount(inverse, weights=(xt.dosage[conf, i] == 1).astype(float), minlength=len(calls))
            x_bins = len(calls)
            x_het = int((hets >= thresholds["min_female_x_het_fraction"] * calls).sum()) if x_bins else 0
        y_calls, y_sites, y_dp = 0, 0, []
        if yt is not None and len(yt):
            y_sites = len(yt)
            y_calls = int(_confident(yt, min_gq)[:, i].sum())
            depth = yt.dp[:, i]
            y_dp = depth[~np.isnan(depth)].astype(int).tolist()
        out[sample] = combine_sex(x_bins, x_het, y_calls, y_sites, y_dp, thresholds)
    return out


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    v = sorted(values)
    mid = len(v) // 2
    return float(v[mid]) if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def combine_sex(x_calls: int, x_het: int, y_calls: int, y_sites: int, y_dp: list[int],
                thresholds: QcThresholds) -> SexInference:
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
