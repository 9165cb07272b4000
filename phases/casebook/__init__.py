"""The casebook: named cases of evidence and the phase the rules give. Pure: no ORM import.

The "How placements are decided" page runs each case through `rules.propose` and shows the
result, and `tests/phases/test_casebook.py` asserts every case's expected phase and rule, so
the page can never disagree with the code. Cases 1-9 are the ones issue 12 tried as a trust's
director of school improvement; the rest cover every floor, inspection kind, P8 year, pupil
groups and special schools.

The package is split by theme: `base` (the `Case` type and evidence builders), `rules_in_words`
(`RULES`, the rules in plain English with their sources), and one module of cases per theme:
`inspections`, `floors`, `outcomes`, `groups`, `special`, `visits`, `terms`. `CASES` is every
theme's cases in number order; callers import `CASES`, `RULES` and `Case` from `phases.casebook`.
"""

from __future__ import annotations

from . import floors, groups, inspections, outcomes, special, terms, visits
from .base import (
    PRIMARY_ABOVE,
    PRIMARY_AT_NATIONAL,
    SUMMER,
    Case,
    T,
    _card,
    _graded,
    _kpi,
    _legacy,
    _visit,
)
from .rules_in_words import RULES

CASES: list[Case] = sorted(
    [
        *inspections.CASES,
        *floors.CASES,
        *outcomes.CASES,
        *groups.CASES,
        *special.CASES,
        *visits.CASES,
        *terms.CASES,
    ],
    key=lambda c: c.number,
)

__all__ = [
    "CASES",
    "PRIMARY_ABOVE",
    "PRIMARY_AT_NATIONAL",
    "RULES",
    "SUMMER",
    "Case",
    "T",
    "_card",
    "_graded",
    "_kpi",
    "_legacy",
    "_visit",
]
