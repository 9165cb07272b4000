"""Special schools and alternative provision: like with like, or the trust's own targets. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    SUSTAIN,
    Evidence,
)

from .base import (
    SUMMER,
    Case,
    T,
    _card,
    _kpi,
    _legacy,
)

CASES: list[Case] = [
    Case(
        7,
        "Special school: no mainstream comparison",
        "Special school, legacy Good, KS2 attainment near 0% against the mainstream national 62%.",
        Evidence(
            SUMMER,
            T,
            phase_of_education="special",
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            kpis=(_kpi("ks2_rwm_exp", 0.0, 62, SUMMER, "rwm", national_year="2024-25"),),
        ),
        IMPROVE,
        "special_like_with_like",
        "Special schools are compared like with like, or their attainment is not used.",
    ),
    Case(
        24,
        "Special school compared with the trust's own targets",
        "Special school, report card strong; trust targets met by a margin.",
        Evidence(
            SUMMER,
            T,
            phase_of_education="special",
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=(
                _kpi("ks2_rwm_exp", 20, 62, SUMMER, "rwm", target=12),
                _kpi("ks2_reading_exp", 30, 75, SUMMER, "reading", target=22),
            ),
        ),
        SUSTAIN,
        "kpi_vs_target",
        "Special schools rest on inspection, trust review and the trust's own measures.",
    ),
    Case(
        25,
        "Alternative provision: no mainstream comparison",
        "Alternative provision, legacy Requires improvement, absence far above mainstream national.",
        Evidence(
            SUMMER,
            T,
            phase_of_education="alternative_provision",
            inspections=(_legacy(dt.date(2024, 2, 1), 3),),
            kpis=(_kpi("absence", 30, 6.9, SUMMER, direction="lower", national_year="2024-25"),),
        ),
        IMPROVE,
        "special_like_with_like",
        "Requires improvement alone is too little to move from Improve; not compared with "
        "mainstream.",
    ),
]
