"""The cohort's files for other tools, written by `pidtriage cohort` beside the dashboard: summary.tsv and
no_known_defect.tsv from `pidtriage.results`' typed frames, the MultiQC custom content (`multiqc/*_mqc.yaml`)
and the IGV sessions (`igv_session.xml`, `igv/<case>.xml`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pidtriage.result.case_result import CaseResult

__all__ = ["write_cohort_files"]


def write_cohort_files(results: Sequence[CaseResult], outdir: str | Path, *,
                       case_dirs: Mapping[str, Path] | None = None) -> None:
    """Write them into `outdir` (the cohort directory). `case_dirs`: each case's results directory by sample_id
    (default: `cases/<id>` beside `outdir`, the workflow's layout)."""
    from pidtriage.io.jsonio import write_text
    from pidtriage.report.igv import case_session, cohort_session
    from pidtriage.report.multiqc import multiqc_files
    from pidtriage.results import cohort_tables, frames

    out = Path(outdir)
    dirs = {r.sample_id: Path((case_dirs or {}).get(r.sample_id) or out.parent / "cases" / r.sample_id)
            for r in results}
    frames_ = frames(results)
    for name, text in cohort_tables(frames_, results).items():
        write_text(out / name, text)
    for name, text in multiqc_files(frames_).items():
        write_text(out / "multiqc" / name, text)
    write_text(out / "igv_session.xml", cohort_session(results, session_dir=out, case_dirs=dirs))
    for r in results:
        write_text(out / "igv" / f"{r.sample_id}.xml", case_session(r, session_dir=out / "igv", case_dir=dirs[r.sample_id]))
