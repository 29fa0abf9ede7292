"""The one GFF3 reader: feature lines (plain or gzipped) as their nine columns and parsed attributes."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

__all__ = ["read_gff3"]


def read_gff3(path: str | Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    """(columns, attributes) of every feature line; comments, blank and short lines skipped."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) < 9:
                continue
            yield f, dict(a.split("=", 1) for a in f[8].split(";") if "=" in a)
