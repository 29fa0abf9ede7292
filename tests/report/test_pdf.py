"""report.pdf (WeasyPrint, A4) of a positive and a negative demo case: it renders, and the result is on page one."""

from __future__ import annotations

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
