"""The engine's vocabulary: phases, settings, the evidence it reads and the proposal it gives.

Pure: no ORM import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assessment.kpis.banding import P8Band

STABILISE, REPAIR, IMPROVE, SUSTAIN = "stabilise", "repair", "improve", "sustain"
PHASES = [STABILISE, REPAIR, IMPROVE, SUSTAIN]  # weakest first; index + 1 is the level
# Progress 8 is not published for these KS4 years (their KS2 tests were cancelled).
P8_NOT_PUBLISHED = {"2024-25", "2025-26"}

DEFAULT_SETTINGS: dict[str, Any] = {
    # KPI gap to national (percentage points, positive = better): level 4 at or above +sustain,
    # 3 within the improve band, 2 down to -repair, 1 below that.
    "kpi_sustain_gap": 5.0,
    "kpi_improve_gap": -5.0,
    "kpi_repair_gap": -15.0,
    # Attainment 8 points are on a different scale: the same bands, in points.
    "points_sustain_gap": 3.0,
    "points_improve_gap": -3.0,
    "points_repair_gap": -8.0,
    # Absence rates are compared as a relative gap, (academy - national) / national, in per cent
    # of the national rate (positive = better): a point of absence above a national 6.5% is a
    # sixth worse, where a point of KS2 attainment is barely a change. Sustain at least 10%
    # below national, Improve within 10% above it, Repair down to 30% above, then Stabilise.
    "relative_sustain_gap": 10.0,
    "relative_improve_gap": -10.0,
    "relative_repair_gap": -30.0,
    "weights": {"kpi": 1.0, "judgement": 2.0, "p8": 3.0, "inspection": 2.0},
    # Weighted level -> phase: at least 3.4 Sustain, 2.5 Improve, 1.75 Repair, else Stabilise.
    "cut_sustain": 3.4,
    "cut_improve": 2.5,
    "cut_repair": 1.75,
    "judgement_stale_days": 365,
    "min_evidence_items": 2,
    # A figure from fewer pupils is shown but does not move the phase.
    "min_cohort_to_place": 10,
    # Ofsted inspects about every four years: an inspection's weight halves with each four
    # years of age (never below a quarter), and the newest inspection is never dropped.
    "inspection_halves_after_years": 4,
    # A disadvantaged gap to national other pupils counts against Sustain when it persists:
    # in each of the last 2 years of statutory results (results are annual, and one cohort's
    # gap can be that cohort; two consecutive cohorts are a pattern, and the recompute's six
    # terms always hold two summers), or in each of the last 3 terms of a termly measure (a
    # whole school year).
    "persistent_gap_years": 2,
    "persistent_gap_terms": 3,
}

SPECIAL = {"special", "alternative_provision"}
# Measures scored on the relative gap (DfE, Pupil absence in schools in England, publishes the
# national overall and persistent absence rates they are compared with).
RELATIVE_GAP_KPIS = frozenset({"absence", "persistent_absence"})
# And measures on a small scale of their own, where the points bands (set for Attainment 8,
# 0-90) would call almost any gap "in line": the multiplication tables check's average (0-25;
# 18.8 against a national 21.0 is a tenth lower), EBacc APS (0-9) and suspensions and
# exclusions per 100 pupils (a rate, like absence).
RELATIVE_GAP_KPIS |= {
    "y4_mtc_average",
    "ks4_ebacc_aps",
    "suspension_rate",
    "permanent_exclusion_rate",
}
# The relative gap's words: "the national rate" for rates, "the national figure" for scores.
RELATIVE_GAP_SCORES = frozenset({"y4_mtc_average", "ks4_ebacc_aps"})
KEY_JUDGEMENTS = {
    "quality_of_education": "Quality of education",
    "behaviour_attitudes": "Behaviour and attitudes",
    "personal_development": "Personal development",
    "leadership_management": "Leadership and management",
    "early_years": "Early years provision",
    "sixth_form": "Sixth-form provision",
}
AREA_WORDS = {
    "inclusion": "Inclusion",
    "curriculum_teaching": "Curriculum and teaching",
    "achievement": "Achievement",
    "attendance_behaviour": "Attendance and behaviour",
    "personal_development": "Personal development and well-being",
    "leadership_governance": "Leadership and governance",
    "early_years": "Early years",
    "sixth_form": "Sixth form",
    "safeguarding": "Safeguarding",
    "send": "SEND",
}
LEGACY_GRADE_WORDS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
CONCERN_WORDS = {"special_measures": "special measures", "serious_weaknesses": "serious weaknesses"}
INSPECTION_KIND_WORDS = {
    "legacy": "Ofsted inspection",
    "graded": "Ofsted graded inspection (no overall grade)",
    "report_card": "Ofsted report card",
    "ungraded": "Ofsted ungraded inspection",
}

GRADE_LEVELS = {
    "exceptional": 4,
    "strong_standard": 4,
    "expected_standard": 3,
    "needs_attention": 2,
    "urgent_improvement": 1,
}
P8_LEVELS = {
    P8Band.WELL_ABOVE: 4,
    P8Band.ABOVE: 4,
    P8Band.AVERAGE: 3,
    P8Band.BELOW: 2,
    P8Band.WELL_BELOW: 1,
}
LEGACY_LEVELS = {1: 4, 2: 3, 3: 2, 4: 1}


@dataclass(frozen=True)
class KpiEvidence:
    code: str
    label: str
    subject: str
    unit: str
    direction: str
    value: float | None
    national: float | None
    national_year: str | None
    cohort: int
    suppressed: bool
    term: str
    trend: tuple[float | None, ...] = ()
    target: float | None = None
    group: str = "all"  # disadvantaged pupils come with national *other* pupils as "national"
    # "statutory" (end-of-key-stage results: compared with national, the latest used all year),
    # "in_year" (teacher assessments in other terms or year groups: compared with the trust's
    # own target, never the end-of-key-stage national figure), "" (absence and the rest).
    assessment: str = ""


@dataclass(frozen=True)
class GapEvidence:
    """DfE's published difference between the school's disadvantaged pupils and national other
    pupils (the performance tables' DIFFN_* fields), for one year: positive = above them."""

    kpi: str  # the measure it belongs with ("ks2_rwm_exp")
    label: str
    year: str  # "2024-25"
    gap: float | None
    field: str  # DfE's field ("DIFFN_RWM_EXP")


@dataclass(frozen=True)
class ProgressEvidence:
    """A KS2 progress score as DfE publishes it: the score, its 95% confidence interval and
    DfE's descriptor ("Well below average"...)."""

    field: str  # "READPROG", "WRITPROG", "MATPROG"
    label: str
    subject: str
    year: str
    score: float | None
    lower: float | None
    upper: float | None
    descriptor: str = ""


@dataclass(frozen=True)
class JudgementEvidence:
    area: str
    grade: str
    judged_on: dt.date
    source: str
    link: str = ""


@dataclass(frozen=True)
class P8Evidence:
    year: str
    score: float | None
    lower: float | None
    upper: float | None
    dfe_banding: str


@dataclass(frozen=True)
class InspectionEvidence:
    """One Ofsted inspection as Ofsted records it.

    kind: "legacy" (overall effectiveness 1-4, key judgements, safeguarding effective),
    "graded" (September 2024 to November 2025: key judgements 1-4, safeguarding effective, no
    overall grade), "report_card" (from November 2025: evaluation areas on the five-point scale,
    safeguarding met / not met) or "ungraded" (a section 8 inspection: it can find safeguarding
    not effective or a category of concern, but it does not replace the graded outcome).
    """

    kind: str
    inspected_on: dt.date
    overall_grade: int | None = None
    key_judgements: tuple[tuple[str, int], ...] = ()  # ("leadership_management", 4)
    area_grades: tuple[tuple[str, str], ...] = ()  # ("leadership_governance", "urgent_improvement")
    safeguarding_met: bool | None = None
    category_of_concern: str = ""  # "special_measures" / "serious_weaknesses"
    predecessor: bool = False  # the predecessor school's inspection (converter academy)
    link: str = ""


@dataclass(frozen=True)
class Evidence:
    term: str  # "2025-26-summer"
    today: dt.date
    kpis: tuple[KpiEvidence, ...] = ()
    judgements: tuple[JudgementEvidence, ...] = ()  # the trust's own: visits, reviews, direct
    p8: P8Evidence | None = None
    teaches_ks4: bool = False
    # Kept for callers that know only the last overall grade; read as a legacy inspection.
    legacy_grade: int | None = None
    legacy_date: dt.date | None = None
    inspections: tuple[InspectionEvidence, ...] = ()
    phase_of_education: str = ""  # "special" and "alternative_provision" are not compared
    # with mainstream national attainment
    notes: tuple[str, ...] = ()  # listed with the missing evidence: partial terms, not used
    # Earlier terms' figures (any group): the persistent disadvantaged gap reads them with kpis.
    history: tuple[KpiEvidence, ...] = ()
    published_gaps: tuple[GapEvidence, ...] = ()  # DfE's DIFFN_* per year
    progress: tuple[ProgressEvidence, ...] = ()  # KS2 progress scores with their CIs
    # DfE's Progress 8 English and maths elements (with CIs): subject lines only, since the
    # overall Progress 8 already covers them in the overall placement.
    subject_progress: tuple[ProgressEvidence, ...] = ()


@dataclass(frozen=True)
class Reason:
    rule: str
    text: str
    level: int | None  # 1 Stabilise .. 4 Sustain; None for notes that do not score
    weight: float
    evidence: dict[str, Any]
    source: str = ""  # "Ofsted", "DfE", "seed 004"...: shown beside the rule


@dataclass
class Proposal:
    phase: str
    level: float | None
    reasons: list[Reason] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    subjects: dict[str, tuple[str, list[Reason]]] = field(default_factory=dict)


def relative_gap(k: KpiEvidence) -> float | None:
    """(academy - national) / national, in per cent, signed so that positive is better."""
    if k.value is None or not k.national:
        return None
    return (k.value - k.national) / abs(k.national) * 100 * (1 if k.direction == "higher" else -1)


def kpi_level(k: KpiEvidence, s: dict[str, Any]) -> tuple[int, float] | None:
    """The KPI's level 1-4 and its gap (positive = better): points for most measures, the
    relative gap in per cent of national for absence (RELATIVE_GAP_KPIS)."""
    if k.value is None or k.national is None:
        return None
    if k.code in RELATIVE_GAP_KPIS:
        relative = relative_gap(k)
        if relative is None:
            return None
        gap, prefix = relative, "relative"
    else:
        gap = (k.value - k.national) * (1 if k.direction == "higher" else -1)
        prefix = "points" if k.unit == "points" else "kpi"
    if gap >= s[f"{prefix}_sustain_gap"]:
        return 4, gap
    if gap >= s[f"{prefix}_improve_gap"]:
        return 3, gap
    if gap >= s[f"{prefix}_repair_gap"]:
        return 2, gap
    return 1, gap


def phase_for(level: float, s: dict[str, Any]) -> str:
    if level >= s["cut_sustain"]:
        return SUSTAIN
    if level >= s["cut_improve"]:
        return IMPROVE
    if level >= s["cut_repair"]:
        return REPAIR
    return STABILISE


def _words(code: str) -> str:
    return code.replace("_", " ")


def _area(code: str) -> str:
    return AREA_WORDS.get(code) or _words(code).capitalize()
