"""Excel versions of the tables (XlsxWriter): one sheet per table, header row frozen, filters on every column.

XlsxWriter rather than openpyxl: it only writes, which is all this needs, imports in a third of the time
(~0.035 s against ~0.115 s, paid by every case) and streams rows (`constant_memory`), so a genome's
variants.xlsx does not hold every cell in memory.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

__all__ = ["tsv_sheets_to_xlsx"]

# identifiers that look like numbers but are not ("001" keeps its zeros; chromosome 11 sorts with X, not as 11)
TEXT_COLUMNS = frozenset({"sample_id", "vcf_sample", "family_id", "chrom", "ref", "alt", "genotype", "gene", "hgnc_id",
                          "suspected_category", "top_variant"})


def _value(text: str) -> Any:
    """Numbers as numbers, so that filters and sorting work; "." (missing) as an empty cell; the rest as text."""
    if text == ".":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text  # NaN/inf stay text


def tsv_sheets_to_xlsx(path: str | Path, sheets: Mapping[str, str]) -> None:
    """Write {sheet name: TSV text} as one workbook, atomically."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")  # unique to this process
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    for name, text in sheets.items():
        rows = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        _sheet(wb, name, next(rows, []), rows, bold)
    wb.close()
    os.replace(tmp, p)


def _sheet(wb: Any, name: str, header: Sequence[str], rows: Any, bold: Any) -> None:
    ws = wb.add_worksheet(name[:31])
    ws.freeze_panes(1, 0)
    for i, h in enumerate(header):
        ws.set_column(i, i, min(max(len(h) + 2, 10), 40))
    ws.write_row(0, 0, list(header), bold)
    as_text = [h in TEXT_COLUMNS for h in header]
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, text in enumerate(row):
            value = text if (col < len(as_text) and as_text[col] and text != ".") else _value(text)
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(n, col, value)
            else:
                ws.write_number(n, col, value)
    if header:
        ws.autofilter(0, 0, max(n, 1), len(header) - 1)
