"""How many visits an academy should have each term, from its phase's support tier, and on
which days. Pure.

Seed 002/003: every academy gets the universal offer; the tiers add to it. Academies in Repair
and Stabilise are visited more, and Stabilise adds a safeguarding review every term.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from trust_si.terms import SEASON_CODES, Season, TermCode

# phase -> (visits per term, extra visit types every term). A trust may override in config.
DEFAULT_VISITS_PER_TERM: dict[str, int] = {"sustain": 1, "improve": 2, "repair": 3, "stabilise": 4}
DEFAULT_EXTRA_TYPES: dict[str, list[str]] = {
    "stabilise": ["safeguarding"],
    "repair": ["teaching_learning"],
}


@dataclass(frozen=True)
class PlannedVisits:
    term: str  # a season code of trust_si.terms: "autumn", "spring", "summer"
    visit_type: str | None  # None: any type (the officer chooses the focus)
    planned: int


def plan_for_phase(phase: str, config: dict[str, Any] | None = None) -> list[PlannedVisits]:
    """The programme for one academic year.

    1. Look up the phase (case-insensitive; unknown phases plan as Improve) in the trust's
       config `visits_per_term`, else the defaults: Sustain 1, Improve 2, Repair 3, Stabilise 4.
    2. Each term gets that many visits of any type, less the tier's required types.
    3. The tier's required types (Stabilise: a safeguarding review; Repair: a teaching and
       learning review) are planned every term on their own lines.
    """
    config = config or {}
    key = phase.strip().lower()
    per_term = {**DEFAULT_VISITS_PER_TERM, **config.get("visits_per_term", {})}
    extras = {**DEFAULT_EXTRA_TYPES, **config.get("visit_extra_types", {})}
    total = per_term.get(key, per_term["improve"])
    required = extras.get(key, [])
    plan: list[PlannedVisits] = []
    for term in SEASON_CODES:
        for code in required:
            plan.append(PlannedVisits(term, code, 1))
        open_visits = max(total - len(required), 0)
        if open_visits:
            plan.append(PlannedVisits(term, None, open_visits))
    return plan


def teaching_window(term: TermCode) -> tuple[dt.date, dt.date]:
    """The weeks of a term when schools are open, roughly: visits are planned inside them.

    Autumn: 8 September to 12 December. Spring: 8 January to the Friday nine days before Easter
    Sunday. Summer: two weeks after Easter Sunday (the Easter holiday) to 17 July. Trusts'
    own dates vary by a few days; a planned date is a proposal the owner edits.
    """
    first, last = term.bounds
    if term.season is Season.AUTUMN:
        return dt.date(first.year, 9, 8), dt.date(first.year, 12, 12)
    if term.season is Season.SPRING:
        return dt.date(first.year, 1, 8), last - dt.timedelta(days=9)
    return first + dt.timedelta(days=14), dt.date(last.year, 7, 17)


def planned_dates(window: tuple[dt.date, dt.date], count: int, offset: int = 0) -> list[dt.date]:
    """`count` dates spread evenly over the window, on school days (Monday to Friday).

    1. Split the window into `count` equal parts and take the middle of each.
    2. Move it `offset` days later (0-4: academies of one officer fall on different days),
       never past the window's end.
    3. A Saturday or Sunday moves back to the Friday before.
    """
    first, last = window
    span = (last - first).days
    out = []
    for i in range(count):
        day = first + dt.timedelta(days=span * (2 * i + 1) // (2 * count) + offset % 5)
        day = min(day, last)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        out.append(day)
    return out
