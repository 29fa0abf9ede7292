"""The demo cohort through Snakemake: every case ends with its expected status (the README's `make demo`)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.workflow
ENV: dict[str, str] = {}


@pytest.fixture(autouse=True, scope="module")
def _env(tool_env):
    ENV.update(tool_env)

EXPECTED = {
    "P01": ("positive", "BTK"),  # X-linked hemizygous boy
    "P02": ("positive", "RAG1"),  # AR homozygous
    "P03": ("positive", "DCLRE1C"),  # AR compound heterozygote, phased by the trio
    "P04": ("positive", "NFKB1"),  # de novo AD in a trio
    "P05": ("inconclusive", "RAG2"),  # single P variant in an AR gene: carrier
    "P06": ("negative", "."),
    "P07": ("failed", "."),  # truncated file
}


def snakemake(repo: Path, *args: str, env: dict[str, str] | None = None,
              timeout: float = 600) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("snakemake")
    return subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", *args], cwd=repo,
                          capture_output=True, text=True, timeout=timeout, env=env or ENV)


def test_demo_statuses(demo_results):
    with (demo_results / "cohort/summary.tsv").open() as fh:
        rows = {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert set(rows) == set(EXPECTED)  # every affected individual is a case; parents are not
    for sid, (status, gene) in EXPECTED.items():
        assert rows[sid]["status"] == status, (sid, rows[sid])
        assert rows[sid]["genes"] == gene, (sid, rows[sid])
    assert rows["P06"]["no_known_defect"] == "yes" and rows["P05"]["no_known_defect"] == "yes"
    assert rows["P01"]["no_known_defect"] == "no"
    assert rows["P07"]["no_known_defect"] == "." and "P07.vcf.gz" in rows["P07"]["reason"]


def test_demo_findings_and_flags(demo_results):
    p03 = json.loads((demo_results / "cases/P03/triage.json").read_text())
    assert p03["findings"][0]["finding"] == "AR_compound_het"
    assert p03["qc"]["samples_used"] == ["P03", "P03_F", "P03_M"]
    p04 = json.loads((demo_results / "cases/P04/triage.json").read_text())
    assert p04["candidates"][0]["finding"] == "de_novo"
    # the demo trio has too few informative sites to check parentage from the genotypes: de novo "assumed" (PM6)
    assert not p04["qc"]["mendelian"]["evaluated"]
    assert any(c["code"] == "PM6" and c["outcome"] == "met" for c in p04["candidates"][0]["criteria"])
    flagged = (demo_results / "cohort/no_known_defect.tsv").read_text()
    assert "P05" in flagged and "P06" in flagged and "P07" not in flagged and "P01" not in flagged
    with (demo_results / "cases/P01/candidates.tsv").open() as fh:
        header = fh.readline().rstrip("\n").split("\t")
    assert header[:4] == ["rank", "gene", "hgnc_id", "chrom"] and header[-1] == "qc_flags"
    html = (demo_results / "cases/P01/report.html").read_text()
    assert "A causative genetic finding was identified" in html and "BTK" in html
    neg = (demo_results / "cases/P06/report.html").read_text()
    assert "No causative variant was identified in the 4 of the 505 panel genes that could be assessed" in neg


def test_rerun_does_nothing(repo, demo_results):
    result = snakemake(repo, "--config", f"outdir={demo_results}", "-n")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_snakemake_lint_is_clean(repo):
    result = snakemake(repo, "--lint")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_single_case_cli_matches_workflow(repo, demo_results, tmp_path):
    exe = Path(sys.executable).with_name("pidtriage")
    result = subprocess.run([str(exe), "run", "--vcf", "demo/data/P02.vcf.gz", "--sample-id", "P02", "--sex", "female",
                             "--immunophenotype", "T=absent;B=absent;NK=normal", "--suspected-category", "1",
                             "--hpo-terms", "HP:0004430;HP:0004429;HP:0001508",
                             "--outdir", str(tmp_path), "--configfile", "config/config.yaml"],
                            cwd=repo, capture_output=True, text=True, timeout=120, env=ENV)
    assert result.returncode == 0, result.stderr
    a = json.loads((tmp_path / "cases/P02/triage.json").read_text())
    b = json.loads((demo_results / "cases/P02/triage.json").read_text())
    assert a["status"] == b["status"] == "positive"
    assert a["candidates"] == b["candidates"]




def test_snakemake_report_has_outputs_and_thresholds(demo_results, repo, tmp_path):
    """`snakemake --report` bundles the reports and tables with captions that print the thresholds in effect."""
    import zipfile

    out = tmp_path / "report.zip"
    result = snakemake(repo, "--config", f"outdir={demo_results}", "--report", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        page = zf.read(next(n for n in names if n.endswith("/report.html") and n.count("/") == 1)).decode()
    files = [n.rsplit("/", 1)[-1] for n in names if "/data/raw/" in n]
    assert files.count("report.html") == 8 and files.count("candidates.tsv") == 7 and "summary.tsv" in files  # 7 cases + dashboard
    assert "PM2_Supporting at allele frequency &lt;= 0.0001" in page and "review star(s)" in page


def test_readme_command_works_without_activating_the_venv(repo, demo_data, tmp_path):
    """README: `.venv/bin/snakemake ...` from a shell whose PATH does not hold the venv: the rules call the
    pidtriage beside Snakemake's Python, not one that must be on PATH."""
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample_id\tvcf\tsex\nP02\t{demo_data}/P02.vcf.gz\tfemale\n")
    env = {k: v for k, v in ENV.items() if k != "PATH"}
    env["PATH"] = "/usr/bin:/bin"
    out = tmp_path / "results"
    result = snakemake(repo, "--configfile", "config/config.yaml", "--config", f"samples={sheet}", f"outdir={out}",
                       env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((out / "cases/P02/triage.json").read_text())["status"] == "positive"


def test_snakemake_exits_when_its_jobs_are_done(repo, demo_data, tmp_path):
    """Snakemake's scheduler leaves a timer of one --max-jobs-per-timespan window running, and Python used to
    wait for it at exit (a second per run, and per SLURM job step). With a 60 s window the run must still end
    well inside the timeout: workflow/rules/common.smk makes those timers daemon threads."""
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample_id\tvcf\tsex\nP06\t{demo_data}/P06.vcf.gz\tmale\n")
    out = tmp_path / "results"
    result = snakemake(repo, "--configfile", "config/config.yaml", "--config", f"samples={sheet}", f"outdir={out}",
                       "--max-jobs-per-timespan", "100/60s", timeout=45)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "cohort/summary.tsv").exists()


def test_a_config_error_is_one_line_naming_the_file_and_key(repo, tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"outdir: {tmp_path}/out\nqc:\n  min_gq: many\n")
    result = snakemake(repo, "--configfile", str(cfg), "-n")
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{cfg}: qc.min_gq: 'many' is not of type" in said, said[-2000:]
    assert len(said.splitlines()) < 15, said[-2000:]  # not the whole schema
