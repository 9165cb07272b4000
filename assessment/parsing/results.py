"""The results kind: subject, measure and a value the measure allows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..kinds import ELG_AREAS, MEASURES, SUBJECTS
from .cells import Cells, Findings, combine, objects, unknown_value_message

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
        raw_subject.map(lambda v: unknown_value_message(v, SUBJECTS, "subject")),
    )
    found.add(
        measure.test(lambda v: v and v not in MEASURES),
        "measure",
        raw_measure,
        raw_measure.map(lambda v: unknown_value_message(v, MEASURES, "measure")),
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
    _primary_checks(found, upn, subject, measure, raw_value, verdict)
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


# Primary measures (issue 13, i13-4a): the pairs of subject and measure the new measures come in,
# whole marks for the multiplication tables check, and a GLD that agrees with the areas of
# learning it is made of when a file carries both for a child.
_SUBJECT_OF = {"mtc": "mtc", "lowest_20": "eyfs", **{code: "eyfs" for code in ELG_AREAS}}
_MEASURE_OF = {"gps": "scaled_score", "mtc": "mtc"}


def _primary_checks(
    found: Findings, upn: Cells, subject: Cells, measure: Cells, raw_value: Cells, verdict: Cells
) -> None:
    """Checks of the issue-13 measures; each problem names its row's column.

    1. A new measure with the wrong subject (elg_* is subject eyfs, mtc is subject mtc), and the
       new subjects with the wrong measure (gps is a scaled_score test, mtc its own check).
    2. A multiplication tables check score is a whole number of marks.
    3. A pupil with a gld row and all five area rows (elg_*) in the same file: DfE's good level
       of development is the expected level in every ELG of the three prime areas, literacy and
       mathematics, so a gld that disagrees with the five areas is refused on the gld row. With
       only some areas, or in separate files, gld stands as uploaded (the KPI reads gld first
       and works it out from the five areas only when there is no gld row).

    Steps 1 and 2 work on the distinct values, as the rest of the check does; step 3 visits the
    EYFS rows only.
    """
    want_subject = measure.map(lambda m: _SUBJECT_OF.get(m, ""))
    want_measure = subject.map(lambda s: _MEASURE_OF.get(s, ""))
    subjects, measures = _per_row(subject), _per_row(measure)
    wanted_subjects, wanted_measures = _per_row(want_subject), _per_row(want_measure)
    found.add(
        (wanted_subjects != "") & (subjects != "") & (wanted_subjects != subjects),
        "subject",
        subject,
        measure.map(
            lambda m: (
                f"The measure {m} is recorded with subject {_SUBJECT_OF[m]}."
                if m in _SUBJECT_OF
                else ""
            )
        ),
    )
    found.add(
        (wanted_measures != "") & (measures != "") & (wanted_measures != measures),
        "measure",
        measure,
        subject.map(
            lambda v: (
                f"The subject {v} is recorded with measure {_MEASURE_OF[v]}."
                if v in _MEASURE_OF
                else ""
            )
        ),
    )
    found.add(
        measure.test(lambda m: m == "mtc") & raw_value.test(_fraction),
        "value",
        raw_value,
        "The multiplication tables check is marked in whole marks, 0-25.",
    )
    height = len(upn.codes)
    eyfs_rows = np.flatnonzero(measure.test(lambda m: m == "gld" or m in ELG_AREAS))
    areas: dict[int, dict[str, tuple[int, str]]] = {}
    for r in eyfs_rows.tolist():
        m = measure[r]
        if isinstance(verdict[r], tuple):
            areas.setdefault(int(upn.codes[r]), {})[m] = (r, verdict[r][0])
    clash: dict[int, str] = {}
    for rows in areas.values():
        if "gld" not in rows or not all(code in rows for code in ELG_AREAS):
            continue
        emerging = [code for code in ELG_AREAS if rows[code][1] != "EXPECTED"]
        row, gld = rows["gld"]
        if (gld == "Y") == (not emerging):
            continue
        clash[row] = (
            "GLD is Y but the child is emerging in "
            + ", ".join(f"{ELG_AREAS[c]} (row {rows[c][0] + 2})" for c in emerging)
            if gld == "Y"
            else "GLD is N but the child is at the expected level in all five areas (prime "
            "areas, literacy and mathematics), which is a good level of development"
        ) + "."
    if clash:
        mask = np.zeros(height, dtype=bool)
        mask[list(clash)] = True
        reasons = objects([""] * height)
        reasons[list(clash)] = list(clash.values())
        found.add(mask, "value", raw_value, reasons)


def _per_row(cells: Cells) -> np.ndarray:
    """Each row's value, as an array (for comparing two columns row by row)."""
    return objects(cells.values)[cells.codes] if len(cells.codes) else objects([])


def _fraction(text: str) -> bool:
    try:
        return float(text) != int(float(text))
    except (ValueError, OverflowError):
        return False  # not a number (or inf, nan): the value check reports it
