"""Scores from a tabix-indexed table (the real AlphaMissense RAG1 predictions) and PS1/PM5 from the real PID
ClinVar set's protein changes, through the Annotator as a case would use them."""

from __future__ import annotations

import csv
import gzip

import pysam

from pidtriage.acmg.classify import classify
from pidtriage.annotate.pipeline import Annotator
from pidtriage.annotate.scores import ScoreTable
from pidtriage.config import load_config
from pidtriage.inheritance.family import Family
from pidtriage.io.vcf import RawRecord
from pidtriage.models import Genotype, Sex, Variant
from pidtriage.panel.tsv import read_panel

CSQ_FIELDS = ["Allele", "Consequence", "IMPACT", "SYMBOL", "Feature", "HGVSc", "HGVSp", "HGNC_ID", "MANE_SELECT"]


def _alphamissense_table(shared_data, tmp_path):
    out = tmp_path / "am_rag1.tsv"
    with gzip.open(shared_data / "clinvar/alphamissense_RAG1_P15918.hg38.csv.gz", "rt") as src, out.open("w") as dst:
        rows = csv.reader(src)
        dst.write("#" + "\t".join(next(rows)) + "\n")
        dst.writelines("\t".join(r) + "\n" for r in rows)
    return pysam.tabix_index(str(out), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)


def test_alphamissense_table_lookup_harmonises_names(shared_data, tmp_path):
    table = ScoreTable("alphamissense", _alphamissense_table(shared_data, tmp_path), "am_pathogenicity")
    assert table.lookup(Variant("11", 36573308, "G", "C")) == 0.1663  # chr11 in the table, 11 in the VCF
    assert table.lookup(Variant("11", 36573308, "T", "C")) is None  # another REF: no match


def test_annotator_scores_and_pm5_on_real_clinvar(shared_data, repo, tmp_path):
    am = _alphamissense_table(shared_data, tmp_path)
    config = load_config(overrides={
        "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"),
        "resources": {"clinvar": {"vcf": str(shared_data / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"),
                                  "min_review_stars": 0},
                      "scores": [{"name": "alphamissense", "path": am, "column": "am_pathogenicity"}]}})
    panel = read_panel(repo / "gene_panels/iuis_iei_2024.tsv")
    annotator = Annotator(config, panel, csq_fields=CSQ_FIELDS)
    csq = "A|missense_variant|MODERATE|RAG1|ENST00000299440|c.1187G>A|p.Arg396His|HGNC:9831|NM_000448.3"
    rec = RawRecord(Variant("11", 36574491, "G", "A", filters=("PASS",)),
                    (Genotype("S1", "0/1", (0, 1), gq=99, dp=30, ad=(15, 15)),), (("CSQ", csq),))
    [av] = annotator.annotate([rec], sex=Sex.FEMALE)
    assert av.score("alphamissense") is not None and 0 <= av.score("alphamissense") <= 1
    assert av.clinvar is not None and av.clinvar.significance == "Pathogenic"
    assert av.clinvar_residue and ("p.Arg396Cys", "Pathogenic", None) in av.clinvar_residue  # not itself
    gene = next(g for g in panel.genes if g.symbol == "RAG1")
    cls = classify(av, gene, config.get("acmg"), min_stars=0, family=Family("S1"))
    assert "PM5" in cls.codes.split(",") and "PS1" not in cls.codes.split(",")
