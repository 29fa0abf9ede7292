"""Panel-region extraction with bcftools through pysam: index when needed, region query, split, normalise.

Unindexed or plain-text inputs are rewritten once as bgzipped VCF in the work directory and indexed, then
queried like any indexed file. Never a whole-genome scan in Python.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import pysam
import pysam.bcftools
import pysam.utils

from pidtriage.errors import VcfFormatError
from pidtriage.genome import to_naming
from pidtriage.io.diagnose import diagnose
from pidtriage.io.vcf import OLD_REC_TAG, VcfHeader, index_of, read_header

__all__ = ["concat_parts", "ensure_indexed", "extract_regions", "merge_family", "samples_option", "split_by_contig",
           "view_regions", "write_bed", "write_empty_bcf", "write_empty_vcf"]


def _bcftools(*args: str, where: str) -> str:
    try:
        out: str = getattr(pysam.bcftools, args[0])(*args[1:], catch_stdout=False)
    except pysam.utils.SamtoolsError as exc:
        cause = diagnose(where) if Path(where).is_file() else ""
        idx = index_of(where) if Path(where).is_file() else None
        if not cause and idx is not None:  # the text reads cleanly, but a region query failed: its index
            cause = (f"the file reads cleanly but its index {idx.name} seems not to match it (made for another file, "
                     "or stale); delete the index and rerun (pidtriage indexes a copy of an unindexed file)")
        if cause:
            raise VcfFormatError(f"{where}: {cause}") from None
        raise VcfFormatError(f"{where}: bcftools {args[0]} failed ({_stderr_of(exc)}); check the file is a valid VCF "
                             f"(`bcftools view {where}` shows where it breaks)") from None
    return out or ""


@contextmanager
def samples_option(samples: Sequence[str]) -> Iterator[list[str]]:
    """bcftools arguments selecting `samples` in this order: `-s a,b`, or `-S FILE` when a name holds a comma
    (`Doe,Jane` is one sample; `-s` would split it); the file is removed when the block ends."""
    if not any("," in s for s in samples):
        yield ["-s", ",".join(samples)]
        return
    fd, path = tempfile.mkstemp(prefix="pidtriage-samples-", suffix=".txt")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write("".join(f"{s}\n" for s in samples))
        yield ["-S", path]
    finally:
        os.unlink(path)


def _stderr_of(exc: Exception) -> str:
    """The message bcftools printed, without pysam's wrapping (stdout=None, stderr=..., escaped newlines)."""
    text = str(exc)
    if "stderr=" in text:
        text = text.split("stderr=", 1)[1]
    text = text.replace("\\n", " ").replace("\n", " ").strip(" '\")")
    return " ".join(text.split())[:300] or "no message"


def ensure_indexed(path: str | Path, workdir: str | Path, *, header: VcfHeader | None = None,
                   targets_bed: str = "") -> tuple[str, str]:
    """A path htslib can region-query for `path`, and how it was obtained ("indexed", "index_in_workdir",
    "streamed"). Never a Python scan:

    - indexed (an index read_header(check_index=True) found usable: at least as new as the file, finding its first
      record, its block offsets on the file's blocks): the file itself;
    - bgzipped or BCF without an index: a symbolic link to the file in `workdir` with an index beside it
      (one pass to index, like `bcftools index`; the input is not copied);
    - plain or plain-gzip VCF: one streaming pass, `bcftools view -T targets_bed` (the panel and the sex
      chromosomes), into an indexed bgzipped copy in `workdir`; the copy holds only those targets.
    """
    p = Path(path)
    if header is None or not header.index:  # a caller without the input's checked header (a stage run alone)
        header = read_header(p, check_compression=False, check_index=True)
    if header.index == "ok":
        return str(p), "indexed"
    bgzf = header.bgzf
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    stem = p.name.removesuffix(".gz").removesuffix(".vcf").removesuffix(".bcf")
    if bgzf:
        link = work / p.name
        csi = work / f"{p.name}.csi"
        if not (link.is_symlink() and link.resolve() == p.resolve()):
            link.unlink(missing_ok=True)
            link.symlink_to(p.resolve())
        if not (csi.exists() and csi.stat().st_mtime >= p.stat().st_mtime):
            _bcftools("index", "-f", "-o", str(csi) + ".tmp", str(p), where=str(p))
            os.replace(str(csi) + ".tmp", csi)
        return str(link), "index_in_workdir"
    copy = work / f"{stem}.targets.vcf.gz"
    tmp = work / f"{stem}.targets.tmp.vcf.gz"
    view = ["view", "--no-version", "-Oz1", "-o", str(tmp)]
    if targets_bed:
        view += ["-T", targets_bed]
    _bcftools(*view, str(p), where=str(p))
    _bcftools("index", "-t", "-f", str(tmp), where=str(p))
    os.replace(str(tmp) + ".tbi", str(copy) + ".tbi")
    os.replace(tmp, copy)
    return str(copy), "streamed"


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
    subset_samples: bool = True,
    reference_fasta: str = "",
) -> str:
    """Records in the BED regions for `samples`, multiallelics split (and indels left-aligned with a
    reference), written bgzipped (fast level 1: it is read once more) to `out`, indexed as it is written. When
    `samples` are all the file's samples (`subset_samples` False), `bcftools norm -R` does it in one pass."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # --old-rec-tag: a record split from a multiallelic one says so (OLD_REC), so that the two alleles of a
    # `1/2` call are known to be in trans (inheritance.family.phase_of_pair)
    norm = ["norm", "--no-version", "-m", "-any", "--old-rec-tag", OLD_REC_TAG, "-Oz1", "--write-index=tbi", "-o", str(out) + ".tmp"]
    if reference_fasta:
        norm += ["-f", reference_fasta, "--check-ref", "w"]
    if subset_samples:
        tmp = out.with_name(out.name + ".regions.bcf")
        with samples_option(samples) as pick:
            _bcftools("view", "--no-version", "-R", bed, "-Ou", "-o", str(tmp), *pick, vcf, where=vcf)
        _bcftools(*norm, str(tmp), where=vcf)
        tmp.unlink(missing_ok=True)
    else:  # every sample of the file: one pass, the region query inside norm
        _bcftools(*norm, "-R", bed, vcf, where=vcf)
    os.replace(str(out) + ".tmp", out)
    os.replace(str(out) + ".tmp.tbi", str(out) + ".tbi")
    os.utime(str(out) + ".tbi")  # bcftools finishes the index before the file's last block: never older
    return str(out)


def view_regions(vcf: str, bed: str, out: str | Path, *, samples: Sequence[str]) -> str:
    """`bcftools view -R bed` of `samples` (INFO left as it is, no normalisation) as an indexed BCF: the shared
    extraction of a joint-called VCF, from which each case extracts its family as from the VCF itself. BCF, not
    VCF: a case reading its one sample of 100 from BCF takes a fifth of the time (RESULTS.md, group joint)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = str(out) + ".tmp"
    with samples_option(samples) as pick:
        _bcftools("view", "--no-version", "--no-update", "-R", bed, *pick, "-Ob", "--write-index=csi", "-o", tmp,
                  vcf, where=vcf)
    os.replace(tmp + ".csi", str(out) + ".csi")
    os.replace(tmp, out)
    os.utime(str(out) + ".csi")
    return str(out)


def split_by_contig(regions: Sequence[tuple[str, int, int, str]], parts: int) -> list[list[tuple[str, int, int, str]]]:
    """`regions` in up to `parts` groups of whole contigs, consecutive in the given order and of about equal
    length, so that extracts of the groups concatenate into one file with each contig in one block."""
    by_contig: dict[str, list[tuple[str, int, int, str]]] = {}
    for r in regions:
        by_contig.setdefault(r[0], []).append(r)
    blocks = list(by_contig.values())
    prefix = [0]
    for rows in blocks:
        prefix.append(prefix[-1] + sum(e - s for _, s, e, _ in rows))
    cuts = [0]
    for g in range(1, min(parts, len(blocks))):
        goal = prefix[-1] * g / parts
        best = min(range(cuts[-1] + 1, len(blocks)), key=lambda k: abs(prefix[k] - goal))
        if best > cuts[-1]:
            cuts.append(best)
    cuts.append(len(blocks))
    return [[r for rows in blocks[a:b] for r in rows] for a, b in pairwise(cuts) if b > a] or [[]]


def concat_parts(parts: Sequence[str], out: str | Path) -> str:
    """Extracts of consecutive contig groups (same header) joined without recompression, then indexed."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    _bcftools("concat", "--naive", "--no-version", "-o", str(tmp), *parts, where=", ".join(parts))
    _bcftools("index", "-t", "-f", "-o", str(tmp) + ".tbi", str(tmp), where=str(out))
    os.replace(str(tmp) + ".tbi", str(out) + ".tbi")
    os.replace(tmp, out)
    for part in parts:
        for f in (part, part + ".tbi"):
            Path(f).unlink(missing_ok=True)
    return str(out)


def merge_family(parts: Sequence[str], out: str | Path, *, naming: str) -> str:
    """Merge per-VCF extracts (proband's first) into one family VCF, contigs renamed to `naming`.

    Sites absent from a parent's VCF become 0/0 (`--missing-to-ref`) with no GQ: enough to phase a pair from
    the parents, never enough to call a variant de novo (that needs a confident parental genotype)."""

    out = Path(out)
    renamed = []
    for i, part in enumerate(parts):
        with pysam.VariantFile(part) as vf:
            contigs = list(vf.header.contigs)
        mapping = {str(c): to_naming(str(c), naming) for c in contigs}
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


def write_empty_bcf(out: str | Path) -> str:
    """A header-only BCF with its CSI index, for a joint extraction that could not be made (its record says why)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    header = pysam.VariantHeader()
    with pysam.VariantFile(str(out), "wb", header=header):
        pass
    pysam.bcftools.index("-f", str(out), catch_stdout=False)
    return str(out)


def write_empty_vcf(out: str | Path) -> str:
    """A header-only VCF, for a case that failed before extraction (keeps Snakemake's outputs complete)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with pysam.BGZFile(str(out), "wb", index=None) as fh:
        fh.write(b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return str(out)

