"""Spreadsheet exports (CSV and XLSX) that cannot run formulas when opened.

A cell that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) is
prefixed with an apostrophe. Numbers stay numbers, so a negative gap is not mangled.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def formula_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly only with the BOM
    writer = csv.writer(response)
    writer.writerow([formula_safe(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else formula_safe(v) for v in row])
    return response


def xlsx_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]
) -> HttpResponse:
    """A workbook of plain values, one sheet per (title, rows); the first row of each is its bold,
    frozen header."""

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([formula_safe(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
