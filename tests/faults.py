"""Faults a test injects into a run it starts: a job killed by SIGKILL, an input that cannot be read. The hooks
themselves are tests/fault_hooks/sitecustomize.py, loaded by every process of the run through PYTHONPATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FAULT_HOOKS = Path(__file__).resolve().parent / "fault_hooks"


def fault_env(env: dict[str, str], *, kill: str = "", file_modes: bool = False) -> dict[str, str]:
    """`env` with the test's faults for every process of a run (tests/fault_hooks/sitecustomize.py): the case
    `kill` sends itself SIGKILL when it starts; with `file_modes`, root is held to file modes (a mode-000 file
    cannot be read), as an unprivileged user is."""
    out = dict(env, PYTHONPATH=os.pathsep.join(p for p in (str(FAULT_HOOKS), env.get("PYTHONPATH", "")) if p))
    if kill:
        out["PIDTRIAGE_TEST_KILL"] = kill
    if file_modes:
        out["PIDTRIAGE_TEST_FILE_MODES"] = "1"
    return out


def unreadable_copy(source: Path, target: Path, env: dict[str, str]) -> Path:
    """A copy of `source` with mode 000, unreadable for the processes of `env` (made by fault_env with
    file_modes); skips the test where even that cannot make it so."""
    target.write_bytes(source.read_bytes())
    target.chmod(0)
    probe = subprocess.run([sys.executable, "-c", f"open({str(target)!r}, 'rb')"], env=env, capture_output=True)
    if probe.returncode == 0:
        pytest.skip("a mode-000 file is still readable here (root keeps CAP_DAC_OVERRIDE): no unreadable input")
    return target
