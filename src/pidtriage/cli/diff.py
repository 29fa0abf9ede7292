"""`pidtriage diff OLD NEW`: what changed between two kept runs (two triage.json files, or two result
directories), with the same rules and columns as a run's reanalysis (pidtriage.result.changes)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser("diff", help="what changed between two runs (two triage.json files or two result directories)",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  pidtriage diff results-2025-06/cases/P01/triage.json results/cases/P01/triage.json\n"
                              "  pidtriage diff results-2025-06 results --out changes.tsv")
    p.add_argument("old", metavar="OLD", help="the earlier run: a triage.json or a result directory")
    p.add_argument("new", metavar="NEW", help="the later run: a triage.json or a result directory (same kind as OLD)")
    p.add_argument("--out", metavar="TSV", help="write the table here (default: standard output)")
    p.set_defaults(func=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    from pidtriage.errors import ConfigError
    from pidtriage.report.tables import CHANGE_TABLE, table
    from pidtriage.result.case_result import read_result
    from pidtriage.result.changes import ChangeRow, cohort_changes, compare, previous_cases
    from pidtriage.stages.triage import reanalysed

    old, new = Path(args.old), Path(args.new)
    for p in (old, new):
        if not p.exists():
            raise ConfigError(f"{p}: no such file or directory; give two triage.json files or two result directories")
    if old.is_dir() != new.is_dir():
        raise ConfigError(f"{old} and {new}: give two triage.json files or two result directories, not one of each")
    if old.is_file():
        now = read_result(new)
        changes = compare(read_result(old), now, previous_path=str(old))
        rows = [ChangeRow.of(now.sample_id, item) for item in changes.items]
        summary = f"{now.sample_id}: {changes.summary}"
    else:
        # each case as a run's reanalysis compares it (a case absent before is a new case)
        results = [reanalysed(read_result(p), str(old / "cases" / p.parent.name / "triage.json"))
                   for p in sorted(new.glob("cases/*/triage.json"))]
        if not results:
            raise ConfigError(f"{new}: no cases/*/triage.json; give a result directory of pidtriage")
        cohort = cohort_changes(results, previous_cases(old))
        rows = list(cohort.rows)
        summary = (f"{len(results)} case(s): {len(cohort.recontact)} to recontact, {len(cohort.downgraded)} "
                   f"downgraded, {len(cohort.added)} added, {len(cohort.removed)} removed, "
                   f"{cohort.unchanged} unchanged; yield {cohort.yield_before}% → {cohort.yield_now}%")
    text = table(CHANGE_TABLE, rows)
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    print(f"pidtriage diff: {summary}", file=sys.stderr)
    return 0
