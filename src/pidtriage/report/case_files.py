"""A case's files rendered from its result: what `pidtriage report` and every per-case run write."""

from __future__ import annotations

from pathlib import Path

from pidtriage.result.case_result import CaseResult

__all__ = ["write_case_reports"]


def write_case_reports(result: CaseResult, outdir: str | Path, *, xlsx: bool = True, variants_xlsx: bool = False,
                       pdf: bool = False, panel_vcf: str | Path | None = None) -> None:
    """candidates.tsv, report.html, interpretation.json (GA4GH Phenopacket) and (when asked) candidates.xlsx,
    variants.xlsx and report.pdf, all rendered from the result (variants.xlsx from the variants.tsv the triage
    stage wrote beside it); with `panel_vcf` (the case's panel extract), candidates.vcf.gz and its index, the
    candidates' own records (report/vcf_out.py)."""
    from pidtriage.io.jsonio import write_text
    from pidtriage.report.html import render_case
    from pidtriage.report.interpretation import interpretation_json
    from pidtriage.report.tables import CHANGE_TABLE, candidates_tsv, structural_tsv, table
    from pidtriage.result.changes import case_rows

    out = Path(outdir)
    candidates = candidates_tsv(result)
    html = render_case(result)
    write_text(out / "candidates.tsv", candidates)
    write_text(out / "report.html", html)
    write_text(out / "interpretation.json", interpretation_json(result))
    write_text(out / "changes.tsv", table(CHANGE_TABLE, case_rows(result)))
    if panel_vcf is not None:
        from pidtriage.report.vcf_out import write_candidates_vcf

        write_candidates_vcf(result, panel_vcf, out / "candidates.vcf.gz")
    if result.structural is not None:  # only with SV input: the SV calls and what was done with each
        write_text(out / "structural.tsv", structural_tsv(result))
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
