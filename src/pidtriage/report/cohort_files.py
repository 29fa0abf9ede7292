"""The cohort's files for other tools, written by `pidtriage cohort` beside the dashboard: summary.tsv and
no_known_defect.tsv from `pidtriage.results`' typed frames, the MultiQC custom content (`multiqc/*_mqc.yaml`)
and the IGV sessions (`igv_session.xml`, `igv/<case>.xml`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["write_cohort_files"]


def write_cohort_files(docs: Sequence[Mapping[str, Any]], outdir: str | Path, *,
                       case_dirs: Mapping[str, Path] | None = None) -> None:
    """Write them into `outdir` (the cohort directory). `case_dirs`: each case's results directory by sample_id
    (default: `cases/<id>` beside `outdir`, the workflow's layout)."""
    from pidtriage.io.jsonio import write_text
    from pidtriage.report.igv import case_session, cohort_session
    from pidtriage.report.multiqc import multiqc_files
    from pidtriage.results import cohort_tables, frames

    out = Path(outdir)
    dirs = {d["case"]["sample_id"]: Path((case_dirs or {}).get(d["case"]["sample_id"])
                                         or out.parent / "cases" / d["case"]["sample_id"]) for d in docs}
    results = frames(docs)
    for name, text in cohort_tables(results, docs).items():
        write_text(out / name, text)
    for name, text in multiqc_files(results).items():
        write_text(out / "multiqc" / name, text)
    write_text(out / "igv_session.xml", cohort_session(docs, session_dir=out, case_dirs=dirs))
    for doc in docs:
        sid = doc["case"]["sample_id"]
        write_text(out / "igv" / f"{sid}.xml", case_session(doc, session_dir=out / "igv", case_dir=dirs[sid]))
