"""Coverage of the panel genes: for each gene, the fraction of its exon bases read at >= min_depth, and the
genes below `min_gene_fraction`, which a negative or inconclusive case could not assess.

Inputs (the sample sheet's `coverage` column): a BAM or CRAM, measured with mosdepth (faster than pysam on a
30x exome: tests/benchmarks/RESULTS.md), or a mosdepth per-base `*.per-base.bed.gz` (with its index) read
through tabix. The exons come from `coverage.exons` (gene_panels/<panel>.exons.tsv).
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pidtriage.errors import InputError, ResourceError
from pidtriage.genome import naming_of, to_naming

__all__ = ["Exon", "GeneCoverage", "coverage_from_bam", "coverage_from_per_base", "read_exons", "summarise"]


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


def coverage_from_bam(bam: str, exons: Sequence[Exon], *, min_depth: int, workdir: str | Path,
                      reference_fasta: str = "", threads: int = 1) -> list[GeneCoverage]:
    """mosdepth over the exons (`--by`, `--thresholds`, no per-base output)."""
    exe = shutil.which("mosdepth")
    if exe is None:
        raise ResourceError("mosdepth not found on PATH; install it (Debian: apt-get install mosdepth libhts-dev)")
    import pysam

    try:
        with pysam.AlignmentFile(bam, reference_filename=reference_fasta or None) as aln:
            naming = naming_of(aln.references)
    except (OSError, ValueError) as exc:
        raise InputError(f"{bam}: not a readable BAM/CRAM ({exc}); check the coverage column and its index") from None
    merged = _merge(exons)
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    bed = work / "exons.bed"
    bed.write_text("".join(f"{to_naming(e.chrom, naming)}\t{e.start}\t{e.end}\t{i}\n" for i, e in enumerate(merged)))
    prefix = work / "mosdepth"
    cmd = [exe, "-n", "--fast-mode", "-t", str(threads), "--by", str(bed), "--thresholds", str(min_depth)]
    if reference_fasta:
        cmd += ["-f", reference_fasta]
    result = subprocess.run([*cmd, str(prefix), bam], capture_output=True, text=True)
    if result.returncode != 0:
        message = " ".join(result.stderr.split())[:300]
        raise InputError(f"{bam}: mosdepth failed ({message}); check the BAM/CRAM, its index and reference_fasta")
    covered = [0] * len(merged)
    with gzip.open(f"{prefix}.thresholds.bed.gz", "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            parts = line.split("\t")
            covered[int(parts[3])] = int(parts[4])
    return _gene_totals(merged, covered)


def coverage_from_per_base(path: str, exons: Sequence[Exon], *, min_depth: int) -> list[GeneCoverage]:
    """A mosdepth `per-base.bed.gz` (bgzipped, indexed): bases at >= min_depth within each exon."""
    import pysam

    try:
        tbx = pysam.TabixFile(path, preset="bed") if Path(path + ".tbi").exists() else pysam.TabixFile(path, index=path + ".csi")
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


def summarise(genes: Sequence[GeneCoverage], *, min_fraction: float, min_depth: int, source: str,
              panel_symbols: Mapping[str, str], method: str) -> dict[str, Any]:
    """The coverage record of a case: per gene, and the genes the data could not assess."""
    by_id = {g.hgnc_id: g for g in genes}
    below = [g for g in genes if g.fraction < min_fraction]
    no_exons = sorted(symbol for hgnc, symbol in panel_symbols.items() if hgnc not in by_id)
    return {
        "provided": True, "source": source, "method": method, "min_depth": min_depth, "min_gene_fraction": min_fraction,
        "genes_assessed": len(genes) - len(below),
        "genes_below": [{"gene": g.symbol, "hgnc_id": g.hgnc_id, "fraction": round(g.fraction, 4)} for g in below],
        "genes_without_exon_annotation": no_exons,
        "per_gene": {g.symbol: round(g.fraction, 4) for g in genes},
    }  # fmt: skip
