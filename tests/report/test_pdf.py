"""report.pdf (WeasyPrint, A4) of a positive and a negative demo case: it renders, and the result is on page one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize(("case", "words"), [
    ("P02", "A causative genetic finding was identified"),
    ("P06", "No causative variant was identified in the 4 of the 505 panel genes that could be assessed"),
])
def test_pdf_result_on_page_one(demo_results, tool_env, tmp_path, case, words):
    exe = Path(sys.executable).with_name("pidtriage")
    subprocess.run([str(exe), "report", str(demo_results / f"cases/{case}/triage.json"), "--outdir", str(tmp_path),
                    "--pdf"], check=True, env=tool_env, capture_output=True)
    reader = PdfReader(tmp_path / "report.pdf")
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842  # A4 in points
    text = " ".join(page.extract_text().split())
    assert words in text
    for field in ("Laboratory", "Report date", case, "Research use only", f"Page 1 of {len(reader.pages)}"):
        assert field in text, field
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"{case} · PID gene panel analysis" in last  # the running header, on every page
    assert len(reader.pages) <= 9


def _overflow(html: str) -> tuple[int, float]:
    """(pages, how far the widest box of the body reaches past the right margin, in pt) of the report laid out on
    A4 by WeasyPrint (its page boxes: `Page._page_box`, the layout the PDF is drawn from)."""
    import weasyprint

    doc = weasyprint.HTML(string=html).render()
    worst = 0.0
    for page in doc.pages:
        box = page._page_box
        right = box.content_box_x() + box.width
        for root in (c for c in box.children if type(c).__name__ != "MarginBox"):
            for b in root.descendants():
                if getattr(b, "position_x", None) is not None and hasattr(b, "margin_width"):
                    worst = max(worst, b.position_x + b.margin_width() - right)
    return len(doc.pages), worst


def test_every_demo_report_fits_the_a4_margins(demo_results):
    """Issue #29: the appendix table ran 180 pt past the right margin (its ClinVar, QC and phenotype columns cut
    off); a negative case took 5 to 7 pages."""
    for case in sorted((demo_results / "cases").iterdir()):
        pages, past = _overflow((case / "report.html").read_text())
        assert past < 0.5, (case.name, past)
        assert pages <= (3 if case.name in ("P06", "P07") else 4), (case.name, pages)


def test_a_real_negative_case_fits_in_three_pages(shared_data, tool_env, tmp_path):
    """The GIAB trio's proband (GRCh37, no ClinVar: negative) as a PDF: three A4 pages at most."""
    exe = Path(sys.executable).with_name("pidtriage")
    cfg = tmp_path / "config.yaml"
    cfg.write_text("genome_build: GRCh37\nreport:\n  pdf: true\n")
    subprocess.run([str(exe), "run", "--configfile", str(cfg), "--vcf",
                    str(shared_data / "vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz"), "--sample-id", "HG002",
                    "--sex", "male", "--father", "HG003", "--mother", "HG004", "--outdir", str(tmp_path / "out")],
                   check=True, env=tool_env, capture_output=True, cwd=Path(__file__).resolve().parents[2])
    case = tmp_path / "out/cases/HG002"
    assert json.loads((case / "triage.json").read_text())["status"] == "negative"
    assert len(PdfReader(case / "report.pdf").pages) <= 3
    assert _overflow((case / "report.html").read_text())[1] < 0.5
