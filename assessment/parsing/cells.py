"""What every upload kind shares: the column store, the problems found, the clean rows' fields
and the per-cell checks more than one kind makes. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from trust_si.limits import UPLOAD

# The bounds live in trust_si.limits (UPLOAD); the byte bound is named here for the forms.
MAX_UPLOAD_BYTES = UPLOAD.max_bytes
CHECKSUM_CHUNK_ROWS = 50_000
# A row's code in a column: int32 holds any column's distinct values (rows are bounded far below
# 2**31 by limits.UPLOAD) at half int64's memory, which on a big file is most of the check's.
CODE = np.int32
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
# Secondary and behaviour measures (issue 13, i13-4b): the exclusions kind's fields.
FIELDS["exclusions"] = ["pupil_key", "date", "category", "sessions"]


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
TEXT_FIELDS |= {"date", "category"}  # exclusions (issue 13, i13-4b); date as yyyy-mm-dd
NUMBER_FIELDS = {
    "disadvantaged": bool,
    "eal": bool,
    "numeric": np.float64,
    "sessions_possible": np.int64,
    "sessions_missed": np.int64,
    "sessions": np.int64,  # exclusions (issue 13, i13-4b)
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
        return cls(codes.astype(CODE, copy=False), list(uniques))

    @classmethod
    def blank(cls, height: int) -> Cells:
        return cls(np.zeros(height, dtype=CODE), [""])

    def map(self, function: Callable[[Any], Any]) -> Cells:
        """Apply function to each distinct value; values that become equal share one code."""
        mapped = [function(v) for v in self.values]
        remap, uniques = pd.factorize(objects(mapped), use_na_sentinel=False)
        if len(uniques) == len(mapped):
            # No two values became equal, and factorize numbers first appearances in order, so
            # every code stands: the rows' codes are shared, not copied (a big file's columns
            # are mapped several times over, and each copy is 4 bytes a row).
            return Cells(self.codes, list(uniques))
        remap = remap.astype(CODE, copy=False)
        return Cells(remap[self.codes] if len(self.codes) else self.codes, list(uniques))

    def test(self, predicate: Callable[[Any], bool]) -> np.ndarray:
        """Per row: does predicate hold for the row's value?"""
        result: np.ndarray = np.fromiter(
            (bool(predicate(v)) for v in self.values), bool, len(self.values)
        )[self.codes]
        return result

    def __getitem__(self, row: int) -> Any:
        return self.values[self.codes[row]]


def objects(items: Sequence[Any]) -> np.ndarray:
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
            cells = Cells(column.cat.codes.to_numpy(), list(column.cat.categories))
        else:
            cells = Cells.of(column.to_numpy())
        prefix = ("{" if i == 0 else ", ") + json.dumps(name) + ": "
        texts = [prefix + json.dumps(plain(v)) for v in cells.values]
        after = "}" if i == len(names) - 1 else ","
        rank = np.empty(len(texts), dtype=CODE)
        rank[sorted(range(len(texts)), key=lambda k: texts[k] + after)] = np.arange(len(texts))
        fragments.append(pa.array(texts, type=pa.large_string()))
        codes.append(cells.codes)
        ranks.append(rank)
    order = _lexicographic_order(ranks, codes)
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
    release_arrow_memory()
    return digest.hexdigest()


def release_arrow_memory() -> None:
    """Hand the memory pyarrow's pool kept back to the system: the pool holds on to its peak
    (tens of MB on a big file) for the life of the worker otherwise."""
    pa.default_memory_pool().release_unused()


def _lexicographic_order(ranks: list[np.ndarray], codes: list[np.ndarray]) -> np.ndarray:
    """Row order by ranks[0][codes[0]], then ranks[1][codes[1]]...; one integer sort when the
    keys fit in 63 bits, built a field at a time so no more than one key is held at once."""
    if math.prod(len(rank) for rank in ranks) < 2**62:
        combined = np.zeros(len(codes[0]), dtype=np.int64)
        for rank, code in zip(ranks, codes, strict=True):
            combined *= len(rank)
            combined += rank[code]
        return np.argsort(combined, kind="stable")
    keys = [rank[code] for rank, code in zip(ranks, codes, strict=True)]
    return np.lexsort(keys[::-1])  # lexsort's last key is the primary one


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


def date_problem(text: str) -> str:
    try:
        parse_uk_date(text)
    except ValueError as exc:
        return str(exc)
    return ""


def yes_no(value: str) -> bool | None:
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


def combine(*codes: np.ndarray) -> np.ndarray:
    """One code per distinct combination of the given per-row codes."""
    combined = codes[0]
    for more in codes[1:]:
        merged = combined.astype(np.int64) * (int(more.max(initial=0)) + 1) + more
        combined = pd.factorize(merged)[0].astype(CODE, copy=False)
    return combined


class Findings:
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


def unknown_value_message(value: Any, known: Iterable[str], what: str) -> str:
    """Why a value is not one the template knows, with the closest known one when a typing
    slip is likely ("writting" -> "Did you mean writing?"), and the values it does know.

    Written for both file types: a CSV has no README sheet to point to.
    """
    options = sorted(known)
    close = difflib.get_close_matches(str(value).strip().lower(), options, n=1, cutoff=0.75)
    hint = f"Did you mean {close[0]}? " if close else ""
    return f"Not a {what} the template knows. {hint}Use one of: {', '.join(options)}."
