"""Shared fixtures. `shared_data` is the one door to ../shared/data: tests that need it skip without it."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
# One date for everything the tests write (report date, analysis date; pidtriage.clock): the golden files do not
# change with the day. Subprocesses inherit it through tool_env.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1793491200")  # 2026-11-01


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present (CI always has it)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def default_panel_path() -> Path:
    return REPO / "gene_panels" / "iuis_iei_2024.tsv"


@pytest.fixture(scope="session")
def tool_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment for subprocesses: this interpreter's bin/ first on PATH (snakemake, pidtriage).

    Outside the SLURM test, SLURM_CONF names an empty file: the SLURM executor plugin runs `scontrol show
    config` whenever Snakemake starts, which waits 10 s on a machine with the SLURM client but no controller
    (README, "Running on a cluster"); with an empty config it fails at once. Local runs never use SLURM."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if env.get("PIDTRIAGE_SLURM_TEST") != "1":
        empty = tmp_path_factory.mktemp("slurm") / "slurm.conf"
        empty.write_text("")
        env["SLURM_CONF"] = str(empty)
    return env


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """tmpfs(size="64k", read_only=False) -> a fresh tmpfs mounted in tmp_path (a full or read-only disk);
    unmounted afterwards. Needs root (mount); skips otherwise."""
    mounted: list[Path] = []

    def mount(size: str = "64k", *, read_only: bool = False) -> Path:
        if os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("mounting a tmpfs needs root: no full or read-only disk to test with")
        point = tmp_path / f"tmpfs{len(mounted)}"
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True,
                                text=True)
        if result.returncode:
            pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip()}): no full or read-only disk to test with")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], capture_output=True)


Cohort = Callable[..., dict[str, dict[str, str]]]


@pytest.fixture
def run_cohort(repo: Path, tool_env: dict[str, str], tmp_path: Path) -> Cohort:
    """run_cohort(header, rows, config) -> summary.tsv rows by sample_id; results under tmp_path/results.

    `header` and `rows` are the sample sheet's tab-separated lines; `config` is merged over the demo panel."""

    def run(header: str, rows: list[str], config: dict[str, Any], *, expect_ok: bool = True) -> dict[str, dict[str, str]]:
        sheet = tmp_path / "samples.tsv"
        sheet.write_text(header + "\n" + "\n".join(rows) + "\n")
        cfg = tmp_path / "config.yaml"
        cfg.write_text(yaml.safe_dump({"samples": str(sheet), "outdir": str(tmp_path / "results"),
                                       "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"), **config}))
        exe = Path(sys.executable).with_name("snakemake")
        result = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--configfile", str(cfg)],
                                cwd=repo, capture_output=True, text=True, timeout=900, env=tool_env)
        run.last = result  # type: ignore[attr-defined]
        if not expect_ok:
            return {}
        assert result.returncode == 0, result.stderr[-3000:]
        with (tmp_path / "results/cohort/summary.tsv").open() as fh:
            return {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}

    return run


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The demo cohort's VCFs and resources (scripts/make_demo_data.py), written once per test session."""
    out = tmp_path_factory.mktemp("demo_data")
    subprocess.run([sys.executable, str(REPO / "scripts/make_demo_data.py"), "--outdir", str(out)], check=True,
                   capture_output=True)
    return out


@pytest.fixture(scope="session")
def demo_results(repo: Path, tool_env: dict[str, str], tmp_path_factory) -> Path:
    """The bundled demo cohort run once through Snakemake (the README's `make demo`), results in a temporary
    directory; shared by the demo, golden-file and browser tests."""
    out = tmp_path_factory.mktemp("demo") / "results"
    exe = Path(sys.executable).with_name("snakemake")
    result = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--config", f"outdir={out}"],
                            cwd=repo, capture_output=True, text=True, timeout=600, env=tool_env)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from this run's demo outputs (review the diff before committing)")
