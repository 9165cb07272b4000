"""Reads DfE performance-table downloads (KS4 headline, full KS2). Pure: no ORM import.

DfE publishes codes where there is no number: SUPP (suppressed), NE (no entries), NP (not
published), LOWCOV (low coverage), NA (not applicable), and others. A cell is a number only when
it looks like one; every code is kept as a code and is never read as a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trust_si.limits import DFE, FileLimits, LimitExceeded, csv_records
from trust_si.terms import AcademicYear, TermError

NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")

# field -> (lower-limit field, upper-limit field, banding field)
KS4_FIELDS: dict[str, tuple[str | None, str | None, str | None]] = {
    "P8MEA": ("P8CILOW", "P8CIUPP", "P8_BANDING"),
    # The English and maths elements of Progress 8, with their 95% confidence intervals
    # (ks4_meta.csv rows 83-88): the placement's subject lines for English and maths.
    "P8MEAENG": ("P8MEAENG_CILOW", "P8MEAENG_CIUPP", None),
    "P8MEAMAT": ("P8MEAMAT_CILOW", "P8MEAMAT_CIUPP", None),
    "ATT8SCR": (None, None, None),
    "PTL2BASICS_94": (None, None, None),
    "PTL2BASICS_95": (None, None, None),
    "EBACCAPS": (None, None, None),
    "PTEBACC_E_PTQ_EE": (None, None, None),
    "PTEBACC_94": (None, None, None),
    "PTEBACC_95": (None, None, None),
    "TPUP": (None, None, None),
    "P8PUP": (None, None, None),
    # The school's context, for similar schools (ks4_meta.csv rows 25, 33, 41, 57).
    "TOTPUPS": (None, None, None),
    "KS2APS": (None, None, None),
    "PTFSM6CLA1A": (None, None, None),
    "PSEN_ALL": (None, None, None),
    # Disadvantaged pupils' Attainment 8 and Progress 8 (with its 95% confidence interval),
    # the same for the school's other pupils, and DfE's own difference from national *other*
    # pupils (DIFFN_*): the comparison DfE makes for disadvantaged pupils, as for KS2
    # (ks4_meta.csv rows 170-183, 224-225).
    "ATT8SCR_FSM6CLA1A": (None, None, None),
    "ATT8SCR_NFSM6CLA1A": (None, None, None),
    "P8MEA_FSM6CLA1A": ("P8CILOW_FSM6CLA1A", "P8CIUPP_FSM6CLA1A", None),
    "P8MEA_NFSM6CLA1A": ("P8CILOW_NFSM6CLA1A", "P8CIUPP_NFSM6CLA1A", None),
    "DIFFN_ATT8": (None, None, None),
    "DIFFN_P8MEA": (None, None, None),
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
    # Subjects, higher standard and GPS (ks2_meta.csv rows 63-76).
    **{
        f: (None, None, None)
        for f in (
            "PTREAD_EXP",
            "PTREAD_HIGH",
            "READ_AVERAGE",
            "PTGPS_EXP",
            "PTGPS_HIGH",
            "GPS_AVERAGE",
            "PTMAT_EXP",
            "PTMAT_HIGH",
            "MAT_AVERAGE",
            "PTWRITTA_EXP",
            "PTWRITTA_HIGH",
        )
    },
    # Disadvantaged pupils' attainment and progress, and DfE's own difference from national
    # *other* pupils (DIFFN_*), the comparison DfE makes for them.
    "PTRWM_HIGH_FSM6CLA1A": (None, None, None),
    "READPROG_FSM6CLA1A": (None, None, None),
    "WRITPROG_FSM6CLA1A": (None, None, None),
    "MATPROG_FSM6CLA1A": (None, None, None),
    "DIFFN_RWM_EXP": (None, None, None),
    "DIFFN_RWM_HIGH": (None, None, None),
    "DIFFN_READPROG": (None, None, None),
    "DIFFN_WRITPROG": (None, None, None),
    "DIFFN_MATPROG": (None, None, None),
    # The school's context, for similar schools (ks2_meta.csv rows 25, 32, 42, 261).
    "TOTPUPS": (None, None, None),
    "TKS1AVERAGE": (None, None, None),
    "PTFSM6CLA1A": (None, None, None),
    "PSENELEK": (None, None, None),
}
# Context figures: published about the school, not results (an academy with only these has
# nothing published).
CONTEXT_FIELDS = {"TOTPUPS", "KS2APS", "TKS1AVERAGE", "PTFSM6CLA1A", "PSEN_ALL", "PSENELEK"}


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
    # URN_AC -> URN: a converter academy's results published under its predecessor's URN.
    predecessors: dict[str, str] = field(default_factory=dict)
    year: str | None = None  # read from the file itself, when it says
    problems: list[str] = field(default_factory=list)
    # What was not read, row by row: (row in the file, header = 1; column; reason in words).
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    # Each school's record type (1 mainstream, 2 special) and the file's columns, for similar
    # schools (`similar.missing_columns`).
    record_types: dict[str, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)


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


def read_performance_file(data: bytes, limits: FileLimits = DFE) -> PerformanceFile:
    """Every school row with a URN, each published field as a PublishedRow.

    1. Decode UTF-8 (DfE's BOM is dropped), fall back to Windows-1252.
    2. Recognise the download by its columns (KS4 headline or full KS2).
    3. Skip local-authority and national rows (RECTYPE 3, 4, 5, 7) and rows with no URN,
       each listed in `skipped` with its row, column and reason.
    4. For each known field present: the value or DfE's code, with its confidence limits and
       DfE's banding code or descriptor next to it.
    """
    try:
        return _read(data, limits)
    except LimitExceeded as exc:
        # Bounds (trust_si.limits.DFE): bytes, columns, characters in a cell, rows, seconds.
        refused = PerformanceFile(kind="unknown")
        refused.problems.append(str(exc))
        return refused


def _read(data: bytes, limits: FileLimits) -> PerformanceFile:
    header, reader = csv_records(data, limits)
    kind = detect_kind(header)
    if kind is None:
        result = PerformanceFile(kind="unknown")
        result.problems.append(
            "This is not a DfE KS4 headline or KS2 performance-table file "
            "(no P8MEA, ATT8SCR, PTRWM_EXP or READPROG column)."
        )
        return result
    fields = KS4_FIELDS if kind == "ks4" else KS2_FIELDS
    result = PerformanceFile(kind=kind, year=year_from_columns(header), header=list(header))
    for number, row in enumerate(reader, start=2):
        rectype = row.get("RECTYPE", "1").strip()
        if rectype in {"3", "4", "5", "7"}:
            # ks4_meta.csv: 4 local authority, 5 and 7 national; ks2_meta.csv: 3 LA, 4 and 5.
            what = "local authority" if rectype == {"ks4": "4", "ks2": "3"}[kind] else "national"
            result.skipped.append(
                (number, "RECTYPE", f"a {what} row (RECTYPE {rectype}), not a school")
            )
            continue
        urn = (row.get("URN") or "").strip()
        if not urn:
            result.skipped.append((number, "URN", "no URN"))
            continue
        result.rows_read += 1
        result.record_types[urn] = rectype
        if result.year is None and result.rows_read == 1:
            result.year = year_from_rows(header, row)
        academy_urn = (row.get("URN_AC") or "").strip()
        if academy_urn and academy_urn != urn:
            result.predecessors[academy_urn] = urn
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
    """The academic year a file name states, or None (then the year must be given).

    1. A range, as DfE names its folders: '2018-2019_england_ks2final.csv' or '2018-19' ->
       '2018-19' (the two years must follow each other).
    2. DfE's provisional downloads end in the summer's year: 'england_ks4provisional_2019.csv'
       -> '2018-19'. Only a year at the end of the name counts.
    3. Anything else (DfE's own 'england_ks2final.csv', a number elsewhere): None, never a guess.
    """
    stem = name.rsplit("/", 1)[-1]
    ranges = re.findall(r"(?<!\d)(20\d\d)[-_ ](20\d\d|\d\d)(?!\d)", stem)
    for start, end in ranges:
        if int(end[-2:]) == (int(start) + 1) % 100:
            return _year_ending(int(start) + 1)
    if ranges:
        return None
    match = re.search(r"_(20\d\d)\.csv$", stem, re.IGNORECASE)
    return _year_ending(int(match.group(1))) if match else None


def _year_ending(year: int) -> str | None:
    try:
        return AcademicYear.ending_in(year).code
    except TermError:  # a number in the name that is no year this product knows
        return None


# Fields DfE repeats for earlier years with a two-digit suffix: READPROG_DESCR_18 is "one year
# prior" in the 2018-19 file, READPROG_DESCR_17 "two years prior".
_PRIOR_YEAR = re.compile(
    r"^(TELIG|PTRWM_EXP|PTRWM_HIGH|READPROG_DESCR|WRITPROG_DESCR|MATPROG_DESCR|"
    r"PTFSM6CLA1A|PTNOTFSM6CLA1A|READPROG|WRITPROG|MATPROG)_(\d\d)$"
)


def year_from_columns(header: list[str]) -> str | None:
    """The file's academic year read from its own columns: one after the latest prior-year
    suffix (READPROG_DESCR_18 -> the file is 2018-19), or a year column (YEAR, TIME_PERIOD
    as 201819); None when the file does not say."""

    suffixes = [int(m.group(2)) for h in header if (m := _PRIOR_YEAR.match(h.strip()))]
    if not suffixes:
        return None
    ending = 2000 + max(suffixes) + 1
    if ending in NO_PERFORMANCE_TABLES:
        # No tests or exams were sat in 2019-20 and 2020-21, and DfE published no school
        # performance tables for them: a file whose latest earlier year is 2018-19 is 2021-22's.
        ending = max(NO_PERFORMANCE_TABLES) + 1
    return _year_ending(ending)


# Years ending in these had no KS2 tests or KS4 exams (COVID-19), so no performance tables.
NO_PERFORMANCE_TABLES = (2020, 2021)


def year_from_rows(header: list[str], first_row: dict[str, str]) -> str | None:
    for name in ("TIME_PERIOD", "YEAR", "ACADEMIC_YEAR"):
        value = (first_row.get(name) or "").strip()
        if re.fullmatch(r"20\d\d(20)?\d\d", value):
            return _year_ending(int(value[:4]) + 1)
    return year_from_columns(header)


# DfE's KS2 progress descriptors ("_DESCR") are codes 1-5; in words as DfE publishes them.
KS2_DESCRIPTORS = {
    "1": "Well above average",
    "2": "Above average",
    "3": "Average",
    "4": "Below average",
    "5": "Well below average",
}


def ks2_descriptor_label(code: str) -> str:
    """'4' -> 'Below average'; DfE's own codes (SUPP, NE, ...) and words as they are."""

    text = (code or "").strip()
    if text in KS2_DESCRIPTORS:
        return KS2_DESCRIPTORS[text]
    return "Not banded" if text.upper() in {"", "SUPP", "NE", "NP", "NA", "LOWCOV"} else text
