"""The genotype table of a panel extract: one row per record, columns per sample (dosage, diploid, GQ, DP),
read with one `bcftools query` and numpy (never a Python loop over records); record counts from the index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pysam.bcftools
import pysam.utils

from pidtriage.errors import VcfFormatError
from pidtriage.io.bcftools import samples_option
from pidtriage.models import Genotype

__all__ = ["GenotypeTable", "allele_lengths", "genotype_table", "records_per_contig"]


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
        ref_len, alt_len = allele_lengths(self.ref), allele_lengths(self.alt)
        n_alts = np.fromiter((a.count(",") + 1 for a in self.alt.tolist()), dtype=np.int64, count=len(self.alt))
        mask: np.ndarray = (ref_len == 1) & (alt_len == 2 * n_alts - 1) & ~np.isin(self.alt, [".", "*"])
        return mask


def allele_lengths(alleles: np.ndarray) -> np.ndarray:
    """Lengths of the strings in an object array of alleles."""
    return np.fromiter(map(len, alleles.tolist()), dtype=np.int64, count=len(alleles))


def _gt_class(gt: str) -> tuple[int, bool]:
    """(dosage, diploid) of one GT string, as models.Genotype reads it (the one GT parser)."""
    g = Genotype.parse("", gt)
    return g.dosage, g.is_diploid_call


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


def genotype_table(vcf: str, samples: Sequence[str], *, formats: Sequence[str], regions: str = "") -> GenotypeTable:
    """The table of a VCF (region): one `bcftools query`. Read once per step that needs it: the extract step hands
    its table to the later steps (stages.record.PanelExtract). Treat it as read-only."""
    return _query_table(vcf, samples, formats=formats, regions=regions)


def _query_table(vcf: str, samples: Sequence[str], *, formats: Sequence[str], regions: str) -> GenotypeTable:
    tags = [t for t in ("GT", "GQ", "DP") if t in formats]
    fmt = "%CHROM\t%POS\t%REF\t%ALT\t%FILTER[\t" + "\t".join(f"%{t}" for t in tags) + "]\n"
    with samples_option(samples) as pick:
        args = ["-f", fmt, *pick, *(["-r", regions] if regions else [])]
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


def records_per_contig(vcf: str) -> dict[str, int]:
    """Records per contig, read from the index ({} when the index holds no counts)."""
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
