"""Coverage of the panel genes: for each gene, the fraction of its exon bases read at >= min_depth, and the
genes below `min_gene_fraction`, which a negative or inconclusive case could not assess.

Inputs (the sample sheet's `coverage` column): a BAM or CRAM, read over the panel's exons only through its
index with pysam (4x faster than mosdepth, which reads the whole file, on a 30x exome, and 1/5 of its memory:
tests/benchmarks/RESULTS.md), or a mosdepth per-base `*.per-base.bed.gz` (with its index) read through tabix. The exons come from `coverage.exons` (gene_panels/<panel>.exons.tsv).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pidtriage.errors import InputError, ResourceError
from pidtriage.genome import bare, naming_of, to_naming
from pidtriage.result.case_result import CoverageSection, GeneBelow

__all__ = ["GVCF_BLOCK_ALTS", "Exon", "GeneCoverage", "coverage_from_bam", "coverage_from_gvcf", "coverage_from_per_base",
           "read_exons", "summarise"]


@dataclass(frozen=True, slots=True)
class Exon:
    chrom: str  # bare
    start: int  # 0-based
    end: int  # exclusive
    hgnc_id: str
    symbol: str


@dataclass(frozen=True, slots=True)
class GeneCoverage:
    hgnc_id: str
    symbol: str
    bases: int
    covered: int

    @property
    def fraction(self) -> float:
        return self.covered / self.bases if self.bases else 0.0


def read_exons(path: str | Path, build: str) -> list[Exon]:
    p = Path(path)
    if not p.exists():
        raise ResourceError(f"{p}: exon table not found; build it with scripts/build_exons.py or set coverage.exons")
    out = []
    with p.open() as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("build\t"):
                continue
            b, chrom, start, end, hgnc, symbol, _ = line.rstrip("\n").split("\t")
            if b == build:
                out.append(Exon(chrom, int(start), int(end), hgnc, symbol))
    if not out:
        raise ResourceError(f"{p}: no {build} exons in the exon table")
    return out


def _merge(exons: Sequence[Exon]) -> list[Exon]:
    """Overlapping exons of one gene merged, so that no base counts twice."""
    out: list[Exon] = []
    for e in sorted(exons, key=lambda x: (x.hgnc_id, x.chrom, x.start)):
        last = out[-1] if out else None
        if last and last.hgnc_id == e.hgnc_id and last.chrom == e.chrom and e.start <= last.end:
            out[-1] = Exon(last.chrom, last.start, max(last.end, e.end), last.hgnc_id, last.symbol)
        else:
            out.append(e)
    return out


def _gene_totals(exons: Sequence[Exon], covered: Sequence[int]) -> list[GeneCoverage]:
    totals: dict[str, list[Any]] = {}
    for e, c in zip(exons, covered, strict=True):
        t = totals.setdefault(e.hgnc_id, [e.symbol, 0, 0])
        t[1] += e.end - e.start
        t[2] += c
    return [GeneCoverage(h, s, b, c) for h, (s, b, c) in sorted(totals.items(), key=lambda kv: kv[1][0])]


def coverage_from_bam(bam: str, exons: Sequence[Exon], *, min_depth: int, reference_fasta: str = "") -> list[GeneCoverage]:
    """Per-base depth over each exon from the BAM/CRAM index (pysam count_coverage, htslib's pileup in C):
    only the panel's exons are read. Reads flagged unmapped, secondary, QC-fail or duplicate are not
    counted; base quality is not filtered (as mosdepth)."""
    import numpy as np
    import pysam

    try:
        aln = pysam.AlignmentFile(bam, reference_filename=reference_fasta or None)
    except (OSError, ValueError) as exc:
        raise InputError(f"{bam}: not a readable BAM/CRAM ({exc}); check the coverage column") from None
    with aln:
        if not aln.has_index():
            raise InputError(f"{bam}: no index (.bai/.crai/.csi); run `samtools index {bam}`")
        naming = naming_of(aln.references)
        contigs = set(aln.references)
        merged = _merge(exons)
        covered = []
        for e in merged:
            chrom = to_naming(e.chrom, naming)
            if chrom not in contigs:
                covered.append(0)
                continue
            depth = np.sum(aln.count_coverage(chrom, e.start, e.end, quality_threshold=0, read_callback="all"), axis=0)
            covered.append(int((depth >= min_depth).sum()))
    return _gene_totals(merged, covered)


def coverage_from_per_base(path: str, exons: Sequence[Exon], *, min_depth: int) -> list[GeneCoverage]:
    """A mosdepth `per-base.bed.gz` (bgzipped, indexed): bases at >= min_depth within each exon."""
    import pysam

    try:
        tbx = pysam.TabixFile(path) if Path(path + ".tbi").exists() else pysam.TabixFile(path, index=path + ".csi")
    except OSError as exc:
        raise InputError(f"{path}: cannot open the per-base coverage ({exc}); it needs its .csi/.tbi index") from None
    naming = naming_of(tbx.contigs)
    contigs = set(tbx.contigs)
    merged = _merge(exons)
    covered = []
    with tbx:
        for e in merged:
            chrom = to_naming(e.chrom, naming)
            n = 0
            if chrom in contigs:
                for row in tbx.fetch(chrom, e.start, e.end, parser=pysam.asTuple()):
                    if int(row[3]) >= min_depth:
                        n += min(int(row[2]), e.end) - max(int(row[1]), e.start)
            covered.append(n)
    return _gene_totals(merged, covered)


GVCF_BLOCK_ALTS = ("<NON_REF>", "<*>", ".")


def coverage_from_gvcf(vcf: str, sample: str, exons: Sequence[Exon], *, min_depth: int,
                       depth_tag: str) -> list[GeneCoverage]:
    """Exon bases at >= min_depth by a gVCF's records: each reference block (INFO/END) or call spans its bases
    with the depth it states (`depth_tag`: MIN_DP for GATK blocks, DP otherwise; a block's DP is its minimum in
    Isaac/Strelka gVCFs). One bcftools query of the (panel-region) extract; bases in no record are not read."""
    import numpy as np
    import pysam.bcftools

    text = str(pysam.bcftools.query("-s", sample, "-f", f"%CHROM\t%POS\t%END\t[%{depth_tag}]\n", vcf))
    spans: dict[str, list[tuple[int, int]]] = {}
    for line in text.splitlines():
        chrom, pos, end, depth = line.split("\t")
        if depth not in (".", "") and float(depth) >= min_depth:
            spans.setdefault(bare(chrom), []).append((int(pos) - 1, int(end)))
    starts = {c: np.array(sorted(v)) for c, v in spans.items()}
    merged = _merge(exons)
    covered = []
    for e in merged:
        arr = starts.get(e.chrom)
        n = 0
        if arr is not None:
            i = max(int(np.searchsorted(arr[:, 0], e.start, side="right")) - 1, 0)
            covered_to = e.start
            while i < len(arr) and arr[i, 0] < e.end:
                lo, hi = max(int(arr[i, 0]), covered_to), min(int(arr[i, 1]), e.end)
                if hi > lo:
                    n += hi - lo
                    covered_to = hi
                i += 1
        covered.append(n)
    return _gene_totals(merged, covered)


def summarise(genes: Sequence[GeneCoverage], *, min_fraction: float, min_depth: int, source: str,
              panel_symbols: Mapping[str, str], method: str) -> CoverageSection:
    """The coverage record of a case: per gene, and the genes the data could not assess."""
    by_id = {g.hgnc_id: g for g in genes}
    below = [g for g in genes if g.fraction < min_fraction]
    no_exons = sorted(symbol for hgnc, symbol in panel_symbols.items() if hgnc not in by_id)
    return CoverageSection(
        provided=True, source=source, method=method, min_depth=min_depth, min_gene_fraction=min_fraction,
        genes_assessed=len(genes) - len(below),
        genes_below=tuple(GeneBelow(gene=g.symbol, hgnc_id=g.hgnc_id, fraction=round(g.fraction, 4)) for g in below),
        genes_without_exon_annotation=tuple(no_exons), per_gene={g.symbol: round(g.fraction, 4) for g in genes})
