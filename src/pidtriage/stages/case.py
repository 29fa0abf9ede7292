"""One case through every stage in one process: what `pidtriage run` and the workflow's `case` rule do.

validate ─▶ coverage ─▶ extract ─▶ annotate ─▶ triage ─▶ the case's reports, each step handed its predecessor's
record in memory (StageRecord: with the input headers as validate checked them and the panel extract as extract
read it, so that no step reads a file again), one summary line per step to stderr (the case's log). One process
per case rather than one per step: a Python start, a config and panel load and a read of the extract once, not
six times (issue #17; RESULTS.md).

Each step's record is also written where `CasePaths` says when asked (config `step_records`, or
`--step-records`): a debug dump, to rerun one step alone from the record before it (`pidtriage triage --record
...`); nothing reads them. A case whose job fails is run again whole: a case takes about a second, and its
failures are results (its `failed` record), not errors to resume from.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pidtriage.config import Config
from pidtriage.io.jsonio import write_json, write_text
from pidtriage.io.outdir import case_lock
from pidtriage.io.vcf import quiet_htslib
from pidtriage.models import CaseInfo
from pidtriage.panel.tsv import Panel
from pidtriage.result.case_result import CaseResult
from pidtriage.stages.annotate import annotate_stage
from pidtriage.stages.coverage import coverage_stage
from pidtriage.stages.extract import extract_stage
from pidtriage.stages.record import JointExtract, StageRecord, summary_line, write_stage
from pidtriage.stages.triage import triage_stage
from pidtriage.stages.validate import validate_stage

__all__ = ["CasePaths", "hold", "run_case"]


@dataclass(frozen=True, slots=True)
class CasePaths:
    """Where one case's files go: the stage records and the panel extract (`work`), and the case's results
    (`case_dir`: triage.json, variants.tsv and the reports)."""

    validate: Path
    coverage: Path
    extract: Path
    panel_vcf: Path
    annotate: Path
    index_dir: Path  # index links and temporary parts of the extraction
    case_dir: Path

    @property
    def lock(self) -> Path:
        """The lock file held while the case is written (one writer per case: `hold`)."""
        return self.index_dir / "case.lock"

    @classmethod
    def workflow(cls, work: str | Path, sample_id: str, case_dir: str | Path) -> CasePaths:
        """The workflow's layout: WORK/<stage>/<id>.json, as the stage commands and earlier versions wrote it."""
        w = Path(work)
        return cls(validate=w / "validate" / f"{sample_id}.json", coverage=w / "coverage" / f"{sample_id}.json",
                   extract=w / "extract" / f"{sample_id}.json", panel_vcf=w / "extract" / f"{sample_id}.panel.vcf.gz",
                   annotate=w / "annotate" / f"{sample_id}.json", index_dir=w / "extract" / "index" / sample_id,
                   case_dir=Path(case_dir))

    @classmethod
    def single(cls, outdir: str | Path, sample_id: str) -> CasePaths:
        """`pidtriage run`'s layout: OUTDIR/work/<id>/<stage>.json and OUTDIR/cases/<id>/."""
        w = Path(outdir) / "work" / sample_id
        return cls(validate=w / "validate.json", coverage=w / "coverage.json", extract=w / "extract.json",
                   panel_vcf=w / "panel.vcf.gz", annotate=w / "annotate.json", index_dir=w,
                   case_dir=Path(outdir) / "cases" / sample_id)


def hold(paths: CasePaths) -> AbstractContextManager[None]:
    """Hold the case's lock while it is written: a second process writing the same case into the same folders
    stops at once with an OutputError naming the first one (io/outdir.py), instead of racing on its files."""
    return case_lock(paths.lock, case_dir=paths.case_dir)


def run_case(case: CaseInfo, config: Config, panel: Panel, paths: CasePaths, *, previous: str = "", jobs: int = 1,
             joint: Mapping[str, JointExtract] | None = None, log: TextIO | None = None,
             step_records: bool = False) -> CaseResult:
    """Every stage of one case, then triage.json, variants.tsv and the reports (which of them as config `report`
    says). `previous` is the case's triage.json of an earlier run ("" for none); `joint` the shared extractions of
    joint-called VCFs (stages/joint.py), by input VCF; `log` gets one line per stage (default stderr, the job's
    log); `step_records` (or config `step_records`) writes each stage's record too (module docstring). Returns the
    case's result. Never raises for a bad input: each stage turns it into the case's failed record."""
    from pidtriage.report.case_files import write_case_reports

    out = log or sys.stderr
    dump = step_records or bool(config.get("step_records"))
    record = validate_stage(case, config)
    _step(paths.validate if dump else None, record, summary_line("validate", record), out)
    quiet_htslib()  # its warnings about the input are in the log once, from the validate stage
    coverage = coverage_stage(record, config, panel)
    if dump:
        write_json(paths.coverage, coverage)
    record = extract_stage(record, config, panel, out_vcf=paths.panel_vcf, workdir=paths.index_dir, jobs=jobs,
                           joint=joint)
    _step(paths.extract if dump else None, record, summary_line("extract", record), out)
    record = annotate_stage(record, config, panel)
    _step(paths.annotate if dump else None, record, summary_line("annotate", record), out)
    result, variants = triage_stage(record, config, panel, coverage, previous)
    write_json(paths.case_dir / "triage.json", result)
    write_text(paths.case_dir / "variants.tsv", variants)
    print(triage_line(result), file=out, flush=True)
    write_case_reports(result, paths.case_dir, xlsx=bool(config.get("report", "xlsx")),
                       variants_xlsx=bool(config.get("report", "variants_xlsx")), pdf=bool(config.get("report", "pdf")),
                       panel_vcf=paths.panel_vcf)
    return result


def triage_line(result: CaseResult) -> str:
    """The triage step's line in the case's log."""
    return (f"pidtriage triage {result.sample_id}: {result.status} ({len(result.findings)} finding(s), "
            f"{result.n_candidates} candidate(s)): {result.reason}; changes: {result.changes.summary}")


def _step(path: Path | None, record: StageRecord, line: str, log: TextIO) -> None:
    """The step's line in the log, and its record when the records are asked for (`path`)."""
    if path is not None:
        write_stage(path, record)
    print(line, file=log, flush=True)
