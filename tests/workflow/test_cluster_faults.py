"""Issue #30, where the pipeline meets the file system and the scheduler: a case killed outside Python and an
input nobody may read still leave a cohort summary with every case; output-folder faults stop the run before
any job with one line; editing any file a case reads reruns that case alone; a local run never calls SLURM."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from faults import fault_env, unreadable_copy

pytestmark = pytest.mark.workflow
CORPUS = Path(__file__).resolve().parent.parent / "data" / "bad_inputs"
HEADER = "sample_id\tvcf\tvcf_sample\tsex"


def _config(tmp_path: Path, repo: Path, demo: Path, rows: list[str], header: str = HEADER, **extra: object) -> Path:
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(header + "\n" + "\n".join(rows) + "\n")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({
        "samples": str(sheet), "outdir": str(tmp_path / "results"), "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"),
        "resources": {"clinvar": {"vcf": str(demo / "clinvar_demo.vcf.gz"), "min_review_stars": 0},
                      "population": {"vcf": str(demo / "population_demo.vcf.gz"), "faf_field": "",
                                     "nhomalt_field": ""}}, **extra}))
    return cfg


def _snakemake(repo: Path, cfg: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("snakemake")
    return subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--configfile", str(cfg), *extra],
                          cwd=repo, capture_output=True, text=True, timeout=600, env=env)


def _summary(out: Path) -> dict[str, dict[str, str]]:
    with (out / "cohort/summary.tsv").open() as fh:
        return {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}


def test_a_killed_job_and_an_unreadable_input_leave_every_case_in_the_summary(repo, demo_data, tool_env, tmp_path):
    """A case killed by SIGKILL (as the out-of-memory killer ends a job) fails its job: Snakemake skips the
    cohort rule, and the onerror handler writes the summary from what exists, the killed case failed with how it
    ended. A VCF of mode 000 is the case's own failure, not a Snakemake metadata error that stopped the run
    (issue #30). The next run redoes the killed case only."""
    env = fault_env(tool_env, kill="killed", file_modes=True)
    locked = unreadable_copy(CORPUS / "unindexed.vcf.gz", tmp_path / "locked.vcf.gz", env)
    rows = [f"good1\t{CORPUS / 'unindexed.vcf.gz'}\tS1\tmale", f"killed\t{CORPUS / 'windows_crlf.vcf'}\tS1\tmale",
            f"unreadable\t{locked}\tS1\tmale", f"good2\t{CORPUS / 'as_bcf.bcf'}\tS1\tmale"]
    cfg = _config(tmp_path, repo, demo_data, rows)
    out = tmp_path / "results"
    first = _snakemake(repo, cfg, env)
    assert first.returncode != 0  # a job failed, and the run says so
    assert "pidtriage: a job failed;" in first.stderr and "as failed: killed)" in first.stderr, first.stderr[-3000:]
    summary = _summary(out)
    assert set(summary) == {"good1", "killed", "unreadable", "good2"}
    assert summary["good1"]["status"] == summary["good2"]["status"] == "positive"
    unreadable, killed = summary["unreadable"], summary["killed"]
    assert unreadable["status"] == "failed" and f"{locked}: cannot be read (Permission denied)" in unreadable["reason"]
    assert killed["status"] == "failed" and killed["no_known_defect"] == "."
    assert str(CORPUS / "windows_crlf.vcf") in killed["reason"], killed["reason"]
    assert "ended without a result (killed by signal 9, SIGKILL)" in killed["reason"], killed["reason"]
    assert str(out / "logs/case/killed.log") in killed["reason"]
    assert (out / "cohort/report.html").is_file() and (out / "cohort/no_known_defect.tsv").is_file()
    assert not (out / "cases/killed/triage.json").exists()  # the case has no result: its job runs again
    done = {s: (out / f"cases/{s}/triage.json").stat().st_mtime for s in ("good1", "unreadable", "good2")}

    again = _snakemake(repo, cfg, fault_env(tool_env, file_modes=True))  # the kill gone (memory added, say)
    assert again.returncode == 0, again.stderr[-3000:]
    assert _summary(out)["killed"]["status"] == "positive"
    assert {s: (out / f"cases/{s}/triage.json").stat().st_mtime for s in done} == done  # only the killed case redone
    for log in (out / "logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(), log


@pytest.mark.parametrize("fault", ["a file", "under a file", "read-only", "full"])
def test_output_folder_faults_stop_the_run_before_any_job(repo, demo_data, tool_env, tmp_path, tmpfs, fault):
    """An outdir that is a file, lies under a file, is on a read-only or full disk: one line naming the folder and
    the fix, exit status 2, before any job (it used to be a PermissionError traceback from common.smk)."""
    if fault == "a file":
        outdir = tmp_path / "results"
        outdir.write_text("not a folder\n")
    elif fault == "under a file":
        (tmp_path / "taken").write_text("")
        outdir = tmp_path / "taken" / "results"
    elif fault == "read-only":
        outdir = tmpfs("1m", read_only=True) / "results"
    else:
        outdir = tmpfs("64k") / "results"
    cfg = _config(tmp_path, repo, demo_data, [f"A\t{CORPUS / 'unindexed.vcf.gz'}\tS1\tmale"], outdir=str(outdir))
    result = _snakemake(repo, cfg, tool_env)
    said = [line for line in result.stderr.splitlines() if line.startswith("pidtriage:")]
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(said) == 1 and str(outdir) in said[0] and "outdir in the config" in said[0], result.stderr
    expected = {"a file": "exists and is a file", "under a file": f"{tmp_path / 'taken'} is a file",
                "read-only": "read-only file system", "full": "MB free"}[fault]
    assert expected in said[0], said
    assert "Traceback" not in result.stderr and "rule case" not in result.stdout + result.stderr


def _bgzip(path: Path, text: str, preset: str) -> Path:
    """`text` bgzipped into `path` and indexed (.tbi beside it)."""
    import pysam

    plain = path.with_suffix("")
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset=preset, force=True)
    return path


SV = ("##fileformat=VCFv4.2\n##contig=<ID=11,length=135086622>\n"
      '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">\n'
      '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
      "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
      "11\t36500000\tdel1\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;END=36510000\tGT\t0/1\n")
COVERAGE = "11\t36500000\t36600000\t30\n"


def test_every_file_a_case_reads_reruns_that_case_alone(repo, demo_data, tool_env, tmp_path):
    """The VCF, its index, the coverage file and its index, the SV VCF and its index, the phenopacket: a new
    version of any one reruns its case and the cohort summary, nothing else (the SV VCF, the phenopacket and the
    indexes used not to be job inputs at all). Snakemake compares small inputs by checksum: each file is
    rewritten with new content, as a corrected file would be."""
    import pysam

    own = tmp_path / "inputs"
    own.mkdir()
    vcf = own / "A.vcf.gz"
    bare = gzip.decompress((CORPUS / "bare_names.vcf.gz").read_bytes()).decode()
    _bgzip(vcf, bare, "vcf")
    packet = own / "A.json"
    pp = {"id": "A-referral", "subject": {"id": "A", "sex": "MALE"},
          "phenotypicFeatures": [{"type": {"id": "HP:0004432", "label": ""}}],
          "metaData": {"createdBy": "test", "phenopacketSchemaVersion": "2.0"}}
    packet.write_text(json.dumps(pp))
    sv, coverage = _bgzip(own / "A.sv.vcf.gz", SV, "vcf"), _bgzip(own / "A.per-base.bed.gz", COVERAGE, "bed")
    header = "sample_id\tvcf\tvcf_sample\tsex\tcoverage\tsv_vcf\tphenopacket"
    rows = [f"A\t{vcf}\tS1\tmale\t{coverage}\t{sv}\t{packet}", f"B\t{CORPUS / 'unindexed.vcf.gz'}\tS1\tmale\t\t\t"]
    cfg = _config(tmp_path, repo, demo_data, rows, header=header)
    first = _snakemake(repo, cfg, tool_env, "-q")
    assert first.returncode == 0, first.stderr[-3000:]

    def corrected(path: Path, text: str) -> None:  # a new version of the file (its old index left beside it)
        plain = path.with_suffix("")
        plain.write_text(text)
        pysam.tabix_compress(str(plain), str(path), force=True)

    def reindexed(path: Path) -> None:
        pysam.tabix_index(str(path), preset="bed" if "bed" in path.name else "vcf", force=True)

    edits = [(vcf, lambda: corrected(vcf, bare.replace("##fileformat=VCFv4.2\n", "##fileformat=VCFv4.2\n##x=1\n"))),
             (Path(f"{vcf}.tbi"), lambda: reindexed(vcf)),
             (coverage, lambda: corrected(coverage, COVERAGE + "11\t36600000\t36700000\t31\n")),
             (Path(f"{coverage}.tbi"), lambda: reindexed(coverage)),
             (sv, lambda: corrected(sv, SV.replace("END=36510000", "END=36520000"))),
             (Path(f"{sv}.tbi"), lambda: reindexed(sv)),
             (packet, lambda: packet.write_text(json.dumps({**pp, "id": "A-referral-2"})))]
    for edited, edit in edits:
        before = edited.read_bytes()
        edit()
        assert edited.read_bytes() != before, edited
        plan = _snakemake(repo, cfg, tool_env, "-n")
        assert plan.returncode == 0, plan.stderr[-2000:]
        text = plan.stdout + plan.stderr
        cases = {line.split("sample=")[1].strip() for line in text.splitlines() if "wildcards: sample=" in line}
        assert cases == {"A"}, (edited, cases, text[-2000:])
        assert "rule cohort:" in text and str(edited) in text, (edited, text[-2000:])


def test_a_local_run_submits_nothing_to_slurm(repo, tool_env, tmp_path):
    """SLURM commands on PATH that record every call: a local run of the workflow submits no job and polls no
    queue; the one call is the SLURM plugin's `scontrol show config` as Snakemake imports it (README, "Running on
    a cluster": Snakemake imports every installed executor plugin before it reads a profile; issue #30). With
    SLURM_CONF=/dev/null (make demo) that query fails at once in a real scontrol."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.log"
    for name in ("sinfo", "scontrol", "squeue", "sacct", "sbatch", "srun"):
        tool = bin_dir / name
        tool.write_text(f"#!/bin/sh\necho \"{name} $*\" >> {calls}\nexit 1\n")
        tool.chmod(0o755)
    env = {k: v for k, v in tool_env.items() if k != "SLURM_CONF"}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    exe = Path(sys.executable).with_name("snakemake")
    result = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "1", "-n", "--config",
                             f"outdir={tmp_path / 'results'}"], cwd=repo, capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    made = set(calls.read_text().splitlines()) if calls.exists() else set()
    plugin = importlib.util.find_spec("snakemake_executor_plugin_slurm") is not None
    assert made <= ({"scontrol show config"} if plugin else set()), made
