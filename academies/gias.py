"""Reads DfE Get Information About Schools "group links" extracts. Pure: no ORM import.

The extract lists which establishment (URN) belongs to which group (trust, sponsor,
federation). We keep the rows of one group, map GIAS's phase and establishment type to our
phase of education, infer a default age range, and report every unusable row with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from trust_si.limits import GIAS, FileLimits, LimitExceeded, csv_records

REQUIRED_COLUMNS = (
    "URN",
    "Group UID",
    "Group Name",
    "EstablishmentName",
    "PhaseOfEducation (name)",
    "TypeOfEstablishment (name)",
)
# Default age ranges per phase of education: GIAS's links file carries no ages.
DEFAULT_AGES = {
    "nursery": (2, 5),
    "first": (4, 9),
    "primary": (4, 11),
    "middle": (9, 13),
    "secondary": (11, 16),
    "all_through": (4, 18),
    "special": (2, 19),
    "alternative_provision": (11, 16),
    "16_plus": (16, 19),
}


@dataclass
class GiasRow:
    urn: str
    name: str
    phase_of_education: str
    age_low: int
    age_high: int
    local_authority: str
    date_joined: dt.date | None


@dataclass
class GiasProblem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class GiasResult:
    group_uid: str
    group_name: str = ""
    rows: list[GiasRow] = field(default_factory=list)
    problems: list[GiasProblem] = field(default_factory=list)


def phase_for(gias_phase: str, establishment_type: str) -> str | None:
    """Our phase of education from GIAS's phase and type names (None: not a school we model)."""
    kind = establishment_type.lower()
    phase = gias_phase.strip().lower()
    if "special" in kind:
        return "special"
    if "alternative provision" in kind or "pupil referral" in kind:
        return "alternative_provision"
    if "children's centre" in kind:
        return None
    return {
        "primary": "primary",
        "secondary": "secondary",
        "all-through": "all_through",
        "middle deemed secondary": "middle",
        "middle deemed primary": "middle",
        "16 plus": "16_plus",
        "nursery": "nursery",
    }.get(phase)


def parse_date(value: str) -> dt.date | None:
    """ISO (as GIAS exports) or UK dd/mm/yyyy; GIAS's 1900-01-01 placeholder means unknown."""
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            parsed = dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        return None if parsed.year <= 1900 else parsed
    raise ValueError(f"{value!r} is not a date (expected dd/mm/yyyy or yyyy-mm-dd)")


def read_group(data: bytes | str, group_uid: str, limits: FileLimits = GIAS) -> GiasResult:
    """The academies of one group in a GIAS group-links file, with every problem found.

    The file is read within `trust_si.limits.GIAS` (bytes, columns, characters in a cell, rows,
    seconds): a file past a bound is refused whole, with the bound in words.
    """
    result = GiasResult(group_uid=str(group_uid).strip())
    try:
        return _read_group(data, result, limits)
    except LimitExceeded as exc:
        return GiasResult(group_uid=result.group_uid, problems=[GiasProblem(1, "", "", str(exc))])


def _read_group(data: bytes | str, result: GiasResult, limits: FileLimits) -> GiasResult:
    header, reader = csv_records(data, limits)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.problems.append(
            GiasProblem(
                1, ", ".join(missing), "", "Column missing: this is not a GIAS group-links file."
            )
        )
        return result
    seen: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        if (raw.get("Group UID") or "").strip() != result.group_uid:
            continue
        result.group_name = result.group_name or raw["Group Name"].strip()
        urn = (raw.get("URN") or "").strip()
        if not re.fullmatch(r"\d{6}", urn):
            result.problems.append(GiasProblem(number, "URN", urn, "A URN is six digits."))
            continue
        if urn in seen:
            result.problems.append(GiasProblem(number, "URN", urn, "This URN appears twice."))
            continue
        phase = phase_for(raw["PhaseOfEducation (name)"], raw["TypeOfEstablishment (name)"])
        if phase is None:
            result.problems.append(
                GiasProblem(
                    number,
                    "TypeOfEstablishment (name)",
                    raw["TypeOfEstablishment (name)"],
                    "Not a school type trust-si models; skipped.",
                )
            )
            continue
        try:
            joined = parse_date(raw.get("Joined date") or "")
        except ValueError as exc:
            result.problems.append(
                GiasProblem(number, "Joined date", raw.get("Joined date", ""), str(exc))
            )
            continue
        name = raw["EstablishmentName"].strip()
        if not name:
            result.problems.append(
                GiasProblem(number, "EstablishmentName", "", "The name is empty.")
            )
            continue
        low, high = DEFAULT_AGES[phase]
        seen.add(urn)
        result.rows.append(
            GiasRow(
                urn=urn,
                name=name[:200],
                phase_of_education=phase,
                age_low=low,
                age_high=high,
                local_authority=(raw.get("LA (name)") or "").strip()[:100],
                date_joined=joined,
            )
        )
    if not result.rows and not result.problems:
        result.problems.append(
            GiasProblem(
                0,
                "Group UID",
                result.group_uid,
                "No establishment in this file belongs to that group.",
            )
        )
    return result
