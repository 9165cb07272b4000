"""How many visits an academy should have each term, from its phase's support tier. Pure.

Seed 002/003: every academy gets the universal offer; the tiers add to it. Academies in Repair
and Stabilise are visited more, and Stabilise adds a safeguarding review every term.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trust_si.terms import SEASON_CODES

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
