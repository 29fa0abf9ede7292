"""Excel versions of the tables (openpyxl): one sheet per table, header row frozen, filters on every column."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

__all__ = ["tsv_sheets_to_xlsx"]


def _value(text: str) -> Any:
    """Numbers as numbers, so that filters and sorting work; everything else as text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def tsv_sheets_to_xlsx(path: str | Path, sheets: Mapping[str, str]) -> None:
    """Write {sheet name: TSV text} as one workbook, atomically."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, text in sheets.items():
        rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))
        _sheet(wb, name, rows[0] if rows else [], rows[1:])
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    wb.save(tmp)
    os.replace(tmp, p)


def _sheet(wb: Workbook, name: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    ws = wb.create_sheet(title=name[:31])
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 1
    for row in rows:
        ws.append([_value(v) if v != "." else None for v in row])
        n += 1
    ws.freeze_panes = "A2"
    if header:
        last = ws.cell(row=1, column=len(header)).column_letter
        ws.auto_filter.ref = f"A1:{last}{n}"
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(max(len(h) + 2, 10), 40)
