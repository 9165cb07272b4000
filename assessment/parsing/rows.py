"""Validating an upload's rows: the checks every kind shares, then the kind's own module."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..kinds import KINDS
from . import attendance, exclusions, judgements, pupils, results
from .cells import (
    CODE,
    FIELDS,
    NUMBER_FIELDS,
    TEXT_FIELDS,
    UPN,
    Cells,
    Checked,
    Findings,
    Table,
    combine,
    pupil_key,
)

# Each kind's own checks: check(get, found, upn) -> (its cells, the columns that key a row).
KIND_CHECKS: dict[
    str,
    Callable[[Callable[[str], Cells], Findings, Cells], tuple[dict[str, Cells], list[Cells]]],
] = {
    "pupils": pupils.check,
    "results": results.check,
    "attendance": attendance.check,
    "judgements": judgements.check,
    "exclusions": exclusions.check,  # issue 13, i13-4b
}


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

    found = Findings(height)
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
    own, key = KIND_CHECKS[kind_code](get, found, upn)
    record.update(own)
    # A repeated pupil (or pupil, subject and measure) is reported against its first row.
    complete = np.logical_and.reduce([part.test(bool) for part in key])
    group = combine(*(part.codes for part in key))
    rows = np.arange(height)
    first_row = np.full(int(group.max(initial=-1)) + 1, height, dtype=np.int64)
    np.minimum.at(first_row, group[complete], rows[complete])
    repeated = complete & (first_row[group] < rows)
    if repeated.any():
        # One message per first row that is repeated, not one per row: a big file's rows are
        # never turned into Python objects.
        twice = np.flatnonzero(repeated)
        firsts, which = np.unique(first_row[group[twice]], return_inverse=True)
        codes = np.zeros(height, dtype=CODE)
        codes[twice] = which + 1
        texts = [f"This pupil appears twice (also on row {r + 2})." for r in firsts.tolist()]
        found.add(repeated, "upn", upn, Cells(codes, ["", *texts]))
    clean = np.flatnonzero(~found.bad)
    frame = pd.DataFrame({"row": clean + 2}, index=pd.RangeIndex(len(clean)))
    for name in FIELDS[kind_code]:
        cells = record[name]
        if name in TEXT_FIELDS:  # categorical: each distinct text is held once, as in the file
            frame[name] = pd.Categorical.from_codes(cells.codes[clean], categories=cells.values)
        else:
            frame[name] = np.asarray(cells.values, dtype=NUMBER_FIELDS[name])[cells.codes[clean]]
    return Checked(frame=frame, problems=found.problems())
