"""Reads Ofsted's monthly "management information: state-funded schools inspections and
outcomes" CSV. Pure: no ORM import.

1. Bounded by `trust_si.limits.OFSTED` (bytes, rows, columns, characters in a cell, seconds),
   checked while the file is read: a file past one is refused whole, in words.
2. The header is found by name (the first of the first ten rows with a URN column), and each
   field we read is matched by any of the names the editions have used (normalised: case,
   punctuation and spacing ignored). What was matched is reported.
3. A file without a URN, an inspection start date and at least one outcome column (overall
   effectiveness, a key judgement or a report-card area) is refused with a clear message.
4. Only the rows of the URNs asked for are read. A row gives its latest full inspection, of its
   kind: report card (evaluation areas on the five-point scale, safeguarding met / not met),
   graded without an overall grade (from September 2024), or legacy (overall effectiveness); a
   monitoring inspection of the in-year sheet is recorded as ungraded, with Ofsted's outcome in
   its words. The most-recent sheet since November 2025 also gives the school's latest graded
   inspection of the 2019 framework ("Latest OEIF ..." columns) and its latest ungraded
   inspection ("Ungraded inspection overall outcome", kept as Ofsted wrote it); each date is
   recorded once. Codes stay codes: "9", "NULL", "Not judged" never become a grade.
5. A row that cannot be read is reported with its row, column and reason; rows with no
   inspection yet are skipped with their reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from trust_si.limits import OFSTED, FileLimits, LimitExceeded, check_bytes, csv_numbered_rows

GRADED_WITHOUT_OVERALL_FROM = dt.date(2024, 9, 1)
REPORT_CARDS_FROM = dt.date(2025, 11, 10)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


# Our field -> the names Ofsted's editions have given the column (normalised when compared).
COLUMNS: dict[str, tuple[str, ...]] = {
    "urn": ("URN",),
    "school_name": ("School name",),
    "inspected_on": (
        "Inspection start date",
        "Inspection start date of latest full inspection",
        "Inspection start date of latest graded inspection",
        "Inspection start date of latest report card inspection",
    ),
    "published_on": (
        "Publication date",
        "Publication date of latest full inspection",
        "Publication date of latest graded inspection",
        "Publication date of latest report card inspection",
    ),
    "report_url": ("Web link", "Web link (opens in new window)"),
    "overall_effectiveness": ("Overall effectiveness",),
    "category_of_concern": ("Category of concern",),
    "kj_quality_of_education": ("Quality of education",),
    "kj_behaviour_attitudes": ("Behaviour and attitudes",),
    "kj_personal_development": ("Personal development",),
    "kj_leadership_management": (
        "Effectiveness of leadership and management",
        "Leadership and management",
    ),
    "kj_early_years": ("Early years provision (where applicable)", "Early years provision"),
    "kj_sixth_form": ("Sixth form provision (where applicable)", "Sixth form provision"),
    "safeguarding_effective": (
        "Safeguarding is effective?",
        "Safeguarding is effective",
        "Is safeguarding effective?",
    ),
    "rc_inclusion": ("Inclusion",),
    "rc_curriculum_teaching": ("Curriculum and teaching",),
    "rc_achievement": ("Achievement",),
    "rc_attendance_behaviour": ("Attendance and behaviour",),
    "rc_personal_development": (
        "Personal development and well-being",
        "Personal development and wellbeing",
    ),
    "rc_leadership_governance": ("Leadership and governance",),
    # Not plain "Sixth form": that column says whether the school has one (Yes / No).
    "rc_early_years": (
        "Early years (where applicable)",
        "Early years (report card)",
        "Early years evaluation",
    ),
    "rc_sixth_form": (
        "Post-16 provision (where applicable)",
        "Post-16 provision",
        "Sixth form (report card)",
        "Sixth form evaluation",
    ),
    "safeguarding_met": (
        "Safeguarding",
        "Safeguarding standards",
        "Safeguarding standards met?",
        "Safeguarding met?",
    ),
    "relates_to_current_urn": (
        "Does the latest full inspection relate to the URN of the current school?",
        "Does the latest graded inspection relate to the URN of the current school?",
        "Does the latest inspection relate to the URN of the current school?",
    ),
    # A monitoring inspection's outcome in Ofsted's words (the in-year sheet since November 2025).
    # (Not the older "Outcomes for ungraded and monitoring inspections": there a row is the
    # school's latest full inspection, and that column speaks of another inspection, undated.)
    "monitoring_outcome": ("Outcomes for legacy monitoring inspections",),
    # The most-recent-inspections sheet since November 2025 keeps each school's latest graded
    # inspection of the 2019 framework ("OEIF") in columns of its own, beside the latest full
    # inspection (a report card, when there has been one) ...
    "oeif_inspected_on": ("Inspection start date of latest OEIF graded inspection",),
    "oeif_published_on": ("Publication date of latest OEIF graded inspection",),
    "oeif_relates_to_current_urn": (
        "Does the latest OEIF graded inspection relate to the URN of the current school?",
    ),
    "oeif_category_of_concern": ("Latest OEIF category of concern",),
    "oeif_overall_effectiveness": ("Latest OEIF overall effectiveness",),
    "oeif_kj_quality_of_education": ("Latest OEIF quality of education",),
    "oeif_kj_behaviour_attitudes": ("Latest OEIF behaviour and attitudes",),
    "oeif_kj_personal_development": ("Latest OEIF personal development",),
    "oeif_kj_leadership_management": ("Latest OEIF effectiveness of leadership and management",),
    "oeif_kj_early_years": ("Latest OEIF early years provision (where applicable)",),
    "oeif_kj_sixth_form": ("Latest OEIF sixth form provision (where applicable)",),
    "oeif_safeguarding_effective": ("Latest OEIF safeguarding is effective?",),
    # ... and its latest ungraded (section 8) inspection, with Ofsted's outcome in words.
    "ungraded_inspected_on": ("Date of latest ungraded inspection",),
    "ungraded_published_on": ("Ungraded inspection publication date",),
    "ungraded_relates_to_current_urn": (
        "Does the ungraded inspection relate to the URN of the current school?",
    ),
    "ungraded_outcome": ("Ungraded inspection overall outcome",),
}
OUTCOME_FIELDS = {"overall_effectiveness", "oeif_overall_effectiveness"} | {
    k for k in COLUMNS if k.startswith(("kj_", "rc_", "oeif_kj_"))
}
NOT_AN_OUTCOME = {"", "NULL", "NA", "N/A", "9", "NOT APPLICABLE"}
NO_DATE = {"", "NULL", "NA", "N/A"}
KEY_JUDGEMENT_FIELDS = [k for k in COLUMNS if k.startswith("kj_")]
REPORT_CARD_GRADES = {
    "exceptional": "exceptional",
    "strong standard": "strong_standard",
    "strong": "strong_standard",
    "expected standard": "expected_standard",
    "expected": "expected_standard",
    "needs attention": "needs_attention",
    "urgent improvement": "urgent_improvement",
}
CONCERNS = {"special measures": "special_measures", "serious weaknesses": "serious_weaknesses"}
YES = {"yes", "y", "met"}
NO = {"no", "n", "not met"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y")


class NotAnOfstedFile(ValueError):
    """The file is not Ofsted's management information: the message says why."""


@dataclass
class OfstedProblem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class OfstedRow:
    row: int
    urn: str
    data: dict[str, Any]  # the fields of academies.models.Inspection this row sets


@dataclass
class OfstedResult:
    matched: dict[str, str] = field(default_factory=dict)  # our field -> their header
    rows: list[OfstedRow] = field(default_factory=list)
    problems: list[OfstedProblem] = field(default_factory=list)
    skipped: list[OfstedProblem] = field(default_factory=list)
    rows_read: int = 0
    other_schools: int = 0  # rows for URNs not asked for


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotAnOfstedFile("The file is not text (neither UTF-8 nor Windows-1252).")


def _date(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _grade(value: str) -> int | None:
    """A 1-4 grade, or None for Ofsted's codes ("9", "NULL", "Not judged", blank)."""
    v = value.strip()
    return int(v) if v in {"1", "2", "3", "4"} else None


def _match(header: list[str]) -> dict[str, int]:
    positions = {_norm(h): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if _norm(alias) in positions:
                found[name] = positions[_norm(alias)]
                break
    return found


def read_outcomes(content: bytes, urns: set[str], limits: FileLimits = OFSTED) -> OfstedResult:
    """Parse the file and return the inspections of these URNs, with what was matched."""
    try:
        check_bytes(len(content), limits)
    except LimitExceeded as exc:
        raise NotAnOfstedFile(str(exc)) from None
    result = OfstedResult()
    header: list[str] | None = None
    columns: dict[str, int] = {}
    try:
        for number, cells in csv_numbered_rows(_decode(content), limits):
            if header is None:
                if any(_norm(c) == "urn" for c in cells):
                    header, columns = cells, _match(cells)
                    _check_edition(columns)
                    result.matched = {k: header[i] for k, i in columns.items()}
                elif number >= 10:
                    break
                continue
            if not any(c.strip() for c in cells):
                continue
            result.rows_read += 1
            _read_row(number, cells, header, columns, urns, result)
    except LimitExceeded as exc:  # a bound, or not readable as CSV at all
        raise NotAnOfstedFile(str(exc)) from None
    if header is None:
        raise NotAnOfstedFile(
            "This is not Ofsted's management information file: no URN column in its first ten rows."
        )
    return result


def _check_edition(columns: dict[str, int]) -> None:
    missing = [n for n in ("urn", "inspected_on") if n not in columns]
    if missing or not OUTCOME_FIELDS & columns.keys():
        needs = [COLUMNS[n][0] for n in missing]
        if not OUTCOME_FIELDS & columns.keys():
            needs.append(
                "an outcome column (Overall effectiveness, a key judgement or a report-card area)"
            )
        raise NotAnOfstedFile(
            "This is not Ofsted's management information file (state-funded schools "
            f"inspections and outcomes): no {', '.join(needs)} column was found."
        )


def _read_row(
    number: int,
    cells: list[str],
    header: list[str],
    columns: dict[str, int],
    urns: set[str],
    result: OfstedResult,
) -> None:
    """The inspections one row gives: its latest full inspection and, in the editions that have
    them, the latest graded inspection of the 2019 framework and the latest ungraded inspection
    (each once: a date already read is not read again)."""

    def cell(name: str) -> str:
        i = columns.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def when(name: str) -> dt.date | bool | None:
        """The date in this column; None when there is none; False (reported) when unreadable."""
        raw = cell(name)
        if raw.upper() in NO_DATE:
            return None
        on = _date(raw)
        if on is None:
            result.problems.append(OfstedProblem(number, header[columns[name]], raw, "not a date"))
            return False
        return on

    urn = cell("urn")
    if urn not in urns:
        result.other_schools += 1
        return
    records: list[dict[str, Any]] = []
    skipped: OfstedProblem | None = None
    inspected_on = when("inspected_on")
    if inspected_on is False:
        return
    if inspected_on is None:
        start = header[columns["inspected_on"]]
        skipped = OfstedProblem(number, start, cell("inspected_on"), "no inspection yet")
    else:
        assert isinstance(inspected_on, dt.date)
        record = _full_inspection(number, cell, header, columns, inspected_on, result)
        if record is False:
            return
        if record is None:
            skipped = OfstedProblem(
                number,
                header[columns["overall_effectiveness"]]
                if "overall_effectiveness" in columns
                else "outcome",
                cell("overall_effectiveness"),
                "no graded outcome (codes such as 9 or NULL are not grades)",
            )
        elif isinstance(record, dict):
            records.append(record)
    for kind in ("oeif", "ungraded"):
        if f"{kind}_inspected_on" not in columns:
            continue
        on = when(f"{kind}_inspected_on")
        if on is False:
            return
        if on is None or any(r["inspected_on"] == on for r in records):
            continue
        assert isinstance(on, dt.date)
        extra = _oeif(cell, on) if kind == "oeif" else _ungraded(cell, on)
        if extra is not None:
            records.append(extra)
    if not records and skipped is not None:
        result.skipped.append(skipped)
    for record in records:
        result.rows.append(OfstedRow(number, urn, {**record, "source": "ofsted"}))


def _full_inspection(
    number: int,
    cell: Any,
    header: list[str],
    columns: dict[str, int],
    inspected_on: dt.date,
    result: OfstedResult,
) -> dict[str, Any] | bool | None:
    """The row's latest full inspection; None when it has no graded outcome; False when a
    report-card cell is not a grade (reported)."""
    areas: dict[str, str] = {}
    for name in [k for k in columns if k.startswith("rc_")]:
        raw = cell(name)
        grade = REPORT_CARD_GRADES.get(_norm(raw))
        if grade:
            areas[name[3:]] = grade
        elif raw.upper() not in NOT_AN_OUTCOME:
            result.problems.append(
                OfstedProblem(number, header[columns[name]], raw, "not a report-card grade")
            )
            return False
    common = _common(cell, inspected_on, "")
    if areas:
        sg_raw = cell("safeguarding_met") or cell("safeguarding_effective")
        return {
            **common,
            "kind": "report_card",
            "area_grades": areas,
            "safeguarding_met": _yes_no(sg_raw),
        }
    graded = _graded(cell, inspected_on, "")
    if graded is not None:
        return graded
    outcome = cell("monitoring_outcome")
    if outcome.upper() not in NOT_AN_OUTCOME:
        return {**common, "kind": "ungraded", "outcome": outcome[:200]}
    return None


def _common(cell: Any, inspected_on: dt.date, prefix: str) -> dict[str, Any]:
    published = cell(f"{prefix}published_on")
    relates = _norm(cell(f"{prefix}relates_to_current_urn"))
    return {
        "kind": "",
        "inspected_on": inspected_on,
        "published_on": _date(published) if published else None,
        "overall_grade": None,
        "key_judgements": {},
        "area_grades": {},
        "safeguarding_met": None,
        "category_of_concern": CONCERNS.get(_norm(cell(f"{prefix}category_of_concern")), ""),
        "is_predecessor": relates in {"no", "n"},
        "outcome": "",
        "report_url": cell("report_url")[:200] if cell("report_url").startswith("http") else "",
    }


def _yes_no(raw: str) -> bool | None:
    value = _norm(raw)
    return True if value in YES else False if value in NO else None


def _graded(cell: Any, inspected_on: dt.date, prefix: str) -> dict[str, Any] | None:
    """A graded inspection of the 2019 framework (legacy, or graded without an overall grade from
    September 2024); None when no grade was given (Ofsted's codes are not grades)."""
    judgements = {
        name[3:]: g
        for name in KEY_JUDGEMENT_FIELDS
        if (g := _grade(cell(f"{prefix}{name}"))) is not None
    }
    overall = _grade(cell(f"{prefix}overall_effectiveness"))
    if overall is None and not judgements:
        return None
    kind = (
        "legacy" if overall is not None or inspected_on < GRADED_WITHOUT_OVERALL_FROM else "graded"
    )
    return {
        **_common(cell, inspected_on, prefix),
        "kind": kind,
        "overall_grade": overall if kind == "legacy" else None,
        "key_judgements": judgements,
        "safeguarding_met": _yes_no(cell(f"{prefix}safeguarding_effective")),
    }


def _oeif(cell: Any, inspected_on: dt.date) -> dict[str, Any] | None:
    return _graded(cell, inspected_on, "oeif_")


def _ungraded(cell: Any, inspected_on: dt.date) -> dict[str, Any]:
    outcome = cell("ungraded_outcome")
    return {
        **_common(cell, inspected_on, "ungraded_"),
        "kind": "ungraded",
        "category_of_concern": "",
        "outcome": "" if outcome.upper() in NOT_AN_OUTCOME else outcome[:200],
    }
