"""The case type and the evidence builders every theme uses. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from phases.rules import (
    Evidence,
    InspectionEvidence,
    JudgementEvidence,
    KpiEvidence,
)


@dataclass(frozen=True)
class Case:
    number: int
    title: str
    evidence_words: str  # the evidence, in words, for the page
    evidence: Evidence
    phase: str  # what a director says
    rule: str  # the rule that must appear among the reasons
    why: str


# Subjects as subjects (issue 12): the catalogue's labels of the measures cases 45-47 use.
SUBJECT_LABELS = {
    "ks4_em4": "KS4 English and maths grade 4+",
    "ks4_english4": "KS4 English grade 4+",
    "ks4_english5": "KS4 English grade 5+",
    "ks4_maths4": "KS4 maths grade 4+",
    "ks4_maths5": "KS4 maths grade 5+",
    "ks4_science4": "KS4 science grade 4+ (the trust's own measure)",
    "ks2_science_exp": "KS2 science: expected standard (TA)",
    "ta_history_are": "History at age-related expectations (TA, all year groups)",
}


def _kpi(
    code: str,
    value: float,
    national: float | None,
    term: str,
    subject: str = "",
    unit: str = "%",
    direction: str = "higher",
    cohort: int = 30,
    group: str = "all",
    target: float | None = None,
    national_year: str | None = None,
    assessment: str = "",
) -> KpiEvidence:
    label = {
        "ks2_rwm_exp": "KS2 reading, writing and maths at the expected standard",
        "ks2_reading_exp": "KS2 reading at the expected standard",
        "ks2_maths_exp": "KS2 maths at the expected standard",
        "ks4_att8": "Attainment 8",
        "absence": "Overall absence",
        "persistent_absence": "Persistent absence",
        "ta_reading_are": "Reading at age-related expectations (TA, all year groups)",
        "ks2_writing_exp": "KS2 writing: expected standard (TA)",
        **SUBJECT_LABELS,
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
        assessment,
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
