"""Golden files, one per output kind, kept small so that a change of wording shows as a short diff: the demo
trio's (P03) triage.json, candidates.tsv, variants.tsv and report.html, and the cohort's summary.tsv (one line per
case: every case's status, genes, top variant, scope and reason), no_known_defect.tsv and dashboard. Absolute paths
are replaced by placeholders; everything else must match byte for byte. What each other case's report says is in
test_case_report.py. After an intended change, refresh with `pytest tests/report/test_golden.py --update-golden`
and review the diff of tests/golden/ before committing."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

pytestmark = pytest.mark.workflow

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "demo"
CASE = "P03"  # a trio: parents' genotypes, a compound heterozygous finding in trans, positive
CASE_FILES = ("triage.json", "candidates.tsv", "variants.tsv", "report.html")
COHORT_FILES = ("summary.tsv", "no_known_defect.tsv", "report.html")


def _normalised(path: Path, repo: Path, results: Path) -> str:
    return path.read_text().replace(str(results), "<results>").replace(str(repo), "<repo>")


def _outputs(results: Path) -> dict[str, Path]:
    out = {f"cases/{CASE}/{f}": results / "cases" / CASE / f for f in CASE_FILES}
    out |= {f"cohort/{f}": results / "cohort" / f for f in COHORT_FILES}
    return out


def test_demo_outputs_match_golden_files(demo_results, repo, request):
    outputs = _outputs(demo_results)
    if request.config.getoption("--update-golden"):
        for name, path in outputs.items():
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_normalised(path, repo, demo_results))
        pytest.skip(f"golden files rewritten in {GOLDEN}: review `git diff tests/golden` before committing")
    missing = [n for n in outputs if not (GOLDEN / n).exists()]
    assert not missing, f"no golden file for {missing}; run with --update-golden"
    for name, path in outputs.items():
        got, want = _normalised(path, repo, demo_results), (GOLDEN / name).read_text()
        if got != want:
            diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "golden", "now", n=1))
            pytest.fail(f"{name} differs from its golden file (refresh with --update-golden if intended):\n{diff[:3000]}")


def test_golden_files_are_deterministic(demo_results, repo, tool_env, tmp_path):
    """The report step twice on the same triage.json gives identical files (no time stamps, stable ordering)."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("pidtriage")
    for case in ("P03", "P06"):
        for n in (1, 2):
            subprocess.run([str(exe), "report", str(demo_results / f"cases/{case}/triage.json"), "--outdir",
                            str(tmp_path / f"{case}_{n}")], check=True, env=tool_env)
        for f in ("candidates.tsv", "report.html"):
            assert (tmp_path / f"{case}_1" / f).read_bytes() == (tmp_path / f"{case}_2" / f).read_bytes()


def test_triage_json_without_snakemake_matches_the_workflows(demo_data, demo_results, repo, tmp_path, capsys):
    """`pidtriage run` (the same stages in one process, no Snakemake) gives the demo run's triage.json (P06, a
    negative case of limited scope with HPO terms given and excluded)."""
    import shutil

    from pidtriage.cli import main

    data = tmp_path / "demo" / "data"
    shutil.copytree(demo_data, data)
    (tmp_path / "gene_panels").mkdir()
    shutil.copy(repo / "gene_panels/iuis_iei_2024.tsv", tmp_path / "gene_panels")
    shutil.copy(repo / "gene_panels/iuis_iei_2024.hpo.tsv", tmp_path / "gene_panels")
    shutil.copy(repo / "gene_panels/iuis_iei_2024.hpo_background.tsv", tmp_path / "gene_panels")
    cfg = tmp_path / "config.yaml"
    cfg.write_text((repo / "config/config.yaml").read_text())
    code = main(["run", "--configfile", str(cfg), "--config-base", str(tmp_path), "--vcf", str(data / "P06.vcf.gz"),
                 "--sample-id", "P06", "--sex", "male", "--suspected-category", "3", "--hpo-terms",
                 "HP:0004313;HP:0002205", "--hpo-excluded", "HP:0004430", "--outdir",
                 str(tmp_path / "results")])
    assert code == 0, capsys.readouterr().err
    got = _normalised(tmp_path / "results/cases/P06/triage.json", tmp_path, tmp_path / "results")
    want = _normalised(demo_results / "cases/P06/triage.json", repo, demo_results)
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "golden", "run", n=1))
    assert got == want, diff[:3000]
