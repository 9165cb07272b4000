"""Outcomes: KPIs against national, Progress 8 years, absence as a relative gap, the Sustain gate. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    REPAIR,
    SUSTAIN,
    Evidence,
    P8Evidence,
)

from .base import (
    PRIMARY_AT_NATIONAL,
    SUMMER,
    Case,
    T,
    _card,
    _kpi,
    _legacy,
)

CASES: list[Case] = [
    Case(
        5,
        "Progress 8 of 2023-24 is the latest valid figure all through 2024-25",
        "Secondary, spring 2024-25: Progress 8 2023-24 of -0.85 (well below), legacy Good.",
        Evidence(
            "2024-25-spring",
            dt.date(2025, 2, 10),
            teaches_ks4=True,
            p8=P8Evidence("2023-24", -0.85, -1.05, -0.65, "5"),
            inspections=(_legacy(dt.date(2022, 1, 1), 2),),
        ),
        REPAIR,
        "p8_band",
        "P8 2023-24 is used and labelled, not 'stale'.",
    ),
    Case(
        8,
        "Report card all strong, outcomes exactly at national",
        "Report card all strong standard (Jan 2026); KS2 outcomes exactly at national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 20), "strong_standard"),),
            kpis=PRIMARY_AT_NATIONAL,
        ),
        IMPROVE,
        "sustain_needs_outcomes_above_national",
        "Seed 004 Sustain: outcomes exceptional and above national; at national is Improve.",
    ),
    Case(
        19,
        "Progress 8 not published for the 2024-25 results",
        "Secondary, spring 2025-26: Progress 8 2023-24 only; legacy Good; Attainment 8 above.",
        Evidence(
            "2025-26-spring",
            dt.date(2026, 2, 1),
            teaches_ks4=True,
            p8=P8Evidence("2023-24", 0.3, 0.1, 0.5, "2"),
            inspections=(_legacy(dt.date(2023, 1, 1), 2),),
            kpis=(
                _kpi(
                    "ks4_att8", 50.8, 45.9, "2025-26-spring", unit="points", national_year="2024-25"
                ),
            ),
        ),
        IMPROVE,
        "legacy_inspection",
        "From autumn 2025 to summer 2027 the reason says P8 is not published for this cohort.",
    ),
    Case(
        20,
        "Progress 8 well above, report card strong",
        "Secondary, spring 2023-24: P8 2022-23 +0.62 (well above); report card strong; "
        "Attainment 8 above national.",
        Evidence(
            "2023-24-spring",
            dt.date(2024, 2, 1),
            teaches_ks4=True,
            p8=P8Evidence("2022-23", 0.62, 0.41, 0.83, "1"),
            inspections=(_card(dt.date(2023, 12, 1), "strong_standard"),),
            kpis=(
                _kpi(
                    "ks4_att8", 52.0, 46.3, "2023-24-spring", unit="points", national_year="2023-24"
                ),
            ),
        ),
        SUSTAIN,
        "p8_band",
        "Seed 002 Sustain: P8 above or well above average.",
    ),
    Case(
        21,
        "Progress 8 average stops Sustain",
        "Secondary, spring 2023-24: P8 2022-23 +0.05 (average); report card exceptional; "
        "Attainment 8 above national.",
        Evidence(
            "2023-24-spring",
            dt.date(2024, 2, 1),
            teaches_ks4=True,
            p8=P8Evidence("2022-23", 0.05, -0.15, 0.25, "3"),
            inspections=(_card(dt.date(2023, 12, 1), "exceptional"),),
            kpis=(
                _kpi(
                    "ks4_att8", 52.0, 46.3, "2023-24-spring", unit="points", national_year="2023-24"
                ),
            ),
        ),
        IMPROVE,
        "sustain_needs_outcomes_above_national",
        "Seed 002: Sustain is P8 above or well above; average is Improve.",
    ),
    Case(
        22,
        "An older P8 is shown, not used",
        "Secondary, summer 2025-26: P8 2018-19 only; legacy Good.",
        Evidence(
            SUMMER,
            T,
            teaches_ks4=True,
            p8=P8Evidence("2018-19", -0.62, -0.85, -0.39, "5"),
            inspections=(_legacy(dt.date(2023, 1, 1), 2),),
            kpis=(_kpi("ks4_att8", 45.9, 45.9, SUMMER, unit="points", national_year="2024-25"),),
        ),
        IMPROVE,
        "p8_band",
        "An older cohort's P8 is context only.",
    ),
    Case(
        34,
        "Absence a fifth above national is Repair, though only 1.3 points",
        "Legacy Good (2023); overall absence 7.8% against 6.5% nationally (20% higher; 1.3 "
        "points), persistent absence 24.5% against 18.7% (31% higher), 120 pupils.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            kpis=(
                _kpi("absence", 7.8, 6.5, SUMMER, direction="lower", cohort=120),
                _kpi("persistent_absence", 24.5, 18.7, SUMMER, direction="lower", cohort=120),
            ),
        ),
        REPAIR,
        "absence_relative_gap",
        "Points would call 1.3 above national 'Improve'; against a 6.5% national rate it is 20% "
        "worse, and persistent absence 31% worse is Stabilise's band: with the Good inspection, "
        "Repair.",
    ),
    Case(
        35,
        "Absence well below national counts towards Sustain",
        "Report card strong standard (2026); overall absence 5.2% against 6.5% nationally (20% "
        "lower), KS2 well above national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=(
                _kpi("absence", 5.2, 6.5, SUMMER, direction="lower", cohort=200),
                _kpi("ks2_rwm_exp", 72, 62, SUMMER, "rwm", national_year="2024-25"),
            ),
        ),
        SUSTAIN,
        "absence_relative_gap",
        "1.3 points below would be only 'at national' in points; 20% below the national rate "
        "is above national.",
    ),
    Case(
        36,
        "Absence just above national stays Improve",
        "Legacy Good (2023); overall absence 7.0% against 6.5% nationally (8% higher).",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            kpis=(_kpi("absence", 7.0, 6.5, SUMMER, direction="lower", cohort=120),),
        ),
        IMPROVE,
        "absence_relative_gap",
        "Within 10% of the national rate: Improve; not above national, so never Sustain.",
    ),
]
