"""Bad input gets a one-line reason naming the file and the fix, never a traceback."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pidtriage.cli import main

HEADER = "##fileformat=VCFv4.2\n##contig=<ID=11,length=135086622>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"


@pytest.fixture
def config(tmp_path, repo):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"panel: {repo}/gene_panels/iuis_iei_2024.tsv\n")
    return str(cfg)


def run(tmp_path: Path, vcf: Path, config: str, capsys, sample: str = "S1") -> tuple[int, str, dict]:
    code = main(["run", "--vcf", str(vcf), "--sample-id", sample, "--sex", "female", "--outdir", str(tmp_path / "o"),
                 "--configfile", config])
    err = capsys.readouterr().err
    doc = json.loads((tmp_path / "o/cases" / sample / "triage.json").read_text())
    return code, err, doc


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.vcf", None, "no such file"),
        ("empty.vcf", "", "the file is empty"),
        ("notvcf.vcf", "hello, this is a spreadsheet\n1,2,3\n", "not a readable VCF"),
        ("nochrom.vcf", "##fileformat=VCFv4.2\n11\t36573626\t.\tC\tT\t.\tPASS\t.\n", "not a readable VCF"),
    ],
)
def test_unreadable_inputs_fail_cleanly(tmp_path, config, capsys, name, content, expected):
    vcf = tmp_path / name
    if content is not None:
        vcf.write_text(content)
    code, err, doc = run(tmp_path, vcf, config, capsys)
    assert code == 2
    assert doc["status"] == "failed" and doc["no_known_defect"] is None
    assert expected in doc["reason"] and name in doc["reason"]
    assert "Traceback" not in err and err.count("\n") == 1


def test_truncated_gzip(tmp_path, config, capsys):
    vcf = tmp_path / "t.vcf.gz"
    data = gzip.compress((HEADER + "11\t36573626\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n" * 200).encode())
    vcf.write_bytes(data[: len(data) // 2])
    code, _, doc = run(tmp_path, vcf, config, capsys)
    assert code == 2 and "truncated" in doc["reason"]


def test_missing_sample(tmp_path, config, capsys):
    vcf = tmp_path / "s.vcf"
    vcf.write_text(HEADER + "11\t36573626\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n")
    code, _, doc = run(tmp_path, vcf, config, capsys, sample="OTHER")
    assert code == 2 and "sample 'OTHER' not in the VCF" in doc["reason"] and "vcf_sample" in doc["reason"]


@pytest.fixture
def config_with_clinvar(tmp_path, repo, demo_data):
    cfg = tmp_path / "cv.yaml"
    cfg.write_text(f"panel: {repo}/gene_panels/iuis_iei_2024.tsv\n"
                   f"resources: {{clinvar: {{vcf: {demo_data}/clinvar_demo.vcf.gz, min_review_stars: 0}}}}\n")
    return str(cfg)


def test_header_only_vcf_is_failed_not_negative(tmp_path, config_with_clinvar, capsys):
    """A VCF with no records: not one panel gene could be assessed, so the case is never called negative
    (issue #29: a negative is claimed only for genes the input covers)."""
    vcf = tmp_path / "novar.vcf"
    vcf.write_text(HEADER)
    code, _, doc = run(tmp_path, vcf, config_with_clinvar, capsys)
    assert code == 2 and doc["status"] == "failed" and doc["no_known_defect"] is None
    assert doc["reason"].startswith(f"{vcf}: no panel gene could be assessed")
    assert doc["scope"]["genes_assessed"] == 0 and doc["scope"]["genes_total"] == 505


def test_nothing_assessable_is_failed_not_negative(tmp_path, config, capsys):
    """No consequence annotation in the VCF and no ClinVar configured: no variant could be judged at all."""
    vcf = tmp_path / "novar.vcf"
    vcf.write_text(HEADER + "11\t36573626\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\n")
    code, _, doc = run(tmp_path, vcf, config, capsys)
    assert code == 2  # `pidtriage run` of one failed case exits 2, with its triage.json written
    assert doc["status"] == "failed" and doc["no_known_defect"] is None
    assert doc["reason"].startswith(f"{vcf}: no variant could be assessed")
    assert "set resources.clinvar.vcf" in doc["reason"]


def test_multiallelic_record_is_split(tmp_path, config_with_clinvar, capsys, repo):
    # RAG1 p.Arg108Ter (C>T) written as the second ALT of a multiallelic record
    vcf = tmp_path / "multi.vcf"
    vcf.write_text(HEADER + "11\t36573626\t.\tC\tA,T\t50\tPASS\t.\tGT\t1/2\n")
    code, _, doc = run(tmp_path, vcf, config_with_clinvar, capsys)
    assert code == 0
    # no ClinVar configured: the split record is still read, with the T allele present
    assert doc["qc"]["records_in_panel_regions"] == 2


def test_duplicate_sample_ids_are_a_config_error(tmp_path, capsys):
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample_id\tvcf\tsex\nA\ta.vcf\tmale\nA\tb.vcf\tfemale\n")
    code = main(["validate", "--samples", str(sheet), "--sample-id", "A", "--out", str(tmp_path / "x.json")])
    assert code == 2
    assert "duplicate sample_id 'A'" in capsys.readouterr().err


def test_parent_not_in_sheet_is_a_pedigree_error(tmp_path, capsys):
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample_id\tvcf\tsex\tfather_id\nA\ta.vcf\tmale\tDAD\n")
    code = main(["validate", "--samples", str(sheet), "--sample-id", "A", "--out", str(tmp_path / "x.json")])
    assert code == 2
    assert "father_id 'DAD' is not in the sheet" in capsys.readouterr().err


def test_bad_config_value(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("genome_build: hg19\n")
    code = main(["run", "--vcf", "x.vcf", "--sample-id", "S", "--sex", "male", "--outdir", str(tmp_path),
                 "--configfile", str(cfg)])
    assert code == 2
    err = capsys.readouterr().err
    assert "genome_build" in err and "config.schema.yaml" in err


# --- issue #30: the output folder, and one writer per case --------------------------------------------------------

@pytest.mark.parametrize("fault", ["a file", "under a file", "read-only", "full"])
def test_output_folder_faults_are_one_line_before_any_work(tmp_path, config, capsys, tmpfs, fault):
    """`pidtriage run --outdir` naming a file, a path under a file, a read-only or a full disk: one line naming
    the folder and the fix, exit 2, nothing written (they were NotADirectoryError and FileNotFoundError
    tracebacks)."""
    if fault == "a file":
        outdir = tmp_path / "out"
        outdir.write_text("")
    elif fault == "under a file":
        (tmp_path / "taken").write_text("")
        outdir = tmp_path / "taken" / "out"
    elif fault == "read-only":
        outdir = tmpfs("1m", read_only=True) / "out"
    else:
        outdir = tmpfs("64k") / "out"
    vcf = tmp_path / "s.vcf"
    vcf.write_text(HEADER + "11\t36573626\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n")
    code = main(["run", "--vcf", str(vcf), "--sample-id", "S1", "--sex", "male", "--outdir", str(outdir),
                 "--configfile", config])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith(f"pidtriage: {outdir}: "), err
    assert "--outdir" in err and "Traceback" not in err
    expected = {"a file": "exists and is a file", "under a file": "is a file, not a folder",
                "read-only": "read-only file system", "full": "MB free"}[fault]
    assert expected in err, err


def test_full_disk_without_a_free_space_floor_is_named_by_the_probe_write(tmp_path, tmpfs):
    from pidtriage.errors import OutputError
    from pidtriage.io.outdir import check_output_folder

    disk = tmpfs("64k")
    (disk / "filler").write_bytes(b"\0" * 60_000)
    with pytest.raises(OutputError, match="its disk is full"):
        check_output_folder(disk / "out", option="--outdir", min_free_mb=0)


def _run_together(exe: str, args: list[str], env: dict[str, str]) -> list[subprocess.CompletedProcess[str]]:
    procs = [subprocess.Popen([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=300), *p.communicate()) for p in procs]


def test_two_runs_of_one_case_into_one_outdir(tmp_path, repo, demo_data, tool_env):
    """Two `pidtriage run` of the same case into one outdir, started together: one writes the case, the other
    stops at once with one line naming the first (they used to race on the same working files and end as
    `failed`: "FileNotFoundError: ... work/cc1/panel.vcf.gz.group0"). With the lock held by this test, a run
    refuses whatever the timing."""
    import fcntl

    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"panel: {repo}/gene_panels/iuis_iei_2024.tsv\n"
                   f"resources: {{clinvar: {{vcf: {demo_data}/clinvar_demo.vcf.gz, min_review_stars: 0}}}}\n")
    out = tmp_path / "out"
    args = ["run", "--configfile", str(cfg), "--vcf", str(demo_data / "P02.vcf.gz"), "--sample-id", "cc1", "--sex",
            "female", "--vcf-sample", "P02", "--threads", "2", "--outdir", str(out)]
    exe = str(Path(sys.executable).with_name("pidtriage"))
    runs = _run_together(exe, args, tool_env)
    for r in runs:
        assert "Traceback" not in r.stderr and "unexpected error" not in r.stdout + r.stderr, r.stderr
        assert r.returncode == 0 or (r.returncode == 2 and "another pidtriage process (pid " in r.stderr), r.stderr
    assert json.loads((out / "cases/cc1/triage.json").read_text())["status"] == "inconclusive"  # as run alone

    with (out / "work/cc1/case.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        refused = subprocess.run([exe, *args], capture_output=True, text=True, env=tool_env, timeout=300)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert f"pidtriage: {out / 'cases/cc1'}: another pidtriage process" in refused.stderr
    assert "wait for it to finish, or give this run another output folder" in refused.stderr
