"""One case through the stages, one module per stage, each doing what its name says:

    validate ─▶ extract ─▶ annotate (with sample_qc) ─▶ triage (the case's result: pidtriage.result; variants.tsv)
    coverage (beside them, from the sheet's BAM/CRAM or mosdepth file)

The workflow's per-case job (`pidtriage case`) and `pidtriage run` chain them in one process (stages/case.py),
each handed its predecessor's `StageRecord` (stages/record.py) in memory; with `step_records` each record is also
written, and the stage commands (`pidtriage validate|extract|annotate|coverage|triage`) rerun one stage from the
record before it, for debugging. A joint-called VCF that several cases read is extracted once for all of them
first (stages/joint.py). A user error at any stage becomes a `failed` record that travels to the case's result;
any other error is caught once, at each stage's entry (the case boundary, record.unexpected_failure): never a
crash of the cohort. The reports (pidtriage.report) read the case's result only.
"""
from pidtriage.stages.annotate import annotate_stage
from pidtriage.stages.coverage import coverage_stage
from pidtriage.stages.extract import extract_stage
from pidtriage.stages.record import StageRecord, family_of, load_panel, read_stage, write_stage
from pidtriage.stages.triage import triage_stage
from pidtriage.stages.validate import validate_stage

__all__ = ["StageRecord", "annotate_stage", "coverage_stage", "extract_stage", "family_of", "load_panel",
           "read_stage", "triage_stage", "validate_stage", "write_stage"]
