"""The SLURM profile without a cluster (a dry run): needs only the SLURM plugin (a dependency of pidtriage)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("snakemake_executor_plugin_slurm") is None,
                                reason="needs the SLURM plugin (snakemake-executor-plugin-slurm, a dependency)")


def test_the_slurm_profile_resources_reach_the_jobs(repo, tool_env, tmp_path):
    """The workflow's own profile (workflow/profiles/default) is read after --profile and wins over it: it must
    not set resources, or the SLURM profile's partition, runtime and memory per CPU never reach a job."""
    exe = Path(sys.executable).with_name("snakemake")
    result = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--profile", "config/profiles/slurm", "--config",
                             f"outdir={tmp_path}", "-n"], cwd=repo, capture_output=True, text=True, timeout=600,
                            env=tool_env)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.strip().startswith("resources:")]
    assert lines and all("slurm_partition=debug" in line for line in lines), lines[:2]
    assert any("runtime=20" in line and "cpus_per_task=1" in line for line in lines), lines[:2]
