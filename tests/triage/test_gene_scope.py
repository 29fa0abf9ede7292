"""Which panel genes the input let us assess (pidtriage.triage.gene_scope), one rule per test on real panel genes, then
on the real VCFs the issue named (GIAB: chr1 and part of chr2; 1000 Genomes HG02102: chr21 only)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from builders import genes
from pidtriage.triage.gene_scope import BASIS_CALLS, BASIS_COVERAGE, assess_genes

RAG1, BTK = genes()["RAG1"], genes()["BTK"]  # chr11:36,5 Mb; chrX


def _one(gene, **kw):
    args = {"build": "GRCh38", "naming": "bare", "padding": 10, "contigs_with_records": None,
            "called_positions": {}, "coverage_fraction": None, "basis": BASIS_CALLS, "min_fraction": 0.95,
            "min_depth": 20} | kw
    (a,) = assess_genes([gene], **args)
    return a


def test_a_gene_on_a_chromosome_without_records_is_not_assessed():
    a = _one(BTK, contigs_with_records={"11"}, coverage_fraction={BTK.hgnc_id: 1.0}, basis=BASIS_COVERAGE)
    assert (a.assessed, a.reason) == (False, "no records on its chromosome (X) in the VCF")


def test_coverage_decides_at_the_threshold():
    assert _one(RAG1, coverage_fraction={RAG1.hgnc_id: 0.95}, basis=BASIS_COVERAGE).assessed
    below = _one(RAG1, coverage_fraction={RAG1.hgnc_id: 0.949}, basis=BASIS_COVERAGE)
    assert not below.assessed and below.reason == "95% of exon bases at 20x or more (coverage; 95% needed)"


def test_a_plain_vcf_counts_a_gene_with_a_call_in_it_or_its_padding():
    loc = RAG1.grch38
    assert loc is not None
    inside = _one(RAG1, called_positions={"11": np.array([loc.start + 100])})
    padded = _one(RAG1, called_positions={"11": np.array([loc.end + 10])})
    outside = _one(RAG1, called_positions={"11": np.array([loc.start - 11, loc.end + 11])})
    assert inside.assessed and padded.assessed and inside.reason == "calls in the gene; coverage not measured"
    assert not outside.assessed and outside.reason.startswith("no calls in the gene")


def test_chr_naming_is_matched():
    a = _one(RAG1, naming="chr", contigs_with_records={"chr11"},
             called_positions={"chr11": np.array([RAG1.grch38.start])})  # type: ignore[union-attr]
    assert a.assessed


@pytest.mark.workflow
@pytest.mark.parametrize(("vcf", "sample", "sex", "present", "at_most"), [
    ("giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz", "HG002", "male", ("1", "2"), 90),
    ("1000G_phase3_HG02102_chr21.GRCh37.vcf.gz", "HG02102", "female", ("21",), 8),
])  # fmt: skip
def test_real_vcfs_of_a_few_chromosomes_claim_only_their_genes(shared_data, tmp_path, vcf, sample, sex, present,
                                                                at_most):
    """Issue #29: the GIAB VCF holds chr1 and the start of chr2, HG02102's chr21 only; both reports said '505
    genes analysed'. Now the scope counts only genes on those chromosomes, the rest 'no records on its
    chromosome', and the result sentence says how many."""
    from pidtriage.cli import main

    cfg = tmp_path / "config.yaml"
    cfg.write_text("genome_build: GRCh37\n")
    code = main(["run", "--vcf", str(shared_data / "vcf" / vcf), "--sample-id", sample, "--sex", sex,
                 "--outdir", str(tmp_path), "--configfile", str(cfg)])
    doc = json.loads((tmp_path / "cases" / sample / "triage.json").read_text())
    scope = doc["scope"]
    assert code in (0, 2) and 0 < scope["genes_assessed"] <= at_most and scope["genes_total"] == 505
    chroms = {g["reason"] for g in scope["genes_not_assessed"] if g["reason"].startswith("no records")}
    assert chroms and not chroms & {f"no records on its chromosome ({c}) in the VCF" for c in present}
    if doc["status"] != "failed":
        html = (tmp_path / "cases" / sample / "report.html").read_text()
        assert f"{scope['genes_assessed']} of the 505 panel genes could be assessed" in html
        if doc["status"] == "negative":
            assert f"the {scope['genes_assessed']} of the 505 panel genes that could be assessed" in html
