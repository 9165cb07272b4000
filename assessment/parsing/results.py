"""The results kind: subject, measure and a value the measure allows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..kinds import MEASURES, SUBJECTS
from .cells import Cells, Findings, combine

MAX_VALUE_LENGTH = 8  # Result.value


def check(
    get: Callable[[str], Cells], found: Findings, upn: Cells
) -> tuple[dict[str, Cells], list[Cells]]:
    """The kind's cells, checked; and the columns that make a row unique (pupil, subject and
    measure)."""
    height = len(upn.codes)
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
    pair = combine(measure.codes, raw_value.codes)
    # The first row of each pair (what pandas' groupby().first() gave, without its copies).
    first = np.full(int(pair.max(initial=-1)) + 1, height, dtype=np.int64)
    np.minimum.at(first, pair, np.arange(height))
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
    record = dict(
        subject=subject,
        measure=measure,
        value=verdict.map(lambda o: o[0] if isinstance(o, tuple) else ""),
        numeric=verdict.map(lambda o: o[1] if isinstance(o, tuple) else None),
    )
    return record, [upn, subject, measure]


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
