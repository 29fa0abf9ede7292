"""The Excel tables: what a user filtering candidates.xlsx or summary.xlsx sees, read back with openpyxl."""

from __future__ import annotations

import pytest

openpyxl = pytest.importorskip("openpyxl")

from pidtriage.report.xlsx import tsv_sheets_to_xlsx  # noqa: E402


def test_numbers_text_missing_and_formulas(tmp_path):
    tsv = ("gene\tpos\tacmg_points\tgnomad_af\tnote\n"
           "RAG1\t36575010\t10\t1.5e-05\t=HYPERLINK(\"http://x\")\n"
           "IL2RG\t71108000\t-1\t.\tNaN\n")
    out = tmp_path / "t.xlsx"
    tsv_sheets_to_xlsx(out, {"candidates": tsv, "a very long sheet name that Excel would refuse": "x\n1\n"})
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["candidates", "a very long sheet name that Excel would refuse"[:31]]
    ws = wb["candidates"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["gene", "pos", "acmg_points", "gnomad_af", "note"]
    assert rows[1][:4] == ["RAG1", 36575010, 10, 1.5e-05]
    assert rows[2][:4] == ["IL2RG", 71108000, -1, None]  # "." is an empty cell, not the text "."
    # text from a VCF or ClinVar stays text: never a formula Excel would run, never a float NaN
    assert rows[1][4] == '=HYPERLINK("http://x")' and ws.cell(2, 5).data_type == "s"
    assert rows[2][4] == "NaN"
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E3"
    assert not list(tmp_path.glob("*.tmp"))


def test_header_only_table(tmp_path):
    out = tmp_path / "empty.xlsx"
    tsv_sheets_to_xlsx(out, {"candidates": "gene\tpos\n"})
    ws = openpyxl.load_workbook(out)["candidates"]
    assert [c.value for c in ws[1]] == ["gene", "pos"] and ws.max_row == 1


def test_identifiers_stay_text(tmp_path):
    out = tmp_path / "ids.xlsx"
    tsv_sheets_to_xlsx(out, {"summary": "sample_id\tchrom\tpos\tsuspected_category\n001\t11\t5\t4\n"})
    ws = openpyxl.load_workbook(out)["summary"]
    assert [c.value for c in ws[2]] == ["001", "11", 5, "4"]
