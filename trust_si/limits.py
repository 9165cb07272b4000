"""The bounds on every file the product reads, in one place, checked while reading. Pure.

Each kind of file has one `FileLimits`: bytes on the wire, bytes once uncompressed (an XLSX is a
zip), the compression ratio, rows, columns, characters in a cell and seconds of reading. The
readers here check them as they go, so a file that breaks one stops being read at that point:

- `check_bytes` before anything else;
- `check_archive` on an XLSX's members before a byte is inflated (zipfile never inflates a
  member past its declared size, so the declared sizes bound the work);
- `xlsx_rows` reads the first sheet row by row in openpyxl's read-only mode with the sheet's
  declared dimension thrown away (a sheet that declares `A1:XFD1048576` would otherwise be
  padded to that grid), counting rows and checking each row's width and cells;
- `csv_rows` the same for text files;
- a `Deadline` bounds the seconds spent.

A broken bound raises `LimitExceeded` with a sentence for the person who sent the file.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

MB = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    what: str  # "pupil data file": the words the messages use
    max_bytes: int
    max_uncompressed: int  # XLSX: the members' declared sizes, added up
    max_ratio: int  # XLSX: uncompressed / compressed, per member
    max_rows: int  # rows with data (blank rows are skipped but still timed)
    max_columns: int
    max_cell_chars: int
    max_seconds: float


@dataclass(frozen=True)
class ImageLimits:
    what: str
    max_bytes: int
    max_side: int  # pixels, read from the header before Pillow allocates the image


# Pupil data (assessment uploads): a large trust's term of results is a few hundred thousand
# rows of a dozen columns; 20 MB of CSV is about 700,000 such rows.
UPLOAD = FileLimits(
    what="file",
    max_bytes=20 * MB,
    max_uncompressed=200 * MB,
    max_ratio=100,
    max_rows=1_000_000,
    max_columns=200,
    max_cell_chars=1_000,
    max_seconds=90,
)
# GIAS group-links extracts (every trust's links in England: about 40,000 rows, 4 MB in 2022;
# the web form and the command read the same file).
GIAS = FileLimits(
    what="GIAS file",
    max_bytes=20 * MB,
    max_uncompressed=100 * MB,
    max_ratio=100,
    max_rows=200_000,
    max_columns=400,
    max_cell_chars=4_000,
    max_seconds=120,
)
# DfE published results and national benchmarks (a school-level KS4 file: ~6,000 rows, ~500
# columns, under 1 MB for 2019; the KS2 file of every school is about 20,000 rows).
DFE = FileLimits(
    what="DfE file",
    max_bytes=50 * MB,
    max_uncompressed=100 * MB,
    max_ratio=100,
    max_rows=200_000,
    max_columns=1_000,
    max_cell_chars=4_000,
    max_seconds=120,
)
# Ofsted's monthly management information (state-funded schools inspections and outcomes):
# about 22,000 schools, 16 MB.
OFSTED = FileLimits(
    what="Ofsted file",
    max_bytes=40 * MB,
    max_uncompressed=40 * MB,  # a CSV: nothing to inflate
    max_ratio=100,
    max_rows=40_000,
    max_columns=300,
    max_cell_chars=2_000,
    max_seconds=120,
)
# A framework's statements (strand, code, level, statement): a few hundred lines.
FRAMEWORK = FileLimits(
    what="framework file",
    max_bytes=200_000,
    max_uncompressed=200_000,  # a CSV: nothing to inflate
    max_ratio=100,
    max_rows=301,  # the header and 300 statements
    max_columns=10,
    max_cell_chars=1_000,  # the statement itself is held to 400 by the import's own check
    max_seconds=10,
)
LOGO = ImageLimits(what="logo", max_bytes=2 * MB, max_side=5_000)
# A pupil's piece of writing behind a teacher judgement (a scanned page or a phone photo): a
# PDF or a PNG/JPEG image. 10 MB holds a few pages scanned at 300 dpi.
PIECE = ImageLimits(what="piece of writing", max_bytes=10 * MB, max_side=12_000)
PIECES_PER_JUDGEMENT = 10

# Request bodies, checked on Content-Length before a byte of the body is read
# (trust_si.web.middleware.RequestBodyLimitMiddleware): every other request gets
# settings.REQUEST_BODY_MAX_BYTES. A route that takes a file gets its file's bound and room for
# the form around it (multipart boundaries, the CSRF token, other fields).
FORM_ALLOWANCE = 1 * MB
BODY_LIMITS: dict[str, int] = {
    "assessment:upload_new": UPLOAD.max_bytes + FORM_ALLOWANCE,
    "assessment_api:upload-list": UPLOAD.max_bytes + FORM_ALLOWANCE,
    "academies:import": GIAS.max_bytes + FORM_ALLOWANCE,
    "academies:ofsted_import": OFSTED.max_bytes + FORM_ALLOWANCE,
    "kpis:published_results": DFE.max_bytes + FORM_ALLOWANCE,
    "reporting:settings": LOGO.max_bytes + FORM_ALLOWANCE,
    "frameworks:pieces": PIECE.max_bytes + FORM_ALLOWANCE,
    "frameworks:import": FRAMEWORK.max_bytes + FORM_ALLOWANCE,
}


class LimitExceeded(ValueError):
    """A file broke one of its bounds: the message says which, in words."""


class Deadline:
    def __init__(self, limits: FileLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.ends = clock() + limits.max_seconds

    def check(self) -> None:
        if self.clock() > self.ends:
            raise LimitExceeded(
                f"The {self.limits.what} took more than {self.limits.max_seconds:g} seconds "
                "to read: split it into smaller files."
            )


def check_bytes(size: int, limits: FileLimits | ImageLimits) -> None:
    if size > limits.max_bytes:
        raise LimitExceeded(
            f"The {limits.what} is larger than {limits.max_bytes // MB} MB ({size / MB:.1f} MB)."
        )


def check_archive(archive: zipfile.ZipFile, limits: FileLimits) -> None:
    """Refuse an archive whose members would inflate past the bounds (a zip bomb)."""
    members = archive.infolist()
    if sum(info.file_size for info in members) > limits.max_uncompressed:
        raise LimitExceeded(
            f"The {limits.what} expands to more than {limits.max_uncompressed // MB} MB: "
            "it is too large to read safely."
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.max_ratio:
            raise LimitExceeded(
                f"The {limits.what} is compressed {ratio:.0f} to 1, more than any real "
                "workbook: it cannot be read safely."
            )


def check_columns(width: int, limits: FileLimits) -> None:
    if width > limits.max_columns:
        raise LimitExceeded(
            f"The {limits.what} has {width:,} columns; at most {limits.max_columns:,} are read."
        )


def check_cell(text: str, row: int, column: int, limits: FileLimits) -> None:
    if len(text) > limits.max_cell_chars:
        raise LimitExceeded(
            f"Row {row}, column {column}: a cell of {len(text):,} characters; at most "
            f"{limits.max_cell_chars:,} are read."
        )


def bounded_rows(
    rows: Iterable[Iterable[Any]], limits: FileLimits, cell: Callable[[Any], str]
) -> Iterator[list[str]]:
    """The non-blank rows, as text, each checked; stops at the first broken bound.

    Row numbers in messages are the file's own (1 is the first line or sheet row).
    """
    for _, texts in numbered_rows(rows, limits, cell):
        yield texts


def numbered_rows(
    rows: Iterable[Iterable[Any]], limits: FileLimits, cell: Callable[[Any], str]
) -> Iterator[tuple[int, list[str]]]:
    """As `bounded_rows`, each row with its number in the file (for readers that report it)."""
    deadline = Deadline(limits)
    kept = 0
    for number, raw in enumerate(rows, start=1):
        if number % 1000 == 0:
            deadline.check()
        values = list(raw)
        if not values:
            continue
        check_columns(len(values), limits)
        texts = [cell(v) for v in values]
        if not any(texts):
            continue
        for column, text in enumerate(texts, start=1):
            check_cell(text, number, column, limits)
        kept += 1
        if kept > limits.max_rows:
            raise LimitExceeded(
                f"The {limits.what} has more than {limits.max_rows:,} rows: split it."
            )
        yield number, texts
    deadline.check()


def xlsx_rows(data: bytes, limits: FileLimits, cell: Callable[[Any], str]) -> Iterator[list[str]]:
    """The first sheet's non-blank rows, streamed. Raises LimitExceeded, or ValueError when the
    workbook cannot be read at all (not a zip, macros, malformed XML)."""
    check_bytes(len(data), limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError("not a zip archive") from exc
    check_archive(archive, limits)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet: Any = workbook.worksheets[0]
        # Never trust the declared dimension: without it, rows are as wide as their own cells
        # and the gaps between rows cost nothing.
        sheet.reset_dimensions()
        yield from bounded_rows(sheet.iter_rows(values_only=True), limits, cell)
    finally:
        workbook.close()


def csv_rows(text: str, delimiter: str, limits: FileLimits) -> Iterator[list[str]]:
    """Text rows, streamed and stripped; a field longer than the cell bound stops the read."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from bounded_rows(reader, limits, lambda v: str(v).strip())
    except csv.Error as exc:  # e.g. a field over csv's own size limit
        raise LimitExceeded(f"The {limits.what} could not be read as CSV: {exc}.") from exc


def csv_numbered_rows(
    text: str, limits: FileLimits, delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """As `csv_rows`, each row with its line number, cells not stripped (a reader that keeps
    the file's own text)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from numbered_rows(reader, limits, str)
    except csv.Error as exc:
        raise LimitExceeded(f"The {limits.what} could not be read as CSV: {exc}.") from exc


def csv_records(
    data: bytes | str, limits: FileLimits
) -> tuple[list[str], Iterator[dict[str, str]]]:
    """A CSV with a header row, bounded: (header, rows as {column: text}), streamed.

    Bytes are checked before anything is decoded (UTF-8 with DfE's BOM dropped, else
    Windows-1252); every row then as `csv_rows` (columns, cell length, row count, time). A
    row shorter than the header has '' in the missing columns, as csv.DictReader gives.
    """
    if isinstance(data, bytes):
        check_bytes(len(data), limits)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    else:
        check_bytes(len(data.encode("utf-8")), limits)
        text = data.removeprefix("\ufeff")
    rows = csv_rows(text, ",", limits)
    header = next(rows, [])

    def records() -> Iterator[dict[str, str]]:
        for row in rows:
            yield {name: row[i] if i < len(row) else "" for i, name in enumerate(header) if name}

    return header, records()
