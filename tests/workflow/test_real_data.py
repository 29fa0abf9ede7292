"""Real background VCFs from ../shared/data through the workflow: naming differences handled silently, a GRCh37
VCF under a GRCh38 config fails with a build-mismatch reason, and runs under genome_build: GRCh37."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.workflow
ENV: dict[str, str] = {}


@pytest.fixture(autouse=True, scope="module")
def _env(tool_env):
    ENV.update(tool_env)


def _run(repo: Path, tmp: Path, sheet_rows: list[str], config: dict) -> dict[str, dict[str, str]]:
    sheet = tmp / "samples.tsv"
    sheet.write_text("sample_id\tvcf\tvcf_sample\tsex\tfather_id\tmother_id\taffected\n" + "\n".join(sheet_rows) + "\n")
    cfg = tmp / "config.yaml"
    cfg.write_text(yaml.safe_dump({"samples": str(sheet), "outdir": str(tmp / "results"),
                                   "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"), **config}))
    exe = Path(sys.executable).with_name("snakemake")
    result = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--configfile", str(cfg)],
                            cwd=repo, capture_output=True, text=True, timeout=900, env=ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    with (tmp / "results/cohort/summary.tsv").open() as fh:
        return {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}


def test_real_vcfs_under_grch38(repo, shared_data, tmp_path):
    v = shared_data / "vcf"
    clinvar = str(shared_data / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz")
    rows = _run(repo, tmp_path, [
        f"NA12878\t{v}/platinum_NA12878_chr21.GRCh38.vcf.gz\t\tfemale\t\t\ttrue",
        f"HG02102\t{v}/1000G_phase3_HG02102_chr21.GRCh37.vcf.gz\t\tfemale\t\t\ttrue",
        f"manuel\t{v}/exomiser_Pfeiffer_exome.GRCh37.vcf.gz\t\tmale\t\t\ttrue",
    ], {"genome_build": "GRCh38",
        "resources": {"clinvar": {"vcf": clinvar, "min_review_stars": 0},
                      "population": {"vcf": clinvar, "af_field": "gnomADg_AF", "an_field": "gnomADg_AN",
                                     "faf_field": "", "nhomalt_field": ""}}})
    assert rows["NA12878"]["status"] in ("negative", "inconclusive")  # chr21 vs bare ClinVar names: harmonised
    for sid in ("HG02102", "manuel"):
        assert rows[sid]["status"] == "failed"
        assert "genome build GRCh37" in rows[sid]["reason"] and "GRCh38" in rows[sid]["reason"]


def test_real_vcfs_under_grch37(repo, shared_data, tmp_path):
    v = shared_data / "vcf"
    rows = _run(repo, tmp_path, [
        f"HG02102\t{v}/1000G_phase3_HG02102_chr21.GRCh37.vcf.gz\t\tfemale\t\t\ttrue",
        f"manuel\t{v}/exomiser_Pfeiffer_exome.GRCh37.vcf.gz\t\tmale\t\t\ttrue",
        f"HG002\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\t\tmale\tHG003\tHG004\ttrue",
        f"HG003\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\t\tmale\t\t\tfalse",
        f"HG004\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\t\tfemale\t\t\tfalse",
        f"NA12878g\t{v}/isaac_NA12878_chr21_gvcf.hg19.vcf.gz\tNA12878\tfemale\t\t\ttrue",
    ], {"genome_build": "GRCh37"})
    assert set(rows) == {"HG02102", "manuel", "HG002", "NA12878g"}
    for sid, row in rows.items():
        assert row["status"] in ("negative", "inconclusive", "positive"), (sid, row)
