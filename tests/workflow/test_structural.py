"""Deletions and duplications through Snakemake: the fixture SV VCFs (tests/sv_fixtures.py) on demo backgrounds,
each case's status and finding, the deletion named beside the SNV in the tables and the report; and the real
NA12878 Manta calls, whose PID-gene events are intronic, somatic (IGK, IGL) or artefacts, give no finding."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sv_fixtures import make_fixtures

pytestmark = pytest.mark.workflow


def _run(repo: Path, env: dict[str, str], tmp: Path, sheet: list[str], extra: dict, demo: Path) -> Path:
    (tmp / "s.tsv").write_text("\n".join(sheet) + "\n")
    config = {**yaml.safe_load((repo / "config/config.yaml").read_text()), "samples": str(tmp / "s.tsv"),
              "outdir": str(tmp / "results"), **extra}
    for key in ("clinvar", "population"):  # the demo's resources from the fixture (a fresh clone has no demo/data)
        config["resources"][key]["vcf"] = str(demo / Path(config["resources"][key]["vcf"]).name)
    (tmp / "c.yaml").write_text(yaml.safe_dump(config))
    exe = Path(sys.executable).with_name("snakemake")
    run = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--configfile", str(tmp / "c.yaml"), "-q"],
                         cwd=repo, capture_output=True, text=True, timeout=900, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return tmp / "results"


def test_sv_calls_join_the_snvs(repo, demo_data, tool_env, tmp_path):
    f = make_fixtures(demo_data, tmp_path / "fx")
    d = demo_data
    head = "sample_id\tvcf\tvcf_sample\tsex\tfather_id\tmother_id\taffected\tsv_vcf"
    sheet = [head,
             f"DOCK8HOM\t{d}/P06.vcf.gz\tP06\tmale\t\t\ttrue\t{f['dock8_sv']}",
             f"P03\t{f['trio_snv']}\tP03\tmale\tP03_F\tP03_M\ttrue\t{f['trio_sv']}",
             f"P03_F\t{f['trio_snv']}\tP03_F\tmale\t\t\tfalse\t{f['trio_sv']}",
             f"P03_M\t{f['trio_snv']}\tP03_M\tfemale\t\t\tfalse\t{f['trio_sv']}",
             f"RAG2DEL\t{d}/P06.vcf.gz\tP06\tmale\t\t\ttrue\t{f['rag2_alone_sv']}",
             f"HEMI\t{f['hemi_snv']}\tP06\tmale\t\t\ttrue\t{f['hemi_sv']}",
             f"MIXED\t{d}/P06.vcf.gz\tP06\tmale\t\t\ttrue\t{f['mixed_sv']}",
             f"NOSV\t{d}/P06.vcf.gz\tP06\tmale\t\t\ttrue\t",
             f"INMAIN\t{f['main_with_sv']}\tP06\tmale\t\t\ttrue\t"]
    out = _run(repo, tool_env, tmp_path, sheet, {}, demo_data)  # first without the SV population resource
    # rerun with the SV population resource (positive needs the frequency checked, as for SNVs)
    config = yaml.safe_load((tmp_path / "c.yaml").read_text())
    config["resources"]["sv_population"] = {"vcf": str(f["population"]), "af_field": "AF"}
    config["outdir"] = str(tmp_path / "with_population")
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    exe = Path(sys.executable).with_name("snakemake")
    run = subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--configfile", str(tmp_path / "c.yaml"),
                          "-q"], cwd=repo, capture_output=True, text=True, timeout=900, env=tool_env)
    assert run.returncode == 0, run.stderr[-3000:]
    res = tmp_path / "with_population"
    with (res / "cohort/summary.tsv").open() as fh:
        summary = {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}

    def doc(case: str) -> dict:
        return json.loads((res / f"cases/{case}/triage.json").read_text())

    def top(case: str) -> dict:
        return doc(case)["findings"][0]

    assert summary["DOCK8HOM"]["status"] == "positive" and top("DOCK8HOM")["finding"] == "AR_hom"
    # the carrier SNV and the deletion on the other copy (phase from the parents): positive, both named
    trio = top("P03")
    assert summary["P03"]["status"] == "positive" and trio["gene"] == "RAG2" and trio["finding"] == "AR_compound_het"
    assert any("<DEL>" in v for v in trio["variants"]) and any(v.endswith(":C:T") for v in trio["variants"])
    assert summary["RAG2DEL"]["status"] == "inconclusive" and top("RAG2DEL")["finding"] == "AR_single_het"
    hemi = top("HEMI")
    assert summary["HEMI"]["status"] == "positive" and hemi["finding"] == "AR_compound_het"
    assert "in trans by construction" in hemi["explanation"]
    mixed = doc("MIXED")
    assert summary["MIXED"]["status"] == "positive" and top("MIXED")["gene"] == "BTK"
    assert top("MIXED")["finding"] == "XL_hemi"
    # SV records in the case's own VCF are read too (no sv_vcf column needed)
    assert summary["INMAIN"]["status"] == "positive" and top("INMAIN")["gene"] == "BTK"
    assert doc("INMAIN")["structural"]["vcf"].endswith("main_with_sv.vcf.gz")
    assert [c["gene"] for c in mixed["low_quality_calls"]] == ["DOCK8"]
    cfhr = next(r for r in mixed["structural"]["calls"] if "CFHR3" in r["genes"])
    assert any(e["acmg_class"] == "B" and "4O" in e["criteria"] for e in cfhr["effects"])
    # the tables and the report name the deletion
    report = (res / "cases/P03/report.html").read_text()
    assert "RAG2 deletion of exon 2 of 2" in report and "c.1290G&gt;A" in report
    rows = (res / "cases/P03/structural.tsv").read_text().splitlines()
    assert any("AR_compound_het" in r for r in rows)
    assert "Deletions and duplications were assessed from" in report
    # without SV input nothing changes: no structural block, no structural.tsv
    assert "structural" not in doc("NOSV") and not (res / "cases/NOSV/structural.tsv").exists()
    # without the population resource the same findings are inconclusive (frequency not checked)
    with (out / "cohort/summary.tsv").open() as fh:
        before = {r["sample_id"]: r["status"] for r in csv.DictReader(fh, delimiter="\t")}
    assert before["DOCK8HOM"] == "inconclusive" and before["MIXED"] == "inconclusive"


@pytest.mark.shared
def test_real_manta_calls_of_na12878_give_no_finding(repo, shared_data, demo_data, tool_env, tmp_path):
    """NA12878 (healthy): its Manta calls in PID genes are intronic, whole-gene duplications of dosage-insensitive
    genes, somatic IGK/IGL rearrangements of the B-cell line, or megabase artefacts: no finding."""
    sheet = ["sample_id\tvcf\tsex\tsv_vcf",
             f"NA12878\t{shared_data}/vcf/platinum_NA12878_chr21.GRCh38.vcf.gz\tfemale\t{shared_data}/sv/NA12878_manta.GRCh38.vcf.gz"]
    res = _run(repo, tool_env, tmp_path, sheet, {}, demo_data)
    d = json.loads((res / "cases/NA12878/triage.json").read_text())
    assert d["status"] == "negative" and not any(c.get("structural") for c in d["candidates"])
    fates = [c["fate"] for c in d["structural"]["calls"]]
    assert sum("IGK locus" in x for x in fates) >= 2 and any("IGL locus" in x for x in fates)
    assert any("above sv.max_size" in x for x in fates)
    il2ra = next(c for c in d["structural"]["calls"] if c["genes"] == ["IL2RA"])
    assert il2ra["genotype"] == "1/1" and il2ra["effects"][0]["effect"] == "no exon"
