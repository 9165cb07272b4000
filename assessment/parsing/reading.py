"""Reading an uploaded file (CSV or XLSX) into columns, and finding the template's columns in it.
Pure: no ORM import."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from trust_si.limits import (
    MB,
    UPLOAD,
    Deadline,
    LimitExceeded,
    check_bytes,
    check_cell,
    check_columns,
)
from trust_si.limits import csv_rows as bounded_csv_rows
from trust_si.limits import xlsx_rows as bounded_xlsx_rows

from ..kinds import Kind
from .cells import CODE, Cells, Table, UploadRejected, release_arrow_memory


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
    """The first sheet, streamed row by row within `trust_si.limits.UPLOAD`."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile as exc:
        raise UploadRejected("This is not a readable Excel file.") from exc
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected("The workbook contains macros. Save it as a plain .xlsx or .csv file.")
    try:
        rows = list(bounded_xlsx_rows(data, UPLOAD, _cell_text))
    except LimitExceeded as exc:
        raise UploadRejected(str(exc)) from exc
    except Exception as exc:  # malformed XML, a bad shared-string index, a broken zip member
        raise UploadRejected(
            "This Excel file could not be read. Save it again as .xlsx or .csv."
        ) from exc
    if not rows:
        raise UploadRejected("The file is empty.")
    return Table.from_rows(rows)


def _check_table(table: Table, deadline: Deadline) -> Table:
    """The bounds the fast CSV path checks after reading: rows, each distinct cell, and the
    seconds taken (pyarrow cannot be stopped part way; the byte bound keeps it to about a
    second)."""
    try:
        deadline.check()
        check_columns(len(table.headers), UPLOAD)
        if table.height > UPLOAD.max_rows:
            raise LimitExceeded(f"The file has more than {UPLOAD.max_rows:,} rows: split it.")
        for column, cells in enumerate(table.columns, start=1):
            longest = max(cells.values, key=len, default="")
            if len(longest) > UPLOAD.max_cell_chars:
                row = int(np.flatnonzero(cells.codes == cells.values.index(longest))[0]) + 2
                check_cell(longest, row, column, UPLOAD)
    except LimitExceeded as exc:
        raise UploadRejected(str(exc)) from exc
    return table


def _read_csv_columns(data: bytes, delimiter: str, width: int) -> Table | None:
    """The fast path: pyarrow reads straight into dictionary-encoded columns.

    Returns None when the file is not a tidy rectangle (rows of different lengths): the
    standard library then reads it the forgiving way.
    """

    names = [f"c{i}" for i in range(width)]
    try:
        arrow = (
            pacsv.read_csv(
                io.BytesIO(data),
                # One thread: the read takes a fraction of a second even for the largest file
                # allowed, and each of pyarrow's threads holds its own buffers (tens of MB).
                read_options=pacsv.ReadOptions(
                    column_names=names, block_size=4 << 20, use_threads=False
                ),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.string())),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            .unify_dictionaries()
            .combine_chunks()
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    columns: list[Cells] = []
    for name in names:
        chunks = arrow.column(name).chunks
        if not chunks:
            columns.append(Cells.blank(0))
            continue
        codes = chunks[0].indices.to_numpy(zero_copy_only=False).astype(CODE, copy=False)
        columns.append(Cells(codes, chunks[0].dictionary.to_pylist()).map(str.strip))
    keep = np.zeros(arrow.num_rows, dtype=bool)
    for column in columns:
        keep |= column.test(bool)
    kept = np.flatnonzero(keep)
    if not len(kept):
        raise UploadRejected("The file is empty.")
    headers = [column[int(kept[0])] for column in columns]
    body = kept[1:]
    return Table(
        headers=headers, columns=[Cells(c.codes[body], c.values) for c in columns], height=len(body)
    )


class _Sample(str):
    """The first characters of a file known to be valid UTF-8: the fast path reads the bytes
    themselves, so the whole text is decoded only if the forgiving reader needs it."""


def _utf8_text(data: bytes) -> str | None:
    """The file's text if it is UTF-8 (a sample of it, for a big file), else None.

    Validated a megabyte at a time, so a big file is never held twice (as bytes and as text)
    only to learn its encoding.
    """
    if len(data) <= MB:
        try:
            return data.decode()
        except UnicodeDecodeError:
            return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), MB):
            decoder.decode(data[start : start + MB], final=start + MB >= len(data))
    except UnicodeDecodeError:
        return None
    return _Sample(data[: 4 * 10000].decode(errors="ignore"))


def _read_csv(data: bytes) -> Table:
    deadline = Deadline(UPLOAD)
    if b"\x00" in data[:4096]:
        raise UploadRejected("This does not look like a text (CSV) file.")
    utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    text = _utf8_text(utf8)
    if text is None:
        text = data.decode("cp1252", errors="replace")
        utf8 = text.encode()
    sample = text[:10000]
    first_line = sample.splitlines()[0] if sample.strip() else ""
    delimiter = max([",", ";", "\t"], key=first_line.count)
    if first_line:
        try:
            width = len(next(csv.reader([first_line], delimiter=delimiter)))
            check_columns(width, UPLOAD)
        except (csv.Error, LimitExceeded) as exc:
            raise UploadRejected(str(exc)) from exc
        table = _read_csv_columns(utf8, delimiter, width)
        release_arrow_memory()
        if table is not None:
            return _check_table(table, deadline)
    if isinstance(text, _Sample):
        text = utf8.decode()
    try:
        rows = list(bounded_csv_rows(text, delimiter, UPLOAD))
    except LimitExceeded as exc:
        raise UploadRejected(str(exc)) from exc
    if not rows:
        raise UploadRejected("The file is empty.")
    return Table.from_rows(rows)


def read_table(data: bytes, filename: str) -> Table:
    """CSV (UTF-8 with or without BOM, or Windows-1252; comma, semicolon or tab) or XLSX."""
    if not data:
        raise UploadRejected("The file is empty.")
    try:
        check_bytes(len(data), UPLOAD)
    except LimitExceeded as exc:
        raise UploadRejected(str(exc)) from exc
    name = filename.lower()
    if name.endswith((".xlsm", ".xls")):
        raise UploadRejected("Save the workbook as .xlsx (without macros) or .csv.")
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def match_headers(
    headers: list[str], kind: Kind, remembered: dict[str, str] | None = None
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
