"""Pupil groups: disadvantaged pupils against national other pupils. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    Evidence,
)

from .base import (
    PRIMARY_ABOVE,
    SUMMER,
    Case,
    T,
    _card,
    _kpi,
)

CASES: list[Case] = [
    Case(
        23,
        "Disadvantaged pupils below national other pupils stop Sustain",
        "Report card strong; all pupils well above national; disadvantaged pupils below national "
        "non-disadvantaged pupils.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=(
                *PRIMARY_ABOVE,
                _kpi(
                    "ks2_rwm_exp",
                    55,
                    68,
                    SUMMER,
                    "rwm",
                    group="disadvantaged",
                    national_year="2024-25",
                ),
            ),
        ),
        IMPROVE,
        "sustain_needs_outcomes_above_national",
        "Seed 004 Sustain: little to no variance in the performance of different groups.",
    ),
]
