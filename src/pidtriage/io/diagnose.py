"""Why htslib refused a VCF, in words a user can act on.

htslib prints its own reason on the process's stderr (where a cohort's log has it, far from the case's
reason) and bcftools then fails with a generic line ("failed to create index", "cannot write to ...tmp").
When a bcftools step fails, `diagnose` reads the file once, on this failure path only, and names the first
problem it finds: a corrupt compressed block (each BGZF block's CRC32, before any text: a damaged block can
decode to other text), duplicate sample names, records out of order, or a key used but not declared in the
header. "" when it finds none of these.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from pidtriage.io.bgzf import corrupt_block
from pidtriage.io.vcf import is_bgzf

__all__ = ["diagnose"]

_MAX_LINES = 5_000_000


def diagnose(path: str | Path) -> str:
    p = Path(path)
    with p.open("rb") as fh:
        bgzf = is_bgzf(fh.read(18))
    damaged = corrupt_block(p) if bgzf else ""  # first: a damaged block decodes to garbage text
    if damaged:
        return f"{damaged}; copy or export the file again"
    try:
        lines = _lines(p)
        return _check(lines)
    except (EOFError, OSError, zlib.error) as exc:
        return f"a compressed block is corrupt or truncated ({exc}); copy or export the file again"
    except UnicodeDecodeError:
        return "the file is not text VCF (or BCF) where a VCF line was expected; check it is a VCF"


def _lines(p: Path):  # type: ignore[no-untyped-def]
    with p.open("rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    opener = gzip.open if gz else open
    with opener(p, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= _MAX_LINES:
                return
            yield line.rstrip("\n")


def _check(lines) -> str:  # type: ignore[no-untyped-def]
    declared: dict[str, set[str]] = {"INFO": set(), "FORMAT": set()}
    last: tuple[str, int] | None = None
    done_contigs: set[str] = set()
    for line in lines:
        if line.startswith("##"):
            for kind in declared:
                if line.startswith(f"##{kind}=<ID="):
                    declared[kind].add(line[len(kind) + 7:].split(",")[0])
            continue
        if line.startswith("#CHROM"):
            samples = line.split("\t")[9:]
            dup = sorted({s for s in samples if samples.count(s) > 1})
            if dup:
                return (f"sample name {dup[0]!r} appears more than once in the #CHROM line; rename the samples "
                        "(bcftools reheader -s)")
            continue
        f = line.split("\t")
        if len(f) < 8:
            continue
        chrom, pos = f[0], int(f[1]) if f[1].isdigit() else 0
        if last and chrom == last[0] and pos < last[1]:
            return (f"records are not sorted: {chrom}:{pos} comes after {last[0]}:{last[1]}; sort the file "
                    "(bcftools sort -Oz -o sorted.vcf.gz FILE)")
        if last and chrom != last[0]:
            if chrom in done_contigs:
                return (f"records are not sorted: {chrom} appears again after {last[0]}; sort the file "
                        "(bcftools sort -Oz -o sorted.vcf.gz FILE)")
            done_contigs.add(last[0])
        last = (chrom, pos)
        for key in (kv.split("=")[0] for kv in f[7].split(";") if kv and kv != "."):
            if key not in declared["INFO"]:
                return (f"INFO key {key!r} (at {chrom}:{pos}) is not declared in the header; add a ##INFO line for "
                        f"it or remove it (bcftools annotate -x INFO/{key})")
        if len(f) > 8:
            for key in f[8].split(":"):
                if key not in declared["FORMAT"]:
                    return (f"FORMAT key {key!r} (at {chrom}:{pos}) is not declared in the header; add a ##FORMAT "
                            "line for it")
    return ""
