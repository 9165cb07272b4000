"""The attendance kind: sessions possible and missed, whole numbers, missed never above possible."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from .cells import Cells, Findings


def check(
    get: Callable[[str], Cells], found: Findings, upn: Cells
) -> tuple[dict[str, Cells], list[Cells]]:
    """The kind's cells, checked; and the columns that make a row unique (one per pupil)."""
    numbers: dict[str, Cells] = {}
    for name in ("sessions_possible", "sessions_missed"):
        raw_number = get(name)
        found.add(
            raw_number.test(lambda v: v and not re.fullmatch(r"\d{1,4}", v)),
            name,
            raw_number,
            "Use a whole number of sessions.",
        )
        # isdecimal, not isdigit: int() refuses digits such as "²" that isdigit accepts.
        numbers[name] = raw_number.map(lambda v: int(v) if v.isdecimal() else 0)
    possible, missed = (
        np.asarray(numbers[n].values, dtype=np.int64)[numbers[n].codes]
        for n in ("sessions_possible", "sessions_missed")
    )
    found.add(
        missed > possible,
        "sessions_missed",
        get("sessions_missed"),
        "More sessions missed than possible.",
    )
    return dict(numbers), [upn]
