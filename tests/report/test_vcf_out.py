"""cases/{id}/candidates.vcf.gz: the candidates' own records with pidtriage's INFO fields, the input's header
lines and the case's samples; `bcftools view` reads it and every INFO key is declared."""

from __future__ import annotations

import json
import subprocess

import pysam
import pytest

from builders import result_of
from pidtriage.report.vcf_out import INFO_FIELDS, info_value, write_candidates_vcf

HEADER = """##fileformat=VCFv4.2
##source=TestCaller 1.0
##reference=file:///ref/GRCh38.fa
##contig=<ID=chr1,length=248956422>
##contig=<ID=chrX,length=156040895>
##FILTER=<ID=LowQual,Description="Low quality">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO	FORMAT	KID	DAD
"""
RECORDS = [
    "chr1\t1000\trs1\tA\tG\t50\tPASS\tDP=30;CSQ=G|missense_variant\tGT:AD:GQ\t0/1:15,15:99\t0/0:30,0:99",  # a candidate twice
    "chr1\t2000\t.\tC\tT\t50\tPASS\tDP=30\tGT:AD:GQ\t0/1:20,10:99\t0/1:15,15:99",  # not listed: left out
    "chr1\t3000\t.\tG\tGA\t12\tLowQual\tDP=4\tGT:AD:GQ\t0/1:3,1:8\t0/0:4,0:12",  # a low-quality call
    "chrX\t500\t.\tT\tC\t50\tPASS\tDP=20\tGT:AD:GQ\t1/1:0,20:60\t0/0:20,0:60",  # the second candidate
]


def _entry(rank, gene, pos, ref, alt, **extra):
    return {"rank": rank, "gene": gene, "hgnc_id": f"HGNC:{rank}", "chrom": "chr1" if pos != 500 else "chrX",
            "pos": pos, "ref": ref, "alt": alt, "moi": "AD", "finding": "AD_het", "acmg_class": "VUS",
            "acmg_points": 2, "acmg_criteria": "PM2_Supporting,PP3", "reportable_basis": "",
            "clinvar_significance": "Conflicting classifications of pathogenicity", "clinvar_stars": 1,
            "phenotype_match": {"score": 1.23456}, "consequence": "missense_variant", "hgvs_c": "c.1A>G",
            "hgvs_p": "p.Met1?", "qc_flags": [], "qc_hard_flags": [], **extra}


def _doc(status="inconclusive"):
    return {
        "case": {"sample_id": "KID", "vcf_sample": "KID"}, "status": status, "reason": "a VUS; see the report",
        "qc": {"samples_used": ["KID", "DAD"]},
        "provenance": {"pidtriage_version": "0.1.0", "genome_build": "GRCh38", "panel_name": "iuis_iei_2024",
                       "panel_version": "1.1", "clinvar_date": "20250316"},
        "candidates": [
            _entry(1, "GENEA", 1000, "A", "G", finding="AR_single_het", moi="AR"),
            _entry(2, "GENEB", 500, "T", "C", acmg_class="LP", acmg_points=7, reportable_basis="automated ACMG/AMP LP",
                   clinvar_significance="", clinvar_stars=None, hgvs_p=""),
            _entry(3, "GENEC", 1000, "A", "G", moi="AD", finding="AD_het", phenotype_match={"score": 0.5}),
        ],
        "low_quality_calls": [_entry(None, "GENEA", 3000, "G", "GA", qc_hard_flags=["FILTER", "GQ"])],
    }


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "panel.vcf"
    path.write_text(HEADER + "\n".join(RECORDS) + "\n")
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return tmp_path / "panel.vcf.gz"


def _view(path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bcftools", "view", str(path)], capture_output=True, text=True, check=False)


def test_records_fields_header_and_samples(extract, tmp_path):
    out = write_candidates_vcf(result_of(_doc()), extract, tmp_path / "case/candidates.vcf.gz")
    view = _view(out)
    assert view.returncode == 0 and view.stderr == "", view.stderr
    lines = view.stdout.splitlines()
    for line in HEADER.splitlines()[1:-1]:  # every header line of the input kept
        assert line in lines, line
    assert lines[lines.index(next(x for x in lines if x.startswith("#CHROM")))].endswith("FORMAT\tKID\tDAD")
    assert "##pidtriage_status=inconclusive" in lines and "##pidtriage_case=KID" in lines
    with pysam.VariantFile(str(out)) as vcf:
        declared = set(vcf.header.info)
        recs = list(vcf)
    assert {k for k, *_ in INFO_FIELDS} <= declared
    for rec in recs:  # every INFO key used is declared in the header
        assert set(rec.info) <= declared
    assert [(r.chrom, r.pos) for r in recs] == [("chr1", 1000), ("chr1", 3000), ("chrX", 500)]  # header order
    first, low, second = recs
    assert first.info["PIDTRIAGE_RANK"] == (1, 3) and first.info["PIDTRIAGE_GENE"] == ("GENEA", "GENEC")
    assert first.info["PIDTRIAGE_FINDING"] == ("AR_single_het", "AD_het")
    assert first.info["PIDTRIAGE_ACMG_CRITERIA"] == ("PM2_Supporting|PP3", "PM2_Supporting|PP3")
    assert first.info["PIDTRIAGE_CLINVAR"] == ("Conflicting_classifications_of_pathogenicity",) * 2
    assert first.info["PIDTRIAGE_PHENOTYPE_SCORE"] == pytest.approx((1.2346, 0.5))
    assert first.info["PIDTRIAGE_HGNC_ID"] == ("HGNC:1", "HGNC:3")
    assert first.info["CSQ"] == ("G|missense_variant",) and first.id == "rs1"  # the input's own values kept
    assert "PIDTRIAGE_LOW_QUALITY" not in first.info
    assert low.info["PIDTRIAGE_LOW_QUALITY"] is True and "PIDTRIAGE_RANK" not in low.info  # listed, not ranked
    assert low.info["PIDTRIAGE_QC_FLAGS"] == ("FILTER|GQ",) and list(low.filter) == ["LowQual"]
    assert second.info["PIDTRIAGE_ACMG_CLASS"] == ("LP",) and "PIDTRIAGE_CLINVAR" not in second.info
    assert second.info["PIDTRIAGE_REPORTABLE"] == ("automated_ACMG/AMP_LP",)
    assert second.samples["KID"]["GT"] == (1, 1) and second.samples["DAD"]["AD"] == (20, 0)
    assert (tmp_path / "case/candidates.vcf.gz.tbi").exists()
    with pysam.VariantFile(str(out)) as vcf:  # the index answers a region query
        assert [r.pos for r in vcf.fetch("chrX", 400, 600)] == [500]


def test_header_values_from_the_input_stay_plain_lines(extract, tmp_path):
    """A ClinVar date or a reason with markup (from a file's header) is one plain header line, not a
    structured one htslib would refuse."""
    doc = _doc() | {"reason": "<b>x</b>\nnext"}
    doc["provenance"] = doc["provenance"] | {"clinvar_date": "<script>alert(4)</script>"}
    view = _view(write_candidates_vcf(result_of(doc), extract, tmp_path / "c.vcf.gz"))
    assert view.returncode == 0
    assert "##pidtriage_clinvar=%3Cscript%3Ealert(4)%3C/script%3E" in view.stdout.splitlines()
    assert "##pidtriage_reason=%3Cb%3Ex%3C/b%3E next" in view.stdout.splitlines()


def test_a_failed_case_gets_a_header_only_file_that_names_its_status(tmp_path):
    doc = _doc("failed") | {"candidates": [], "low_quality_calls": [], "reason": "x.vcf.gz: truncated; copy it again"}
    out = write_candidates_vcf(result_of(doc), tmp_path / "missing.vcf.gz", tmp_path / "candidates.vcf.gz")
    view = _view(out)
    assert view.returncode == 0
    assert "##pidtriage_status=failed" in view.stdout and "##pidtriage_reason=x.vcf.gz: truncated; copy it again" in view.stdout
    assert view.stdout.splitlines()[-1].endswith("FORMAT\tKID\tDAD")
    assert not list(tmp_path.glob("*.tmp*"))


@pytest.mark.parametrize(("value", "expected"), [
    ("Likely pathogenic", "Likely_pathogenic"), ("a,b", "a|b"), ("x=1;y", "x%3D1%3By"), ("50%", "50%25"),
    ("", None), (None, None), ([], None), (3, 3), (0.25, 0.25), (["PVS1", "PM2"], "PVS1|PM2"),
])
def test_info_values_are_valid_vcf(value, expected):
    assert info_value(value) == expected


@pytest.mark.workflow
def test_demo_candidates_vcf(demo_results):
    """Every demo case has its candidates.vcf.gz, indexed; bcftools reads it; its records are the candidates."""
    for case in sorted((demo_results / "cases").iterdir()):
        doc = json.loads((case / "triage.json").read_text())
        vcf = case / "candidates.vcf.gz"
        assert (case / "candidates.vcf.gz.tbi").exists()
        view = subprocess.run(["bcftools", "view", "-H", str(vcf)], capture_output=True, text=True, check=True)
        keys = [tuple(line.split("\t")[:2]) + tuple(line.split("\t")[3:5]) for line in view.stdout.splitlines()]
        assert keys == [(c["chrom"], str(c["pos"]), c["ref"], c["alt"]) for c in doc["candidates"]], case.name
        samples = subprocess.run(["bcftools", "query", "-l", str(vcf)], capture_output=True, text=True, check=True)
        assert samples.stdout.split() == (doc["qc"]["samples_used"] or [doc["case"]["vcf_sample"]]), case.name
