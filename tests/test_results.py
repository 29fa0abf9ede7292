"""pidtriage.results.load: a run's results as typed DataFrames (categoricals for status, finding, ACMG class;
nullable numbers; <NA>, never "."), the same rows as the cohort files; and the per-case job never imports pandas."""

from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from pidtriage.errors import InputError
from pidtriage.report.tables import CANDIDATE_COLUMNS, SUMMARY_COLUMNS
from pidtriage.results import QC_COLUMNS, load

pytestmark = pytest.mark.workflow


def _tsv(path):
    with path.open() as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_frames_are_typed_and_hold_no_dot_strings(demo_results):
    r = load(demo_results)
    assert list(r.summary.columns) == list(SUMMARY_COLUMNS) and list(r.qc.columns) == list(QC_COLUMNS)
    assert list(r.candidates.columns) == ["sample_id", *CANDIDATE_COLUMNS]
    assert list(r.summary.status.cat.categories) == ["positive", "inconclusive", "negative", "failed"]
    assert r.candidates.acmg_class.cat.ordered and list(r.candidates.acmg_class.cat.categories)[:2] == ["P", "LP"]
    assert isinstance(r.findings.finding.dtype, pd.CategoricalDtype) and "AR_compound_het" in set(r.findings.finding)
    assert str(r.summary.no_known_defect.dtype) == "boolean" and str(r.summary.n_candidates.dtype) == "Int64"
    assert str(r.candidates.pos.dtype) == "Int64" and str(r.candidates.population_af.dtype) == "Float64"
    assert str(r.qc.ti_tv.dtype) == "Float64" and str(r.qc.mendelian_evaluated.dtype) == "boolean"
    for frame in (r.summary, r.candidates, r.findings, r.qc):
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.StringDtype):
                assert not frame[col].isin([".", ""]).any(), col
    p07 = r.summary.set_index("sample_id").loc["P07"]
    assert p07.status == "failed" and pd.isna(p07.no_known_defect) and pd.isna(p07.top_variant)


def test_frames_have_the_rows_of_the_cohort_files(demo_results):
    r = load(demo_results)
    rows = _tsv(demo_results / "cohort/summary.tsv")
    assert list(r.summary.sample_id) == [x["sample_id"] for x in rows]
    assert list(r.summary.status.astype(str)) == [x["status"] for x in rows]
    assert [("." if pd.isna(v) else v) for v in r.summary.genes] == [x["genes"] for x in rows]
    per_case = sum(len(_tsv(d / "candidates.tsv")) for d in (demo_results / "cases").iterdir())
    assert len(r.candidates) == per_case
    top = r.candidates.sort_values(["sample_id", "rank"]).groupby("sample_id", observed=True).head(1)
    assert set(top.chrom) <= {str(c) for c in (*range(1, 23), "X", "Y")}  # the panel's naming across the cohort
    trio = r.qc[r.qc.sample_id == "P03"]
    assert list(trio.role.astype(str)) == ["proband", "father", "mother"]
    assert list(trio.individual) == ["P03", "P03_F", "P03_M"]


def test_load_names_what_to_give_when_there_are_no_results(tmp_path):
    with pytest.raises(InputError, match=r"no cases/\*/triage.json here; give the run's outdir"):
        load(tmp_path)


def test_the_per_case_job_does_not_import_pandas(demo_data, tmp_path):
    """pandas is for the notebook and the cohort job: one case (`pidtriage run`, the code of the workflow's case
    job) finishes without importing it."""
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"resources": {"clinvar": {"vcf": str(demo_data / "clinvar_demo.vcf.gz"),
                                                             "min_review_stars": 0}}}))
    code = ("import sys; from pidtriage.cli import main; sys.argv = ['pidtriage', 'run', '--configfile', sys.argv[1], "
            "'--vcf', sys.argv[2], '--sample-id', 'P01', '--sex', 'male', '--outdir', sys.argv[3]]; rc = main(); "
            "print('pandas' in sys.modules, rc)")
    out = subprocess.run([sys.executable, "-c", code, str(cfg), str(demo_data / "P01.vcf.gz"), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["False", "0"], out.stdout + out.stderr
    assert (tmp_path / "out/cases/P01/candidates.vcf.gz").exists()
