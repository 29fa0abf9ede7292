"""The workflow used as a Snakemake module from another workflow (the README's `module pidtriage:` with
`use rule * from pidtriage`), with a local path as its snakefile: it runs the consumer's cohort with the
consumer's config, writes every output (candidates.vcf.gz, MultiQC content, IGV sessions included), and
reruns nothing the second time."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.workflow

CONSUMER = """configfile: "config.yaml"


module pidtriage:
    snakefile:
        "{snakefile}"
    config:
        config


use rule * from pidtriage as pidtriage_*


rule all:
    input:
        rules.pidtriage_all.input,
    default_target: True
"""


def test_the_workflow_as_a_module(repo, demo_data, tool_env, tmp_path):
    (tmp_path / "Snakefile").write_text(CONSUMER.format(snakefile=repo / "workflow/Snakefile"))
    (tmp_path / "samples.tsv").write_text("sample_id\tvcf\tsex\taffected\n"
                                          f"P01\t{demo_data / 'P01.vcf.gz'}\tmale\ttrue\n"
                                          f"P02\t{demo_data / 'P02.vcf.gz'}\tfemale\ttrue\n")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({
        "samples": "samples.tsv", "outdir": "results", "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"),
        "resources": {"clinvar": {"vcf": str(demo_data / "clinvar_demo.vcf.gz"), "min_review_stars": 0},
                      "population": {"vcf": str(demo_data / "population_demo.vcf.gz"), "af_field": "AF_joint",
                                     "an_field": "AN_joint", "faf_field": "", "nhomalt_field": ""}}}))
    exe = Path(sys.executable).with_name("snakemake")
    run = subprocess.run([str(exe), "--cores", "2"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                         env=tool_env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "rule pidtriage_case:" in run.stderr and "rule pidtriage_cohort:" in run.stderr
    with (tmp_path / "results/cohort/summary.tsv").open() as fh:
        rows = {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert rows["P01"]["status"] == "positive" and rows["P02"]["status"] == "positive"
    for f in ("cases/P01/candidates.vcf.gz.tbi", "cohort/multiqc/pidtriage_cases_mqc.yaml", "cohort/igv/P02.xml"):
        assert (tmp_path / "results" / f).exists(), f
    again = subprocess.run([str(exe), "--cores", "2", "-n"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=300, env=tool_env)
    assert "Nothing to be done" in again.stdout + again.stderr
