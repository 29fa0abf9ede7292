"""io/bgzf.py: what a compressed input holds, whether its index matches its blocks, which block is damaged."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest

from pidtriage.io import bgzf
from pidtriage.io.bgzf import corrupt_block, index_mismatch, inner_kind

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bad_inputs"


def _head(path: Path) -> bytes:
    return path.read_bytes()[:8]


@pytest.mark.parametrize(("name", "kind"), [
    ("double_gzip.vcf.gz", "gzip-compressed twice"),
    ("given_the_index.vcf.gz.tbi", "a tabix index (.tbi)"),
    ("unindexed.vcf.gz", ""), ("plain_gzip.vcf.gz", ""), ("as_bcf.bcf", ""), ("windows_crlf.vcf", ""),
])  # fmt: skip
def test_inner_kind_names_what_is_inside(name, kind):
    what, fix = inner_kind(CORPUS / name, _head(CORPUS / name))
    assert what.startswith(kind) if kind else (what, fix) == ("", "")


def test_an_index_or_alignments_given_as_the_vcf(tmp_path):
    csi = tmp_path / "x.vcf.gz"
    pysam.tabix_index(str(_copy(CORPUS / "unindexed.vcf.gz", tmp_path / "c.vcf.gz")), preset="vcf", csi=True)
    csi.write_bytes((tmp_path / "c.vcf.gz.csi").read_bytes())
    assert inner_kind(csi, _head(csi))[0].startswith("a CSI index")
    cram = tmp_path / "y.vcf"
    cram.write_bytes(b"CRAM\x03\x00" + b"\0" * 20)
    assert inner_kind(cram, _head(cram))[0].startswith("a CRAM file")
    bam = tmp_path / "z.vcf.gz"
    bam.write_bytes(gzip.compress(b"BAM\x01" + b"\0" * 20))
    assert inner_kind(bam, _head(bam))[0].startswith("a BAM file")


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target


def test_index_of_a_file_that_lost_a_block():
    message = index_mismatch(CORPUS / "block_removed.vcf.gz", CORPUS / "block_removed.vcf.gz.tbi")
    assert message.startswith("its index block_removed.vcf.gz.tbi does not match it: ")
    assert "miss the file's compressed blocks (the first at byte " in message


@pytest.mark.parametrize("csi", [False, True])
def test_index_offsets_checked_for_tbi_and_csi(tmp_path, csi):
    """A freshly indexed file matches its index; the same index after a middle block is cut out does not, found
    by the pseudo-bins alone and by the walk through every offset (used where an index has no pseudo-bins)."""
    data = (CORPUS / "block_removed.vcf.gz").read_bytes()  # several blocks: index it anew, then cut one out
    vcf = _copy(CORPUS / "block_removed.vcf.gz", tmp_path / "v.vcf.gz")
    pysam.tabix_index(str(vcf), preset="vcf", csi=csi, force=True)
    index = Path(f"{vcf}.{'csi' if csi else 'tbi'}")
    assert index_mismatch(vcf, index) == ""
    second = int.from_bytes(data[16:18], "little") + 1
    third = second + int.from_bytes(data[second + 16:second + 18], "little") + 1
    vcf.write_bytes(data[:second] + data[third:])
    assert "does not match it" in index_mismatch(vcf, index)


def test_the_full_walk_where_the_index_has_no_pseudo_bins(monkeypatch):
    monkeypatch.setattr(bgzf, "_pseudo_bin_offsets", lambda raw: bgzf.np.zeros(0, dtype=bgzf.np.uint64))
    assert "does not match it" in index_mismatch(CORPUS / "block_removed.vcf.gz", CORPUS / "block_removed.vcf.gz.tbi")
    assert index_mismatch(CORPUS / "bare_names.vcf.gz", CORPUS / "bare_names.vcf.gz.tbi") == ""


def test_not_an_index_is_not_checked(tmp_path):
    assert index_mismatch(CORPUS / "unindexed.vcf.gz", CORPUS / "unindexed.vcf.gz") == ""


@pytest.mark.parametrize(("name", "words"), [
    ("crc_mismatch.vcf.gz", "compressed block 1 (at byte 0) is corrupt (its CRC32 checksum does not match)"),
    ("corrupt_block.vcf.gz", "compressed block 1 (at byte 0) is corrupt (it does not inflate)"),
    ("truncated.vcf.gz", "is cut short: the file is truncated"),
    ("unindexed.vcf.gz", ""), ("block_removed.vcf.gz", ""),  # a lost block leaves every other block whole
])  # fmt: skip
def test_corrupt_block_names_the_block(name, words):
    found = corrupt_block(CORPUS / name)
    assert words in found if words else found == ""
