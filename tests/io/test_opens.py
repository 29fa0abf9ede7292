"""An input VCF is opened as few times as one pass allows (issue #32, item 3): its header, bytes and index are
checked in one Python open and one htslib open, and the extract step's indexing reuses that header instead of
opening the file again."""

from __future__ import annotations

from pathlib import Path

import pytest

import pidtriage.io.vcf as vcf_module
from pidtriage.io.bcftools import ensure_indexed
from pidtriage.io.vcf import read_header


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Every open of a file by Python (Path.open) and by cyvcf2 (its VCF reader), by path."""
    seen: dict[str, list[str]] = {"python": [], "htslib": []}
    path_open, vcf_reader = Path.open, vcf_module.VCF

    def counted_open(self: Path, *args: object, **kwargs: object) -> object:
        seen["python"].append(self.name)
        return path_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def counted_reader(path: str, *args: object, **kwargs: object) -> object:
        seen["htslib"].append(Path(path).name)
        return vcf_reader(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counted_open)
    monkeypatch.setattr(vcf_module, "VCF", counted_reader)
    return seen


def test_a_header_with_its_index_checked_opens_the_file_twice(demo_data: Path, opens: dict[str, list[str]]) -> None:
    header = read_header(demo_data / "P01.vcf.gz", check_index=True)
    assert header.bgzf and header.index == "ok" and "P01" in header.samples
    assert opens == {"python": ["P01.vcf.gz"], "htslib": ["P01.vcf.gz"]}


def test_indexing_for_the_extract_reuses_the_checked_header(demo_data: Path, tmp_path: Path,
                                                            opens: dict[str, list[str]]) -> None:
    header = read_header(demo_data / "P01.vcf.gz", check_index=True)
    opens["python"].clear()
    opens["htslib"].clear()
    query, how = ensure_indexed(demo_data / "P01.vcf.gz", tmp_path, header=header)
    assert (query, how) == (str(demo_data / "P01.vcf.gz"), "indexed") and opens == {"python": [], "htslib": []}


def test_an_index_that_does_not_find_the_first_record_is_not_used(demo_data: Path, tmp_path: Path) -> None:
    """An index made for another file: the extract step indexes a link to the input in the work folder."""
    import shutil

    vcf = tmp_path / "in.vcf.gz"
    shutil.copy(demo_data / "P01.vcf.gz", vcf)
    shutil.copy(demo_data / "P02.vcf.gz.tbi", f"{vcf}.tbi")  # another file's index, newer than the file
    header = read_header(vcf, check_index=True)
    assert header.index == "none"
    query, how = ensure_indexed(vcf, tmp_path / "work", header=header)
    assert how == "index_in_workdir" and Path(query).is_symlink()
