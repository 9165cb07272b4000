"""Inspections in Ofsted's cycle: the newest graded inspection stands, its age lowers its weight.

Pure: no ORM import.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .base import (
    GRADE_LEVELS,
    INSPECTION_KIND_WORDS,
    KEY_JUDGEMENTS,
    LEGACY_GRADE_WORDS,
    LEGACY_LEVELS,
    Evidence,
    InspectionEvidence,
    Reason,
    _area,
    _words,
)


def _age_factor(inspection: InspectionEvidence, today: dt.date, s: dict[str, Any]) -> float:
    years = (today - inspection.inspected_on).days / 365.25
    return max(0.25, 0.5 ** int(max(years, 0) // s["inspection_halves_after_years"]))


def _inspection_words(i: InspectionEvidence) -> str:
    name = INSPECTION_KIND_WORDS.get(i.kind, "Ofsted inspection")
    if i.predecessor:
        name = f"Predecessor school's {name}"
    return f"{name} of {i.inspected_on:%d %b %Y}"


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
