"""Trust visits and reviews beside the inspection, and their age. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    REPAIR,
    Evidence,
)

from .base import (
    PRIMARY_AT_NATIONAL,
    SUMMER,
    Case,
    T,
    _card,
    _kpi,
    _legacy,
    _visit,
)

CASES: list[Case] = [
    Case(
        27,
        "Old visit judgements are stale; the inspection is not",
        "Report card expected (Nov 2025, over a year before); a visit of 2025 judging needs "
        "attention; computed in spring 2027.",
        Evidence(
            "2026-27-spring",
            dt.date(2027, 2, 1),
            inspections=(_card(dt.date(2025, 11, 25)),),
            judgements=(_visit("curriculum_teaching", "needs_attention", dt.date(2025, 9, 1)),),
        ),
        IMPROVE,
        "inspection_area",
        "The newest inspection is never dropped for age; visits older than a year are.",
    ),
    Case(
        28,
        "Visits below expected beside a Good inspection",
        "Legacy Good (2022); this year's visits judge curriculum and behaviour needs attention, "
        "leadership urgent improvement; outcomes 10 points below.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2022, 5, 1), 2),),
            judgements=(
                _visit("curriculum_teaching", "needs_attention", dt.date(2026, 3, 1)),
                _visit("attendance_behaviour", "needs_attention", dt.date(2026, 3, 1)),
                _visit("leadership_governance", "urgent_improvement", dt.date(2026, 3, 1)),
            ),
            kpis=(
                _kpi("ks2_rwm_exp", 52, 62, SUMMER, "rwm", national_year="2024-25"),
                _kpi("ks2_reading_exp", 65, 75, SUMMER, "reading", national_year="2024-25"),
            ),
        ),
        REPAIR,
        "judgement",
        "Trust evidence beside the inspection moves the placement without replacing it.",
    ),
    Case(
        32,
        "Visit ages counted from the visit date (December 2026)",
        "Legacy Good (2023); KS2 at national; visits: safeguarding met (15 Sep 2025), leadership "
        "and governance expected standard (20 Nov 2025). Computed 1 Dec 2026.",
        Evidence(
            SUMMER,
            dt.date(2026, 12, 1),
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            kpis=PRIMARY_AT_NATIONAL,
            judgements=(
                _visit("safeguarding", "met", dt.date(2025, 9, 15)),
                _visit("leadership_governance", "expected_standard", dt.date(2025, 11, 20)),
            ),
        ),
        IMPROVE,
        "legacy_inspection",
        "Both visits are more than a year old on the day: neither is used, safeguarding included.",
    ),
    Case(
        33,
        "Visit ages counted from the visit date (October 2026)",
        "As case 32, computed 1 Oct 2026.",
        Evidence(
            SUMMER,
            dt.date(2026, 10, 1),
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            kpis=PRIMARY_AT_NATIONAL,
            judgements=(
                _visit("safeguarding", "met", dt.date(2025, 9, 15)),
                _visit("leadership_governance", "expected_standard", dt.date(2025, 11, 20)),
            ),
        ),
        IMPROVE,
        "judgement",
        "The November 2025 leadership judgement is within a year and used; the September 2025 "
        "safeguarding visit is not: each measured from its own visit date.",
    ),
]
