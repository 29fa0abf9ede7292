"""Cohort-scale behaviour of the workflow: adding cases reruns only them (and the cohort summary); a run
killed midway resumes without redoing finished cases and leaves no half-written output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.workflow
HEADER = "sample_id\tvcf\tsex"


def _setup(tmp_path: Path, demo_data: Path, repo: Path, rows: list[str]) -> Path:
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({
        "samples": str(sheet), "outdir": str(tmp_path / "results"), "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"),
        "resources": {"clinvar": {"vcf": str(demo_data / "clinvar_demo.vcf.gz"), "min_review_stars": 0}}}))
    return cfg


def _snakemake(repo: Path, cfg: Path, env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    """Started in its own process group (so it can be killed whole), output to a log file."""
    exe = Path(sys.executable).with_name("snakemake")
    log = cfg.with_name(f"snakemake.{time.monotonic_ns()}.log")
    with log.open("w") as fh:
        proc = subprocess.Popen([str(exe), "-s", "workflow/Snakefile", "--configfile", str(cfg), *extra], cwd=repo,
                                env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, log


def _finish(run: tuple[subprocess.Popen[bytes], Path]) -> str:
    proc, log = run
    assert proc.wait(timeout=600) == 0, log.read_text()[-3000:]
    return log.read_text()


def _mtimes(out: Path) -> dict[str, float]:
    return {p.parent.name: p.stat().st_mtime for p in (out / "cases").glob("*/triage.json")}


def test_added_cases_run_alone(repo, demo_data, tool_env, tmp_path):
    rows = [f"A{i}\t{demo_data}/P06.vcf.gz\tmale" for i in range(3)]
    cfg = _setup(tmp_path, demo_data, repo, rows)
    _finish(_snakemake(repo, cfg, tool_env, "--cores", "2"))
    before = _mtimes(tmp_path / "results")
    cfg = _setup(tmp_path, demo_data, repo, [*rows, f"B0\t{demo_data}/P02.vcf.gz\tfemale"])
    log = _finish(_snakemake(repo, cfg, tool_env, "--cores", "2"))
    after = _mtimes(tmp_path / "results")
    assert {k: after[k] for k in before} == before  # the first three cases were not redone
    assert "B0" in after
    assert log.count("rule case:") == 1, log[-3000:]


def test_killed_run_resumes(repo, demo_data, tool_env, tmp_path):
    rows = [f"K{i:02d}\t{demo_data}/P02.vcf.gz\tfemale" for i in range(12)]
    cfg = _setup(tmp_path, demo_data, repo, rows)
    out = tmp_path / "results"
    proc, _ = _snakemake(repo, cfg, tool_env, "--cores", "1")
    deadline = time.monotonic() + 300
    while len(_mtimes(out)) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, "run ended before it could be killed"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # as a node failure: no clean-up
    proc.wait()
    finished = _mtimes(out)
    assert 3 <= len(finished) < len(rows)
    for p in out.rglob("*.json"):  # atomic writes: every JSON present is whole
        json.loads(p.read_text())
    _finish(_snakemake(repo, cfg, tool_env, "--unlock"))  # README: after a kill, unlock, then run again
    _finish(_snakemake(repo, cfg, tool_env, "--cores", "2"))
    after = _mtimes(out)
    assert len(after) == len(rows)
    # Finished cases are not redone. With --cores 1 one job at most was running at the kill: if it had just
    # written its triage.json (atomically) but Snakemake had not yet recorded the job as done, Snakemake
    # rightly reruns that one job, so one case may be redone, never more.
    redone = [k for k in finished if after[k] != finished[k]]
    assert len(redone) <= 1, redone
