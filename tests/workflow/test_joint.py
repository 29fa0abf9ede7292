"""A joint-called VCF shared by several cases (issue #17): read once for the cohort (rule `joint`), with the
same decisions as when every case reads the whole VCF itself."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pysam.bcftools
import pytest

pytestmark = pytest.mark.workflow
HEADER = "sample_id\tvcf\tsex\tfather_id\tmother_id\taffected\tsuspected_category\thpo_terms\timmunophenotype"
EXPECTED = {"P01": "positive", "P02": "positive", "P03": "positive", "P04": "positive", "P06": "negative"}


def _joint_vcf(demo_data: Path, out: Path) -> Path:
    """The demo's P01, P02, P06 and the trios F03 and F04 merged into one 9-sample VCF, bgzipped, no index
    (P02 and F04 have bare contig names in the demo: renamed to chr first)."""
    names = out.with_name("chr.map")
    names.write_text("".join(f"{c}\tchr{c}\n" for c in [*map(str, range(1, 23)), "X", "Y", "M"]))
    parts = []
    for n in ("P01", "P02", "F03", "F04", "P06"):
        part = out.with_name(f"{n}.chr.vcf.gz")
        pysam.bcftools.annotate("--no-version", "--rename-chrs", str(names), "-Oz", "--write-index=tbi", "-o",
                                str(part), str(demo_data / f"{n}.vcf.gz"), catch_stdout=False)
        parts.append(str(part))
    pysam.bcftools.merge("--no-version", "-Oz", "-o", str(out), *parts, catch_stdout=False)
    return out


def _rows(vcf: Path) -> list[str]:
    return [f"P01\t{vcf}\tmale\t\t\ttrue\t3\tHP:0004432;HP:0002718\tB=absent;IgG=low",
            f"P02\t{vcf}\tfemale\t\t\ttrue\t1\tHP:0004430\tT=absent;B=absent;NK=normal",
            f"P03\t{vcf}\tmale\tP03_F\tP03_M\ttrue\t1\tHP:0004430\tT=absent;B=absent",
            f"P03_F\t{vcf}\tmale\t\t\tfalse\t\t\t", f"P03_M\t{vcf}\tfemale\t\t\tfalse\t\t\t",
            f"P04\t{vcf}\tfemale\tP04_F\tP04_M\ttrue\t3\tHP:0004315\t",
            f"P04_F\t{vcf}\tmale\t\t\tfalse\t\t\t", f"P04_M\t{vcf}\tfemale\t\t\tfalse\t\t\t",
            f"P06\t{vcf}\tmale\t\t\ttrue\t3\tHP:0004313\t"]


def _config(demo_data: Path) -> dict[str, Any]:
    return {"resources": {"clinvar": {"vcf": str(demo_data / "clinvar_demo.vcf.gz"), "min_review_stars": 0},
                          "population": {"vcf": str(demo_data / "population_demo.vcf.gz")}},
            "report": {"xlsx": False}}


def _decisions(doc: dict[str, Any]) -> dict[str, Any]:
    """triage.json without what differs between two runs of the same input (times, where files were written)."""
    return {k: v for k, v in doc.items() if k not in ("provenance", "generated", "pidtriage_version")}


def test_joint_vcf_is_read_once_with_the_same_decisions(run_cohort, demo_data, repo, tool_env, tmp_path):
    vcf = _joint_vcf(demo_data, tmp_path / "cohort.vcf.gz")
    statuses = run_cohort(HEADER, _rows(vcf), _config(demo_data))
    assert {s: r["status"] for s, r in statuses.items()} == EXPECTED
    work = tmp_path / "results/work"
    (record,) = work.glob("joint/cohort-*.json")
    joint = json.loads(record.read_text())
    assert joint["error"] == "" and joint["how"] == "index_in_workdir"
    assert joint["samples"] == ["P01", "P02", "P03", "P03_F", "P03_M", "P04", "P04_F", "P04_M", "P06"]
    assert joint["whole_vcf"]["P03_M"]["sex"] == "female" and joint["whole_vcf"]["P01"]["sex"] == "male"
    # the unindexed VCF was indexed once, for the cohort, not once per case
    assert len(list(work.glob("joint/*/cohort.vcf.gz.csi"))) == 1
    assert not list(work.glob("extract/index/*/*.csi"))
    log = (tmp_path / "results/logs/case/P03.log").read_text()
    assert "sex from the whole VCF: P03 male, P03_F male, P03_M female" in log

    # every case again, each reading the whole VCF itself (no --joint): the same triage.json
    exe = Path(sys.executable).with_name("pidtriage")
    alone = tmp_path / "alone"
    for sample in EXPECTED:
        subprocess.run([str(exe), "case", "--configfile", str(work / "config.yaml"), "--samples",
                        str(tmp_path / "samples.tsv"), "--sample-id", sample, "--workdir", str(alone / "work"),
                        "--case-dir", str(alone / sample)], check=True, env=tool_env, capture_output=True)
        shared = json.loads((tmp_path / f"results/cases/{sample}/triage.json").read_text())
        own = json.loads((alone / sample / "triage.json").read_text())
        assert _decisions(own) == _decisions(shared), sample
    assert list((alone / "work/extract/index").glob("*/cohort.vcf.gz.csi"))  # there, each case indexed it


def test_unreadable_joint_vcf_fails_each_case_with_its_reason(run_cohort, demo_data, tmp_path):
    vcf = _joint_vcf(demo_data, tmp_path / "cohort.vcf.gz")
    data = vcf.read_bytes()
    broken = tmp_path / "broken.vcf.gz"
    broken.write_bytes(data[: len(data) // 2])  # truncated mid-file, as an interrupted copy
    statuses = run_cohort(HEADER, _rows(broken), _config(demo_data))
    assert set(statuses) == set(EXPECTED)
    for sample, row in statuses.items():
        assert row["status"] == "failed", sample
        assert "broken.vcf.gz" in row["reason"] and "truncated" in row["reason"], row["reason"]
    (record,) = (tmp_path / "results/work").glob("joint/broken-*.json")
    assert "truncated" in json.loads(record.read_text())["error"]
    shutil.rmtree(tmp_path / "results")
