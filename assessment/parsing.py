"""Reading and validating uploaded pupil data. Pure: no ORM import.

Everything is checked before anything is written: the caller gets every problem with its row,
column, value and reason, or clean rows ready to commit in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .kinds import KINDS, MEASURES, SUBJECTS, YEAR_GROUPS, Kind

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


class UploadRejected(ValueError):
    """The whole file cannot be read: the message says why, in words for school staff."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Problem:
    row: int  # as the user sees it in the file: the header is row 1
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Checked:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def pupil_key(upn: str, secret: str) -> str:
    """The pseudonymous pupil key: HMAC-SHA256 of the UPN with the trust's own secret."""
    return hmac.new(secret.encode(), upn.strip().upper().encode(), hashlib.sha256).hexdigest()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UploadRejected("This is not a readable Excel file.") from exc
    names = archive.namelist()
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected("The workbook contains macros. Save it as a plain .xlsx or .csv file.")
    if sum(i.file_size for i in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
        raise UploadRejected("The workbook expands to more than 200 MB: it is too large to read safely.")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UploadRejected("This Excel file could not be read. Save it again as .xlsx or .csv.") from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    rows = [r for r in rows if any(r)]
    if not rows:
        raise UploadRejected("The file is empty.")
    return Table(headers=rows[0], rows=rows[1:])


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise UploadRejected("This does not look like a text (CSV) file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:10000]
    first_line = sample.splitlines()[0] if sample.strip() else ""
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [[c.strip() for c in r] for r in reader if any(c.strip() for c in r)]
    if not rows:
        raise UploadRejected("The file is empty.")
    return Table(headers=rows[0], rows=rows[1:])


def read_table(data: bytes, filename: str) -> Table:
    """CSV (UTF-8 with or without BOM, or Windows-1252; comma, semicolon or tab) or XLSX."""
    if not data:
        raise UploadRejected("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected("The file is larger than 20 MB.")
    name = filename.lower()
    if name.endswith((".xlsm", ".xls")):
        raise UploadRejected("Save the workbook as .xlsx (without macros) or .csv.")
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def match_headers(headers: list[str], kind: Kind, remembered: dict[str, str] | None = None
                  ) -> tuple[dict[str, int], list[str]]:
    """Template column -> index in the file; and the required columns that could not be found.

    A column matches by its name, one of its aliases, or the mapping the academy saved last time.
    """
    by_name = {_norm(h): i for i, h in enumerate(headers)}
    found: dict[str, int] = {}
    for column in kind.columns:
        for candidate in (remembered or {}).get(column.name, ""), column.name, *column.aliases:
            if candidate and _norm(candidate) in by_name:
                found[column.name] = by_name[_norm(candidate)]
                break
    missing = [c.name for c in kind.columns if c.required and c.name not in found]
    return found, missing


def parse_uk_date(text: str) -> dt.date:
    """dd/mm/yyyy (or dd-mm-yyyy), yyyy-mm-dd, or an Excel serial number."""
    text = text.strip()
    if re.fullmatch(r"\d{4,5}(\.0)?", text):
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("not a date (use dd/mm/yyyy)")


def _yes_no(value: str) -> bool | None:
    return {"y": True, "yes": True, "1": True, "true": True, "n": False, "no": False, "0": False,
            "false": False}.get(value.strip().lower())


def _check_value(measure: str, value: str) -> tuple[str, float | None] | str:
    """(text, number) for a valid result, or the reason it is not valid."""
    allowed, bounds, meaning = MEASURES[measure]
    text = value.strip().upper()
    if allowed and text in allowed:
        return text, None
    if bounds is not None:
        try:
            number = float(text)
        except ValueError:
            return f"not allowed for {measure} ({meaning})"
        lo, hi = bounds
        if not lo <= number <= hi:
            return f"{number:g} is outside {lo:g}-{hi:g} for {measure}"
        return text, number
    return f"not allowed for {measure} ({meaning})"


def check_rows(kind_code: str, table: Table, columns: dict[str, int], secret: str) -> Checked:
    """Validate every row; collect every problem. Valid rows carry the pupil key, never the UPN.

    1. Each required cell is present; UPNs have DfE's format; values are those the kind allows.
    2. A pupil appears once per file (once per subject and measure for results).
    3. Rows with any problem are left out; the caller commits nothing while problems remain.
    """
    kind = KINDS[kind_code]
    out = Checked()
    seen: dict[tuple[str, ...], int] = {}
    for index, raw in enumerate(table.rows, start=2):
        def get(name: str, raw: list[str] = raw) -> str:
            i = columns.get(name)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        problems: list[Problem] = []

        def bad(column: str, value: str, message: str, row: int = index, sink: list[Problem] = problems) -> None:
            sink.append(Problem(row, column, value, message))

        for column in kind.columns:
            if column.required and not get(column.name):
                bad(column.name, "", "This cell is empty.")
        upn = get("upn").upper()
        if upn and not UPN.match(upn):
            bad("upn", upn, "A UPN is a letter followed by 12 characters (digits, the last may be a letter).")
        record: dict[str, Any] = {"pupil_key": pupil_key(upn, secret) if upn else ""}
        if kind_code == "pupils":
            year = get("year_group").upper().removeprefix("Y").lstrip("0") or get("year_group")
            if year and year not in YEAR_GROUPS:
                bad("year_group", get("year_group"), "Use N1, N2, R or 1-13.")
            flags = {}
            for name in ("disadvantaged", "eal"):
                flag = _yes_no(get(name))
                if get(name) and flag is None:
                    bad(name, get(name), "Use Y or N.")
                flags[name] = bool(flag)
            send = get("send").upper()[:1]
            if get("send") and send not in ("N", "K", "E"):
                bad("send", get("send"), "Use N (none), K (SEN support) or E (EHCP).")
            sex = get("sex").upper()[:1]
            if get("sex") and sex not in ("F", "M"):
                bad("sex", get("sex"), "Use F or M.")
            band = get("prior_band").lower()
            if band and band not in ("low", "middle", "high"):
                bad("prior_band", get("prior_band"), "Use low, middle or high (or leave blank).")
            if get("date_of_birth"):
                try:
                    parse_uk_date(get("date_of_birth"))
                except ValueError as exc:
                    bad("date_of_birth", get("date_of_birth"), str(exc))
            record.update(year_group=year, send="" if send == "N" else send, sex=sex,
                          prior_band=band, **flags)
            key: tuple[str, ...] = (upn,)
        elif kind_code == "results":
            subject, measure = get("subject").lower(), get("measure").lower()
            if subject and subject not in SUBJECTS:
                bad("subject", get("subject"), "Not a subject in the template (see the README sheet).")
            if measure and measure not in MEASURES:
                bad("measure", get("measure"), "Not a measure in the template (see the README sheet).")
            elif measure and get("value"):
                checked = _check_value(measure, get("value"))
                if isinstance(checked, str):
                    bad("value", get("value"), checked)
                else:
                    record.update(value=checked[0], numeric=checked[1])
            record.update(subject=subject, measure=measure)
            key = (upn, subject, measure)
        else:
            numbers = {}
            for name in ("sessions_possible", "sessions_missed"):
                text = get(name)
                if text and not re.fullmatch(r"\d{1,4}", text):
                    bad(name, text, "Use a whole number of sessions.")
                numbers[name] = int(text) if text.isdigit() else 0
            if numbers["sessions_missed"] > numbers["sessions_possible"]:
                bad("sessions_missed", get("sessions_missed"), "More sessions missed than possible.")
            record.update(numbers)
            key = (upn,)
        if upn and all(key):
            if key in seen:
                bad("upn", upn, f"This pupil appears twice (also on row {seen[key]}).")
            else:
                seen[key] = index
        if problems:
            out.problems.extend(problems)
        else:
            out.rows.append(record)
    return out
