"""The exclusions kind (issue 13): one row per suspension or permanent exclusion, as DfE's school
census records them: the pupil, the day it began, its type and a suspension's length in
sessions. Whether the day falls in the upload's term is checked by the caller, who knows the
term (`services._exclusion_problems`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..kinds import EXCLUSION_TYPE_ALIASES, MAX_SUSPENSION_SESSIONS
from .cells import Cells, Findings, parse_uk_date


def _iso(text: str) -> str:
    try:
        return parse_uk_date(text).isoformat()
    except ValueError:
        return ""


def check(
    get: Callable[[str], Cells], found: Findings, upn: Cells
) -> tuple[dict[str, Cells], list[Cells]]:
    """The kind's cells, checked; and the columns that make a row unique (pupil, day, type)."""
    raw_date, raw_type, raw_sessions = get("date"), get("type"), get("sessions")
    date = raw_date.map(lambda v: _iso(v) if v else "")
    found.add(
        date.test(lambda v: not v) & raw_date.test(bool),
        "date",
        raw_date,
        "Not a date: use dd/mm/yyyy.",
    )
    category = raw_type.map(lambda v: EXCLUSION_TYPE_ALIASES.get(v.strip().lower(), ""))
    found.add(
        category.test(lambda v: not v) & raw_type.test(bool),
        "type",
        raw_type,
        "Use suspension or permanent.",
    )
    whole = raw_sessions.test(lambda v: bool(v) and not re.fullmatch(r"\d{1,3}", v))
    found.add(whole, "sessions", raw_sessions, "Use a whole number of sessions (half days).")
    sessions = raw_sessions.map(lambda v: int(v) if v.isdecimal() and len(v) <= 3 else 0)
    suspension = category.test(lambda v: v == "suspension")
    permanent = category.test(lambda v: v == "permanent")
    length = sessions.test(lambda v: 1 <= v <= MAX_SUSPENSION_SESSIONS)
    found.add(
        suspension & ~whole & ~length,
        "sessions",
        raw_sessions,
        f"A suspension lasts 1 to {MAX_SUSPENSION_SESSIONS} sessions (45 school days, DfE's "
        "most in a year): give its length.",
    )
    found.add(
        permanent & raw_sessions.test(bool) & ~whole & sessions.test(bool),
        "sessions",
        raw_sessions,
        "A permanent exclusion has no length: leave sessions blank.",
    )
    return {"date": date, "category": category, "sessions": sessions}, [upn, date, category]
