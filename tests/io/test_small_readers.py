"""The io helpers: JSON of the package's dataclasses (the files between stages), the VCF diagnosis on the
bad-input corpus, and the GFF3 reader."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from pidtriage.io.diagnose import diagnose
from pidtriage.io.gff3 import read_gff3
from pidtriage.io.jsonio import from_jsonable, read_json, to_jsonable, write_json, write_text
from pidtriage.models import AcmgClass, CaseInfo, Sex
from pidtriage.triage.decision import Scope

BAD = Path(__file__).resolve().parents[1] / "data/bad_inputs"


def test_dataclasses_enums_and_tuples_round_trip(tmp_path: Path) -> None:
    case = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.MALE, suspected_category=("1", "3"))
    write_json(tmp_path / "case.json", case)
    assert read_json(tmp_path / "case.json")["sex"] == "male"
    assert from_jsonable(CaseInfo, read_json(tmp_path / "case.json")) == case
    assert from_jsonable(AcmgClass | None, None) is None
    assert from_jsonable(tuple[AcmgClass, ...], to_jsonable((AcmgClass.P, AcmgClass.VUS))) == (AcmgClass.P,
                                                                                             AcmgClass.VUS)
    scope = Scope("bcftools csq", records_in_panel_regions=3, scores=("REVEL",), genes_total=505, genes_assessed=504,
                  genes_not_assessed=(("BTK", "no calls in the gene"),))
    assert from_jsonable(Scope, to_jsonable(scope)) == scope


def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path: Path) -> None:
    write_text(tmp_path / "sub/out.txt", "é\n")
    assert (tmp_path / "sub/out.txt").read_text(encoding="utf-8") == "é\n"
    assert os.listdir(tmp_path / "sub") == ["out.txt"]


@pytest.mark.parametrize(("name", "words"), [
    ("corrupt_block.vcf.gz", "compressed block 1 (at byte 0) is corrupt (it does not inflate)"),
    ("truncated.vcf.gz", "is cut short: the file is truncated"),
    ("crc_mismatch.vcf.gz", "compressed block 1 (at byte 0) is corrupt (its CRC32 checksum does not match)"),
    ("duplicate_samples.vcf", "appears more than once"),
    ("undeclared_info.vcf", "is not declared in the header"),
])
def test_diagnose_names_the_problem(name: str, words: str) -> None:
    assert words in diagnose(BAD / name)


def test_diagnose_finds_unsorted_records(tmp_path: Path) -> None:
    vcf = tmp_path / "unsorted.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "1\t200\t.\tA\tG\t.\tPASS\t.\n1\t100\t.\tA\tG\t.\tPASS\t.\n2\t5\t.\tA\tG\t.\tPASS\t.\n"
                   "1\t300\t.\tA\tG\t.\tPASS\t.\n")
    assert "1:100 comes after 1:200" in diagnose(vcf)
    vcf.write_text(vcf.read_text().replace("1\t100", "1\t250"))
    assert "1 appears again after 2" in diagnose(vcf)


def test_diagnose_of_a_good_file_is_empty(tmp_path: Path) -> None:
    vcf = tmp_path / "ok.vcf.gz"
    with gzip.open(vcf, "wt") as fh:
        fh.write("##fileformat=VCFv4.2\n##INFO=<ID=DP,Number=1,Type=Integer,Description=\"d\">\n"
                 "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t1\t.\tA\tG\t.\tPASS\tDP=3\n")
    assert diagnose(vcf) == ""


def test_gff3_reader_skips_comments_and_short_lines(tmp_path: Path) -> None:
    gff = tmp_path / "a.gff3.gz"
    with gzip.open(gff, "wt") as fh:
        fh.write("##gff-version 3\n\n1\tsrc\texon\t10\t20\t.\t+\t.\tID=exon:1;Parent=transcript:T1;bare\n"
                 "short\tline\n")
    rows = list(read_gff3(gff))
    assert len(rows) == 1
    cols, attrs = rows[0]
    assert cols[2] == "exon" and attrs == {"ID": "exon:1", "Parent": "transcript:T1"}


@pytest.mark.parametrize("terms", ["HP:0004313;<script>alert(6)</script>", "HP:4313", "hp:0004313", "OMIM:300300"])
def test_hpo_cells_must_be_hpo_ids(terms: str) -> None:
    from pidtriage.errors import ConfigError
    from pidtriage.io.samples import check_case_fields

    with pytest.raises(ConfigError, match="is not an HPO term ID"):
        check_case_fields("S1", "", "", where="samples.tsv line 2", hpo_terms=terms)
    check_case_fields("S1", "", "", where="x", hpo_terms="HP:0004313; HP:0002718", hpo_excluded="HP:0004430")
