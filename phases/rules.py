"""The placement engine: evidence in, a proposed phase with its reasons out. Pure: no ORM import.

A proposal is not a decision: a trust leader confirms or overrides it. Every rule that fires
says what evidence it used, and the evidence that was missing or stale is listed too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
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
    # A figure from fewer pupils is shown but does not move the phase.
    "min_cohort_to_place": 10,
    # Ofsted inspects about every four years: an inspection's weight halves with each four
    # years of age (never below a quarter), and the newest inspection is never dropped.
    "inspection_halves_after_years": 4,
}

SPECIAL = {"special", "alternative_provision"}
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


def _words(code: str) -> str:
    return code.replace("_", " ")


def _area(code: str) -> str:
    return AREA_WORDS.get(code) or _words(code).capitalize()


def _kpi_reasons(
    kpis: tuple[KpiEvidence, ...],
    s: dict[str, Any],
    missing: list[str],
    special: bool = False,
) -> list[Reason]:
    """Score outcome KPIs against national (DfE) or, for special schools, the trust's target."""
    reasons = []
    for k in kpis:
        if k.suppressed:
            missing.append(f"{k.label}: suppressed (cohort below the minimum), not used")
            continue
        if k.cohort < s["min_cohort_to_place"]:
            missing.append(
                f"{k.label}: {k.cohort} pupils, fewer than {s['min_cohort_to_place']}: "
                "shown, but too few pupils to move the phase"
            )
            continue
        group = "" if k.group == "all" else f" ({_words(k.group)} pupils)"
        benchmark: float | None
        if special:
            if k.target is None:
                missing.append(
                    f"{k.label}{group}: not compared with mainstream national figures "
                    "(special school or alternative provision) and no trust target set"
                )
                continue
            scored = kpi_level(replace(k, national=k.target), s)
            rule, against, source = "kpi_vs_target", "the trust's target", "trust benchmark"
            benchmark = k.target
        else:
            scored = kpi_level(k, s)
            rule, against, source = "kpi_vs_national", "nationally", "DfE"
            benchmark = k.national
        if scored is None or benchmark is None:
            missing.append(f"{k.label}{group}: no national figure to compare with")
            continue
        level, gap = scored
        stale = (
            not special and bool(k.national_year) and not k.term.startswith(k.national_year or "")
        )
        unit = "%" if k.unit == "%" else ""
        text = (
            f"{k.label}{group} {k.value:.1f}{unit} against {benchmark:.1f}{unit} {against} "
            f"({'+' if gap >= 0 else ''}{gap:.1f} {'points' if unit == '' else 'pts'}, "
            f"cohort {k.cohort})"
        )
        if stale:
            text += f"; national figure from {k.national_year} (latest published)"
        text += f". Source: {source}."
        reasons.append(
            Reason(
                rule,
                text,
                level,
                s["weights"]["kpi"],
                {
                    "kpi": k.code,
                    "group": k.group,
                    "value": k.value,
                    "national": k.national,
                    "national_year": k.national_year,
                    "target": k.target,
                    "gap": round(gap, 2),
                    "trend": list(k.trend),
                    "cohort": k.cohort,
                    "term": k.term,
                    "stale_benchmark": stale,
                },
                source,
            )
        )
    return reasons


def _age_factor(inspection: InspectionEvidence, today: dt.date, s: dict[str, Any]) -> float:
    years = (today - inspection.inspected_on).days / 365.25
    return max(0.25, 0.5 ** int(max(years, 0) // s["inspection_halves_after_years"]))


def _inspection_words(i: InspectionEvidence) -> str:
    name = INSPECTION_KIND_WORDS.get(i.kind, "Ofsted inspection")
    if i.predecessor:
        name = f"Predecessor school's {name}"
    return f"{name} of {i.inspected_on:%d %b %Y}"


def _floors(
    latest: InspectionEvidence | None,
    ungraded: list[InspectionEvidence],
    trust_latest: dict[str, JudgementEvidence],
) -> list[Reason]:
    """The evidence that holds an academy in Stabilise, whatever else says.

    Only the newest graded inspection (and ungraded inspections since) can set a floor, so a
    newer inspection lifts it; a trust visit never does. A leader lifts it by overriding the
    proposal with a recorded reason.
    """
    floors: list[Reason] = []
    hold = (
        "Placed in Stabilise whatever else says, until a newer inspection lifts it or a leader "
        "overrides with a recorded reason."
    )
    for i in [*([latest] if latest else []), *ungraded]:
        what = _inspection_words(i)
        facts = {"inspection": i.kind, "date": i.inspected_on.isoformat(), "link": i.link}
        if i.safeguarding_met is False:
            verdict = "not met" if i.kind == "report_card" else "not effective"
            later = trust_latest.get("safeguarding")
            note = ""
            if later is not None and later.grade == "met" and later.judged_on > i.inspected_on:
                note = (
                    f" The {later.source.lower()} of {later.judged_on:%d %b %Y} recording met "
                    "adds evidence beside it; it does not replace Ofsted's judgement."
                )
            floors.append(
                Reason(
                    "safeguarding_not_met",
                    f"Safeguarding {verdict} ({what}): it stands until Ofsted re-judges it. "
                    f"{hold}{note} Source: Ofsted; seed 004 Stabilise "
                    "(ineffective safeguarding practices).",
                    1,
                    0,
                    {**facts, "area": "safeguarding", "grade": "not_met", "source": "Ofsted"},
                    "Ofsted",
                )
            )
        if i.category_of_concern:
            floors.append(
                Reason(
                    "category_of_concern",
                    f"Ofsted placed the school in {CONCERN_WORDS.get(i.category_of_concern, _words(i.category_of_concern))} "
                    f"({what}). {hold} Source: Ofsted; seed 003 (seriously underperforming: "
                    "rescue or recovery).",
                    1,
                    0,
                    {**facts, "category": i.category_of_concern},
                    "Ofsted",
                )
            )
        if i.kind == "legacy" and i.overall_grade == 4:
            floors.append(
                Reason(
                    "legacy_inadequate",
                    f"Overall effectiveness Inadequate ({what}). {hold} Source: Ofsted; "
                    "seed 003 (seriously underperforming: rescue or recovery).",
                    1,
                    0,
                    {**facts, "grade": 4},
                    "Ofsted",
                )
            )
        if dict(i.area_grades).get("leadership_governance") == "urgent_improvement":
            floors.append(
                Reason(
                    "leadership_urgent_improvement",
                    f"Leadership and governance: urgent improvement ({what}). {hold} Source: "
                    "Ofsted; seed 004 Stabilise (limited leadership capacity to improve; "
                    "confused and ineffective governance).",
                    1,
                    0,
                    {**facts, "area": "leadership_governance", "grade": "urgent_improvement"},
                    "Ofsted",
                )
            )
        if dict(i.key_judgements).get("leadership_management") == 4:
            floors.append(
                Reason(
                    "leadership_inadequate",
                    f"Leadership and management: Inadequate ({what}). {hold} Source: Ofsted; "
                    "seed 004 Stabilise (limited leadership capacity to improve).",
                    1,
                    0,
                    {**facts, "area": "leadership_management", "grade": 4},
                    "Ofsted",
                )
            )
    ts = trust_latest.get("safeguarding")
    ofsted_after = latest is not None and ts is not None and latest.inspected_on > ts.judged_on
    if ts is not None and ts.grade == "not_met" and not ofsted_after:
        floors.append(
            Reason(
                "safeguarding_not_met",
                f"Safeguarding judged not met ({ts.source}, {ts.judged_on:%d %b %Y}): placed in "
                "Stabilise whatever the data, until a later judgement finds it met. Source: seed "
                "004 Stabilise (ineffective safeguarding practices).",
                1,
                0,
                {
                    "area": "safeguarding",
                    "grade": "not_met",
                    "date": ts.judged_on.isoformat(),
                    "source": ts.source,
                    "link": ts.link,
                },
                "seed 004",
            )
        )
    return floors


def _inspection_reasons(
    i: InspectionEvidence, today: dt.date, s: dict[str, Any], missing: list[str]
) -> list[Reason]:
    """The newest graded inspection, scored at a weight that falls with its age."""
    factor = _age_factor(i, today, s)
    years = (today - i.inspected_on).days / 365.25
    what = _inspection_words(i)
    flag = ""
    if factor < 1:
        flag = (
            f"; inspected {years:.0f} years ago, beyond Ofsted's usual four-year cycle: "
            f"weight lowered to {factor:.0%} and flagged for a fresh look"
        )
    facts = {"inspection": i.kind, "date": i.inspected_on.isoformat(), "age_factor": factor}
    facts["predecessor"] = i.predecessor
    reasons = []
    if i.kind == "legacy" and i.overall_grade in LEGACY_LEVELS:
        reasons.append(
            Reason(
                "legacy_inspection",
                f"Overall effectiveness {LEGACY_GRADE_WORDS[i.overall_grade]} "
                f"(grade {i.overall_grade}, {what}){flag}. Source: Ofsted.",
                LEGACY_LEVELS[i.overall_grade],
                s["weights"]["inspection"] * factor,
                {**facts, "grade": i.overall_grade},
                "Ofsted",
            )
        )
    if i.kind == "graded":
        for kj_area, kj_grade in i.key_judgements:
            if kj_grade not in LEGACY_LEVELS:
                continue
            reasons.append(
                Reason(
                    "inspection_key_judgement",
                    f"{KEY_JUDGEMENTS.get(kj_area, _words(kj_area).capitalize())}: "
                    f"{LEGACY_GRADE_WORDS[kj_grade]} ({what}){flag}. Source: Ofsted.",
                    LEGACY_LEVELS[kj_grade],
                    s["weights"]["judgement"] * factor,
                    {**facts, "area": kj_area, "grade": kj_grade},
                    "Ofsted",
                )
            )
    if i.kind == "report_card":
        for area, grade in i.area_grades:
            level = GRADE_LEVELS.get(grade)
            if level is None:
                continue
            reasons.append(
                Reason(
                    "inspection_area",
                    f"{_area(area)}: {_words(grade)} ({what}){flag}. Source: Ofsted.",
                    level,
                    s["weights"]["judgement"] * factor,
                    {**facts, "area": area, "grade": grade},
                    "Ofsted",
                )
            )
    if i.safeguarding_met is True:
        verdict = "met" if i.kind == "report_card" else "effective"
        reasons.append(
            Reason(
                "safeguarding_met",
                f"Safeguarding {verdict} ({what}). Source: Ofsted.",
                None,
                0,
                {**facts, "area": "safeguarding", "grade": "met"},
                "Ofsted",
            )
        )
    return reasons


def _inspections(evidence: Evidence) -> list[InspectionEvidence]:
    found = list(evidence.inspections)
    if evidence.legacy_grade and not any(i.kind == "legacy" for i in found):
        found.append(
            InspectionEvidence(
                "legacy",
                evidence.legacy_date or dt.date(1900, 1, 1),
                overall_grade=evidence.legacy_grade,
            )
        )
    return sorted(found, key=lambda i: i.inspected_on)


def _p8_reasons(evidence: Evidence, s: dict[str, Any], missing: list[str]) -> list[Reason]:
    """DfE's Progress 8 band: results are published in the autumn after the exams, so the
    previous academic year's P8 is the latest valid figure all through this year."""
    if not evidence.teaches_ks4:
        return []
    year = TermCode.parse(evidence.term).year
    results_year = year.previous().code  # the latest results published during this year
    usable = {year.code, results_year}
    if results_year in P8_NOT_PUBLISHED:
        missing.append(
            f"Progress 8 not published for this cohort (results of {results_year}: their KS2 "
            "tests were cancelled); placed on the other evidence. Source: DfE."
        )
    p8 = evidence.p8
    if p8 is None:
        return []
    band = p8_band(p8.score, p8.lower, p8.upper, suppressed=p8.dfe_banding.upper() == "SUPP")
    if band == P8Band.NOT_BANDED:
        missing.append(f"Progress 8 {p8.year}: not banded by DfE")
        return []
    stale = p8.year not in usable
    text = (
        f"Progress 8 {p8.year}: {p8.score:+.2f} (95% CI {p8.lower:+.2f} to {p8.upper:+.2f}), "
        f"{band.label.lower()}"
    )
    if stale:
        text += " — stale (an older cohort), shown for context and not used"
    elif year.code in P8_NOT_PUBLISHED:
        text += (
            f" — the latest valid figure, used all through {year.code} (Progress 8 will not be "
            f"published for the results of {year.code})"
        )
    text += ". Source: DfE."
    return [
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
            "DfE",
        )
    ]


def _sustain_gate(reasons: list[Reason], special: bool) -> Reason | None:
    """Sustain needs outcomes above national (not merely at) for every pupil group shown."""
    outcomes = [
        r
        for r in reasons
        if r.rule in ("kpi_vs_national", "kpi_vs_target", "p8_band") and r.level is not None
    ]
    short = [
        r
        for r in outcomes
        if (r.rule == "p8_band" and (r.level or 0) < 4)
        or (r.rule != "p8_band" and r.evidence["gap"] <= 0)
    ]
    if outcomes and not short:
        return None
    if not outcomes:
        why = "there is no outcome evidence above " + (
            "the trust's targets" if special else "national"
        )
    else:
        why = "not above: " + "; ".join(r.text.split(" (")[0] for r in short[:4])
    return Reason(
        "sustain_needs_outcomes_above_national",
        f"Sustain needs outcomes above national benchmarks for all pupil groups, {why}: "
        "proposed Improve. Source: seed 004 Sustain (outcomes exceptional and above national "
        "benchmarks); seed 002 (Progress 8 above or well above average).",
        None,
        0,
        {"short": [r.evidence.get("kpi") or r.rule for r in short]},
        "seed 004; seed 002",
    )


def propose(evidence: Evidence, settings: dict[str, Any] | None = None) -> Proposal:
    """Propose a phase for one academy.

    1. Inspections follow Ofsted's cycle: the newest graded inspection (legacy, graded or
       report card) stands until the next one; older ones are history, listed and not used.
       Ungraded inspections since add their findings; they do not replace the grades.
    2. Floors: Ofsted safeguarding not met / not effective, a category of concern, a legacy
       Inadequate, leadership and governance urgent improvement (or leadership and management
       Inadequate) on that inspection, or the trust's latest safeguarding judgement not met
       (unless a newer inspection found it met) place the academy in Stabilise whatever else
       says. A trust visit never lifts an Ofsted floor.
    3. Score each piece of evidence on a four-level scale (4 Sustain ... 1 Stabilise):
       a. the newest inspection (its overall grade, key judgements or report-card areas), at a
          weight that halves with each four years of age and is flagged; never dropped;
       b. the trust's own judgements (visits, reviews) beside it; older than a year is stale;
       c. each KPI by its gap to the national figure for the same year (suppressed KPIs or
          cohorts below the minimum are shown, not used). Special schools and alternative
          provision are compared with the trust's targets, never mainstream national figures;
       d. DfE's Progress 8 band: the previous year's results are the latest valid figure all
          year; for the results of 2024-25 and 2025-26 P8 is not published, which is said.
    4. Take the weighted mean level and map it to a phase with the settings' cut points.
    5. Sustain needs every outcome above national (P8 above or well above): else Improve.
    6. With too little evidence and no floor, propose Improve and say that evidence is missing.
    7. Repeat 3c-4 per subject for the KPIs of each subject (reading, writing, maths...).
    """
    s = {**DEFAULT_SETTINGS, **(settings or {})}
    s["weights"] = {**DEFAULT_SETTINGS["weights"], **(settings or {}).get("weights", {})}
    missing: list[str] = []
    special = evidence.phase_of_education in SPECIAL

    inspections = _inspections(evidence)
    graded = [i for i in inspections if i.kind != "ungraded"]
    latest_inspection = graded[-1] if graded else None
    ungraded = [
        i
        for i in inspections
        if i.kind == "ungraded"
        and (latest_inspection is None or i.inspected_on >= latest_inspection.inspected_on)
    ]
    trust_latest: dict[str, JudgementEvidence] = {}
    for j in sorted(evidence.judgements, key=lambda j: j.judged_on):
        trust_latest[j.area] = j

    floors = _floors(latest_inspection, ungraded, trust_latest)
    reasons: list[Reason] = []
    if latest_inspection is not None:
        reasons += _inspection_reasons(latest_inspection, evidence.today, s, missing)
        for old in graded[:-1]:
            missing.append(
                f"{_inspection_words(old)}: superseded by the {_inspection_words(latest_inspection)}"
                " (the most recent inspection stands; Ofsted): history, not used"
            )
    for i in ungraded:
        missing.append(f"{_inspection_words(i)}: recorded; it does not change the graded outcome")

    if special:
        reasons.append(
            Reason(
                "special_like_with_like",
                "Special school or alternative provision: attainment is not compared with "
                "mainstream national figures; placed on inspection, trust review and the "
                "trust's own measures. Source: DfE (like-with-like comparison).",
                None,
                0,
                {"phase_of_education": evidence.phase_of_education},
                "DfE",
            )
        )
    all_pupils = tuple(k for k in evidence.kpis if k.group == "all")
    groups = tuple(k for k in evidence.kpis if k.group != "all")
    reasons += _kpi_reasons(all_pupils, s, missing, special)
    group_reasons = _kpi_reasons(groups, s, [], special)

    for j in trust_latest.values():
        age = (evidence.today - j.judged_on).days
        stale = age > s["judgement_stale_days"]
        text = f"{_area(j.area)}: {_words(j.grade)} ({j.source}, {j.judged_on:%d %b %Y})"
        if stale:
            missing.append(f"{text}: older than a year, not used")
            continue
        if j.area == "safeguarding":
            if j.grade == "met":
                reasons.append(
                    Reason(
                        "safeguarding_met",
                        f"Safeguarding met ({j.source}, {j.judged_on:%d %b %Y}). Source: trust "
                        "review.",
                        None,
                        0,
                        {"area": j.area, "grade": j.grade, "date": j.judged_on.isoformat()},
                        "trust review",
                    )
                )
            continue
        level = GRADE_LEVELS.get(j.grade)
        if level is None:
            continue
        reasons.append(
            Reason(
                "judgement",
                f"{text}: adds to the inspection, never replaces it. Source: trust review.",
                level,
                s["weights"]["judgement"],
                {
                    "area": j.area,
                    "grade": j.grade,
                    "date": j.judged_on.isoformat(),
                    "source": j.source,
                    "link": j.link,
                },
                "trust review",
            )
        )

    reasons += _p8_reasons(evidence, s, missing)

    scored = [r for r in reasons if r.level is not None and r.weight > 0]
    mean = (
        sum((r.level or 0) * r.weight for r in scored) / sum(r.weight for r in scored)
        if scored
        else None
    )
    if floors:
        proposal = Proposal(STABILISE, 1.0, [*floors, *reasons], missing)
    elif len(scored) < s["min_evidence_items"] or mean is None:
        missing.append(
            "Too little evidence to place with confidence: proposed Improve until more arrives"
        )
        proposal = Proposal(IMPROVE, None, reasons, missing)
    else:
        phase = phase_for(mean, s)
        if phase == SUSTAIN:
            gate = _sustain_gate([*reasons, *group_reasons], special)
            if gate is not None:
                phase = IMPROVE
                reasons.append(gate)
        proposal = Proposal(phase, round(mean, 2), reasons, missing)

    by_subject: dict[str, list[KpiEvidence]] = {}
    for k in all_pupils:
        if k.subject:
            by_subject.setdefault(k.subject, []).append(k)
    for subject, kpis in sorted(by_subject.items()):
        subject_reasons = _kpi_reasons(tuple(kpis), s, [], special)
        levels = [r.level for r in subject_reasons if r.level is not None]
        if levels:
            proposal.subjects[subject] = (phase_for(sum(levels) / len(levels), s), subject_reasons)
    return proposal
