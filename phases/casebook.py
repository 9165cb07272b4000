"""The casebook: named cases of evidence and the phase the rules give. Pure: no ORM import.

The "How placements are decided" page runs each case through `rules.propose` and shows the
result, and `tests/phases/test_casebook.py` asserts every case's expected phase and rule, so
the page can never disagree with the code. Cases 1-9 are the ones issue 12 tried as a trust's
director of school improvement; the rest cover every floor, inspection kind, P8 year, pupil
groups and special schools.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .rules import (
    IMPROVE,
    REPAIR,
    STABILISE,
    SUSTAIN,
    Evidence,
    InspectionEvidence,
    JudgementEvidence,
    KpiEvidence,
    P8Evidence,
)

# The rules in plain English, each with its source: the page lists them above the cases.
RULES: list[tuple[str, str, str]] = [
    (
        "The most recent inspection stands",
        "The newest graded Ofsted inspection (legacy overall effectiveness, graded without an "
        "overall grade, or report card) stands until the next one. An older inspection is "
        "history and never comes back because a newer one grew old.",
        "Ofsted",
    ),
    (
        "Age lowers weight, never drops the newest inspection",
        "Ofsted inspects about every four years: an inspection's weight halves with each four "
        "years of age (never below a quarter), and an old inspection is flagged for a fresh look.",
        "Ofsted",
    ),
    (
        "Floors",
        "Ofsted safeguarding not met (not effective), a category of concern (special measures, "
        "serious weaknesses), a legacy Inadequate, leadership and governance urgent improvement "
        "(or leadership and management Inadequate) place the academy in Stabilise whatever else "
        "says, until a newer inspection lifts it or a leader overrides with a recorded reason.",
        "Ofsted; seed 004 Stabilise; seed 003",
    ),
    (
        "Trust visits add, never replace",
        "Visits and reviews add their judgements beside the inspection. They never lift an "
        "Ofsted floor; a trust safeguarding judgement of not met is a floor of its own. Visit "
        "judgements more than a year older than the day of the proposal, counted from the visit "
        "date, are shown as stale and not used: safeguarding and leadership alike.",
        "seed 003 (monitoring cycle); seed 004",
    ),
    (
        "Outcomes against national",
        "Each KPI is compared with DfE's national figure for the same year (the latest published "
        "one is used, and labelled). Suppressed figures and figures from fewer than ten pupils are "
        "shown but do not move the phase.",
        "DfE",
    ),
    (
        "Absence as a relative gap",
        "Overall and persistent absence are compared with DfE's national rate as a relative gap, "
        "(academy - national) / national: 10% or more below the national rate counts towards "
        "Sustain, up to 10% above it Improve, up to 30% above it Repair, beyond that Stabilise. "
        "A point of absence above a national 6.5% is a sixth worse, so points would understate it.",
        "DfE (pupil absence in schools in England)",
    ),
    (
        "Complete terms only",
        "Each measure uses the latest term whose data is complete for the academy: its uploads "
        "cover the pupils on roll and every key stage it teaches, or a leader has marked it "
        "complete. A partial term is shown as partial and never moves the phase on its own, nor "
        "the heat map's default term, nor a CPD programme's 'after' figure.",
        "trust data policy",
    ),
    (
        "Progress 8",
        "DfE's band from the score and its confidence interval. Results are published after the "
        "exams, so last year's P8 is the latest valid figure all through this year. P8 is not "
        "published for the results of 2024-25 and 2025-26: from autumn 2025 to summer 2027 the "
        "reasons say so and secondary academies are placed on the other evidence.",
        "DfE",
    ),
    (
        "Special schools and alternative provision",
        "Never compared with mainstream national attainment: placed on inspection, trust review "
        "and the trust's own targets, and the reasons say so.",
        "DfE (like with like)",
    ),
    (
        "Sustain needs outcomes above national",
        "Sustain needs every outcome above national, not merely at it, for every pupil group "
        "shown (disadvantaged pupils against national other pupils), and Progress 8 above or "
        "well above average. Otherwise the academy is proposed Improve.",
        "seed 004 Sustain; seed 002",
    ),
    (
        "Judged by people",
        "Seed 004's descriptors of culture, vision, roles, systems, staff wellbeing, parents, "
        "curriculum design and self-evaluation are judged by leaders on visits and reviews: they "
        "enter as judgements, and the leader's confirmation or override records the decision.",
        "seed 004",
    ),
]


@dataclass(frozen=True)
class Case:
    number: int
    title: str
    evidence_words: str  # the evidence, in words, for the page
    evidence: Evidence
    phase: str  # what a director says
    rule: str  # the rule that must appear among the reasons
    why: str


def _kpi(
    code: str,
    value: float,
    national: float,
    term: str,
    subject: str = "",
    unit: str = "%",
    direction: str = "higher",
    cohort: int = 30,
    group: str = "all",
    target: float | None = None,
    national_year: str | None = None,
) -> KpiEvidence:
    label = {
        "ks2_rwm_exp": "KS2 reading, writing and maths at the expected standard",
        "ks2_reading_exp": "KS2 reading at the expected standard",
        "ks2_maths_exp": "KS2 maths at the expected standard",
        "ks4_att8": "Attainment 8",
        "absence": "Overall absence",
        "persistent_absence": "Persistent absence",
    }.get(code, code)
    year = national_year or term[:7]
    return KpiEvidence(
        code,
        label,
        subject,
        unit,
        direction,
        value,
        national,
        year,
        cohort,
        False,
        term,
        (),
        target,
        group,
    )


def _visit(area: str, grade: str, on: dt.date, source: str = "Visit") -> JudgementEvidence:
    return JudgementEvidence(area, grade, on, source)


def _card(on: dt.date, grade: str = "expected_standard", **areas: str) -> InspectionEvidence:
    names = (
        "inclusion",
        "curriculum_teaching",
        "achievement",
        "attendance_behaviour",
        "personal_development",
        "leadership_governance",
    )
    return InspectionEvidence(
        "report_card",
        on,
        area_grades=tuple((a, areas.get(a, grade)) for a in names),
        safeguarding_met=areas.get("safeguarding", "met") == "met",
    )


def _legacy(on: dt.date, grade: int, **kw: object) -> InspectionEvidence:
    return InspectionEvidence("legacy", on, overall_grade=grade, safeguarding_met=True, **kw)  # type: ignore[arg-type]


def _graded(on: dt.date, grade: int = 2, **judgements: int) -> InspectionEvidence:
    names = ("quality_of_education", "behaviour_attitudes", "personal_development")
    kj = [(a, judgements.get(a, grade)) for a in names]
    kj.append(("leadership_management", judgements.get("leadership_management", grade)))
    return InspectionEvidence("graded", on, key_judgements=tuple(kj), safeguarding_met=True)


SUMMER = "2025-26-summer"
T = dt.date(2026, 6, 15)
PRIMARY_AT_NATIONAL = (
    _kpi("ks2_rwm_exp", 62, 62, SUMMER, "rwm", national_year="2024-25"),
    _kpi("ks2_reading_exp", 75, 75, SUMMER, "reading", national_year="2024-25"),
)
PRIMARY_ABOVE = (
    _kpi("ks2_rwm_exp", 72, 62, SUMMER, "rwm", national_year="2024-25"),
    _kpi("ks2_reading_exp", 84, 75, SUMMER, "reading", national_year="2024-25"),
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
        "Special measures territory: seed 004 Stabilise, limited leadership capacity to improve.",
    ),
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
        "Seed 003: seriously underperforming school, rescue or recovery; not 'too little evidence'.",
    ),
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
        "Seed 004 Sustain: strong performance in all areas, outcomes above national.",
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
        "Seed 002 Repair: below average outcomes, requires improvement.",
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
        23,
        "Disadvantaged pupils below national other pupils stop Sustain",
        "Report card strong; all pupils well above national; disadvantaged pupils below national "
        "non-disadvantaged pupils.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=(
                *PRIMARY_ABOVE,
                _kpi(
                    "ks2_rwm_exp",
                    55,
                    68,
                    SUMMER,
                    "rwm",
                    group="disadvantaged",
                    national_year="2024-25",
                ),
            ),
        ),
        IMPROVE,
        "sustain_needs_outcomes_above_national",
        "Seed 004 Sustain: little to no variance in the performance of different groups.",
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
