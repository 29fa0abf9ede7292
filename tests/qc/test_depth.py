"""Per-gene exon coverage from a BAM (pysam) and from a mosdepth-format per-base file, on a synthetic BAM with
known depths: RAG1 at 30x except its first exon (left uncovered), RAG2 at 6x."""

from __future__ import annotations

import json
from pathlib import Path

import pysam
import pysam.samtools
import pytest

from pidtriage.errors import InputError
from pidtriage.qc.depth import coverage_from_bam, coverage_from_per_base, read_exons
from synthetic_bam import write_bam

EXONS = Path(__file__).resolve().parents[2] / "gene_panels" / "iuis_iei_2024.exons.tsv"
CHR11 = {"chr11": 135086622}


@pytest.fixture(scope="module")
def bam(tmp_path_factory) -> tuple[str, list]:
    exons = [e for e in read_exons(EXONS, "GRCh38") if e.symbol in ("RAG1", "RAG2")]
    rag1 = [e for e in exons if e.symbol == "RAG1"]
    skipped = rag1[0]
    targets = [(f"chr{e.chrom}", e.start, e.end, 30.0 if e.symbol == "RAG1" else 6.0) for e in exons if e != skipped]
    out = tmp_path_factory.mktemp("bam") / "s.bam"
    return write_bam(out, targets, CHR11), exons


def test_coverage_from_bam(bam):
    path, exons = bam
    genes = {g.symbol: g for g in coverage_from_bam(path, exons, min_depth=20)}
    rag1_bases = sum(e.end - e.start for e in exons if e.symbol == "RAG1")
    first = next(e for e in exons if e.symbol == "RAG1")
    assert genes["RAG1"].bases == rag1_bases
    # every base of the covered RAG1 exons reaches 20x except where depth dips at random; the skipped one is 0
    expected = 1 - (first.end - first.start) / rag1_bases
    assert expected - 0.05 < genes["RAG1"].fraction <= expected + 1e-9
    assert genes["RAG2"].fraction < 0.05


def test_per_base_file_agrees(bam, tmp_path):
    """A per-base file in mosdepth's format (chrom, start, end, depth; bgzipped, indexed) gives the same."""
    path, exons = bam
    lo, hi = min(e.start for e in exons) - 1000, max(e.end for e in exons) + 1000
    depth = pysam.samtools.depth("-a", "-r", f"chr11:{lo}-{hi}", path)
    plain = tmp_path / "s.per-base.bed"
    plain.write_text("".join(f"{c}\t{int(p) - 1}\t{p}\t{d}\n" for c, p, d in
                             (line.split("\t") for line in depth.splitlines())))
    pysam.tabix_compress(str(plain), str(plain) + ".gz")
    pysam.tabix_index(str(plain) + ".gz", preset="bed")
    per_base = coverage_from_per_base(str(plain) + ".gz", exons, min_depth=20)
    by_bam = coverage_from_bam(path, exons, min_depth=20)
    assert [(g.symbol, g.bases, g.covered) for g in per_base] == [(g.symbol, g.bases, g.covered) for g in by_bam]


def test_unindexed_bam_is_a_clear_error(bam, tmp_path):
    path, exons = bam
    copy = tmp_path / "noindex.bam"
    copy.write_bytes(Path(path).read_bytes())
    with pytest.raises(InputError, match="samtools index"):
        coverage_from_bam(str(copy), exons, min_depth=20)


@pytest.mark.workflow
def test_coverage_reaches_the_case(run_cohort, bam, demo_data, tmp_path):
    """A BAM in the sheet's coverage column: a case lists the panel genes it could not assess."""
    path, _ = bam
    d = demo_data
    rows = run_cohort("sample_id\tvcf\tsex\tcoverage", [f"P05\t{d}/P05.vcf\tfemale\t{path}",
                                                        f"P06\t{d}/P06.vcf.gz\tmale\t"],
                      {"resources": {"clinvar": {"vcf": str(d / "clinvar_demo.vcf.gz"), "min_review_stars": 0}}})
    doc = json.loads((tmp_path / "results/cases/P05/triage.json").read_text())
    below = {g["gene"] for g in doc["coverage"]["genes_below"]}
    # RAG1: all but its 98-bp first exon (98.5 % of its exon bases) reached 20x; RAG2 (6x) and every other gene
    # (no reads) could not be assessed
    assert "RAG1" not in below and "RAG2" in below and "BTK" in below
    assert doc["coverage"]["per_gene"]["RAG1"] > 0.95
    # the scope: coverage is the evidence (P05's plain VCF is streamed, so its index gives no per-chromosome
    # counts): RAG1 assessed, RAG2 and the genes without reads not; P06 (no BAM) counts the genes with calls, and
    # says coverage was not measured
    scope = doc["scope"]
    why = {g["gene"]: g["reason"] for g in scope["genes_not_assessed"]}
    assert doc["status"] == "inconclusive" and scope["coverage_basis"] == "coverage"
    assert "RAG1" not in why and why["RAG2"].endswith("at 20x or more (coverage; 95% needed)")
    assert why["BTK"].startswith("0% of exon bases at 20x")
    assert scope["genes_assessed"] == 1 and rows["P05"]["genes_assessed"] == "1/505"
    assert any("504 of the 505 panel genes not assessed" in lim for lim in scope["limits"])
    p06 = json.loads((tmp_path / "results/cases/P06/triage.json").read_text())["scope"]
    assert p06["coverage_basis"].startswith("calls only") and rows["P06"]["genes_assessed"] == f"{p06['genes_assessed']}/505"
    html = (tmp_path / "results/cases/P05/report.html").read_text()
    assert "Genes that could not be assessed" in html and "1 of the 505 panel genes could be assessed" in html
