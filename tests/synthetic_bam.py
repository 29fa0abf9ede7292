"""Synthetic coordinate-sorted BAMs with a chosen depth over chosen targets (tests and benchmarks).

Reads are 100 bp, perfectly aligned, all `A` (sequence content does not matter for depth). Each target gets
round(depth * (length + 100) / 100) reads with uniform random starts, so its middle is close to `depth`
and its edges taper, as in a capture."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pysam

READ_LEN = 100


def write_bam(path: str | Path, targets: Iterable[tuple[str, int, int, float]], contigs: Mapping[str, int],
              *, seed: int = 1) -> str:
    """targets: (contig, start0, end, depth). Writes `path` and its .bai."""
    rng = np.random.default_rng(seed)
    names = list(contigs)
    header = pysam.AlignmentHeader.from_dict(
        {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": c, "LN": n} for c, n in contigs.items()],
         "RG": [{"ID": "synthetic", "SM": "synthetic"}]})  # fmt: skip
    by_contig: dict[str, list[np.ndarray]] = {}
    for contig, start, end, depth in targets:
        n = round(depth * (end - start + READ_LEN) / READ_LEN)
        if n:
            by_contig.setdefault(contig, []).append(rng.integers(max(0, start - READ_LEN + 1), end, n))
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        seg = pysam.AlignedSegment(header)
        seg.query_name, seg.flag, seg.mapping_quality, seg.cigarstring = "r", 0, 60, f"{READ_LEN}M"
        seg.query_sequence = "A" * READ_LEN
        seg.query_qualities = pysam.qualitystring_to_array("I" * READ_LEN)
        for contig in names:
            if contig not in by_contig:
                continue
            seg.reference_id = names.index(contig)
            for pos in np.sort(np.concatenate(by_contig[contig])).tolist():
                seg.reference_start = pos
                out.write(seg)
    pysam.index(str(path))
    return str(path)
