"""The command line in process (`pidtriage.cli.main`): the panel commands, the report and cohort commands on the
golden triage.json files, and one-line errors with exit status 2 for a user's mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from pidtriage.cli import main
from pidtriage.panel.tsv import read_panel

PANEL = Path(__file__).resolve().parents[2] / "gene_panels/iuis_iei_2024.tsv"
GOLDEN = Path(__file__).resolve().parents[1] / "golden/demo"


def _same(got: Path, golden: Path) -> bool:
    """The golden files hold <repo> and <results> for the run's paths (test_golden.py); rendered again from the
    golden triage.json those placeholders come out HTML-escaped."""
    text = got.read_text().replace("&lt;repo&gt;", "<repo>").replace("&lt;results&gt;", "<results>")
    return text == golden.read_text()


def test_panel_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["panel", "validate", str(PANEL)]) == 0
    assert "valid (" in capsys.readouterr().out


def test_panel_bed_of_a_gene_list_names_the_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    genes = tmp_path / "genes.txt"
    genes.write_text("BTK\nHGNC:9831\nNOTAGENE\n")  # HGNC:9831 is RAG1
    assert main(["panel", "bed", str(PANEL), "--genes", str(genes), "--padding", "10", "--chr-prefix"]) == 0
    out = capsys.readouterr()
    lines = [line.split("\t") for line in out.out.splitlines()]
    assert sorted(n[3] for n in lines) == ["BTK", "RAG1"]
    assert {n[0] for n in lines} == {"chrX", "chr11"}
    assert "NOTAGENE" in out.err


def test_panel_genes_with_no_known_name_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    genes = tmp_path / "genes.txt"
    genes.write_text("NOTAGENE\n")
    assert main(["panel", "genes", str(PANEL), str(genes)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("pidtriage: ") and "no name resolves" in err[-1]


def test_panel_subset_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sub = tmp_path / "table8.tsv"
    assert main(["panel", "subset", str(PANEL), "--iuis-table", "8", "-o", str(sub)]) == 0
    subset = read_panel(sub)
    assert subset.genes and all("8" in g.iuis_tables for g in subset.genes)
    capsys.readouterr()
    assert main(["panel", "diff", str(sub), str(PANEL)]) == 0
    added = [line for line in capsys.readouterr().out.splitlines() if line.startswith("added")]
    assert len(added) == len(read_panel(PANEL).genes) - len(subset.genes)


def test_an_empty_subset_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["panel", "subset", str(PANEL), "--iuis-table", "99"]) == 2
    assert "the subset is empty" in capsys.readouterr().err


def test_resources_check_without_a_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resources", "check", "--outdir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pidtriage: ") and err.count("\n") == 1


@pytest.mark.workflow
def test_cohort_command_renders_the_cohort_of_the_demo_run(demo_results: Path, tmp_path: Path) -> None:
    """The cohort step reads triage.json only: on the demo's documents it gives the demo run's cohort tables."""
    docs = sorted(str(p) for p in (demo_results / "cases").glob("*/triage.json"))
    assert main(["cohort", *docs, "--outdir", str(tmp_path), "--xlsx"]) == 0
    for name in ("summary.tsv", "no_known_defect.tsv", "report.html"):
        assert (tmp_path / name).read_text() == (demo_results / "cohort" / name).read_text(), name
    _xlsx_holds_the_tables(tmp_path / "summary.xlsx", docs, demo_results / "cohort/summary.tsv")


def _xlsx_holds_the_tables(path: Path, docs: list[str], summary: Path) -> None:
    """summary.xlsx: a sheet per table, the summary's rows those of summary.tsv, every candidate with its case and
    its contig in the panel's naming."""
    import json

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["summary", "no_known_defect", "candidates"]
    tsv_rows = [line.split("\t") for line in summary.read_text().splitlines()]
    sheet = [["." if v is None else str(v) for v in row] for row in wb["summary"].iter_rows(values_only=True)]
    assert [r[:2] for r in sheet] == [r[:2] for r in tsv_rows]  # sample_id, status: the same rows, same order
    candidates = list(wb["candidates"].iter_rows(values_only=True))
    expected = [(json.loads(Path(d).read_text())["case"]["sample_id"], c["gene"], c["chrom"].removeprefix("chr"))
                for d in docs for c in json.loads(Path(d).read_text())["candidates"]]
    header = candidates[0]
    assert header[:3] == ("sample_id", "rank", "gene")
    got = [(r[0], r[2], r[header.index("chrom")]) for r in candidates[1:]]
    assert got == expected and expected


def test_report_command_renders_the_golden_case_files(tmp_path: Path) -> None:
    doc = GOLDEN / "cases/P03/triage.json"
    assert main(["report", str(doc), "--outdir", str(tmp_path), "--xlsx"]) == 0
    for name in ("candidates.tsv", "report.html"):
        assert _same(tmp_path / name, GOLDEN / "cases/P03" / name), name
    assert (tmp_path / "candidates.xlsx").exists()


def test_run_with_a_bad_immunophenotype_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--vcf", str(tmp_path / "x.vcf.gz"), "--sample-id", "S1", "--sex", "male", "--outdir",
                 str(tmp_path), "--immunophenotype", "T=lowish"])
    assert code == 2
    assert capsys.readouterr().err.startswith("pidtriage: ")


def test_run_with_parents_in_the_vcf_gives_the_trios_golden_result(demo_data: Path, repo: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`pidtriage run --father --mother` judges the trio as the Snakemake run of the sheet does (P03: DCLRE1C in
    trans, phase from the parents)."""
    import json

    (tmp_path / "demo").mkdir()
    (tmp_path / "demo/data").symlink_to(demo_data)
    (tmp_path / "gene_panels").symlink_to(repo / "gene_panels")
    code = main(["run", "--configfile", str(repo / "config/config.yaml"), "--config-base", str(tmp_path),
                 "--vcf", str(demo_data / "F03.vcf.gz"), "--sample-id", "P03", "--sex", "male", "--father", "P03_F",
                 "--mother", "P03_M", "--suspected-category", "1", "--immunophenotype", "T=absent;B=absent",
                 "--hpo-terms", "HP:0004430;HP:0002028;HP:0009098", "--outdir", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    got = json.loads((tmp_path / "out/cases/P03/triage.json").read_text())
    want = json.loads((GOLDEN / "cases/P03/triage.json").read_text())
    assert got["case"]["father_id"] == "P03_F" and got["qc"]["samples_used"] == ["P03", "P03_F", "P03_M"]
    for key in ("status", "findings", "candidates", "phenotype"):
        assert got[key] == want[key], key


def test_each_step_logs_one_summary_line_and_htslib_warnings_once(demo_data: Path, repo: Path, tmp_path: Path,
                                                                   tool_env: dict[str, str]) -> None:
    """A VCF whose header htslib warns about (an INFO tag name starting with a digit, as in the Scout demo VCF):
    the validate step's log has the warning, the later steps' logs do not; each step logs its summary line."""
    import gzip
    import subprocess
    import sys

    import pysam

    vcf = tmp_path / "odd.vcf"
    with gzip.open(demo_data / "P01.vcf.gz", "rt") as fh:
        lines = fh.read().splitlines()
    lines.insert(1, '##INFO=<ID=1000GAF,Number=1,Type=Float,Description="an invalid tag name">')
    vcf.write_text("\n".join(lines) + "\n")
    pysam.tabix_index(str(vcf), preset="vcf", force=True)
    sheet = tmp_path / "s.tsv"
    sheet.write_text(f"sample_id\tvcf\tsex\nP01\t{vcf}.gz\tmale\n")
    exe = str(Path(sys.executable).with_name("pidtriage"))
    project = tmp_path / "project"  # the demo's resources where the demo config expects them (a fresh clone has none)
    (project / "demo").mkdir(parents=True)
    (project / "demo/data").symlink_to(demo_data)
    (project / "gene_panels").symlink_to(repo / "gene_panels")
    common = ["--configfile", str(repo / "config/config.yaml"), "--config-base", str(project)]
    w = tmp_path / "w"
    steps = {
        "validate": ["validate", *common, "--samples", str(sheet), "--sample-id", "P01", "--out", str(w / "v.json")],
        "extract": ["extract", *common, "--record", str(w / "v.json"), "--out", str(w / "e.json"), "--out-vcf",
                    str(w / "p.vcf.gz"), "--workdir", str(w)],
        "annotate": ["annotate", *common, "--record", str(w / "e.json"), "--out", str(w / "a.json")],
        "triage": ["triage", *common, "--record", str(w / "a.json"), "--out", str(w / "t.json")],
    }
    for step, argv in steps.items():
        run = subprocess.run([exe, *argv], capture_output=True, text=True, env=tool_env, timeout=120)
        assert run.returncode == 0, run.stderr
        warnings = [line for line in run.stderr.splitlines() if line.startswith("[W::")]
        assert (len(warnings) > 0) == (step == "validate"), (step, run.stderr)
        summary = [line for line in run.stderr.splitlines() if line.startswith(f"pidtriage {step} P01:")]
        assert len(summary) == 1, (step, run.stderr)
    assert "positive" in summary[0]


def test_diff_of_two_triage_json_files_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    doc = json.loads((GOLDEN / "cases/P03/triage.json").read_text())
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**doc, "status": "negative", "findings": []}))
    assert main(["diff", str(old), str(GOLDEN / "cases/P03/triage.json")]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[1].split("\t")[:2] == ["P03", "status"] and "finding_new" in out.out
    assert "P03: status negative → positive" in out.err
    assert main(["diff", str(old), str(tmp_path)]) == 2
    assert "not one of each" in capsys.readouterr().err
