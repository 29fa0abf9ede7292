"""The cohort's QC and statuses as MultiQC custom content: the files are valid custom content, and MultiQC itself
(a dev dependency) run on the demo results shows pidtriage's sections: General Statistics columns, the status
bar graph, the case and sample-QC tables. A screenshot of the report goes to $PIDTRIAGE_ARTIFACTS when set."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pidtriage.report.multiqc import MULTIQC_FILES

pytestmark = pytest.mark.workflow


def test_custom_content_files(demo_results):
    docs = {n: yaml.safe_load((demo_results / "cohort/multiqc" / n).read_text()) for n in MULTIQC_FILES}
    general = docs["pidtriage_general_stats_mqc.yaml"]
    assert general["plot_type"] == "generalstats"
    assert set(general["data"]) == {"P01", "P02", "P03", "P03_F", "P03_M", "P04", "P04_F", "P04_M", "P05", "P06", "P07"}
    assert general["data"]["P03"]["status"] == "positive" and "status" not in general["data"]["P03_F"]
    counts = docs["pidtriage_status_counts_mqc.yaml"]["data"]["cases"]
    assert counts == {"positive": 4, "inconclusive": 1, "negative": 1, "failed": 1}
    cases = docs["pidtriage_cases_mqc.yaml"]["data"]
    with (demo_results / "cohort/summary.tsv").open() as fh:
        summary = {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert {k: v["status"] for k, v in cases.items()} == {k: v["status"] for k, v in summary.items()}
    assert cases["P06"]["no_known_defect"] == "flagged" and cases["P01"]["no_known_defect"] == "not flagged"
    assert "no_known_defect" not in cases["P07"] and "top_variant" not in cases["P07"]  # missing, never "."
    for doc in docs.values():
        for row in doc["data"].values():
            assert "." not in row.values() and "" not in row.values()


def test_the_workflow_and_the_package_name_the_same_files(repo):
    text = (repo / "workflow/rules/common.smk").read_text()
    block = re.search(r"^MULTIQC_FILES = \((.*?)^\)", text, re.S | re.M)
    assert block and tuple(re.findall(r'"([^"]+)"', block.group(1))) == MULTIQC_FILES


@pytest.mark.skipif(shutil.which("multiqc") is None and not (Path(sys.executable).parent / "multiqc").exists(),
                    reason="needs MultiQC (a dev dependency: pip install -e '.[dev]')")
def test_multiqc_shows_pidtriage_sections(demo_results, tmp_path):
    exe = Path(sys.executable).parent / "multiqc"
    run = subprocess.run([str(exe if exe.exists() else "multiqc"), str(demo_results), "-o", str(tmp_path / "mqc"),
                          "--no-ansi"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    data = tmp_path / "mqc/multiqc_data"
    with (data / "multiqc_general_stats.txt").open() as fh:
        general = list(csv.DictReader(fh, delimiter="\t"))
    status = {r["Sample"]: r["custom_content_pidtriage_general_stats-status"] for r in general}
    assert status["P01"] == "positive" and status["P07"] == "failed" and status["P03_F"] == ""
    for table in ("pidtriage_cases_table", "pidtriage_qc_table", "pidtriage_status_counts_plot"):
        assert (data / f"multiqc_{table}.txt").exists(), table
    html = (tmp_path / "mqc/multiqc_report.html").read_text()
    for section in ("Case status", "Cases", "Sample QC"):
        assert section in html
    if shutil.which("chromium"):
        shot = tmp_path / "multiqc.png"
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,2400",
                        "--virtual-time-budget=5000", f"--screenshot={shot}",
                        (tmp_path / "mqc/multiqc_report.html").as_uri()], capture_output=True, timeout=120)
        from PIL import Image

        with Image.open(shot) as im:
            grey = im.convert("L")
            assert sum(grey.histogram()[:200]) > 0.01 * grey.width * grey.height
        if os.environ.get("PIDTRIAGE_ARTIFACTS"):
            Path(os.environ["PIDTRIAGE_ARTIFACTS"]).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(os.environ["PIDTRIAGE_ARTIFACTS"]) / "multiqc.png")
