"""Reanalysis end to end on real variants: the demo cohort and spiked real-background cases run twice through
Snakemake, first with the IUIS 2022 panel and an "old" ClinVar (the derived PID ClinVar set with named records
dropped or reclassified by scripts/make_old_clinvar.py), then with the 2024 panel and the real set, with changed
family data and sheet rows. Each kind of change appears with its cause, in triage.json, the case's changes.tsv
and report, the cohort's changes.tsv (golden file) and dashboard; an identical re-run reports no change."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
import yaml

pytestmark = [pytest.mark.workflow, pytest.mark.shared]

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "reanalysis" / "changes.tsv"
# real ClinVar P records of the derived set (../shared/data/clinvar), spiked as heterozygous calls
CLPB = ("chr11", 72294047, "T", "C")  # CLPB: AR in IUIS 2022, AD or AR in 2024
LYN = ("chr8", 56010094, "A", "T")  # LYN: added to the panel in IUIS 2024 (AD)
RAG2_SECOND = ("11", 36593574, "C", "A")  # a second RAG2 P variant, for demo P05 (single heterozygote)
RAG1_P02 = "11:36573626:C:T"  # dropped from the old ClinVar
BTK_P01 = "X:101356871:C:T"  # Uncertain_significance in the old ClinVar
IL17F = ("chr6", 52236944, "T", "C")  # IL17F (AD): Likely_benign in ClinVar, Pathogenic in the old ClinVar


def _spiked(source: Path, out: Path, records: list[tuple[str, int, str, str]], sample: str) -> Path:
    """`source` (a demo VCF) with heterozygous calls added, sorted, bgzipped and indexed."""
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt") as fh:
        lines = fh.read().splitlines()
    header = [x for x in lines if x.startswith("#")]
    body = [x for x in lines if not x.startswith("#")]
    body += [f"{c}\t{p}\t.\t{r}\t{a}\t500\tPASS\t.\tGT:AD:DP:GQ\t0/1:15,15:30:99" for c, p, r, a in records]
    order = {f"{p}{c}": i for i, c in enumerate([*map(str, range(1, 23)), "X", "Y"]) for p in ("", "chr")}
    body.sort(key=lambda x: (order.get(x.split("\t")[0], 99), int(x.split("\t")[1])))
    header[-1] = "\t".join([*header[-1].split("\t")[:9], sample])
    plain = out.with_suffix("")
    plain.write_text("\n".join(header + body) + "\n")
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def _run(repo: Path, env: dict[str, str], config: dict, tmp: Path, name: str) -> Path:
    cfg = tmp / f"{name}.yaml"
    cfg.write_text(yaml.safe_dump(config))
    exe = Path(sys.executable).with_name("snakemake")
    run = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--configfile", str(cfg), "-q"],
                         cwd=repo, capture_output=True, text=True, timeout=900, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return Path(config["outdir"])


def _panel(repo: Path, year: str) -> tuple:
    from pidtriage.panel.tsv import read_panel

    return read_panel(repo / f"gene_panels/iuis_iei_{year}.tsv").genes


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_reanalysis_reports_each_change_with_its_cause(repo, demo_data, shared_data, tool_env, tmp_path, request):
    derived = shared_data / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
    old_clinvar = tmp_path / "clinvar_old.vcf.gz"
    subprocess.run([sys.executable, str(repo / "scripts/make_old_clinvar.py"), str(derived), str(old_clinvar),
                    "--date", "20240101", "--drop", RAG1_P02, "--reclassify", f"{BTK_P01}=Uncertain_significance",
                    "--reclassify", "6:52236944:T:C=Pathogenic"],
                   check=True, capture_output=True)
    d = demo_data
    x1 = _spiked(d / "P06.vcf.gz", tmp_path / "X1.vcf.gz", [CLPB], "X1")
    x2 = _spiked(d / "P06.vcf.gz", tmp_path / "X2.vcf.gz", [LYN], "X2")
    x3 = _spiked(d / "P06.vcf.gz", tmp_path / "X3.vcf.gz", [IL17F], "X3")
    p05_new = _spiked(d / "P05.vcf", tmp_path / "P05_new.vcf.gz", [RAG2_SECOND], "P05")
    head = "sample_id\tvcf\tsex\tfather_id\tmother_id\taffected\tsuspected_category"
    common = [f"P01\t{d}/P01.vcf.gz\tmale\t\t\ttrue\t3", f"P02\t{d}/P02.vcf.gz\tfemale\t\t\ttrue\t1",
              f"X1\t{x1}\tmale\t\t\ttrue\t", f"X2\t{x2}\tmale\t\t\ttrue\t", f"X3\t{x3}\tmale\t\t\ttrue\t"]
    old_sheet = [*common, f"P03\t{d}/F03.vcf.gz\tmale\t\t\ttrue\t1", f"P05\t{d}/P05.vcf\tfemale\t\t\ttrue\t1",
                 f"P07\t{d}/P07.vcf.gz\tfemale\t\t\ttrue\t"]
    new_sheet = [*common, f"P03\t{d}/F03.vcf.gz\tmale\tP03_F\tP03_M\ttrue\t1",
                 f"P03_F\t{d}/F03.vcf.gz\tmale\t\t\tfalse\t", f"P03_M\t{d}/F03.vcf.gz\tfemale\t\t\tfalse\t",
                 f"P05\t{p05_new}\tfemale\t\t\ttrue\t1", f"P06\t{d}/P06.vcf.gz\tmale\t\t\ttrue\t3"]
    for name, rows in (("old", old_sheet), ("new", new_sheet)):
        (tmp_path / f"{name}.tsv").write_text(head + "\n" + "\n".join(rows) + "\n")
    population = {"vcf": str(d / "population_demo.vcf.gz"), "name": "gnomAD genomes (demo subset)",
                  "af_field": "AF_joint", "an_field": "AN_joint", "faf_field": "", "nhomalt_field": ""}
    base = {"genome_build": "GRCh38", "resources": {"population": population}}
    old = _run(repo, tool_env, {**base, "samples": str(tmp_path / "old.tsv"), "outdir": str(tmp_path / "old"),
                                "panel": str(repo / "gene_panels/iuis_iei_2022.tsv"),
                                "resources": {"population": population, "clinvar": {"vcf": str(old_clinvar),
                                                                                     "min_review_stars": 0}}},
               tmp_path, "old")
    new_config = {**base, "samples": str(tmp_path / "new.tsv"), "outdir": str(tmp_path / "new"),
                  "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"), "reanalysis": {"previous": str(old)},
                  "resources": {"population": population, "clinvar": {"vcf": str(derived), "min_review_stars": 0}}}
    new = _run(repo, tool_env, new_config, tmp_path, "new")

    rows = _rows(new / "cohort/changes.tsv")
    kinds = {(r["sample_id"], r["kind"]): r for r in rows}
    # each kind of change, with its cause
    assert kinds[("P01", "clinvar")]["cause"] == "new ClinVar"
    assert kinds[("P01", "acmg_class")]["detail"] == "criteria +PP5_ClinVar"
    assert (kinds[("P02", "status")]["old"], kinds[("P02", "status")]["new"]) == ("negative", "positive")
    assert kinds[("P02", "finding_new")]["cause"] == "new ClinVar"
    assert kinds[("P03", "phase")]["new"] == "AR_compound_het" and kinds[("P03", "phase")]["cause"] == "new input"
    assert kinds[("P05", "second_hit")]["cause"] == "new input"
    assert kinds[("X1", "panel_gene")]["old"] == "AR" and kinds[("X1", "panel_gene")]["cause"] == "new panel"
    assert kinds[("X2", "panel_gene")]["old"] == "not in the panel" and kinds[("X2", "finding_new")]["cause"] == "new panel"
    assert kinds[("P06", "case_added")]["new"] == "negative" and kinds[("P07", "case_removed")]["old"] == "failed"
    assert kinds[("X3", "finding_gone")]["cause"] == "new ClinVar"
    assert json.loads((new / "cases/X3/triage.json").read_text())["changes"]["downgraded"]
    normalised = (new / "cohort/changes.tsv").read_text().replace(str(tmp_path), "<tmp>")
    if request.config.getoption("--update-golden"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(normalised)
    assert GOLDEN.exists(), "no golden changes.tsv: run with --update-golden and review it"
    assert normalised == GOLDEN.read_text(), "cohort/changes.tsv differs from tests/golden/reanalysis/changes.tsv"
    # the case's files and report, the dashboard
    p02 = json.loads((new / "cases/P02/triage.json").read_text())
    assert p02["changes"]["recontact"] and not p02["changes"]["downgraded"]
    # the new panel, said with what it did to each case (issue #29: not "no change" after genes entered)
    entered = len({g.symbol for g in _panel(repo, "2024")} - {g.symbol for g in _panel(repo, "2022")})
    x2 = json.loads((new / "cases/X2/triage.json").read_text())["changes"]
    assert x2["panel_note"].startswith(f"{entered} gene(s) entered the panel") and "LYN carries a candidate" in x2["panel_note"]
    p01 = json.loads((new / "cases/P01/triage.json").read_text())["changes"]
    assert p01["panel_note"].endswith("none of them carries a candidate in this patient")
    assert p02["changes"]["differences"]["new ClinVar"].endswith("→ not stated in the VCF header") or p02["changes"]["differences"]["new ClinVar"]
    assert len(_rows(new / "cases/P02/changes.tsv")) == 2
    report = (new / "cases/P02/report.html").read_text()
    assert "What changed since the analysis of" in report and "The result changed from negative to positive" in report
    p03 = (new / "cases/P03/report.html").read_text()
    counsellor = p03[p03.index('<main id="counsellor">'):p03.index("</main>")]
    assert "now two different changes, one on each copy" in counsellor and "AR_compound_het" not in counsellor
    dashboard = (new / "cohort/report.html").read_text()
    assert "Changes since the previous run" in dashboard and "To recontact" in dashboard
    first = json.loads((old / "cases/P01/triage.json").read_text())["candidates"][0]
    assert json.loads((new / "cases/P01/triage.json").read_text())["candidates"][0]["first_seen"] == first["first_seen"]

    # an identical re-run: no change, and nothing else
    same = _run(repo, tool_env, {**new_config, "outdir": str(tmp_path / "same"),
                                 "reanalysis": {"previous": str(new)}}, tmp_path, "same")
    assert _rows(same / "cohort/changes.tsv") == []
    for case in ("P01", "P02", "P03", "P05", "X1", "X2", "X3", "P06"):
        doc = json.loads((same / f"cases/{case}/triage.json").read_text())
        assert doc["changes"]["summary"] == "no change" and doc["changes"]["items"] == [], case
    assert "No change in the result since the previous analysis" in (same / "cases/P02/report.html").read_text()

    # the same table from two kept runs
    from pidtriage.cli import main

    assert main(["diff", str(old), str(new), "--out", str(tmp_path / "diff.tsv")]) == 0
    assert (tmp_path / "diff.tsv").read_text() == (new / "cohort/changes.tsv").read_text()
    shutil.rmtree(tmp_path / "same")
