"""The one adapter around cyvcf2: it hands the rest of the package plain, copied values.

cyvcf2's sharp edges stay here: genotype arrays that die with their record, -1 for missing alleles, the
phasing flag as the last genotype element, 0-based `start` beside 1-based `POS`.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from cyvcf2 import VCF

from pidtriage.errors import VcfFormatError
from pidtriage.genome import naming_of, to_naming
from pidtriage.io.bgzf import corrupt_block, index_mismatch, inner_kind
from pidtriage.models import Genotype, Variant, VariantKey

# the INFO key bcftools norm --old-rec-tag writes on records split from a multiallelic one (io/bcftools.py)
OLD_REC_TAG = "OLD_REC"

__all__ = ["OLD_REC_TAG", "RawRecord", "VcfHeader", "check_file", "index_of", "is_bgzf", "quiet_htslib", "read_header",
           "read_records", "record_contigs", "regions_file"]

ANNOTATION_KEYS = ("CSQ", "ANN", "EFF", "BCSQ")


def quiet_htslib() -> None:
    """Errors only from htslib, in both copies this process holds (pysam's, and the one linked into cyvcf2): the
    validate step, which reads an input first, prints its warnings once; later steps read it again, or read the
    extract (a copy of its header), and would print them again."""
    import contextlib
    import ctypes

    import cyvcf2.cyvcf2
    import pysam

    pysam.set_verbosity(1)  # HTS_LOG_ERROR
    # a cyvcf2 built against a shared htslib has no such symbol of its own: pysam's setting then covers it
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(cyvcf2.cyvcf2.__file__).hts_set_log_level(1)
# INFO keys that carry in-silico scores in annotated inputs (Illumina SpliceAI, dbNSFP/vcfanno-style columns)
SCORE_INFO_KEYS = ("SpliceAI", "REVEL", "REVEL_score", "CADD_PHRED", "CADD_phred", "cadd_phred", "am_pathogenicity",
                   "AlphaMissense", "revel_max", "spliceai_ds_max")  # fmt: skip
SYMBOLIC_REF_BLOCK = {"<NON_REF>", "<*>", "<X>", "."}


@dataclass(frozen=True, slots=True)
class VcfHeader:
    path: str
    samples: tuple[str, ...]
    contigs: dict[str, int | None]
    reference: str
    info_descriptions: dict[str, str]
    formats: tuple[str, ...] = ()
    # of the first records (up to GT_SAMPLE): how many were read, how many carry no GT, and the first of those
    # (`chrom:pos`): a header may declare GT while its records carry none
    records_without_gt: tuple[int, int, str] = (0, 0, "")
    bgzf: bool = False  # BGZF-compressed (bgzip, BCF): a region query needs only an index
    # read_header(check_index=True): "ok" (an index beside it that region queries can trust), "none" (no usable
    # index: the extract step indexes a link to the file); "" not checked
    index: str = ""


@dataclass(frozen=True, slots=True)
class RawRecord:
    variant: Variant
    genotypes: tuple[Genotype, ...]
    annotations: tuple[tuple[str, str], ...]  # (INFO key, raw value): CSQ / ANN / EFF / BCSQ and score keys


BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def is_bgzf(head: bytes) -> bool:
    """The first bytes of a BGZF file (bgzipped VCF, BCF): gzip magic, the extra-field flag, the 'BC' subfield."""
    return len(head) >= 14 and head[:2] == b"\x1f\x8b" and head[3] & 4 != 0 and head[12:14] == b"BC"


# other compressions htslib cannot read (cyvcf2 aborts the whole process on some of them): recognised by magic
_FOREIGN_MAGIC = ((b"\xfd7zXZ\x00", "xz", "xz -d FILE"), (b"\x28\xb5\x2f\xfd", "zstd", "zstd -d FILE"),
                  (b"BZh", "bzip2", "bzip2 -d FILE"), (b"PK\x03\x04", "zip", "unzip FILE"))  # fmt: skip


def check_file(path: str | Path, *, what: str = "VCF", column: str = "its path in the sample sheet or config") -> None:
    """Before any library opens it: the file exists (a dangling link says so), is a regular readable file, is
    not empty, and is not compressed in a way htslib cannot read (xz, zstd, bzip2, zip, whatever its name)."""
    with _opened(Path(path), what=what, column=column) as (fh, head):
        _check_kind(Path(path), fh, head)


@contextmanager
def _opened(p: Path, *, what: str = "VCF", column: str = "its path in the sample sheet or config"
            ) -> Iterator[tuple[BinaryIO, bytes]]:
    """The file open for reading, with its first bytes: one open for every byte-level check of an input."""
    if not p.exists():
        dangling = " (a symbolic link to a missing file)" if p.is_symlink() else ""
        raise VcfFormatError(f"{p}: no such file{dangling}; check {column}")
    if not p.is_file():
        raise VcfFormatError(f"{p}: not a regular file (a directory?); give the {what} file itself in {column}")
    try:
        fh = p.open("rb")
    except OSError as exc:
        raise VcfFormatError(f"{p}: cannot be read ({exc.strerror}); check its permissions") from None
    with fh:
        head = fh.read(18)
        if not head:
            raise VcfFormatError(f"{p}: the file is empty; it needs at least a VCF header")
        yield fh, head


def _check_kind(p: Path, fh: BinaryIO, head: bytes) -> None:
    for magic, name, fix in _FOREIGN_MAGIC:
        if head.startswith(magic):
            raise VcfFormatError(f"{p}: the file is {name}-compressed, which htslib cannot read; decompress it "
                                 f"({fix.replace('FILE', p.name)}) and compress it with bgzip")
    kind, fix = inner_kind(fh, head)  # a VCF gzipped twice, an index or a BAM where the VCF belongs
    if kind:
        raise VcfFormatError(f"{p}: the file is {kind}; {fix.replace('FILE', p.name)}")


def _check_gzip(path: Path, fh: BinaryIO, head: bytes) -> None:
    """Reading a truncated gzip through htslib may just stop early; check the stream ends properly.

    A BGZF file ends with a fixed 28-byte EOF block: reading it costs nothing. A plain gzip has no such
    marker and is decompressed once (it is rewritten as BGZF before extraction anyway)."""
    if head[:2] != b"\x1f\x8b":
        return
    if is_bgzf(head):
        fh.seek(-28, 2)
        if fh.read(28) == BGZF_EOF:
            return
        raise VcfFormatError(f"{path}: the bgzip file is truncated (no end-of-file block); copy or export it again")
    fh.seek(0)
    try:
        with gzip.open(fh, "rb") as gz:
            while gz.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        raise VcfFormatError(
            f"{path}: the compressed file is truncated or corrupt ({exc}); copy or export it again"
        ) from None


def _open(path: str | Path, *, checked: bool = False) -> VCF:
    """cyvcf2's reader of the file (`checked`: its bytes were checked already, through the caller's open)."""
    p = Path(path)
    if not checked:
        check_file(p)
    try:
        return VCF(str(path), gts012=False, lazy=True, threads=1)
    except (OSError, ValueError, Exception) as exc:  # cyvcf2 raises bare Exception for unparsable headers
        with p.open("rb") as fh:
            head = fh.read(65536)
        damaged = corrupt_block(p) if is_bgzf(head) else ""  # before its text: a damaged block decodes to garbage
        if damaged:
            raise VcfFormatError(f"{p}: {damaged}; copy or export the file again") from None
        if head[:2] == b"\x1f\x8b":  # compressed: look at the text inside
            try:
                with gzip.open(p, "rb") as gz:
                    head = gz.read(65536)
            except (OSError, EOFError, zlib.error):
                pass
        looks_like_vcf = head.startswith(b"#CHROM") or b"\n#CHROM\t" in head
        if looks_like_vcf and not head.startswith(b"##fileformat="):
            raise VcfFormatError(f"{p}: the first line is not ##fileformat=VCFv4.x (htslib requires it); add "
                                 "'##fileformat=VCFv4.2' as the first line") from None
        from pidtriage.io.diagnose import diagnose  # only on this failure path

        cause = diagnose(p)
        if cause:
            raise VcfFormatError(f"{p}: {cause}") from None
        raise VcfFormatError(f"{p}: not a readable VCF/BCF ({exc}); check the file is a VCF with a #CHROM line") from None


def read_header(path: str | Path, *, check_compression: bool = True, check_index: bool = False) -> VcfHeader:
    """The header of a VCF/BCF and what its first records say, from two opens: one of the file's bytes (what it
    is: every check of `check_file`, and with `check_compression` that the compressed stream ends properly), and
    htslib's. With `check_index`, its index too (VcfHeader.index): whether an index beside the file finds its
    first record, and that its block offsets land on the file's blocks (io/bgzf.index_mismatch; a VcfFormatError
    when they do not). No cache: the caller passes the header on to the steps that need it."""
    p = Path(path)
    with _opened(p) as (fh, head):
        _check_kind(p, fh, head)
        if check_compression and p.stat().st_size < 2_000_000_000:
            _check_gzip(p, fh, head)
        header = dataclasses.replace(_read_header(p, check_index=check_index), bgzf=is_bgzf(head))
        if check_index:
            header = dataclasses.replace(header, index=_index_state(p, fh, header))
    return header


def _index_state(p: Path, fh: BinaryIO, header: VcfHeader) -> str:
    """"ok": an index at least as new as the file, which finds its first record, on a BGZF file, and whose block
    offsets land on the file's blocks (else a VcfFormatError: a block lost after indexing would make region
    queries come back empty, a silent negative); "none" otherwise (the extract step indexes a link to the file,
    io/bcftools.ensure_indexed)."""
    idx = index_of(p)
    fresh = idx is not None and idx.stat().st_mtime >= p.stat().st_mtime - 1
    if not (fresh and header.bgzf and header.index == "ok"):
        return "none"
    assert idx is not None
    lost = index_mismatch(fh, idx)
    if lost:
        raise VcfFormatError(f"{p}: {lost}: blocks lost or changed since it was indexed (or an index of an "
                             "earlier version); copy or export the file with its index again (if you trust the "
                             f"file: tabix -f -p vcf {p.name})")
    return "ok"


def _read_header(p: Path, *, check_index: bool = False) -> VcfHeader:
    vcf = _open(p, checked=True)
    try:
        contigs: dict[str, int | None] = {}
        reference, info, formats = "", {}, []
        for rec in vcf.header_iter():
            kind = rec.type
            raw = rec.info(extra=True) if kind in ("CONTIG", "INFO", "GENERIC", "ALT", "FORMAT") else {}
            fields = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
                      for k, v in raw.items()}
            if kind == "CONTIG":
                length = fields.get("length")
                contigs[fields.get("ID", "")] = int(length) if length and str(length).isdigit() else None
            elif kind == "INFO":
                info[fields.get("ID", "")] = str(fields.get("Description", "")).strip('"')
            elif kind == "FORMAT":
                formats.append(str(fields.get("ID", "")))
            elif kind == "GENERIC" and fields.get("reference"):
                reference = str(fields["reference"])
        if not contigs:
            contigs = {name: None for name in vcf.seqnames} if index_of(p) else {}
        without, first = _records_without_gt(vcf) if vcf.samples else ((0, 0, ""), None)
        found = _index_finds(vcf, first) if check_index and index_of(p) else False
        return VcfHeader(
            path=str(p),
            samples=tuple(vcf.samples),
            contigs=contigs,
            reference=reference or _raw_reference(vcf.raw_header),
            info_descriptions=info,
            formats=tuple(formats),
            records_without_gt=without,
            index="ok" if found else ("none" if check_index else ""),
        )
    finally:
        vcf.close()


def _index_finds(vcf: VCF, first: tuple[str, int] | None) -> bool:
    """The index beside the file finds its first record: an index made for another file (or from an older version
    of it) would make every region query come back empty, a silent negative. One query, on the open reader."""
    if first is None:
        return True
    chrom, pos = first
    try:
        return any(int(rec.POS) == pos for rec in vcf(f"{chrom}:{pos}-{pos}"))
    except Exception:  # cyvcf2 raises bare Exception when the index cannot be loaded or lacks the contig
        return False


GT_SAMPLE = 100  # records read after the header (0.3 ms): enough to tell a file whose records carry no GT


def _records_without_gt(vcf: VCF) -> tuple[tuple[int, int, str], tuple[str, int] | None]:
    """(records read, how many carry no GT, the first of those), and where the first record is."""
    read, without, first, start = 0, 0, "", None
    try:
        for rec in vcf:
            read += 1
            start = start or (rec.CHROM, int(rec.POS))
            if rec.format("GT") is None:  # FORMAT has no GT (rec.FORMAT of a lazy record crashes cyvcf2 0.35)
                without += 1
                first = first or f"{rec.CHROM}:{rec.POS}"
            if read >= GT_SAMPLE:
                break
    except Exception:  # cyvcf2 raises bare Exception for a record it cannot parse: the extraction names it
        return (0, 0, ""), None
    return (read, without, first), start


def record_contigs(path: str | Path, *, records: int = 1000) -> list[str]:
    """Contig names used by the first records, for a header without ##contig lines (their naming, chr or bare,
    decides how the panel regions are named)."""
    vcf = _open(path)
    try:
        names: list[str] = []
        for i, rec in enumerate(vcf):
            if rec.CHROM not in names:
                names.append(rec.CHROM)
            if i >= records:
                break
        return names
    except OSError:
        return []
    finally:
        vcf.close()


def index_of(path: str | Path) -> Path | None:
    """The .tbi or .csi beside a file, if any."""
    for ext in (".tbi", ".csi"):
        idx = Path(f"{path}{ext}")
        if idx.exists():
            return idx
    return None


def _raw_reference(raw_header: str) -> str:
    for line in raw_header.splitlines():
        if line.startswith("##reference="):
            return line.split("=", 1)[1]
    return ""


def _int_or_none(value: object) -> int | None:
    try:
        v = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return None if v < 0 else v


def _format_array(rec: object, key: str) -> np.ndarray | None:
    try:
        arr = rec.format(key)  # type: ignore[attr-defined]
    except (KeyError, ValueError):  # cyvcf2: KeyError for a key the header does not declare
        return None
    return None if arr is None else np.array(arr, copy=True)


def _genotypes(rec: object, indexes: Sequence[int], names: Sequence[str]) -> tuple[Genotype, ...]:
    gts = rec.genotypes  # type: ignore[attr-defined]
    dp, gq, ad, ps = (_format_array(rec, k) for k in ("DP", "GQ", "AD", "PS"))
    pgt, pid = (_format_array(rec, k) for k in ("PGT", "PID"))
    out = []
    for idx, name in zip(indexes, names, strict=True):
        raw = gts[idx]
        alleles, phased = tuple(int(a) for a in raw[:-1]), bool(raw[-1])
        sep = "|" if phased else "/"
        gt = sep.join("." if a < 0 else str(a) for a in alleles)
        ad_value = None
        if ad is not None and ad.ndim == 2:
            vals = [int(x) for x in ad[idx]]
            ad_value = tuple(vals) if all(x >= 0 for x in vals[:2]) else None
        out.append(
            Genotype(
                sample=name,
                gt=gt,
                alleles=alleles,
                phased=phased and len(alleles) > 1,
                ps=_int_or_none(ps[idx][0]) if ps is not None and ps.ndim == 2 else None,
                dp=_int_or_none(dp[idx][0]) if dp is not None and dp.ndim == 2 else None,
                gq=_int_or_none(gq[idx][0]) if gq is not None and gq.ndim == 2 else None,
                ad=ad_value,
                pgt=_format_text(pgt, idx),
                pid=_format_text(pid, idx),
            )
        )
    return tuple(out)


def _format_text(arr: np.ndarray | None, idx: int) -> str:
    """A String FORMAT value of one sample ("" for missing)."""
    if arr is None or idx >= len(arr):
        return ""
    value = arr[idx]
    text = value.decode() if isinstance(value, bytes) else str(value)
    return "" if text in (".", "") else text


def read_records(path: str | Path, samples: Sequence[str], *, region: str | None = None,
                 keys: set[VariantKey] | None = None) -> Iterator[RawRecord]:
    """Biallelic records (split first) for the named samples; reference blocks and symbolic-only ALTs skipped.
    With `keys` (in the panel's naming: VariantKey.bare), only those records, checked before anything is built: a few
    through the index one by one, many from a copy of just their positions (one bcftools pass)."""
    subset = None
    if keys is not None and region is None and len(keys) > KEYED_QUERY_LIMIT and index_of(path) is not None:
        subset = _records_at_positions(path, keys)
    vcf = _open(subset or path)
    try:
        index = {s: i for i, s in enumerate(vcf.samples)}
        missing = [s for s in samples if s not in index]
        if missing:
            raise VcfFormatError(f"{path}: sample(s) {', '.join(missing)} not in the VCF")
        idx = [index[s] for s in samples]
        info_keys = [k for k in (*ANNOTATION_KEYS, *SCORE_INFO_KEYS) if _has_info(vcf, k)]
        has_old_rec = _has_info(vcf, OLD_REC_TAG)
        iterator = vcf(region) if region else vcf
        if keys is not None and region is None and len(keys) <= KEYED_QUERY_LIMIT and index_of(path) is not None:
            iterator = _records_at(vcf, keys)  # a few records of many: index queries, not a pass over all
        for rec in iterator:
            alts = rec.ALT
            if not alts or all(a in SYMBOLIC_REF_BLOCK for a in alts):
                continue
            alt = alts[0]
            if alt in SYMBOLIC_REF_BLOCK or alt.startswith("<") or alt == "*":
                continue
            ref, alt = rec.REF.upper(), alt.upper()  # lower-case bases are valid VCF
            if keys is not None and VariantKey(rec.CHROM, rec.POS, ref, alt).bare not in keys:
                continue
            filt = rec.FILTER
            variant = Variant(
                chrom=rec.CHROM,
                pos=int(rec.POS),
                ref=ref,
                alt=alt,
                filters=tuple(filt.split(";")) if filt else (),
                qual=float(rec.QUAL) if rec.QUAL is not None else None,
                vid=rec.ID or "",
                split_from=str(rec.INFO.get(OLD_REC_TAG) or "") if has_old_rec else "",
            )
            annotations = []
            for k in info_keys:
                value = rec.INFO.get(k)
                if value:
                    annotations.append((k, str(value)))
            yield RawRecord(variant=variant, genotypes=_genotypes(rec, idx, samples), annotations=tuple(annotations))
    except OSError as exc:
        raise VcfFormatError(f"{path}: reading failed ({exc}); the file may be truncated or malformed") from None
    finally:
        vcf.close()
        if subset:
            Path(subset).unlink(missing_ok=True)


# more keys: their records are copied in one bcftools pass (one region per position) and read from the copy
# (40,000 records read in Python to keep 1,000 took 0.23 s; a keyed query through cyvcf2 costs 0.18 ms)
KEYED_QUERY_LIMIT = 100


def _records_at_positions(path: str | Path, keys: set[VariantKey]) -> str:
    """An uncompressed BCF in the temporary directory with the records of `path` at the keys' positions."""
    import pysam.bcftools

    contigs = read_header(path, check_compression=False).contigs or dict.fromkeys(record_contigs(path))
    order = {name: i for i, name in enumerate(contigs)}  # the file's order: the copy keeps it
    naming = naming_of(order)
    at = sorted({(to_naming(k.chrom, naming), k.pos) for k in keys}, key=lambda cp: (order.get(cp[0], len(order)), cp[1]))
    fd, out = tempfile.mkstemp(prefix="pidtriage-keys-", suffix=".bcf")
    os.close(fd)
    with regions_file((c, p, p) for c, p in at) as regions:
        pysam.bcftools.view("--no-version", "-R", regions, "-Ou", "-o", out, str(path), catch_stdout=False)
    return out


@contextmanager
def regions_file(regions: Iterable[tuple[str, int, int]]) -> Iterator[str]:
    """A temporary bcftools regions file (chrom, start, end: 1-based, inclusive) for one `-R` query; removed when
    the block ends."""
    fd, path = tempfile.mkstemp(prefix="pidtriage-regions-", suffix=".tsv")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write("".join(f"{c}\t{s}\t{e}\n" for c, s, e in regions))
        yield path
    finally:
        os.unlink(path)


def _records_at(vcf: VCF, keys: set[VariantKey]) -> Iterator[Any]:
    """Each record at the keys' positions once, in position order, through the index."""

    naming = naming_of(vcf.seqnames)
    seen: set[tuple[Any, ...]] = set()
    for chrom, pos in sorted({(k.chrom, k.pos) for k in keys}):
        name = to_naming(chrom, naming)
        for rec in vcf(f"{name}:{pos}-{pos}"):
            key = (name, rec.POS, rec.REF, tuple(rec.ALT))
            if pos == rec.POS and key not in seen:
                seen.add(key)
                yield rec


def _has_info(vcf: VCF, key: str) -> bool:
    try:
        vcf.get_header_type(key)
    except KeyError:
        return False
    return True


def csq_format(header: VcfHeader, key: str = "CSQ") -> list[str]:
    """Field names of VEP's CSQ (or snpEff's ANN) from the header description's 'Format: a|b|c'."""
    desc = header.info_descriptions.get(key, "")
    if "Format:" in desc:
        return [f.strip() for f in desc.split("Format:", 1)[1].strip().strip("'\"").split("|")]
    if "'" in desc:
        return [f.strip() for f in desc.split("'")[1].split("|")]
    return []
