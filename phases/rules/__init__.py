"""The placement engine: evidence in, a proposed phase with its reasons out. Pure: no ORM import.

A proposal is not a decision: a trust leader confirms or overrides it. Every rule that fires
says what evidence it used, and the evidence that was missing or stale is listed too.

The engine is split by concern: `base` (phases, settings, evidence and proposal types),
`precedence` (inspections in Ofsted's cycle), `floors`, `outcomes` (KPIs, Progress 8, the Sustain
gate) and `proposal` (`propose`). Callers import from `phases.rules`.
"""

from .base import (
    AREA_WORDS,
    CONCERN_WORDS,
    DEFAULT_SETTINGS,
    GRADE_LEVELS,
    IMPROVE,
    INSPECTION_KIND_WORDS,
    KEY_JUDGEMENTS,
    LEGACY_GRADE_WORDS,
    LEGACY_LEVELS,
    P8_LEVELS,
    P8_NOT_PUBLISHED,
    PHASES,
    RELATIVE_GAP_KPIS,
    RELATIVE_GAP_SCORES,
    REPAIR,
    SPECIAL,
    STABILISE,
    SUSTAIN,
    Evidence,
    GapEvidence,
    InspectionEvidence,
    JudgementEvidence,
    KpiEvidence,
    P8Evidence,
    ProgressEvidence,
    Proposal,
    Reason,
    kpi_level,
    phase_for,
    relative_gap,
)
from .proposal import propose

__all__ = [
    "AREA_WORDS",
    "CONCERN_WORDS",
    "DEFAULT_SETTINGS",
    "GRADE_LEVELS",
    "IMPROVE",
    "INSPECTION_KIND_WORDS",
    "KEY_JUDGEMENTS",
    "LEGACY_GRADE_WORDS",
    "LEGACY_LEVELS",
    "P8_LEVELS",
    "P8_NOT_PUBLISHED",
    "PHASES",
    "RELATIVE_GAP_KPIS",
    "RELATIVE_GAP_SCORES",
    "REPAIR",
    "SPECIAL",
    "STABILISE",
    "SUSTAIN",
    "Evidence",
    "GapEvidence",
    "InspectionEvidence",
    "JudgementEvidence",
    "KpiEvidence",
    "P8Evidence",
    "ProgressEvidence",
    "Proposal",
    "Reason",
    "kpi_level",
    "phase_for",
    "propose",
    "relative_gap",
]
