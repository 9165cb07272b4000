"""Inspection kinds and precedence: the newest inspection stands, age lowers its weight. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    REPAIR,
    SUSTAIN,
    Evidence,
    InspectionEvidence,
)
from trust_si.sources import CARTER, EXCELLENCE_EVERY_DAY, cite

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
)

CASES: list[Case] = [
    Case(
        2,
        "A newer report card stands over an old Inadequate",
        "Legacy Inadequate (2022), then a report card all strong standard (Nov 2025); "
        "computed in January 2027.",
        Evidence(
            "2026-27-spring",
            dt.date(2027, 1, 15),
            inspections=(
                _legacy(dt.date(2022, 3, 1), 4),
                _card(dt.date(2025, 11, 20), "strong_standard"),
            ),
        ),
        IMPROVE,
        "inspection_area",
        "The newer inspection stands; the old grade is history. Not Sustain without outcomes.",
    ),
    Case(
        9,
        "A 2009 Outstanding is flagged and counts for less",
        "Legacy Outstanding (2009); KS2 outcomes 5 points below national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2009, 3, 1), 1),),
            kpis=(
                _kpi("ks2_rwm_exp", 57, 62, SUMMER, "rwm", national_year="2024-25"),
                _kpi("ks2_reading_exp", 70, 75, SUMMER, "reading", national_year="2024-25"),
            ),
        ),
        IMPROVE,
        "legacy_inspection",
        "An old inspection is flagged and its weight lowered with age.",
    ),
    # --- twenty more: every floor, inspection kind, P8 year, groups, special schools ---
    Case(
        14,
        "Graded inspection: all Good, outcomes above national",
        "Graded inspection (Feb 2025, no overall grade): all four key judgements Good; KS2 above "
        "national.",
        Evidence(SUMMER, T, inspections=(_graded(dt.date(2025, 2, 1)),), kpis=PRIMARY_ABOVE),
        IMPROVE,
        "inspection_key_judgement",
        "Good key judgements and outcomes above national place in Improve (Good is level 3).",
    ),
    Case(
        15,
        "Report card exceptional, outcomes above national",
        "Report card exceptional in every area (Dec 2025); KS2 well above national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2025, 12, 5), "exceptional"),),
            kpis=PRIMARY_ABOVE,
        ),
        SUSTAIN,
        "inspection_area",
        f"{cite(EXCELLENCE_EVERY_DAY, 'Sustain')}: strong performance in all areas, outcomes above national.",
    ),
    Case(
        18,
        "Requires improvement with outcomes below national",
        "Legacy Requires improvement (2023); KS2 10 points below national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2023, 9, 1), 3),),
            kpis=(
                _kpi("ks2_rwm_exp", 52, 62, SUMMER, "rwm", national_year="2024-25"),
                _kpi("ks2_reading_exp", 65, 75, SUMMER, "reading", national_year="2024-25"),
            ),
        ),
        REPAIR,
        "legacy_inspection",
        f"{cite(CARTER, 'Repair')}: below average outcomes, requires improvement.",
    ),
    Case(
        29,
        "Ungraded inspection confirms safeguarding effective",
        "Legacy Good (2021), ungraded inspection (2025) safeguarding effective; outcomes at "
        "national.",
        Evidence(
            SUMMER,
            T,
            inspections=(
                _legacy(dt.date(2021, 11, 1), 2),
                InspectionEvidence("ungraded", dt.date(2025, 11, 1), safeguarding_met=True),
            ),
            kpis=PRIMARY_AT_NATIONAL,
        ),
        IMPROVE,
        "legacy_inspection",
        "An ungraded inspection adds its findings; the graded outcome stands.",
    ),
    Case(
        30,
        "A floor lifted by a newer Good inspection",
        "Legacy Inadequate (2021), then legacy Good (2024); outcomes at national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2021, 3, 1), 4), _legacy(dt.date(2024, 3, 1), 2)),
            kpis=PRIMARY_AT_NATIONAL,
        ),
        IMPROVE,
        "legacy_inspection",
        "A newer inspection lifts the floor; the old Inadequate is history.",
    ),
]
