"""Demo academies for the two fictional trusts (URNs from 990000: never a real school's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from academies.models import Academy, Inspection, PhaseOfEducation
from academies.services import academy_upsert

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


P = PhaseOfEducation

# name, URN, phase of education, ages, pupils, % disadvantaged, % SEN support, % EHCP, % EAL,
# church school, strength (0 weak .. 1 strong: drives the synthetic data and judgements)
NORTHMOOR = [
    ("Heatherfield First School", "990101", P.FIRST, 4, 9, 240, 28.5, 14.2, 1.8, 6.0, False, 0.8),
    ("Moorside First School", "990102", P.FIRST, 4, 9, 180, 41.0, 19.5, 2.9, 12.4, False, 0.35),
    ("St Aidan's CE First School", "990103", P.FIRST, 4, 9, 150, 17.3, 11.0, 1.3, 3.1, True, 0.9),
    ("Larkhill First School", "990104", P.FIRST, 4, 9, 210, 33.8, 16.7, 2.4, 20.5, False, 0.55),
    ("Cragside First School", "990105", P.FIRST, 4, 9, 120, 22.0, 13.3, 1.7, 2.0, False, 0.65),
    ("Northmoor Middle School", "990201", P.MIDDLE, 9, 13, 520, 31.2, 15.8, 2.6, 9.8, False, 0.5),
    ("Fellgate Middle School", "990202", P.MIDDLE, 9, 13, 460, 38.4, 18.2, 3.1, 14.6, False, 0.3),
    ("Riverbank Middle School", "990203", P.MIDDLE, 9, 13, 390, 21.5, 12.9, 2.2, 4.3, False, 0.75),
    (
        "Northmoor High School",
        "990301",
        P.SECONDARY,
        13,
        18,
        1150,
        29.7,
        13.1,
        2.3,
        8.2,
        False,
        0.6,
    ),
    (
        "Bleakridge High School",
        "990302",
        P.SECONDARY,
        13,
        18,
        980,
        36.9,
        16.4,
        2.8,
        11.5,
        False,
        0.25,
    ),
    ("Kestrel Academy", "990303", P.SECONDARY, 13, 18, 1020, 24.1, 12.2, 2.0, 6.7, False, 0.7),
    ("Skylark Special School", "990401", P.SPECIAL, 4, 19, 140, 48.6, 0.0, 97.1, 7.9, False, 0.6),
]
RIVERSIDE = [
    (
        "Willowbrook Primary Academy",
        "991101",
        P.PRIMARY,
        4,
        11,
        420,
        24.6,
        12.8,
        1.9,
        18.2,
        False,
        0.7,
    ),
    (
        "Kingfisher Primary Academy",
        "991102",
        P.PRIMARY,
        4,
        11,
        210,
        44.3,
        20.1,
        3.3,
        31.5,
        False,
        0.3,
    ),
    (
        "Otterburn CE Primary School",
        "991103",
        P.PRIMARY,
        4,
        11,
        315,
        15.9,
        10.4,
        1.2,
        4.4,
        True,
        0.85,
    ),
    (
        "Mill Lane Primary Academy",
        "991104",
        P.PRIMARY,
        4,
        11,
        630,
        35.1,
        15.6,
        2.5,
        22.8,
        False,
        0.5,
    ),
]
DEMO_ACADEMIES = {"northmoor": NORTHMOOR, "riverside": RIVERSIDE}


def _inspection(academy: Academy, strength: float, index: int) -> dict[str, Any]:
    """Newer inspections as report cards, older ones as legacy grades, matching the strength."""
    if index % 3 == 0:
        if strength >= 0.75:
            grade = "strong_standard"
        elif strength >= 0.45:
            grade = "expected_standard"
        else:
            grade = "needs_attention"
        areas = [
            "inclusion",
            "curriculum_teaching",
            "achievement",
            "attendance_behaviour",
            "personal_development",
            "leadership_governance",
        ]
        if "EYFS" in academy.key_stages:
            areas.append("early_years")
        if "KS5" in academy.key_stages:
            areas.append("sixth_form")
        return {
            "kind": Inspection.Kind.REPORT_CARD,
            "inspected_on": dt.date(2026, 1, 20) + dt.timedelta(days=7 * index),
            "area_grades": {a: grade for a in areas},
            "safeguarding_met": True,
        }
    overall = 1 if strength >= 0.85 else 2 if strength >= 0.5 else 3
    return {
        "kind": Inspection.Kind.LEGACY,
        "inspected_on": dt.date(2023, 3, 1) + dt.timedelta(days=29 * index),
        "overall_grade": overall,
    }


# One academy held at the floor by each kind of Ofsted evidence (issue 12), reasons in words.
_CARD_AREAS = {
    "inclusion": "expected_standard",
    "curriculum_teaching": "expected_standard",
    "achievement": "needs_attention",
    "attendance_behaviour": "expected_standard",
    "personal_development": "expected_standard",
    "leadership_governance": "expected_standard",
}
FLOORS: dict[str, dict[str, Any]] = {
    # Safeguarding not met on a report card.
    "990102": {
        "kind": Inspection.Kind.REPORT_CARD,
        "inspected_on": dt.date(2026, 2, 3),
        "area_grades": _CARD_AREAS,
        "safeguarding_met": False,
    },
    # A sponsored academy whose predecessor school was judged Inadequate.
    "990202": {
        "kind": Inspection.Kind.LEGACY,
        "inspected_on": dt.date(2024, 6, 12),
        "overall_grade": 4,
        "safeguarding_met": True,
        "is_predecessor": True,
    },
    # A graded inspection (no overall grade) that found serious weaknesses.
    "990201": {
        "kind": Inspection.Kind.GRADED,
        "inspected_on": dt.date(2025, 3, 4),
        "key_judgements": {
            "quality_of_education": 3,
            "behaviour_attitudes": 3,
            "personal_development": 2,
            "leadership_management": 3,
        },
        "safeguarding_met": True,
        "category_of_concern": "serious_weaknesses",
    },
    # A report card with leadership and governance urgent improvement.
    "991104": {
        "kind": Inspection.Kind.REPORT_CARD,
        "inspected_on": dt.date(2026, 3, 10),
        "area_grades": {**_CARD_AREAS, "leadership_governance": "urgent_improvement"},
        "safeguarding_met": True,
    },
}


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    rows = DEMO_ACADEMIES.get(trust.slug, [])
    academies = []
    strength: dict[int, float] = ctx.setdefault("strength", {})
    for index, (name, urn, phase, lo, hi, roll, dis, sen, ehcp, eal, church, s) in enumerate(rows):
        academy = academy_upsert(
            actor=None,
            trust=trust,
            urn=urn,
            data={
                "name": name,
                "phase_of_education": phase,
                "age_low": lo,
                "age_high": hi,
                "pupils_on_roll": roll,
                "pct_disadvantaged": Decimal(str(dis)),
                "pct_send_support": Decimal(str(sen)),
                "pct_ehcp": Decimal(str(ehcp)),
                "pct_eal": Decimal(str(eal)),
                "is_church_school": church,
                "local_authority": "Northmoorshire" if trust.slug == "northmoor" else "Riverside",
                "date_joined": dt.date(2015 + index % 8, 9, 1),
            },
        )
        inspection = dict(FLOORS.get(urn) or _inspection(academy, s, index))
        Inspection.objects.update_or_create(
            academy=academy,
            inspected_on=inspection.pop("inspected_on"),
            defaults={**inspection, "trust": trust},
        )
        strength[academy.pk] = s
        academies.append(academy)
    ctx["academies"] = academies


def weakest_first(academies: list[Any], ctx: dict[str, Any]) -> list[Any]:
    """Academies ordered from weakest to strongest using ctx["strength"] when it is there.

    The strength map may be keyed by academy, id or URN; higher means stronger. Without it
    the given order is kept.
    """
    strength = ctx.get("strength")
    if not isinstance(strength, dict):
        return list(academies)

    def score(academy: Academy) -> float:
        for key in (academy, academy.pk, academy.urn):
            value = strength.get(key)
            if isinstance(value, (int, float)):
                return float(value)
        return 0.0

    return sorted(academies, key=score)
