"""The judgements kind (teacher assessment against a framework), checked for form here."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..kinds import (
    JUDGEMENT_SUBJECTS,
    JUDGEMENT_YEAR_GROUPS,
    MAX_REASON_LENGTH,
    SUBJECTS,
)
from .cells import Cells, Findings, unknown_value_message

STATEMENT_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{1,3}[A-Z]?$")
# A level as a file may give it: a code (WTS, SEC) or a name ("Working towards", "Greater depth").
LEVEL_FORM = re.compile(r"^[0-9A-Za-z][0-9A-Za-z '’().-]{0,79}$")


def _judgement_cells(get: Callable[[str], Cells], found: Findings) -> dict[str, Cells]:
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
        raw_source.map(lambda v: unknown_value_message(v, SUBJECTS, "subject")),
    )
    raw_level = get("judgement")
    # Only the form here: which levels are allowed is the year group's framework's to say
    # (WTS / EXS / GDS or the trust's own, by code or name), checked in frameworks.checks.
    level = raw_level.map(lambda v: " ".join(v.split()))
    found.add(
        level.test(lambda v: bool(v) and not LEVEL_FORM.match(v)),
        "judgement",
        raw_level.map(lambda v: v[:40]),
        "A level's code or name (letters, digits and spaces), or blank to accept the proposal.",
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


def check(
    get: Callable[[str], Cells], found: Findings, upn: Cells
) -> tuple[dict[str, Cells], list[Cells]]:
    """The kind's cells; and the columns that make a row unique (pupil and subject)."""
    record = _judgement_cells(get, found)
    return record, [upn, record["subject"]]
