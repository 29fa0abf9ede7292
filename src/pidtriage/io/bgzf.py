"""What a compressed input holds, and whether its BGZF blocks and its index agree: named before htslib reads it.

- `inner_kind`: what the first bytes inside a gzip file are. A VCF compressed twice, a tabix or CSI index, a
  BAM given where a VCF belongs would otherwise all read as "not text VCF", which does not say what they are.
- `index_mismatch`: every block offset a .tbi/.csi index holds must be the start of a BGZF block of the file,
  and point inside that block's data. A block lost after the file was indexed (a copy that dropped bytes) shifts
  every later block; region queries through such an index then return nothing where the records were, a silent
  negative. Checked with numpy over a memory map of the file: only the index is read in full (a genome's
  index, 4 M records: 0.02-0.05 s), the file only at the few bytes of each block header it points to.
- `corrupt_block`: on a failure path only (`diagnose`), each block inflated and its CRC32 and size compared
  with its trailer, to name the first corrupt block and where it is, rather than whatever text the damaged
  block decodes to.
"""

from __future__ import annotations

import gzip
import re
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = ["corrupt_block", "index_mismatch", "inner_kind"]

_GZIP = b"\x1f\x8b"
# what may sit inside a gzip stream where a VCF's text belongs, and what to do about each
_INNER = ((_GZIP, "gzip-compressed twice (a gzip file inside gzip)",
           "decompress it once (zcat FILE > fixed.vcf.gz): what is inside is the VCF"),
          (b"TBI\x01", "a tabix index (.tbi), not a VCF", "give the VCF it indexes, not the index"),
          (b"CSI\x01", "a CSI index (.csi), not a VCF", "give the VCF it indexes, not the index"),
          (b"BAM\x01", "a BAM file (aligned reads), not a VCF",
           "give the caller's VCF; a BAM belongs in the sheet's coverage column"))  # fmt: skip
_RAW_INNER = ((b"BAI\x01", "a BAM index (.bai), not a VCF", "give the VCF itself"),
              (b"CRAM", "a CRAM file (aligned reads), not a VCF",
               "give the caller's VCF; a CRAM belongs in the sheet's coverage column"))  # fmt: skip


def inner_kind(file: str | Path | BinaryIO, head: bytes) -> tuple[str, str]:
    """(what the file is, how to fix it) when it is not a VCF/BCF but one of the files above; ("", "") otherwise.
    `file`: its path, or the caller's open file; `head`: its first bytes (already read by the caller). Reads at
    most the first block."""
    for magic, what, fix in _RAW_INNER:
        if head.startswith(magic):
            return what, fix
    if not head.startswith(_GZIP):
        return "", ""
    try:
        if not isinstance(file, str | Path):
            file.seek(0)
        with gzip.open(file, "rb") as fh:
            inner = fh.read(4)
    except (OSError, EOFError, zlib.error):
        return "", ""  # a damaged stream: the compression checks name it
    for magic, what, fix in _INNER:
        if inner.startswith(magic):
            return what, fix
    return "", ""


def index_mismatch(path: str | Path | BinaryIO, index: str | Path) -> str:
    """"" when the block offsets of `index` (.tbi or .csi) land on BGZF blocks of `path` and inside their data;
    otherwise a sentence saying how many do not, and the first of them.

    First each reference's first and last offsets (its pseudo-bin, found by pattern in the index: no walk
    through its ~200,000 bins for a genome): a block lost anywhere before a reference's last record shifts
    that last offset past a block start, or past the end of the file. Only when one of them is off (or the
    index has no pseudo-bins, as from tabix before 1.0) is every offset of the index read and checked. `path`: the
    file, or the caller's open file (mapped as it is: no second open)."""
    raw = _index_bytes(Path(index))
    if raw is None:
        return ""
    quick = _pseudo_bin_offsets(raw)
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if len(quick) and not _off_block(data, quick).any():
        return ""
    offsets = _tbi_offsets(raw) if raw.startswith(b"TBI\x01") else _csi_offsets(raw)
    bad = _off_block(data, offsets)
    if not bad.any():
        return ""
    first = int((offsets[bad] >> np.uint64(16)).min())
    return (f"its index {Path(index).name} does not match it: {int(bad.sum())} of its {len(offsets)} block offsets "
            f"miss the file's compressed blocks (the first at byte {first} of {len(data)})")


def _off_block(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Which virtual offsets do not point into a BGZF block of `data` (the file's bytes): the compressed offset
    is not a block header, or the offset inside the block is beyond its uncompressed size."""
    block = (offsets >> np.uint64(16)).astype(np.int64)
    within = (offsets & np.uint64(0xFFFF)).astype(np.int64)
    starts, where = np.unique(block, return_inverse=True)
    size = len(data)
    isize = np.full(len(starts), -1, dtype=np.int64)  # -1: not a block
    fits = np.flatnonzero(starts + 18 <= size)
    s = starts[fits]
    header = ((data[s] == 0x1F) & (data[s + 1] == 0x8B) & (data[s + 2] == 8) & ((data[s + 3] & 4) != 0)
              & (data[s + 12] == 66) & (data[s + 13] == 67))  # fmt: skip
    end = s + (data[s + 16].astype(np.int64) | (data[s + 17].astype(np.int64) << 8)) + 1
    header &= end <= size
    e = end[header]
    isize[fits[header]] = (data[e - 4].astype(np.int64) | data[e - 3].astype(np.int64) << 8
                           | data[e - 2].astype(np.int64) << 16 | data[e - 1].astype(np.int64) << 24)  # fmt: skip
    bad: np.ndarray = within > isize[where]
    return bad


def _index_bytes(index: Path) -> bytes | None:
    """The decompressed .tbi or .csi; None when it is neither."""
    import pysam  # htslib's BGZF reader (libdeflate): twice as fast as gzip on a genome's index

    try:
        with pysam.BGZFile(str(index), "rb", index=None) as fh:
            raw: bytes = fh.read()
    except (OSError, ValueError):
        return None
    return raw if raw[:4] in (b"TBI\x01", b"CSI\x01") else None


def _pseudo_bin_offsets(raw: bytes) -> np.ndarray:
    """Each reference's first and last virtual offsets, from its pseudo-bin (bin 37450 of a .tbi, or the CSI's
    bin after the last real one, with two "chunks": the offsets, then two record counts)."""
    if raw.startswith(b"TBI\x01"):
        pattern = re.escape(struct.pack("<Ii", 37450, 2))
    else:
        depth = struct.unpack_from("<i", raw, 8)[0]
        pseudo = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
        pattern = re.escape(struct.pack("<I", pseudo)) + b".{8}" + re.escape(struct.pack("<i", 2))
    found = [m.end() for m in re.finditer(pattern, raw, re.DOTALL)]
    pairs = [struct.unpack_from("<QQ", raw, at) for at in found if at + 16 <= len(raw)]
    return np.array([v for beg, end in pairs if beg <= end for v in (beg, end)], dtype=np.uint64)


def _tbi_offsets(raw: bytes) -> np.ndarray:
    n_ref = struct.unpack_from("<i", raw, 4)[0]
    l_nm = struct.unpack_from("<i", raw, 32)[0]
    pos = 36 + l_nm
    parts = []
    for _ in range(n_ref):
        n_bin = struct.unpack_from("<i", raw, pos)[0]
        pos += 4
        for _ in range(n_bin):
            bin_id, n_chunk = struct.unpack_from("<Ii", raw, pos)
            pos += 8
            # the pseudo-bin 37450 holds the reference's first and last offsets, then two record counts
            count = 2 if bin_id == 37450 else 2 * n_chunk
            parts.append(np.frombuffer(raw, dtype="<u8", count=count, offset=pos))
            pos += 16 * n_chunk
        n_intv = struct.unpack_from("<i", raw, pos)[0]
        pos += 4
        parts.append(np.frombuffer(raw, dtype="<u8", count=n_intv, offset=pos))
        pos += 8 * n_intv
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _csi_offsets(raw: bytes) -> np.ndarray:
    depth, l_aux = struct.unpack_from("<ii", raw, 8)
    pseudo = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
    pos = 16 + l_aux
    n_ref = struct.unpack_from("<i", raw, pos)[0]
    pos += 4
    parts = []
    for _ in range(n_ref):
        n_bin = struct.unpack_from("<i", raw, pos)[0]
        pos += 4
        for _ in range(n_bin):
            bin_id, loffset, n_chunk = struct.unpack_from("<IQi", raw, pos)
            pos += 16
            count = 2 if bin_id == pseudo else 2 * n_chunk
            parts.append(np.array([loffset], dtype=np.uint64))
            parts.append(np.frombuffer(raw, dtype="<u8", count=count, offset=pos))
            pos += 16 * n_chunk
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def corrupt_block(path: str | Path) -> str:
    """"" when every BGZF block of `path` inflates to its recorded size and CRC32; otherwise which block is
    damaged and where. Inflates the whole file: for a failure path only."""
    with Path(path).open("rb") as fh:
        data = fh.read()
    pos, number = 0, 0
    while pos < len(data):
        number += 1
        head = data[pos:pos + 18]
        if len(head) < 18 or head[:2] != _GZIP or head[12:14] != b"BC":
            return f"compressed block {number} (at byte {pos}) has no BGZF header: the file is damaged there"
        end = pos + struct.unpack_from("<H", head, 16)[0] + 1
        if end > len(data):
            return f"compressed block {number} (at byte {pos}) is cut short: the file is truncated"
        crc, isize = struct.unpack_from("<II", data, end - 8)
        try:
            text = zlib.decompress(data[pos + 18:end - 8], -15)
        except zlib.error:
            return f"compressed block {number} (at byte {pos}) is corrupt (it does not inflate)"
        if len(text) != isize or zlib.crc32(text) != crc:
            return f"compressed block {number} (at byte {pos}) is corrupt (its CRC32 checksum does not match)"
        pos = end
    return ""
