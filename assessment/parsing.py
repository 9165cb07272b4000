"""Reading and validating uploaded pupil data. Pure: no ORM import.

Everything is checked before anything is written: the caller gets every problem with its row,
column, value and reason, or clean rows ready to commit in one transaction.

A trust's results file can hold hundreds of thousands of rows, so nothing here loops over rows in
Python. A file is read into columns of codes pointing at each column's distinct cell texts (what
pyarrow calls dictionary encoding); every check runs once per distinct text (a term's file has a
few thousand distinct UPNs and a few dozen distinct grades) and numpy spreads the answer back to
the rows. The checks themselves are the plain per-cell functions below.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import math
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from trust_si.limits import UPLOAD, LimitExceeded, check_bytes, check_cell, check_columns
from trust_si.limits import csv_rows as bounded_csv_rows
from trust_si.limits import xlsx_rows as bounded_xlsx_rows

from .kinds import (
    JUDGEMENT_LEVELS,
    JUDGEMENT_SUBJECTS,
    JUDGEMENT_YEAR_GROUPS,
    KINDS,
    MAX_REASON_LENGTH,
    MEASURES,
    SUBJECTS,
    YEAR_GROUPS,
    Kind,
)

# The bounds live in trust_si.limits (UPLOAD); the byte bound is named here for the forms.
MAX_UPLOAD_BYTES = UPLOAD.max_bytes
MAX_VALUE_LENGTH = 8  # Result.value
CHECKSUM_CHUNK_ROWS = 50_000
UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
# The fields each kind's clean rows carry (besides "row", the row number in the file).
FIELDS = {
    "pupils": ["pupil_key", "year_group", "disadvantaged", "send", "eal", "sex", "prior_band"],
    "results": ["pupil_key", "subject", "measure", "value", "numeric"],
    "attendance": ["pupil_key", "sessions_possible", "sessions_missed"],
    "judgements": [
        "pupil_key",
        "year_group",
        "subject",
        "secure",
        "independence",
        "source_subject",
        "level",
        "reason",
    ],
}


TEXT_FIELDS = {
    "pupil_key",
    "year_group",
    "send",
    "sex",
    "prior_band",
    "subject",
    "measure",
    "value",
    "secure",
    "independence",
    "source_subject",
    "level",
    "reason",
}
NUMBER_FIELDS = {
    "disadvantaged": bool,
    "eal": bool,
    "numeric": np.float64,
    "sessions_possible": np.int64,
    "sessions_missed": np.int64,
}


class UploadRejected(ValueError):
    """The whole file cannot be read: the message says why, in words for school staff."""


@dataclass
class Cells:
    """One column: row i holds values[codes[i]].

    Cells.of and map leave no value twice in values, so equal cells share a code (what finding
    repeated rows relies on).
    """

    codes: np.ndarray
    values: list[Any]

    @classmethod
    def of(cls, texts: Sequence[Any]) -> Cells:
        values = texts if isinstance(texts, np.ndarray) else np.asarray(texts, dtype=object)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return cls(codes.astype(np.int64), list(uniques))

    @classmethod
    def blank(cls, height: int) -> Cells:
        return cls(np.zeros(height, dtype=np.int64), [""])

    def map(self, function: Callable[[Any], Any]) -> Cells:
        """Apply function to each distinct value; values that become equal share one code."""
        mapped = [function(v) for v in self.values]
        remap, uniques = pd.factorize(_objects(mapped), use_na_sentinel=False)
        return Cells(remap[self.codes] if len(self.codes) else self.codes, list(uniques))

    def test(self, predicate: Callable[[Any], bool]) -> np.ndarray:
        """Per row: does predicate hold for the row's value?"""
        result: np.ndarray = np.fromiter(
            (bool(predicate(v)) for v in self.values), bool, len(self.values)
        )[self.codes]
        return result

    def __getitem__(self, row: int) -> Any:
        return self.values[self.codes[row]]


def _objects(items: Sequence[Any]) -> np.ndarray:
    # np.asarray would turn a list of tuples into a 2-D array; this keeps one object per item.
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


@dataclass
class Table:
    headers: list[str]
    columns: list[Cells]  # one per header, each `height` long; missing cells are ""
    height: int

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> Table:
        """The header row then the data rows, as lists of (stripped, not all blank) cells."""
        headers, body = rows[0], rows[1:]
        columns = [
            Cells.of([r[i] if i < len(r) else "" for r in body]) for i in range(len(headers))
        ]
        return cls(headers=headers, columns=columns, height=len(body))

    @property
    def rows(self) -> list[list[str]]:
        """Row by row (small files and tests only: large files never need it)."""
        return [[c[i] for c in self.columns] for i in range(self.height)]


@dataclass(frozen=True)
class Problem:
    row: int  # as the user sees it in the file: the header is row 1
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Checked:
    """Clean rows (one column per field of the kind, plus "row") and every problem found."""

    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)

    def records(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Clean rows as plain dicts without the row number (missing numbers are None)."""
        head = self.frame if limit is None else self.frame.head(limit)
        names = [c for c in head.columns if c != "row"]
        return [
            {n: plain(v) for n, v in zip(names, values, strict=True)}
            for values in head[names].itertuples(index=False, name=None)
        ]


def plain(value: Any) -> Any:
    """A numpy scalar or NaN as the JSON-friendly Python value it stands for."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def pupil_key(upn: str, secret: str) -> str:
    """The pseudonymous pupil key: HMAC-SHA256 of the UPN with the trust's own secret."""
    return hmac.digest(secret.encode(), upn.strip().upper().encode(), "sha256").hex()


def rows_checksum(frame: pd.DataFrame, fields: Sequence[str]) -> str:
    """Order-independent checksum of clean rows: the same data twice gives the same checksum.

    By definition (the one stored checksums were made with) it is the SHA-256 of the rows'
    `json.dumps(row, sort_keys=True)` lines, sorted and joined by newlines. Sorting a million long
    strings is slow, so:
    1. Each field's JSON fragment is made once per distinct value.
    2. The distinct fragments of a field are ranked by their text followed by the character that
       always comes next in the line ("," or "}"). No fragment so extended is a prefix of
       another (JSON strings end with a quote, numbers hold no "," or "}"), so sorting rows by
       their fields' ranks, field by field, sorts the lines exactly as comparing their text would.
    3. The lines are assembled in that order, a chunk of rows at a time, and hashed.
    """
    if frame.empty:
        return hashlib.sha256(b"").hexdigest()

    names = sorted(fields)
    fragments, codes, ranks = [], [], []
    for i, name in enumerate(names):
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            cells = Cells(column.cat.codes.to_numpy().astype(np.int64), list(column.cat.categories))
        else:
            cells = Cells.of(column.to_numpy())
        prefix = ("{" if i == 0 else ", ") + json.dumps(name) + ": "
        texts = [prefix + json.dumps(plain(v)) for v in cells.values]
        after = "}" if i == len(names) - 1 else ","
        rank = np.empty(len(texts), dtype=np.int64)
        rank[sorted(range(len(texts)), key=lambda k: texts[k] + after)] = np.arange(len(texts))
        fragments.append(pa.array(texts, type=pa.large_string()))
        codes.append(cells.codes)
        ranks.append(rank)
    order = _lexicographic_order(
        [rank[code] for rank, code in zip(ranks, codes, strict=True)], [len(rank) for rank in ranks]
    )
    # The lines are made a chunk at a time (bounded memory), each with the newline that joins it
    # to the next; the very last newline is not part of the definition.
    digest = hashlib.sha256()
    for start in range(0, len(order), CHECKSUM_CHUNK_ROWS):
        rows = order[start : start + CHECKSUM_CHUNK_ROWS]
        lines = pc.binary_join_element_wise(
            *(text.take(pa.array(code[rows])) for text, code in zip(fragments, codes, strict=True)),
            pa.scalar("}\n", pa.large_string()),
            pa.scalar("", pa.large_string()),
        )
        first, end = np.frombuffer(lines.buffers()[1], dtype=np.int64)[[0, len(lines)]]
        last = start + CHECKSUM_CHUNK_ROWS >= len(order)
        digest.update(memoryview(lines.buffers()[2])[first : end - 1 if last else end])
    return digest.hexdigest()


def _lexicographic_order(keys: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """Row order by keys[0], then keys[1]...; one integer sort when the keys fit in 63 bits."""
    if math.prod(sizes) < 2**62:
        combined = np.zeros(len(keys[0]), dtype=np.int64)
        for key, size in zip(keys, sizes, strict=True):
            combined = combined * size + key
        return np.argsort(combined, kind="stable")
    return np.lexsort(keys[::-1])  # lexsort's last key is the primary one


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


def _check_table(table: Table) -> Table:
    """The bounds the fast CSV path checks after reading: rows, and each distinct cell."""
    try:
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
                read_options=pacsv.ReadOptions(column_names=names, block_size=4 << 20),
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
        codes = chunks[0].indices.to_numpy(zero_copy_only=False).astype(np.int64)
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


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise UploadRejected("This does not look like a text (CSV) file.")
    try:
        text = data.decode("utf-8-sig")
        utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    except UnicodeDecodeError:
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
        if table is not None:
            return _check_table(table)
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


def _date_problem(text: str) -> str:
    try:
        parse_uk_date(text)
    except ValueError as exc:
        return str(exc)
    return ""


def _yes_no(value: str) -> bool | None:
    return {
        "y": True,
        "yes": True,
        "1": True,
        "true": True,
        "n": False,
        "no": False,
        "0": False,
        "false": False,
    }.get(value.strip().lower())


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
        if len(text) > MAX_VALUE_LENGTH:
            return f"Use at most {MAX_VALUE_LENGTH} characters (for example {number:g})."
        return text, number
    return f"not allowed for {measure} ({meaning})"


def _combine(*codes: np.ndarray) -> np.ndarray:
    """One code per distinct combination of the given per-row codes."""
    combined = codes[0]
    for more in codes[1:]:
        merged = combined.astype(np.int64) * (int(more.max(initial=0)) + 1) + more
        combined = pd.factorize(merged)[0]
    return combined


class _Findings:
    """Problems gathered column by column, handed back in row order as the user reads the file."""

    def __init__(self, height: int) -> None:
        self.bad = np.zeros(height, dtype=bool)
        self._groups: list[tuple[np.ndarray, str, Any, Any]] = []

    def add(
        self, mask: np.ndarray, column: str, value: Cells | str, message: Cells | np.ndarray | str
    ) -> None:
        """Rows where mask holds have this problem; value and message may differ per row."""
        if mask.any():
            self.bad |= mask
            self._groups.append((np.flatnonzero(mask), column, value, message))

    def problems(self) -> list[Problem]:
        found = []
        for rows, column, value, message in self._groups:
            for row in rows.tolist():
                found.append(
                    Problem(
                        row + 2,
                        column,
                        value if isinstance(value, str) else str(value[row]),
                        message if isinstance(message, str) else str(message[row]),
                    )
                )
        # Stable: within a row, problems keep the order the checks ran in.
        return sorted(found, key=lambda p: p.row)


STATEMENT_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{1,3}[A-Z]?$")


def _judgement_cells(get: Callable[[str], Cells], found: _Findings) -> dict[str, Cells]:
    """The judgements kind's cells, checked for form; the framework checks come later (services:
    which statements exist, what the framework proposes), as they need the trust's frameworks."""
    raw_year = get("year_group")
    year = raw_year.map(lambda v: v.upper().removeprefix("Y").lstrip("0") or v)
    found.add(
        year.test(lambda v: v and v not in JUDGEMENT_YEAR_GROUPS),
        "year_group",
        raw_year,
        "Use 1-11.",
    )
    raw_subject = get("subject")
    subject = raw_subject.map(str.lower)
    found.add(
        subject.test(lambda v: v and v not in JUDGEMENT_SUBJECTS),
        "subject",
        raw_subject,
        "Use writing or reading.",
    )
    raw_secure = get("secure")
    secure = raw_secure.map(lambda v: " ".join(_split_codes(v)))
    found.add(
        secure.test(lambda v: any(not STATEMENT_CODE.match(c) for c in v.split())),
        "secure",
        raw_secure,
        "Statement codes are letters then digits (EXS3), separated by ;.",
    )
    found.add(
        raw_secure.test(lambda v: len(v) > 2000), "secure", raw_secure, "Too many statements."
    )
    raw_independence = get("independence")
    independence = raw_independence.map(
        lambda v: {"": "independent", "i": "independent", "s": "scaffolded"}.get(
            v.lower(), v.lower()
        )
    )
    found.add(
        independence.test(lambda v: v not in ("independent", "scaffolded")),
        "independence",
        raw_independence,
        "Use independent or scaffolded.",
    )
    raw_source = get("source_subject")
    source = raw_source.map(str.lower)
    found.add(
        source.test(lambda v: v and v not in SUBJECTS),
        "source_subject",
        raw_source,
        "Not a subject in the template (see the README sheet).",
    )
    raw_level = get("judgement")
    level = raw_level.map(str.upper)
    found.add(
        level.test(lambda v: v and v not in JUDGEMENT_LEVELS),
        "judgement",
        raw_level,
        "Use WTS, EXS or GDS (or leave blank to accept the proposal).",
    )
    reason = get("reason")
    found.add(
        reason.test(lambda v: len(v) > MAX_REASON_LENGTH),
        "reason",
        reason.map(lambda v: v[:40]),
        f"At most {MAX_REASON_LENGTH} characters.",
    )
    return {
        "year_group": year,
        "subject": subject,
        "secure": secure,
        "independence": independence,
        "source_subject": source,
        "level": level,
        "reason": reason,
    }


def _split_codes(text: str) -> list[str]:
    for sep in ";,|":
        text = text.replace(sep, " ")
    return sorted({part.upper() for part in text.split()})


def check_rows(kind_code: str, table: Table, columns: dict[str, int], secret: str) -> Checked:
    """Validate every row; collect every problem. Valid rows carry the pupil key, never the UPN.

    1. Each required cell is present; UPNs have DfE's format; values are those the kind allows.
    2. A pupil appears once per file (once per subject and measure for results).
    3. Rows with any problem are left out; the caller commits nothing while problems remain.
    """
    kind = KINDS[kind_code]
    height = table.height

    def get(name: str) -> Cells:
        i = columns.get(name)
        return (
            table.columns[i].map(str.strip)
            if i is not None and i < len(table.columns)
            else Cells.blank(height)
        )

    found = _Findings(height)
    for column in kind.columns:
        if column.required:
            found.add(
                get(column.name).test(lambda v: not v), column.name, "", "This cell is empty."
            )
    upn = get("upn").map(str.upper)
    found.add(
        upn.test(lambda v: v and not UPN.match(v)),
        "upn",
        upn,
        "A UPN is a letter followed by 12 characters (digits, the last may be a letter).",
    )
    record: dict[str, Cells] = {"pupil_key": upn.map(lambda v: pupil_key(v, secret) if v else "")}
    if kind_code == "pupils":
        raw = get("year_group")
        year = raw.map(lambda v: v.upper().removeprefix("Y").lstrip("0") or v)
        found.add(
            year.test(lambda v: v and v not in YEAR_GROUPS),
            "year_group",
            raw,
            "Use N1, N2, R or 1-13.",
        )
        flags = {}
        for name in ("disadvantaged", "eal"):
            raw_flag = get(name)
            found.add(
                raw_flag.test(lambda v: v and _yes_no(v) is None), name, raw_flag, "Use Y or N."
            )
            flags[name] = raw_flag.map(lambda v: bool(_yes_no(v)))
        raw_send = get("send")
        found.add(
            raw_send.test(lambda v: v and v.upper()[:1] not in ("N", "K", "E")),
            "send",
            raw_send,
            "Use N (none), K (SEN support) or E (EHCP).",
        )
        raw_sex = get("sex")
        found.add(
            raw_sex.test(lambda v: v and v.upper()[:1] not in ("F", "M")),
            "sex",
            raw_sex,
            "Use F or M.",
        )
        raw_band = get("prior_band")
        band = raw_band.map(str.lower)
        found.add(
            band.test(lambda v: v and v not in ("low", "middle", "high")),
            "prior_band",
            raw_band,
            "Use low, middle or high (or leave blank).",
        )
        birth = get("date_of_birth")
        birth_problem = birth.map(lambda v: _date_problem(v) if v else "")
        found.add(birth_problem.test(bool), "date_of_birth", birth, birth_problem)
        record.update(
            year_group=year,
            disadvantaged=flags["disadvantaged"],
            eal=flags["eal"],
            send=raw_send.map(lambda v: "" if v.upper()[:1] == "N" else v.upper()[:1]),
            sex=raw_sex.map(lambda v: v.upper()[:1]),
            prior_band=band,
        )
        key = [upn]
    elif kind_code == "results":
        raw_subject, raw_measure, raw_value = get("subject"), get("measure"), get("value")
        subject, measure = raw_subject.map(str.lower), raw_measure.map(str.lower)
        found.add(
            subject.test(lambda v: v and v not in SUBJECTS),
            "subject",
            raw_subject,
            "Not a subject in the template (see the README sheet).",
        )
        found.add(
            measure.test(lambda v: v and v not in MEASURES),
            "measure",
            raw_measure,
            "Not a measure in the template (see the README sheet).",
        )
        # A value is checked against its row's measure: once per distinct (measure, value) pair.
        pair = _combine(measure.codes, raw_value.codes)
        first = pd.Series(np.arange(height)).groupby(pair).first().to_numpy() if height else pair
        outcomes = [
            (
                _check_value(measure[row], raw_value[row])
                if measure[row] in MEASURES and raw_value[row]
                else None
            )
            for row in first.tolist()
        ]
        verdict = Cells(pair, outcomes) if height else Cells.blank(0)
        message = verdict.map(lambda o: o if isinstance(o, str) else "")
        found.add(message.test(bool), "value", raw_value, message)
        record.update(
            subject=subject,
            measure=measure,
            value=verdict.map(lambda o: o[0] if isinstance(o, tuple) else ""),
            numeric=verdict.map(lambda o: o[1] if isinstance(o, tuple) else None),
        )
        key = [upn, subject, measure]
    elif kind_code == "judgements":
        record.update(_judgement_cells(get, found))
        key = [upn, record["subject"]]
    else:
        numbers: dict[str, Cells] = {}
        for name in ("sessions_possible", "sessions_missed"):
            raw_number = get(name)
            found.add(
                raw_number.test(lambda v: v and not re.fullmatch(r"\d{1,4}", v)),
                name,
                raw_number,
                "Use a whole number of sessions.",
            )
            # isdecimal, not isdigit: int() refuses digits such as "²" that isdigit accepts.
            numbers[name] = raw_number.map(lambda v: int(v) if v.isdecimal() else 0)
        possible, missed = (
            np.asarray(numbers[n].values, dtype=np.int64)[numbers[n].codes]
            for n in ("sessions_possible", "sessions_missed")
        )
        found.add(
            missed > possible,
            "sessions_missed",
            get("sessions_missed"),
            "More sessions missed than possible.",
        )
        record.update(numbers)
        key = [upn]
    # A repeated pupil (or pupil, subject and measure) is reported against its first row.
    complete = np.logical_and.reduce([part.test(bool) for part in key])
    group = _combine(*(part.codes for part in key))
    rows = np.arange(height)
    first_row = np.full(int(group.max(initial=-1)) + 1, height, dtype=np.int64)
    np.minimum.at(first_row, group[complete], rows[complete])
    repeated = complete & (first_row[group] < rows)
    found.add(
        repeated,
        "upn",
        upn,
        _objects(
            [
                f"This pupil appears twice (also on row {r + 2})." if r < height else ""
                for r in first_row.tolist()
            ]
        )[group],
    )
    clean = np.flatnonzero(~found.bad)
    frame = pd.DataFrame({"row": clean + 2}, index=pd.RangeIndex(len(clean)))
    for name in FIELDS[kind_code]:
        cells = record[name]
        if name in TEXT_FIELDS:  # categorical: each distinct text is held once, as in the file
            frame[name] = pd.Categorical.from_codes(cells.codes[clean], categories=cells.values)
        else:
            frame[name] = np.asarray(cells.values, dtype=NUMBER_FIELDS[name])[cells.codes[clean]]
    return Checked(frame=frame, problems=found.problems())
