"""Panel-region extraction with bcftools through pysam: index when needed, region query, split, normalise.

Unindexed or plain-text inputs are rewritten once as bgzipped VCF in the work directory and indexed, then
queried like any indexed file. Never a whole-genome scan in Python.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pysam
import pysam.bcftools
import pysam.utils

from pidtriage.errors import VcfFormatError

__all__ = ["ensure_indexed", "extract_regions", "merge_family", "write_bed", "write_empty_vcf"]


def _bcftools(*args: str, where: str) -> str:
    try:
        out: str = getattr(pysam.bcftools, args[0])(*args[1:], catch_stdout=False)
    except pysam.utils.SamtoolsError as exc:
        raise VcfFormatError(f"{where}: bcftools {args[0]} failed ({_stderr_of(exc)}); check the file is a valid VCF "
                             f"(`bcftools view {where}` shows where it breaks)") from None
    return out or ""


def _stderr_of(exc: Exception) -> str:
    """The message bcftools printed, without pysam's wrapping (stdout=None, stderr=..., escaped newlines)."""
    text = str(exc)
    if "stderr=" in text:
        text = text.split("stderr=", 1)[1]
    text = text.replace("\\n", " ").replace("\n", " ").strip(" '\")")
    return " ".join(text.split())[:300] or "no message"


def _index_of(path: Path) -> Path | None:
    for ext in (".tbi", ".csi"):
        idx = Path(str(path) + ext)
        if idx.exists():
            return idx
    return None


def _is_bgzf_or_bcf(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(18)
    # BGZF: gzip magic with the extra field flag and the 'BC' subfield
    return len(head) >= 14 and head[:2] == b"\x1f\x8b" and head[3] & 4 != 0 and head[12:14] == b"BC"


def ensure_indexed(path: str | Path, workdir: str | Path) -> tuple[str, bool]:
    """An indexed path for `path`: the file itself when indexed, else an indexed bgzipped copy in `workdir`.

    Returns (path, copied). An index older than its file is not trusted.
    """
    p = Path(path)
    idx = _index_of(p)
    if idx is not None and _is_bgzf_or_bcf(p) and idx.stat().st_mtime >= p.stat().st_mtime - 1:
        return str(p), False
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    copy = work / (p.name.removesuffix(".gz").removesuffix(".vcf").removesuffix(".bcf") + ".indexed.vcf.gz")
    tmp = copy.with_suffix(".tmp.gz")
    _bcftools("view", "--no-version", "-Oz", "-o", str(tmp), str(p), where=str(p))
    _bcftools("index", "-t", "-f", str(tmp), where=str(p))
    os.replace(str(tmp) + ".tbi", str(copy) + ".tbi")
    os.replace(tmp, copy)
    return str(copy), True


def write_bed(regions: Sequence[tuple[str, int, int, str]], path: str | Path) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("".join(f"{c}\t{s}\t{e}\t{n}\n" for c, s, e, n in regions))
    return str(path)


def extract_regions(
    vcf: str,
    bed: str,
    out: str | Path,
    *,
    samples: Sequence[str],
    reference_fasta: str = "",
) -> str:
    """Records in the BED regions for `samples`, multiallelics split (and indels left-aligned with a
    reference), written bgzipped and indexed to `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".regions.bcf")
    view = ["view", "--no-version", "-R", bed, "-Ob", "-o", str(tmp)]
    if samples:
        view += ["-s", ",".join(samples)]
    _bcftools(*view, vcf, where=vcf)
    norm = ["norm", "--no-version", "-m", "-any", "-Oz", "-o", str(out) + ".tmp"]
    if reference_fasta:
        norm += ["-f", reference_fasta, "--check-ref", "w"]
    _bcftools(*norm, str(tmp), where=vcf)
    tmp.unlink(missing_ok=True)
    os.replace(str(out) + ".tmp", out)
    _bcftools("index", "-t", "-f", str(out), where=str(out))
    return str(out)


def merge_family(parts: Sequence[str], out: str | Path, *, naming: str) -> str:
    """Merge per-VCF extracts (proband's first) into one family VCF, contigs renamed to `naming`.

    Sites absent from a parent's VCF become 0/0 (`--missing-to-ref`) with no GQ: enough to phase a pair from
    the parents, never enough to call a variant de novo (that needs a confident parental genotype)."""
    from pidtriage.genome import to_naming

    out = Path(out)
    renamed = []
    for i, part in enumerate(parts):
        contigs = list(pysam.VariantFile(part).header.contigs)
        mapping = {c: to_naming(c, naming) for c in contigs}
        if all(a == b for a, b in mapping.items()):
            renamed.append(part)
            continue
        table = out.with_name(f"{out.name}.part{i}.chrmap")
        table.write_text("".join(f"{a}\t{b}\n" for a, b in mapping.items()))
        target = out.with_name(f"{out.name}.part{i}.renamed.bcf")
        _bcftools("annotate", "--no-version", "--rename-chrs", str(table), "-Ob", "-o", str(target), part, where=part)
        _bcftools("index", "-f", str(target), where=part)
        renamed.append(str(target))
    tmp = out.with_name(out.name + ".tmp")
    _bcftools("merge", "--no-version", "-m", "none", "--missing-to-ref", "-Oz", "-o", str(tmp), *renamed,
              where=", ".join(parts))
    os.replace(tmp, out)
    _bcftools("index", "-t", "-f", str(out), where=str(out))
    for extra in out.parent.glob(f"{out.name}.part*"):
        extra.unlink()
    return str(out)


def write_empty_vcf(out: str | Path) -> str:
    """A header-only VCF, for a case that failed before extraction (keeps Snakemake's outputs complete)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with pysam.BGZFile(str(out), "wb") as fh:
        fh.write(b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return str(out)

