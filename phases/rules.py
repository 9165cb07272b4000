"""The placement engine: evidence in, a proposed phase with its reasons out. Pure: no ORM import.

A proposal is not a decision: a trust leader confirms or overrides it. Every rule that fires
says what evidence it used, and the evidence that was missing or stale is listed too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assessment.kpis.banding import P8Band, p8_band
from trust_si.terms import TermCode

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
    "weights": {"kpi": 1.0, "judgement": 2.0, "p8": 3.0, "inspection": 2.0},
    # Weighted level -> phase: at least 3.4 Sustain, 2.5 Improve, 1.75 Repair, else Stabilise.
    "cut_sustain": 3.4,
    "cut_improve": 2.5,
    "cut_repair": 1.75,
    "judgement_stale_days": 365,
    "min_evidence_items": 2,
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
class Evidence:
    term: str  # "2025-26-summer"
    today: dt.date
    kpis: tuple[KpiEvidence, ...] = ()
    judgements: tuple[JudgementEvidence, ...] = ()
    p8: P8Evidence | None = None
    teaches_ks4: bool = False
    legacy_grade: int | None = None
    legacy_date: dt.date | None = None


@dataclass(frozen=True)
class Reason:
    rule: str
    text: str
    level: int | None  # 1 Stabilise .. 4 Sustain; None for notes that do not score
    weight: float
    evidence: dict[str, Any]


@dataclass
class Proposal:
    phase: str
    level: float | None
    reasons: list[Reason] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    subjects: dict[str, tuple[str, list[Reason]]] = field(default_factory=dict)


def kpi_level(k: KpiEvidence, s: dict[str, Any]) -> tuple[int, float] | None:
    if k.value is None or k.national is None:
        return None
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


def _kpi_reasons(
    kpis: tuple[KpiEvidence, ...], s: dict[str, Any], missing: list[str]
) -> list[Reason]:
    reasons = []
    for k in kpis:
        if k.suppressed:
            missing.append(f"{k.label}: suppressed (cohort below the minimum), not used")
            continue
        scored = kpi_level(k, s)
        if scored is None:
            missing.append(f"{k.label}: no national figure to compare with")
            continue
        level, gap = scored
        stale = bool(k.national_year) and not k.term.startswith(k.national_year or "")
        unit = "%" if k.unit == "%" else ""
        text = (
            f"{k.label} {k.value:.1f}{unit} against {k.national:.1f}{unit} nationally "
            f"({'+' if gap >= 0 else ''}{gap:.1f} {'points' if unit == '' else 'pts'}, cohort {k.cohort})"
        )
        if stale:
            text += f"; national figure from {k.national_year} (latest published)"
        reasons.append(
            Reason(
                "kpi_vs_national",
                text,
                level,
                s["weights"]["kpi"],
                {
                    "kpi": k.code,
                    "value": k.value,
                    "national": k.national,
                    "national_year": k.national_year,
                    "target": k.target,
                    "trend": list(k.trend),
                    "cohort": k.cohort,
                    "term": k.term,
                    "stale_benchmark": stale,
                },
            )
        )
    return reasons


def propose(evidence: Evidence, settings: dict[str, Any] | None = None) -> Proposal:
    """Propose a phase for one academy.

    1. Safeguarding: if the latest safeguarding judgement (visit, review or inspection) is
       "not met", the academy is placed in Stabilise whatever its data, and that is the reason.
    2. Score each piece of evidence on a four-level scale (4 Sustain ... 1 Stabilise):
       a. each KPI by its gap to the national figure for the same year (suppressed KPIs are not
          used; a national figure from an earlier year is used and labelled stale);
       b. the latest judgement per area (report-card scale); older than a year is stale;
       c. DfE's Progress 8 band from score and confidence interval (suppressed: not banded),
          used when it is this year's or last summer's; for 2024-25 and 2025-26 Progress 8 is
          not published, which the reasons say, and an older band is shown as stale, unused;
       d. a legacy overall-effectiveness grade, when there is no report-card judgement.
    3. Take the weighted mean level (weights in settings: P8 3, judgements 2, inspection 2,
       each KPI 1) and map it to a phase with the settings' cut points.
    4. With too little evidence, propose Improve and say that evidence is missing.
    5. Repeat 2a-3 per subject for the KPIs of each subject (reading, writing, maths...).
    """
    s = {**DEFAULT_SETTINGS, **(settings or {})}
    s["weights"] = {**DEFAULT_SETTINGS["weights"], **(settings or {}).get("weights", {})}
    missing: list[str] = []
    latest: dict[str, JudgementEvidence] = {}
    for j in sorted(evidence.judgements, key=lambda j: j.judged_on):
        latest[j.area] = j
    safeguarding = latest.get("safeguarding")
    if safeguarding is not None and safeguarding.grade == "not_met":
        reason = Reason(
            "safeguarding_not_met",
            f"Safeguarding judged not met ({safeguarding.source}, {safeguarding.judged_on:%d %b %Y}): "
            "placed in Stabilise whatever the data.",
            1,
            0,
            {
                "area": "safeguarding",
                "grade": "not_met",
                "date": safeguarding.judged_on.isoformat(),
                "source": safeguarding.source,
                "link": safeguarding.link,
            },
        )
        return Proposal(STABILISE, 1.0, [reason], missing)

    reasons = _kpi_reasons(evidence.kpis, s, missing)
    for j in latest.values():
        if j.area == "safeguarding":
            reasons.append(
                Reason(
                    "safeguarding_met",
                    f"Safeguarding met ({j.source}, {j.judged_on:%d %b %Y})",
                    None,
                    0,
                    {"area": j.area, "grade": j.grade, "date": j.judged_on.isoformat()},
                )
            )
            continue
        level = GRADE_LEVELS.get(j.grade)
        if level is None:
            continue
        age = (evidence.today - j.judged_on).days
        stale = age > s["judgement_stale_days"]
        text = f"{j.area.replace('_', ' ').capitalize()}: {j.grade.replace('_', ' ')} ({j.source}, {j.judged_on:%d %b %Y})"
        if stale:
            missing.append(f"{text}: older than a year, not used")
            continue
        reasons.append(
            Reason(
                "judgement",
                text,
                level,
                s["weights"]["judgement"],
                {
                    "area": j.area,
                    "grade": j.grade,
                    "date": j.judged_on.isoformat(),
                    "source": j.source,
                    "link": j.link,
                },
            )
        )

    year = TermCode.parse(evidence.term).year
    academic_year = year.code
    usable_years = {academic_year, year.previous().code}  # this year's or last summer's
    if evidence.teaches_ks4:
        if academic_year in P8_NOT_PUBLISHED:
            missing.append(
                "Progress 8 not published for this cohort (their KS2 tests were cancelled); "
                "placed on the other evidence"
            )
        if evidence.p8 is not None:
            p8 = evidence.p8
            band = p8_band(
                p8.score, p8.lower, p8.upper, suppressed=p8.dfe_banding.upper() == "SUPP"
            )
            stale = p8.year not in usable_years or academic_year in P8_NOT_PUBLISHED
            if band == P8Band.NOT_BANDED:
                missing.append(f"Progress 8 {p8.year}: not banded by DfE")
            else:
                text = (
                    f"Progress 8 {p8.year}: {p8.score:+.2f} (95% CI {p8.lower:+.2f} to {p8.upper:+.2f}), "
                    f"{band.label.lower()}"
                )
                if stale:
                    text += " — stale (an older cohort), shown for context and not used"
                reasons.append(
                    Reason(
                        "p8_band",
                        text,
                        None if stale else P8_LEVELS[band],
                        0 if stale else s["weights"]["p8"],
                        {
                            "year": p8.year,
                            "score": p8.score,
                            "lower": p8.lower,
                            "upper": p8.upper,
                            "band": band.value,
                            "dfe_banding": p8.dfe_banding,
                            "stale": stale,
                        },
                    )
                )

    has_report_card = any(r.rule == "judgement" for r in reasons)
    if evidence.legacy_grade and not has_report_card:
        level = LEGACY_LEVELS.get(evidence.legacy_grade)
        if level:
            reasons.append(
                Reason(
                    "legacy_inspection",
                    f"Last inspection: grade {evidence.legacy_grade} overall"
                    + (f" ({evidence.legacy_date:%b %Y})" if evidence.legacy_date else ""),
                    level,
                    s["weights"]["inspection"],
                    {
                        "grade": evidence.legacy_grade,
                        "date": evidence.legacy_date.isoformat() if evidence.legacy_date else None,
                    },
                )
            )

    scored = [r for r in reasons if r.level is not None and r.weight > 0]
    if len(scored) < s["min_evidence_items"]:
        missing.append(
            "Too little evidence to place with confidence: proposed Improve until more arrives"
        )
        proposal = Proposal(IMPROVE, None, reasons, missing)
    else:
        mean = sum((r.level or 0) * r.weight for r in scored) / sum(r.weight for r in scored)
        proposal = Proposal(phase_for(mean, s), round(mean, 2), reasons, missing)

    by_subject: dict[str, list[KpiEvidence]] = {}
    for k in evidence.kpis:
        if k.subject:
            by_subject.setdefault(k.subject, []).append(k)
    for subject, kpis in sorted(by_subject.items()):
        subject_reasons = _kpi_reasons(tuple(kpis), s, [])
        levels = [r.level for r in subject_reasons if r.level is not None]
        if levels:
            proposal.subjects[subject] = (phase_for(sum(levels) / len(levels), s), subject_reasons)
    return proposal
