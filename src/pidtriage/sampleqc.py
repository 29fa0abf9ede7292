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

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pysam.bcftools
import pysam.utils

from pidtriage.errors import VcfFormatError
from pidtriage.genome import non_par, to_naming
from pidtriage.io.extract import samples_option
from pidtriage.models import Sex

__all__ = [
    "CallStats",
    "GenotypeTable",
    "MendelianCheck",
    "SexInference",
    "call_stats",
    "combine_sex",
    "genotype_table",
    "hard_failures",
    "infer_sex",
    "mendelian_check",
    "records_in_index",
    "records_per_contig",
    "remember_table",
]

@dataclass(frozen=True, slots=True)
class SexInference:
    inferred: Sex
    x_calls: int = 0
    x_het: int = 0
    y_calls: int = 0
    y_sites: int = 0
    y_median_dp: float | None = None
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class GenotypeTable:
    """Records of a region as columns (numpy), one column block per sample: read by `bcftools query` in C,
    so that QC never loops over records in Python. Dosage: -1 missing, 0 ref, 1 het, 2 hom-alt or hemizygous."""

    chrom: np.ndarray
    pos: np.ndarray
    ref: np.ndarray  # object (str)
    alt: np.ndarray  # object (str)
    passed: np.ndarray
    dosage: np.ndarray  # (records, samples)
    diploid: np.ndarray  # (records, samples) bool
    gq: np.ndarray  # float, nan when absent
    dp: np.ndarray

    def __len__(self) -> int:
        return len(self.pos)

    def rows(self, mask: np.ndarray) -> GenotypeTable:
        """The records where `mask` is true."""
        return GenotypeTable(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(tables: Sequence[GenotypeTable]) -> GenotypeTable:
        """The rows of `tables` one after another (tables of the same samples)."""
        fields = GenotypeTable.__dataclass_fields__
        return GenotypeTable(*(np.concatenate([getattr(t, f) for t in tables]) for f in fields))

    def snv_mask(self) -> np.ndarray:
        """Records whose REF and every ALT are one base (bcftools' TYPE="snp" for a biallelic record)."""
        ref_len, alt_len = _lengths(self.ref), _lengths(self.alt)
        n_alts = np.fromiter((a.count(",") + 1 for a in self.alt.tolist()), dtype=np.int64, count=len(self.alt))
        mask: np.ndarray = (ref_len == 1) & (alt_len == 2 * n_alts - 1) & ~np.isin(self.alt, [".", "*"])
        return mask


def _lengths(alleles: np.ndarray) -> np.ndarray:
    """Lengths of the strings in an object array of alleles."""
    return np.fromiter(map(len, alleles.tolist()), dtype=np.int64, count=len(alleles))


def _gt_class(gt: str) -> tuple[int, bool]:
    """(dosage, diploid) of one GT string: dosage -1 missing, 0 ref, 1 het, 2 hom-alt or hemizygous."""
    alleles = gt.replace("|", "/").split("/")
    called = [int(a) for a in alleles if a not in (".", "")]
    diploid = len(alleles) == 2 and len(called) == 2
    if not called:
        return -1, diploid
    alt = sum(1 for a in called if a > 0)
    return (0 if alt == 0 else (2 if alt == len(called) else 1)), diploid


def _gt_classes(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    classes = {gt: _gt_class(gt) for gt in set(values)}  # a handful of distinct strings
    dosage = np.fromiter((classes[v][0] for v in values), dtype=np.int8, count=len(values))
    diploid = np.fromiter((classes[v][1] for v in values), dtype=bool, count=len(values))
    return dosage, diploid


def _numbers(values: list[str], *, tag: str = "", vcf: str = "") -> np.ndarray:
    """Numbers, NaN where missing ("." or empty); a value that is not a number is a VcfFormatError naming it."""
    try:
        return np.array(values, dtype=float)
    except ValueError:
        arr = np.array(values)
        out = np.full(len(arr), np.nan)
        ok = (arr != ".") & (arr != "")
        try:
            out[ok] = arr[ok].astype(float)
        except ValueError:
            for value in arr[ok].tolist():  # only on this failure path: name the first value that is not a number
                try:
                    float(value)
                except ValueError:
                    raise VcfFormatError(f"{vcf}: FORMAT/{tag} value {value!r} is not a number (the header declares "
                                         f"one number per sample); fix the {tag} values or the ##FORMAT line") from None
            raise
        return out


_TABLES: dict[tuple[Any, ...], GenotypeTable] = {}


def genotype_table(vcf: str, samples: Sequence[str], *, formats: Sequence[str], regions: str = "") -> GenotypeTable:
    """The table of a VCF (region); kept per process for the same unchanged file and query, so that `pidtriage
    run` reads the extracted VCF once for sample QC, screening and variants.tsv. Treat it as read-only."""
    key = _table_key(vcf, samples, formats, regions)
    if key not in _TABLES:
        if len(_TABLES) > 8:
            _TABLES.clear()
        _TABLES[key] = _query_table(vcf, samples, formats=formats, regions=regions)
    return _TABLES[key]


def remember_table(vcf: str, samples: Sequence[str], formats: Sequence[str], table: GenotypeTable) -> None:
    """Keep a table read elsewhere (a forked child) as genotype_table(vcf, samples, formats=formats)'s."""
    _TABLES[_table_key(vcf, samples, formats, "")] = table


def _table_key(vcf: str, samples: Sequence[str], formats: Sequence[str], regions: str) -> tuple[Any, ...]:
    st = os.stat(vcf)
    return os.path.abspath(vcf), st.st_mtime_ns, st.st_size, tuple(samples), tuple(formats), regions


def _query_table(vcf: str, samples: Sequence[str], *, formats: Sequence[str], regions: str) -> GenotypeTable:
    tags = [t for t in ("GT", "GQ", "DP") if t in formats]
    fmt = "%CHROM\t%POS\t%REF\t%ALT\t%FILTER[\t" + "\t".join(f"%{t}" for t in tags) + "]\n"
    args = ["-f", fmt, *samples_option(samples)]
    if regions:
        args += ["-r", regions]
    text = str(pysam.bcftools.query(*args, vcf)) if "GT" in tags else ""
    width, n = len(tags), len(samples)
    # every field bcftools prints here is free of whitespace ("." when missing): one split, then one list per
    # column (a slice), each made an array of its own width; alleles stay Python strings (object arrays), so
    # that one long indel does not widen every cell of the table
    tokens = text.split()
    ncol = 5 + n * width
    cols = [tokens[k::ncol] for k in range(ncol)]
    records = len(cols[0])
    dosage = np.empty((records, n), dtype=np.int8)
    diploid = np.empty((records, n), dtype=bool)
    gq = np.full((records, n), np.nan)
    dp = np.full((records, n), np.nan)
    for i in range(n):
        base = 5 + i * width
        dosage[:, i], diploid[:, i] = _gt_classes(cols[base])
        if "GQ" in tags:
            gq[:, i] = _numbers(cols[base + tags.index("GQ")], tag="GQ", vcf=vcf)
        if "DP" in tags:
            dp[:, i] = _numbers(cols[base + tags.index("DP")], tag="DP", vcf=vcf)
    filters = np.array(cols[4])
    passed = (filters == "PASS") | (filters == ".")
    pos = np.fromiter(map(int, cols[1]), dtype=np.int64, count=records)
    # REF/ALT in upper case: the VCF spec allows lower-case bases, and ClinVar keys are upper case
    return GenotypeTable(np.array(cols[0]), pos, np.array([a.upper() for a in cols[2]], dtype=object),
                         np.array([a.upper() for a in cols[3]], dtype=object), passed, dosage, diploid, gq, dp)


def _confident(t: GenotypeTable, min_gq: int) -> np.ndarray:
    """(records, samples): a PASS non-reference call with GQ >= min_gq (or no GQ)."""
    gq_ok = np.isnan(t.gq) | (t.gq >= min_gq)
    confident: np.ndarray = (t.dosage > 0) & gq_ok & t.passed[:, None]
    return confident


def _x_regions(vcf: str, contig: str, region: str, thresholds: Mapping[str, Any]) -> str:
    """The whole non-PAR chrX, or evenly spaced windows of it when the VCF is large there (a WGS): sex needs
    a few hundred bins, not every call."""
    counts = records_per_contig(vcf)
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
    thresholds: Mapping[str, Any],
) -> dict[str, SexInference]:
    """Per sample: sex from chrX (het fraction of confident non-reference SNV calls outside the PARs, counted
    per bin) and chrY (confident non-reference calls; or, in a joint-called VCF, no reads at the chrY sites
    of others). `vcf` must be indexed. UNKNOWN, with the reason, when the data say too little or disagree."""
    naming = "chr" if any(c.startswith("chr") for c in contigs) else "bare"
    x, y = to_naming("X", naming), to_naming("Y", naming)
    x_region = "{}:{}-{}".format(x, *non_par(x, build)) if x in contigs else None
    y_region = "{}:{}-{}".format(y, *non_par(y, build)) if y in contigs else None
    if not (x_region or y_region) or not samples:
        return {s: SexInference(Sex.UNKNOWN, explanation="the VCF has no chrX/chrY contigs") for s in samples}
    if "GT" not in formats:
        return {s: SexInference(Sex.UNKNOWN, explanation="no GT field in the VCF") for s in samples}
    min_gq, bin_size = int(thresholds["min_gq"]), int(thresholds["sex_bin_size"])
    regions = [r for r in (x_region and _x_regions(vcf, x, x_region, thresholds), y_region) if r]
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


def call_stats(t: GenotypeTable, index: int) -> CallStats:
    d = t.dosage[:, index]
    nonref = d > 0
    snv = (_lengths(t.ref) == 1) & (_lengths(t.alt) == 1) & nonref
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


@cache
def records_per_contig(vcf: str) -> dict[str, int]:
    """Records per contig, read from the index ({} when the index holds no counts); once per process."""
    try:
        text = pysam.bcftools.index("-s", vcf)
    except pysam.utils.SamtoolsError:
        return {}
    out = {}
    for line in str(text).splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].isdigit():
            out[parts[0]] = int(parts[2])
    return out


def records_in_index(vcf: str) -> int | None:
    """Records in the whole VCF, read from its index (None when the index holds no counts)."""
    counts = records_per_contig(vcf)
    return sum(counts.values()) if counts else None
