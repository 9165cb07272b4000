"""Floors: Ofsted's and the trust's findings that place an academy in Stabilise. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    STABILISE,
    Evidence,
    InspectionEvidence,
)
from trust_si.sources import AN_DARAS, EXCELLENCE_EVERY_DAY, cite

from .base import (
    PRIMARY_ABOVE,
    PRIMARY_AT_NATIONAL,
    SUMMER,
    Case,
    T,
    _card,
    _graded,
    _legacy,
    _visit,
)

CASES: list[Case] = [
    Case(
        1,
        "Report card: leadership and governance urgent improvement",
        "Report card (Jan 2026): leadership and governance urgent improvement, every other area "
        "expected standard, safeguarding met.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 20), leadership_governance="urgent_improvement"),),
        ),
        STABILISE,
        "leadership_urgent_improvement",
        f"Special measures territory: {cite(EXCELLENCE_EVERY_DAY, 'Stabilise')}, limited leadership capacity to improve.",
    ),
    Case(
        3,
        "A trust visit adds to an Inadequate, never replaces it",
        "Legacy Inadequate (June 2025), then one trust visit judging behaviour expected.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2025, 6, 10), 4),),
            judgements=(_visit("attendance_behaviour", "expected_standard", dt.date(2026, 3, 1)),),
        ),
        STABILISE,
        "legacy_inadequate",
        "A visit adds to an inspection; it never replaces it.",
    ),
    Case(
        4,
        "Newly joined sponsored academy with only a legacy Inadequate",
        "Joined the trust this year as a sponsored academy; the predecessor school's last "
        "inspection was Inadequate; nothing else yet.",
        Evidence(
            "2025-26-autumn",
            dt.date(2025, 10, 1),
            inspections=(_legacy(dt.date(2024, 5, 1), 4, predecessor=True),),
        ),
        STABILISE,
        "legacy_inadequate",
        f"{AN_DARAS.title}: seriously underperforming school, rescue or recovery; not 'too little evidence'.",
    ),
    Case(
        6,
        "Ofsted safeguarding not met, then a trust visit records met",
        "Report card 1 Dec 2025 safeguarding not met (areas expected); trust visit 2 Dec 2025 "
        "records met.",
        Evidence(
            "2025-26-spring",
            dt.date(2026, 2, 1),
            inspections=(_card(dt.date(2025, 12, 1), safeguarding="not_met"),),
            judgements=(_visit("safeguarding", "met", dt.date(2025, 12, 2)),),
        ),
        STABILISE,
        "safeguarding_not_met",
        "Ofsted's not met stands until Ofsted re-judges it or a leader overrides with a reason.",
    ),
    Case(
        10,
        "Legacy safeguarding not effective",
        "Legacy Good (2024) with safeguarding not effective.",
        Evidence(
            SUMMER,
            T,
            inspections=(
                InspectionEvidence(
                    "legacy", dt.date(2024, 3, 1), overall_grade=2, safeguarding_met=False
                ),
            ),
            kpis=PRIMARY_ABOVE,
        ),
        STABILISE,
        "safeguarding_not_met",
        "Safeguarding not effective is a floor, whatever the outcomes.",
    ),
    Case(
        11,
        "Special measures",
        "Legacy Inadequate with special measures (2024).",
        Evidence(
            SUMMER,
            T,
            inspections=(
                InspectionEvidence(
                    "legacy",
                    dt.date(2024, 10, 1),
                    overall_grade=4,
                    safeguarding_met=True,
                    category_of_concern="special_measures",
                ),
            ),
        ),
        STABILISE,
        "category_of_concern",
        "A category of concern is a floor.",
    ),
    Case(
        12,
        "Serious weaknesses found at an ungraded inspection",
        "Graded inspection 2024 all Good, then an ungraded inspection (2026) finding serious "
        "weaknesses.",
        Evidence(
            SUMMER,
            T,
            inspections=(
                _graded(dt.date(2024, 10, 1)),
                InspectionEvidence(
                    "ungraded", dt.date(2026, 2, 1), category_of_concern="serious_weaknesses"
                ),
            ),
        ),
        STABILISE,
        "category_of_concern",
        "An ungraded inspection's category of concern is a floor.",
    ),
    Case(
        13,
        "Graded inspection: leadership and management Inadequate",
        "Graded inspection (Jan 2025, no overall grade): leadership and management Inadequate, "
        "the rest Requires improvement.",
        Evidence(
            SUMMER,
            T,
            inspections=(_graded(dt.date(2025, 1, 15), 3, leadership_management=4),),
        ),
        STABILISE,
        "leadership_inadequate",
        "Inadequate leadership is a floor in either framework.",
    ),
    Case(
        16,
        "A trust visit's safeguarding not met",
        "Legacy Good (2023); trust safeguarding review (2026) not met.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            judgements=(_visit("safeguarding", "not_met", dt.date(2026, 4, 1), "Review"),),
            kpis=PRIMARY_ABOVE,
        ),
        STABILISE,
        "safeguarding_not_met",
        "Safeguarding judged ineffective by the trust puts the academy in Stabilise.",
    ),
    Case(
        17,
        "A newer report card lifts Ofsted's safeguarding not met",
        "Report card safeguarding not met (Dec 2025), then a new report card (May 2026) met, "
        "areas expected.",
        Evidence(
            SUMMER,
            T,
            inspections=(
                _card(dt.date(2025, 12, 1), safeguarding="not_met"),
                _card(dt.date(2026, 5, 1)),
            ),
            kpis=PRIMARY_AT_NATIONAL,
        ),
        IMPROVE,
        "safeguarding_met",
        "Only Ofsted re-judging lifts Ofsted's not met.",
    ),
]
