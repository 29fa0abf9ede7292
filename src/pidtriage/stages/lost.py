"""Cases whose job ended without a result: the cohort summary still lists them, as failed, with a reason.

Inside Python every error of a case becomes its `failed` record (stages/record.py). A job can still end
without one when it is killed from outside: the kernel's out-of-memory killer, a cluster's time limit,
`scancel`, a node failure, or a second run holding the case. Snakemake then skips the cohort step, and the
workflow's `onerror` handler (workflow/rules/cohort.smk) runs `pidtriage cohort --lost ID ...`, which builds
each such case's failed triage document here, with what its log and Snakemake's log say, so that
`cohort/summary.tsv` still has every case of the sheet.

These documents are never written into the case's folder: the case has no result, and Snakemake must run its
job again on the next run.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Sequence
from pathlib import Path

from pidtriage.config import Config
from pidtriage.models import CaseInfo
from pidtriage.panel.tsv import Panel
from pidtriage.result.case_result import CaseResult
from pidtriage.stages.record import StageRecord
from pidtriage.stages.triage import triage_stage

__all__ = ["lost_case_result", "lost_reason"]

_STEP = re.compile(r"^pidtriage (validate|extract|annotate|triage) ")


def lost_reason(case: CaseInfo, case_log: Path, snakemake_logs: Sequence[Path] = ()) -> str:
    """One line: the case's job ended without a result; how (an error line the job printed, or the signal or
    cluster state Snakemake reported), after which step, where to look, and what to do."""
    lines = _lines(case_log)
    said = [line for line in lines if line.startswith("pidtriage: ")]
    if said:  # the job stopped on an error it could name (another run holding the case, a sheet error ...)
        return f"{case.vcf}: the case's job stopped without a result: {said[-1].removeprefix('pidtriage: ')}"
    steps = [m.group(1) for m in map(_STEP.match, lines) if m]
    after = f" after its {steps[-1]} step" if steps else " before its first step"
    how = _how(case.sample_id, snakemake_logs)
    logs = " and ".join(map(str, [case_log, *snakemake_logs[:1]]))
    return (f"{case.vcf}: the case's job ended without a result{how}{after}, as when a job is killed from outside "
            f"(out of memory, a time limit, scancel, a node failure); see {logs}, then run the same command again")


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()
    except OSError:
        return []


def _how(sample_id: str, snakemake_logs: Sequence[Path]) -> str:
    """What Snakemake's log says of the job: its shell's exit status (a signal when above 128) for a local job,
    or the cluster's state of a SLURM job. "" when it says nothing we can attribute to this case."""
    text = "\n".join("\n".join(_lines(p)) for p in snakemake_logs)
    # a cluster job's own log (a group's cases run in a Snakemake of their own there), as Snakemake names it
    jobs = dict.fromkeys(re.findall(r"(\S+/slurm_logs/\S+\.log)", text))
    text += "\n".join("\n".join(_lines(Path(p))) for p in jobs)
    local = re.search(rf"--sample-id {re.escape(sample_id)} [^\n]*returned non-zero exit status (\d+)", text)
    if local:
        status = int(local.group(1))
        if status > 128 and status - 128 in signal.valid_signals():
            number = status - 128
            return f" (killed by signal {number}, {signal.Signals(number).name})"
        return f" (exit status {status})"
    cluster = re.findall(r"SLURM status is: '(\w+)'", text)
    return f" (SLURM job state {cluster[-1]})" if cluster else ""


def lost_case_result(case: CaseInfo, config: Config, panel: Panel, reason: str, previous: str = "") -> CaseResult:
    """The case's failed result with `reason` (compared with its triage.json of a previous run at `previous`, as
    any case's)."""
    result, _ = triage_stage(StageRecord(case=case, failure=reason), config, panel, None, previous)
    return result
