"""A case's files rendered from its triage.json: what `pidtriage report` and every per-case run write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["write_case_reports"]


def write_case_reports(doc: dict[str, Any], outdir: str | Path, *, xlsx: bool = True, variants_xlsx: bool = False,
                       pdf: bool = False, panel_vcf: str | Path | None = None) -> None:
    """candidates.tsv, report.html, interpretation.json (GA4GH Phenopacket) and (when asked) candidates.xlsx,
    variants.xlsx and report.pdf, all rendered from triage.json (variants.xlsx from the variants.tsv the triage
    stage wrote beside it); with `panel_vcf` (the case's panel extract), candidates.vcf.gz and its index, the
    candidates' own records (report/vcf_out.py)."""
    from pidtriage.io.jsonio import write_text
    from pidtriage.reanalysis import CHANGE_COLUMNS, case_rows
    from pidtriage.report.html import render_case
    from pidtriage.report.phenopacket import interpretation_json
    from pidtriage.report.tables import STRUCTURAL_COLUMNS, candidates_tsv, structural_rows, tsv

    out = Path(outdir)
    candidates = candidates_tsv(doc)
    html = render_case(doc)
    write_text(out / "candidates.tsv", candidates)
    write_text(out / "report.html", html)
    write_text(out / "interpretation.json", interpretation_json(doc))
    write_text(out / "changes.tsv", tsv(CHANGE_COLUMNS, case_rows(doc)))
    if panel_vcf is not None:
        from pidtriage.report.vcf_out import write_candidates_vcf

        write_candidates_vcf(doc, panel_vcf, out / "candidates.vcf.gz")
    if doc.get("structural"):  # only with SV input: the SV calls and what was done with each
        write_text(out / "structural.tsv", tsv(STRUCTURAL_COLUMNS, structural_rows(doc)))
    if xlsx or variants_xlsx:
        from pidtriage.report.xlsx import tsv_sheets_to_xlsx
    if xlsx:
        tsv_sheets_to_xlsx(out / "candidates.xlsx", {"candidates": candidates})
    if variants_xlsx:
        variants = out / "variants.tsv"
        tsv_sheets_to_xlsx(out / "variants.xlsx", {"variants": variants.read_text() if variants.exists() else ""})
    if pdf:
        from pidtriage.report.pdf import write_pdf

        write_pdf(html, out / "report.pdf")
