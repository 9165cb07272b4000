"""Spreadsheet exports (CSV and XLSX) that cannot run formulas when opened.

A cell that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) is
prefixed with an apostrophe. Numbers stay numbers, so a negative gap is not mangled.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Figure:
    """A number for a spreadsheet, with its unit: XLSX stores it as a number in a percent or
    decimal format (Excel can sort and chart it), CSV as the plain number. A figure with no
    value (suppressed, no data) is written as its words."""

    value: float | None
    unit: str = ""  # "%" (a percentage, 43.3 for 43.3%), "score" (two decimals), else one
    words: str = ""

    def plain(self) -> Any:
        return self.words if self.value is None else round(self.value, 2)

    def number_format(self) -> str:
        return {"%": "0.0%", "score": "+0.00;-0.00;0.00"}.get(self.unit, "0.0")

    def cell_value(self) -> Any:
        if self.value is None:
            return self.words
        return self.value / 100 if self.unit == "%" else self.value


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
        writer.writerow(
            [
                "" if v is None else formula_safe(v.plain() if isinstance(v, Figure) else v)
                for v in row
            ]
        )
    return response


def xlsx_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]
) -> HttpResponse:
    """A workbook, one sheet per (title, rows); the first row of each is its bold, frozen header.
    A `Figure` is written as a number in its number format, never as text."""

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append(
                [formula_safe(v.cell_value() if isinstance(v, Figure) else v) for v in row]
            )
            for cell, v in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(v, Figure) and v.value is not None:
                    cell.number_format = v.number_format()
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
