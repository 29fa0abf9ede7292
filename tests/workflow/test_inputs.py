"""Inputs as labs send them: the bad-input corpus in one cohort, sheet errors, and a family whose members are
in VCFs of their own."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pysam
import pysam.bcftools
import pytest

pytestmark = pytest.mark.workflow
CORPUS = Path(__file__).resolve().parent.parent / "data" / "bad_inputs"
EXPECTED = {
    "unindexed.vcf.gz": "positive", "plain_gzip.vcf.gz": "positive", "windows_crlf.vcf": "positive",
    "bare_names.vcf.gz": "positive", "as_bcf.bcf": "positive", "gvcf.g.vcf": "positive",
    "multiallelic_gt_only.vcf": "positive", "no_variants.vcf": "failed: no panel gene could be assessed",
    "truncated.vcf.gz": "failed: truncated", "no_chrom_line.vcf": "failed: #CHROM", "malformed_record.vcf": "failed: parse",
    "missing_sample.vcf": "failed: fix sample_id or vcf_sample", "wrong_build.vcf": "failed: genome build GRCh37",
    "mixed_naming.vcf": "failed: rename", "not_a_vcf.txt": "failed: not a readable VCF", "empty.vcf": "failed: empty",
    # issue #16
    "lowercase_bases.vcf": "positive", "comma_in_sample_name.vcf": "positive", "formula_payload.vcf": "positive",
    "build_not_stated.vcf": "positive", "half_call.vcf": "negative", "haploid_autosome.vcf": "negative",
    "no_genotypes.vcf": "failed: no GT", "format_not_number.vcf": "failed: FORMAT/DP value '10,12' is not a number",
    "undeclared_info.vcf": "failed: INFO key 'FOO'", "unsorted.vcf": "failed: not sorted",
    "duplicate_samples.vcf": "failed: appears more than once", "corrupt_block.vcf.gz": "failed: corrupt",
    "xz_named_gz.vcf.gz": "failed: xz-compressed", "foreign_index.vcf.gz": "positive",
    # issue #30
    "records_without_gt.vcf": "failed: no GT (genotype) in FORMAT", "crc_mismatch.vcf.gz": "failed: CRC32",
    "double_gzip.vcf.gz": "failed: gzip-compressed twice", "given_the_index.vcf.gz.tbi": "failed: a tabix index",
    "block_removed.vcf.gz": "failed: does not match it",
}  # fmt: skip
SAMPLE = {"missing_sample.vcf": "S9", "comma_in_sample_name.vcf": "Doe,Jane"}
HEADER = "sample_id\tvcf\tvcf_sample\tsex\tfather_id\tmother_id\taffected"


def _config(resources: Path) -> dict:
    return {"resources": {"clinvar": {"vcf": str(resources / "clinvar_demo.vcf.gz"), "min_review_stars": 0},
                          "population": {"vcf": str(resources / "population_demo.vcf.gz"), "faf_field": "",
                                         "nhomalt_field": ""}}}


def test_corpus_is_complete():
    indexes = {p.name for p in CORPUS.glob("*.tbi") if p.with_suffix("").exists()}  # beside their VCF
    files = {p.name for p in CORPUS.iterdir()} - indexes - {"make_bad_inputs.py", "README.md"}
    assert files == set(EXPECTED)
    readme = (CORPUS / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in EXPECTED)


def test_bad_inputs_in_one_cohort(run_cohort, demo_data, tmp_path):
    rows = [f"{name.split('.')[0]}\t{CORPUS / name}\t{SAMPLE.get(name, 'S1')}\tmale\t\t\ttrue" for name in EXPECTED]
    summary = run_cohort(HEADER, rows, _config(demo_data))
    assert len(summary) == len(EXPECTED)  # nothing lost
    for name, expected in EXPECTED.items():
        row = summary[name.split(".")[0]]
        status, _, words = expected.partition(": ")
        assert row["status"] == status, (name, row)
        if status == "failed":
            reason = row["reason"]
            assert "\n" not in reason and str(CORPUS / name) in reason and words in reason, (name, reason)
            assert row["no_known_defect"] == "."  # a failed case is never reported as negative
        elif status == "positive":
            assert row["genes"] == "RAG1", (name, row)
    gvcf = json.loads((tmp_path / "results/cases/gvcf/triage.json").read_text())
    assert any(n.startswith("gVCF: 3 reference-block") for n in gvcf["qc"]["notes"])  # 2 blocks, 1 split <NON_REF>
    for log in (tmp_path / "results/logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(), log


@pytest.mark.parametrize(("rows", "message"), [
    (["A\tx.vcf\t\tmale\t\t\ttrue", "A\ty.vcf\t\tfemale\t\t\ttrue"], "duplicate sample_id 'A'"),
    (["A\tx.vcf\t\tmale\tDAD\t\ttrue"], "father_id 'DAD' is not in the sheet"),
])  # fmt: skip
def test_sheet_errors_stop_before_any_job(run_cohort, tmp_path, rows, message):
    run_cohort(HEADER, rows, {}, expect_ok=False)
    result = run_cohort.last
    assert result.returncode != 0 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "results").exists()


def _split_family(vcf: Path, out: Path) -> dict[str, Path]:
    """One single-sample VCF per member, sites where the member is hom-ref dropped (as a per-sample caller)."""
    paths = {}
    for sample in pysam.VariantFile(str(vcf)).header.samples:
        target = out / f"{sample}.vcf.gz"
        pysam.bcftools.view("--no-version", "-s", sample, "-i", 'GT="alt"', "-Oz", "-o", str(target), str(vcf),
                            catch_stdout=False)
        paths[sample] = target  # left unindexed on purpose
    return paths


def test_family_in_separate_vcfs(run_cohort, demo_data, tmp_path):
    """The demo DCLRE1C trio (P03) with each member in a VCF of its own still phases the compound het."""
    parts = _split_family(demo_data / "F03.vcf.gz", tmp_path)
    with gzip.open(parts["P03_M"], "rt") as fh:
        assert "P03\t" not in fh.read()
    summary = run_cohort(HEADER, [
        f"P03\t{parts['P03']}\t\tmale\tP03_F\tP03_M\ttrue",
        f"P03_F\t{parts['P03_F']}\t\tmale\t\t\tfalse",
        f"P03_M\t{parts['P03_M']}\t\tfemale\t\t\tfalse",
    ], _config(demo_data))
    assert summary["P03"]["status"] == "positive" and summary["P03"]["genes"] == "DCLRE1C"
    doc = json.loads((tmp_path / "results/cases/P03/triage.json").read_text())
    assert doc["findings"][0]["finding"] == "AR_compound_het"
    assert doc["qc"]["samples_used"] == ["P03", "P03_F", "P03_M"]
    assert [i["sex_inferred"] for i in doc["qc"]["individuals"]] == ["male", "male", "female"]
    assert any("own VCFs" in n for n in doc["qc"]["notes"])


def test_config_files_merge_and_the_demo_config_never_leaks(repo, tool_env, tmp_path, demo_data):
    """Several --configfile files merge in order; a user's config replaces config/config.yaml (the demo's
    resources must not creep into a real run); every command reads the one effective config."""
    import subprocess
    import sys

    import yaml

    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample_id\tvcf\tsex\nA\t{demo_data}/P06.vcf.gz\tmale\n")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(yaml.safe_dump({"samples": str(sheet), "outdir": str(tmp_path / "out"),
                                     "acmg": {"pm2_max_af": 0.0002}}))
    second.write_text(yaml.safe_dump({"acmg": {"bs1_min_af": 0.02}, "report": {"xlsx": False}}))
    exe = Path(sys.executable).with_name("snakemake")
    result = subprocess.run([str(exe), "-s", "workflow/Snakefile", "-n", "--configfile", str(first), str(second)],
                            cwd=repo, capture_output=True, text=True, timeout=300, env=tool_env)
    assert result.returncode == 0, result.stderr[-2000:]
    effective = yaml.safe_load((tmp_path / "out/work/config.yaml").read_text())
    assert effective["acmg"]["pm2_max_af"] == 0.0002 and effective["acmg"]["bs1_min_af"] == 0.02
    assert effective["resources"]["clinvar"]["vcf"] == ""  # not the demo's ClinVar
    assert effective["report"]["xlsx"] is False


def test_adversarial_files_beside_good_cases(run_cohort, demo_data, tmp_path):
    """Issue #16: inputs that used to stop the whole cohort or hide their cause, each in one cohort with good
    cases: every good case finishes, every bad one fails alone with its reason, no traceback reaches a log, the
    formula payload is inert in candidates.tsv, nothing is written outside the outdir."""
    good = CORPUS / "unindexed.vcf.gz"
    spaced = tmp_path / "dir with spaces"
    spaced.mkdir()
    (spaced / "good copy.vcf.gz").write_bytes(good.read_bytes())
    folder = tmp_path / "a_folder.vcf"
    folder.mkdir()
    dangling = tmp_path / "dangling.vcf.gz"
    dangling.symlink_to(tmp_path / "gone.vcf.gz")
    rows = [f"good1\t{good}\tS1\tmale\t\t\ttrue",
            f"spaces\t{spaced / 'good copy.vcf.gz'}\tS1\tmale\t\t\ttrue",
            f"folder\t{folder}\tS1\tmale\t\t\ttrue",
            f"dangling\t{dangling}\tS1\tmale\t\t\ttrue",
            f"missing\t{tmp_path / 'never_written.vcf.gz'}\tS1\tmale\t\t\ttrue",
            f"quote\t{good}\t\"S1\tmale\t\t\ttrue",  # an unbalanced quote: this row fails alone
            f"formula\t{CORPUS / 'formula_payload.vcf'}\tS1\tmale\t\t\ttrue",
            f"good2\t{CORPUS / 'windows_crlf.vcf'}\tS1\tmale\t\t\ttrue"]
    before = set(tmp_path.iterdir())
    summary = run_cohort(HEADER, rows, _config(demo_data))
    assert set(summary) == {"good1", "spaces", "folder", "dangling", "missing", "quote", "formula", "good2"}
    for sid in ("good1", "spaces", "formula", "good2"):
        assert summary[sid]["status"] == "positive", summary[sid]
    expected = {"folder": "not a regular file", "dangling": "a symbolic link to a missing file",
                "missing": "no such file", "quote": "sample '\"S1' not in the VCF"}
    for sid, words in expected.items():
        assert summary[sid]["status"] == "failed" and words in summary[sid]["reason"], summary[sid]
    tsv = (tmp_path / "results/cases/formula/candidates.tsv").read_text()
    assert "\t'=2+5+HYPERLINK" in tsv and "\t'@SUM(A1)" in tsv and "\t=2+5" not in tsv
    for log in (tmp_path / "results/logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(), log
    assert set(tmp_path.iterdir()) - before <= {tmp_path / "results", tmp_path / "samples.tsv", tmp_path / "config.yaml"}


@pytest.mark.parametrize(("sheet", "words"), [
    ("sample_id\tvcf\tsex\tFather_ID\nA\ta.vcf\tmale\tB\n", "unknown column 'Father_ID'; did you mean 'father_id'?"),
    ("sample_id\tvcf\tsex\tmother\nA\ta.vcf\tmale\tB\n", "unknown column 'mother'; did you mean 'mother_id'?"),
    ("sample_id\tvcf\tsex\tsex\nA\ta.vcf\tmale\tmale\n", "column 'sex' appears more than once"),
    ("sample_id\tvcf\tsex\tfather_id\nA\ta.vcf\tmale\tA\n", "A is its own father"),
    ("sample_id\tvcf\tsex\tfather_id\taffected\nA\ta.vcf\tmale\tB\ttrue\nB\tb.vcf\tmale\tA\tfalse\n",
     "its own ancestor"),
    ("sample_id\tvcf\tsex\n..\ta.vcf\tmale\n", "must use letters, digits"),
    ("sample_id\tvcf\tsex\taffected\nA\ta.vcf\tmale\tfalse\n", "no affected individual"),
    ("sample_id\tvcf\tsex\tsuspected_category\nA\ta.vcf\tmale\t\u0663\n", "not an IUIS table number"),
    ("sample_id,vcf,sex\nA,a.vcf,male\n", "looks comma-separated"),
    ("sample_id\tvcf\tsex\tsv_vsf\nA\ta.vcf\tmale\tsv.vcf\n", "did you mean 'sv_vcf'"),
])
def test_sheet_errors_name_the_fix(tmp_path, sheet, words):
    from pidtriage.errors import PidTriageError
    from pidtriage.io.samples import read_sample_sheet

    path = tmp_path / "s.tsv"
    path.write_text(sheet)
    with pytest.raises(PidTriageError, match=None) as err:
        read_sample_sheet(path)
    assert words in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_sheet_in_another_encoding_is_named(tmp_path, encoding):
    from pidtriage.errors import ConfigError
    from pidtriage.io.samples import read_sample_sheet

    path = tmp_path / "s.tsv"
    path.write_bytes("sample_id\tvcf\tsex\nAndré\ta.vcf\tmale\n".encode(encoding))
    with pytest.raises(ConfigError, match="save it as UTF-8"):
        read_sample_sheet(path)


def test_bad_inputs_through_the_forked_extraction(demo_data, tmp_path, tool_env, repo):
    """`pidtriage run --threads 2` (extraction in child processes) ends each corpus file as the one-process
    cohort above does: a failure in a child is the case's one-line reason, never a traceback or a lost case."""
    import subprocess
    import sys

    import yaml

    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"panel": str(repo / "gene_panels/iuis_iei_2024.tsv"), **_config(demo_data)}))
    exe = str(Path(sys.executable).with_name("pidtriage"))
    for name, expected in EXPECTED.items():
        sample = SAMPLE.get(name, "S1")
        out = tmp_path / name
        result = subprocess.run([exe, "run", "--configfile", str(cfg), "--vcf", str(CORPUS / name), "--sample-id", "S",
                                 "--vcf-sample", sample, "--sex", "male", "--threads", "2", "--outdir", str(out)],
                                capture_output=True, text=True, timeout=120, env=tool_env)
        status, _, words = expected.partition(": ")
        assert "Traceback" not in result.stderr, (name, result.stderr[-2000:])
        doc = json.loads((out / "cases/S/triage.json").read_text())
        assert doc["status"] == status, (name, doc["reason"])
        assert result.returncode == (2 if status == "failed" else 0), name
        if status == "failed":
            assert words in doc["reason"] and str(CORPUS / name) in doc["reason"], (name, doc["reason"])
