"""Downloadable templates per upload kind: CSV and XLSX, with a README of every column."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from .kinds import KINDS, readme_rows


def template_csv(kind_code: str) -> bytes:
    kind = KINDS[kind_code]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(kind.headers)
    return buffer.getvalue().encode("utf-8-sig")


def template_readme(kind_code: str) -> str:
    kind = KINDS[kind_code]
    lines = [f"trust-si template: {kind.label}", "", "Columns (first row of the file):", ""]
    lines += [f"- {name} ({need}): {text}" for name, need, text in readme_rows(kind)]
    lines += [
        "",
        "Files: CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX without macros.",
        "Dates: dd/mm/yyyy or Excel dates. Pupils are identified by UPN, which is hashed on arrival.",
    ]
    return "\n".join(lines)


def template_xlsx(kind_code: str) -> bytes:

    kind = KINDS[kind_code]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = kind.code
    sheet.append(kind.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    readme = workbook.create_sheet("README")
    readme.append(["column", "required", "what it accepts"])
    for row in readme_rows(kind):
        readme.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
