"""The demo's case reports and cohort dashboard in a real browser (headless Chromium, Debian `chromium`): each
page loads without console errors, its screenshot is not blank, and the headings a reader looks for are there.
Screenshots of a positive and a negative case and of the dashboard are copied to $PIDTRIAGE_ARTIFACTS when set
(CI keeps them). Skipped where Chromium is not installed (.ci/run installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

pytestmark = [pytest.mark.workflow,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian chromium (.ci/run installs it)")]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"]
CASE_HEADINGS = {"Result", "Sample quality", "Methods", "Glossary"}
ANALYSED_HEADINGS = {"Other variants of note", "Genes assessed", "What this test cannot see"}  # not for a failed case
COHORT_HEADINGS = {"Status and diagnostic yield", "By suspected IUIS category",
                   "Cases that need action", "Findings per gene",
                   "Quality control", "All cases"}
KEEP = {"P01", "P06", "cohort"}


def _chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["chromium", *FLAGS, f"--user-data-dir={tmp / 'profile'}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def _pages(results: Path) -> list[tuple[str, Path]]:
    cases = [(c.name, c / "report.html") for c in sorted((results / "cases").iterdir())]
    return [*cases, ("cohort", results / "cohort/report.html")]


def test_pages_render_in_chromium(demo_results, tmp_path):
    artefacts = os.environ.get("PIDTRIAGE_ARTIFACTS")
    for name, page in _pages(demo_results):
        dom = _chromium(page, tmp_path, "--dump-dom")
        errors = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
        assert not errors, (name, errors)
        headings = set(re.findall(r"<h2>([^<]+)</h2>", dom.stdout))
        if name == "cohort":
            assert headings >= COHORT_HEADINGS, (name, headings)
        elif 'class="badge failed"' in dom.stdout:
            assert headings >= CASE_HEADINGS | {"Recommended next steps"} and not headings & ANALYSED_HEADINGS
        else:
            assert headings >= CASE_HEADINGS | ANALYSED_HEADINGS, (name, headings)
        shot = tmp_path / f"{name}.png"
        _chromium(page, tmp_path, "--window-size=1200,1800", f"--screenshot={shot}")
        with Image.open(shot) as im:
            grey = im.convert("L")
            dark = sum(grey.histogram()[:200])  # pixels clearly darker than the white page
            assert dark > 0.005 * grey.width * grey.height, (name, "screenshot is blank")
        if artefacts and name in KEEP:
            Path(artefacts).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(artefacts) / f"{name}.png")


def test_case_report_result_first(demo_results, tmp_path):
    """After the header (laboratory, patient, indication), the result badge and sentence come before any variant,
    coverage or quality table, in the reading order of the page."""
    dom = _chromium(demo_results / "cases/P06/report.html", tmp_path, "--dump-dom").stdout
    result = dom.index("No causative variant was identified in the 4 of the 505 panel genes that could be assessed")
    assert dom.index("<h2>Reason for testing</h2>") < result < dom.index("<h2>Other variants of note</h2>")
    assert result < dom.index("<h2>Genes assessed</h2>") < dom.index("<h2>Sample quality</h2>")
    assert "no genetic cause" not in dom.lower()


# what must never reach the counsellor's part of the report: finding codes, ACMG criterion codes, QC field names
INTERNAL = re.compile(r"\b(AR_single_het|AR_compound_het|AR_hom|AD_het|XL_hemi|XL_het_female|de_novo|"
                      r"AR_possible_compound_het|PVS1|PS[1-4]|PM[1-6]|PP[1-5]|BA1|BS[1-4]|BP[1-7]|\w+_Supporting|"
                      r"\w+_ClinVar|FILTER|GQ|DP)\b")


def test_clinical_header_and_no_internal_codes_for_the_counsellor(demo_results, tmp_path):
    """Every demo report has the clinical header (laboratory, report date, patient, family, the use statement),
    the indication with HPO labels, sign-off fields; flagged cases say so; codes only in the technical appendix."""
    for name, page in _pages(demo_results):
        if name == "cohort":
            continue
        dom = _chromium(page, tmp_path, "--dump-dom").stdout
        counsellor = dom[dom.index('<main id="counsellor">'):dom.index("</main>")]
        for field in ("Laboratory", "Report date", "Patient (sample)", "Family", "Reason for testing",
                      "Research use only", "Sign-off", "Authorised by"):
            assert field in counsellor, (name, field)
        found = sorted({m.group(0) for m in INTERNAL.finditer(counsellor)})
        assert not found, (name, found)
        assert "Technical appendix" in dom[dom.index("</main>"):]
        if 'class="badge inconclusive"' in dom or 'class="badge negative"' in dom:
            assert "Flagged for review: no known genetic defect found." in counsellor, name
    p01 = (demo_results / "cases/P01/report.html").read_text()
    assert "Agammaglobulinemia" in p01 and "HP:0004432" in p01
