"""The demo cohort on a real SLURM scheduler, through config/profiles/slurm, with the README's command.

Runs only when PIDTRIAGE_SLURM_TEST=1 and a cluster answers (`.ci/run` starts a single-node one with
tests/slurm/slurm_local.sh and stops it afterwards; `make test-slurm`). Every snakemake call has a hard
timeout: the SLURM executor can wait forever on a cluster that does not answer."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faults import fault_env, unreadable_copy

pytestmark = pytest.mark.skipif(os.environ.get("PIDTRIAGE_SLURM_TEST") != "1" or not shutil.which("sinfo"),
                                reason="needs a SLURM cluster: PIDTRIAGE_SLURM_TEST=1 (see .ci/run)")
EXPECTED = {"P01": "positive", "P02": "positive", "P03": "positive", "P04": "positive", "P05": "inconclusive",
            "P06": "negative", "P07": "failed"}


def slurm_snakemake(repo: Path, outdir: Path, env: dict[str, str], *config: str,
                    options: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    # README, "Running on a cluster": snakemake -s workflow/Snakefile --profile config/profiles/slurm --configfile ...
    exe = Path(sys.executable).with_name("snakemake")
    return subprocess.run([str(exe), "-s", "workflow/Snakefile", "--profile", "config/profiles/slurm", *options,
                           "--configfile", "config/config.yaml", "--config", f"outdir={outdir}", *config],
                          cwd=repo, capture_output=True, text=True, timeout=900, env=env)


def submitted(result: subprocess.CompletedProcess[str]) -> list[str]:
    return re.findall(r"submitted with SLURM jobid (\d+)", result.stdout + result.stderr)


def statuses(outdir: Path) -> dict[str, str]:
    with (outdir / "cohort/summary.tsv").open() as fh:
        return {r["sample_id"]: r["status"] for r in csv.DictReader(fh, delimiter="\t")}


def test_demo_cohort_on_slurm(repo, tool_env, tmp_path):
    out = tmp_path / "results"
    first = slurm_snakemake(repo, out, tool_env)
    assert first.returncode == 0, first.stderr[-4000:]
    assert statuses(out) == EXPECTED
    jobs = submitted(first)
    assert 1 <= len(jobs) <= 2, jobs  # seven cases in one "case" group job, plus the cohort summary

    # A job that fails on the cluster (here: an output it cannot write, as on a full or broken file system) is
    # reported as failed; the other cases stay done. A bad input never fails a job: it is the case's record.
    done = {s: (out / f"cases/{s}/triage.json").stat().st_mtime for s in EXPECTED}
    (out / "cases/P02/triage.json").unlink()
    (out / "cases/P02/report.html").unlink()  # P02's job must run again ...
    (out / "cases/P02/triage.json/blocked").mkdir(parents=True)  # ... and cannot write its triage.json
    failing = slurm_snakemake(repo, out, tool_env)
    assert failing.returncode != 0
    assert re.search(r"Error in (rule case|group job)", failing.stdout + failing.stderr), (failing.stdout + failing.stderr)[-3000:]
    assert not (out / "cases/P02/triage.json").is_file()

    # Fixed (the blocking directory removed), the rerun redoes only P02 and the cohort summary.
    shutil.rmtree(out / "cases/P02/triage.json")
    resumed = slurm_snakemake(repo, out, tool_env)
    assert resumed.returncode == 0, resumed.stderr[-4000:]
    assert statuses(out) == EXPECTED
    assert {s: (out / f"cases/{s}/triage.json").stat().st_mtime for s in EXPECTED if s != "P02"} == \
        {s: t for s, t in done.items() if s != "P02"}


def test_a_killed_case_and_an_unreadable_input_on_slurm(repo, tool_env, demo_data, tmp_path):
    """Issue #30 on the cluster: three cases in one group job, one killed by SIGKILL (as by the out-of-memory
    killer), one whose VCF nobody may read. The group's other cases still run and keep their
    results (the job step keeps going; the profile keeps a failed group's finished outputs), the cohort summary
    lists all three, and the next run redoes only the killed case."""
    env = fault_env(tool_env, kill="killed", file_modes=True)
    locked = unreadable_copy(demo_data / "P06.vcf.gz", tmp_path / "locked.vcf.gz", env)
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample_id\tvcf\tvcf_sample\tsex\nP02\t{demo_data}/P02.vcf.gz\tP02\tfemale\n"
                     f"killed\t{demo_data}/P06.vcf.gz\tP06\tmale\nunreadable\t{locked}\tP06\tmale\n")
    out = tmp_path / "results"
    # no retries (the demo test above has a group job retried): a killed attempt costs ~80 s on this cluster
    first = slurm_snakemake(repo, out, env, f"samples={sheet}", options=("--retries", "0"))
    assert first.returncode != 0
    text = first.stdout + first.stderr
    assert "pidtriage: a job failed;" in text and "as failed: killed)" in text, text[-4000:]
    assert len(submitted(first)) == 1, submitted(first)  # the three cases in one group job
    with (out / "cohort/summary.tsv").open() as fh:
        summary = {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert summary["P02"]["status"] == "positive", summary["P02"]  # beside the killed case, in its group
    assert summary["unreadable"]["status"] == "failed"
    assert f"{locked}: cannot be read (Permission denied)" in summary["unreadable"]["reason"]
    assert summary["killed"]["status"] == "failed", summary["killed"]
    assert "ended without a result (killed by signal 9, SIGKILL)" in summary["killed"]["reason"], summary["killed"]
    done = (out / "cases/P02/triage.json").stat().st_mtime

    again = slurm_snakemake(repo, out, fault_env(tool_env, file_modes=True), f"samples={sheet}")
    assert again.returncode == 0, again.stderr[-4000:]
    assert statuses(out) == {"P02": "positive", "killed": "negative", "unreadable": "failed"}
    assert (out / "cases/P02/triage.json").stat().st_mtime == done
