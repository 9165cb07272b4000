"""Reads DfE performance-table downloads (KS4 headline, full KS2). Pure: no ORM import.

DfE publishes codes where there is no number: SUPP (suppressed), NE (no entries), NP (not
published), LOWCOV (low coverage), NA (not applicable), and others. A cell is a number only when
it looks like one; every code is kept as a code and is never read as a number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from trust_si.terms import AcademicYear, TermError

NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")

# field -> (lower-limit field, upper-limit field, banding field)
KS4_FIELDS: dict[str, tuple[str | None, str | None, str | None]] = {
    "P8MEA": ("P8CILOW", "P8CIUPP", "P8_BANDING"),
    "ATT8SCR": (None, None, None),
    "PTL2BASICS_94": (None, None, None),
    "PTL2BASICS_95": (None, None, None),
    "EBACCAPS": (None, None, None),
    "PTEBACC_E_PTQ_EE": (None, None, None),
    "PTEBACC_94": (None, None, None),
    "PTEBACC_95": (None, None, None),
    "TPUP": (None, None, None),
    "P8PUP": (None, None, None),
}
KS2_GROUPS = ["B", "G", "L", "M", "H", "FSM6CLA1A", "NotFSM6CLA1A", "EAL"]
KS2_FIELDS: dict[str, tuple[str | None, str | None, str | None]] = {
    "PTRWM_EXP": (None, None, None),
    "PTRWM_HIGH": (None, None, None),
    "READPROG": ("READPROG_LOWER", "READPROG_UPPER", "READPROG_DESCR"),
    "WRITPROG": ("WRITPROG_LOWER", "WRITPROG_UPPER", "WRITPROG_DESCR"),
    "MATPROG": ("MATPROG_LOWER", "MATPROG_UPPER", "MATPROG_DESCR"),
    "TELIG": (None, None, None),
    **{f"PTRWM_EXP_{g}": (None, None, None) for g in KS2_GROUPS},
}


@dataclass(frozen=True)
class Cell:
    value: float | None
    code: str


@dataclass(frozen=True)
class PublishedRow:
    urn: str
    school: str
    field: str
    value: float | None
    code: str
    lower: float | None
    upper: float | None
    banding: str


@dataclass
class PerformanceFile:
    kind: str  # "ks4" or "ks2"
    rows_read: int = 0
    schools: dict[str, list[PublishedRow]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def cell(raw: str | None) -> Cell:
    """'47.2' -> 47.2; '66.2%' -> 66.2; 'SUPP' -> code SUPP; '' -> code ''."""
    text = (raw or "").strip()
    if NUMBER.match(text):
        return Cell(float(text.rstrip("%")), "")
    return Cell(None, text.upper())


def detect_kind(header: list[str]) -> str | None:
    names = set(header)
    if {"P8MEA", "ATT8SCR"} & names:
        return "ks4"
    if {"PTRWM_EXP", "READPROG"} & names:
        return "ks2"
    return None


def read_performance_file(data: bytes) -> PerformanceFile:
    """Every school row with a URN, each published field as a PublishedRow.

    1. Decode UTF-8 (DfE's BOM is dropped), fall back to Windows-1252.
    2. Recognise the download by its columns (KS4 headline or full KS2).
    3. Skip local-authority and national rows (RECTYPE 3, 4, 5): they have no URN.
    4. For each known field present: the value or DfE's code, with its confidence limits and
       DfE's banding code or descriptor next to it.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    kind = detect_kind(header)
    if kind is None:
        result = PerformanceFile(kind="unknown")
        result.problems.append(
            "This is not a DfE KS4 headline or KS2 performance-table file "
            "(no P8MEA, ATT8SCR, PTRWM_EXP or READPROG column)."
        )
        return result
    fields = KS4_FIELDS if kind == "ks4" else KS2_FIELDS
    result = PerformanceFile(kind=kind)
    for raw in reader:
        row = {k.strip(): v for k, v in raw.items() if k}
        if row.get("RECTYPE", "1").strip() in {"3", "4", "5"}:
            continue
        urn = (row.get("URN") or "").strip()
        if not urn:
            continue
        result.rows_read += 1
        published = []
        for name, (low, up, band) in fields.items():
            if name not in row:
                continue
            main = cell(row[name])
            lower = cell(row.get(low)).value if low else None
            upper = cell(row.get(up)).value if up else None
            banding = (row.get(band) or "").strip() if band else ""
            published.append(
                PublishedRow(
                    urn=urn,
                    school=(row.get("SCHNAME") or "").strip(),
                    field=name,
                    value=main.value,
                    code=main.code,
                    lower=lower,
                    upper=upper,
                    banding=banding,
                )
            )
        result.schools[urn] = published
    return result


def year_from_filename(name: str) -> str | None:
    """'england_ks4provisional_2019.csv' -> '2018-19' (results of the summer of 2019)."""
    match = re.search(r"(20\d\d)", name)
    if not match:
        return None
    try:
        return AcademicYear.ending_in(int(match.group(1))).code
    except TermError:  # a number in the name that is no year this product knows
        return None
