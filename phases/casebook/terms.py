"""Terms and completeness: small cohorts and partial terms move nothing. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    SUSTAIN,
    Evidence,
)

from .base import (
    PRIMARY_ABOVE,
    SUMMER,
    Case,
    T,
    _card,
    _kpi,
    _legacy,
)

CASES: list[Case] = [
    Case(
        26,
        "A handful of pupils does not move the phase",
        "Legacy Good (2023); a new first school's KPIs from 6 pupils, far below national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2023, 1, 1), 2),),
            kpis=(
                _kpi("ks2_rwm_exp", 17, 62, SUMMER, "rwm", cohort=6, national_year="2024-25"),
                _kpi("persistent_absence", 50, 18.7, SUMMER, direction="lower", cohort=6),
            ),
        ),
        IMPROVE,
        "legacy_inspection",
        "A figure from fewer than 10 pupils is shown but does not move the phase.",
    ),
    Case(
        31,
        "Eleven pupils in a new term move nothing",
        "Report card strong standard (Jan 2026); KS2 above national in summer 2025-26 (complete); "
        "autumn 2026-27 partial: 11 of 300 pupils uploaded. Computed 29 Nov 2026.",
        Evidence(
            SUMMER,
            dt.date(2026, 11, 29),
            inspections=(_card(dt.date(2026, 1, 20), "strong_standard"),),
            kpis=PRIMARY_ABOVE,
            notes=(
                "Autumn term 2026-27: partial: 11 of 300 pupils uploaded. Shown as partial; a "
                "partial term never moves the phase on its own (a leader can mark it complete).",
            ),
        ),
        SUSTAIN,
        "kpi_vs_national",
        "The summer term is the latest complete one: its outcomes stand, the partial term is "
        "listed and not used.",
    ),
]
