"""Pupil groups: disadvantaged pupils against national other pupils. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    SUSTAIN,
    Evidence,
    GapEvidence,
)
from trust_si.sources import EXCELLENCE_EVERY_DAY, cite

from .base import (
    PRIMARY_ABOVE,
    SUMMER,
    Case,
    T,
    _card,
    _kpi,
)

RWM = "KS2 reading, writing and maths combined"

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
        f"{cite(EXCELLENCE_EVERY_DAY, 'Sustain')}: little to no variance in the performance of different groups.",
    ),
]

# Persistent disadvantaged gaps: disadvantaged pupils against national other pupils, over the
# last 2 years of statutory results or the last 3 terms of a termly measure.
SPRING = "2025-26-spring"
SPRING_DAY = dt.date(2026, 3, 10)
CASES += [
    Case(
        37,
        "A disadvantaged gap over two years of results counts against Sustain",
        "Report card strong; all pupils well above national; DfE's published difference for "
        "disadvantaged pupils from national other pupils in KS2 reading, writing and maths: "
        "-8 in 2023-24 and -6 in 2024-25 (DIFFN_RWM_EXP).",
        Evidence(
            SPRING,
            SPRING_DAY,
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=PRIMARY_ABOVE,
            published_gaps=(
                GapEvidence("ks2_rwm_exp", RWM, "2023-24", -8.0, "DIFFN_RWM_EXP"),
                GapEvidence("ks2_rwm_exp", RWM, "2024-25", -6.0, "DIFFN_RWM_EXP"),
            ),
        ),
        IMPROVE,
        "persistent_disadvantaged_gap",
        f"{cite(EXCELLENCE_EVERY_DAY, 'Sustain')}: little to no variance between groups; DfE compares disadvantaged "
        "pupils with national other pupils; two cohorts running are a pattern.",
    ),
    Case(
        38,
        "A gap in one year only is not a persistent gap",
        "Report card strong; all pupils well above national; DfE's published difference for "
        "disadvantaged pupils: +2 in 2023-24, -3 in 2024-25.",
        Evidence(
            SPRING,
            SPRING_DAY,
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=PRIMARY_ABOVE,
            published_gaps=(
                GapEvidence("ks2_rwm_exp", RWM, "2023-24", 2.0, "DIFFN_RWM_EXP"),
                GapEvidence("ks2_rwm_exp", RWM, "2024-25", -3.0, "DIFFN_RWM_EXP"),
            ),
        ),
        SUSTAIN,
        "inspection_area",
        "One cohort's gap is listed, not counted as persistent (setting: 2 years of results).",
    ),
    Case(
        39,
        "Persistent absence of disadvantaged pupils above national other pupils for three terms",
        "Report card strong; all pupils well above national; disadvantaged pupils' persistent "
        "absence 24%, 22%, 23% in autumn, spring and summer against 14% for national other "
        "pupils.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=(
                *PRIMARY_ABOVE,
                _kpi(
                    "persistent_absence",
                    23,
                    14,
                    SUMMER,
                    direction="lower",
                    cohort=20,
                    group="disadvantaged",
                ),
            ),
            history=(
                _kpi(
                    "persistent_absence",
                    24,
                    14,
                    "2025-26-autumn",
                    direction="lower",
                    cohort=20,
                    group="disadvantaged",
                ),
                _kpi(
                    "persistent_absence",
                    22,
                    14,
                    SPRING,
                    direction="lower",
                    cohort=20,
                    group="disadvantaged",
                ),
            ),
        ),
        IMPROVE,
        "persistent_disadvantaged_gap",
        "A termly measure's gap persists over three terms (a school year).",
    ),
]
