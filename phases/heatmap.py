"""The heat map's cells: one academy's row for one term and pupil group. Pure: no ORM import.

Algorithm for each cell:
1. Outcome KPIs (one column per catalogue KPI): take the figure of the map's term; if the term
   has none (tests and GCSEs are summer-only), carry the cell of the last kept map and label it
   stale ("from Summer term 2024-25").
2. Rate it against the national figure of the same year with the placement engine's bands
   (`rules.kpi_level`), in words ("Below national") as well as a level 1-4 for the colour;
   a KPI with no national figure (in-year teacher assessment) is rated against the trust's
   target the same way ("Below target").
3. Trend: the change from the same cell in the last kept map (the previous term's snapshot, so
   a summer result is compared with last summer's carried one): up / down / level, with
   "better" or "worse" from the KPI's direction.
4. Suppressed figures (cohort below the trust's minimum) carry no value and say so.
5. Judged areas: the latest judgement per area (visit, review or inspection) in words, with its
   date and a link; older than the stale limit it is labelled stale. Trend compares it with the
   area's previous judgement.
6. Progress 8 (secondaries): DfE's band from score and confidence interval, or why there is none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from assessment.contracts import KpiFigure
from assessment.kpis.banding import P8Band, p8_band
from assessment.kpis.catalogue import CATALOGUE, KPIS
from trust_si.terms import TermCode, term_label, term_sort_key

from .rules import (
    GRADE_LEVELS,
    P8_LEVELS,
    P8_NOT_PUBLISHED,
    JudgementEvidence,
    KpiEvidence,
    P8Evidence,
    kpi_level,
)

HEATMAP_GROUPS = ("all", "disadvantaged", "non_disadvantaged", "send", "boys", "girls")
GROUP_LABELS = {
    "all": "All pupils",
    "disadvantaged": "Disadvantaged",
    "non_disadvantaged": "Not disadvantaged",
    "send": "SEND",
    "boys": "Boys",
    "girls": "Girls",
}


@dataclass(frozen=True)
class Column:
    code: str
    label: str  # short, for the header
    title: str  # full, for the tooltip and the export
    kind: str  # "kpi", "p8", "judgement"
    key_stage: str  # "EYFS", "KS1", "KS2", "KS4", "all", or "" for judged areas


KPI_SHORT = {
    "eyfs_gld": "EYFS GLD",
    "y1_phonics": "Y1 phonics",
    "ks2_reading_exp": "KS2 reading",
    "ks2_writing_exp": "KS2 writing",
    "ks2_maths_exp": "KS2 maths",
    "ks2_rwm_exp": "KS2 RWM",
    "ks2_writing_gds": "KS2 writing GDS",
    "ks4_att8": "Attainment 8",
    "ks4_em4": "E&M 4+",
    "ks4_em5": "E&M 5+",
    "ta_reading_are": "Reading ARE",
    "ta_writing_are": "Writing ARE",
    "ta_maths_are": "Maths ARE",
    "persistent_absence": "Persistent absence",
    "absence": "Absence",
}
JUDGED_AREAS = [
    ("safeguarding", "Safeguarding"),
    ("inclusion", "Inclusion"),
    ("curriculum_teaching", "Curriculum and teaching"),
    ("achievement", "Achievement"),
    ("attendance_behaviour", "Attendance and behaviour"),
    ("personal_development", "Personal development and well-being"),
    ("early_years", "Early years"),
    ("sixth_form", "Sixth form"),
    ("leadership_governance", "Leadership and governance"),
    ("send", "SEND"),
]


def columns() -> list[Column]:
    kpis = [
        Column(k.code, KPI_SHORT.get(k.code, k.label), k.label, "kpi", k.key_stage)
        for k in [*CATALOGUE, KPIS["absence"]]
    ]
    p8 = Column(
        "p8", "Progress 8", "Progress 8: DfE band from score and confidence interval", "p8", "KS4"
    )
    judged = [
        Column(code, label, f"{label}: latest judgement", "judgement", "")
        for code, label in JUDGED_AREAS
    ]
    return [*kpis, p8, *judged]


KPI_WORDS = {
    "higher": {
        4: "Well above national",
        3: "In line with national",
        2: "Below national",
        1: "Well below national",
    },
    "lower": {
        4: "Well below national (better)",
        3: "In line with national",
        2: "Above national (worse)",
        1: "Well above national (worse)",
    },
}
GRADE_WORDS = {
    "exceptional": "Exceptional",
    "strong_standard": "Strong standard",
    "expected_standard": "Expected standard",
    "needs_attention": "Needs attention",
    "urgent_improvement": "Urgent improvement",
    "met": "Met",
    "not_met": "Not met",
}
SAFEGUARDING_LEVELS = {"met": 4, "not_met": 1}


def term_key(code: str) -> tuple[int, int]:
    """The order of term codes (oldest first), as trust_si.terms defines it."""
    return term_sort_key(code)


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1f}%" if unit == "%" else f"{value:.1f}"


def kpi_cell(
    code: str,
    term: str,
    figure: KpiFigure | None,
    previous: dict[str, Any] | None,
    settings: dict[str, Any],
) -> dict[str, Any]:
    """Steps 1-4 for one KPI: this term's figure, else last term's kept cell carried as stale."""
    if figure is None:
        if previous and previous.get("state") in ("value", "suppressed"):
            carried = {**previous, "stale": True, "trend": None, "trend_text": ""}
            carried["note"] = f"from {term_label(previous['term'])}"
            return carried
        return {"col": code, "state": "none", "rating": "No data", "level": None}
    cell: dict[str, Any] = {
        "col": code,
        "term": figure.term_code,
        "cohort": figure.cohort,
        "stale": False,
        "level": None,
        "trend": None,
    }
    if figure.suppressed or figure.value is None:
        cell.update(
            state="suppressed",
            rating="Suppressed (n<{})".format(settings.get("min_cohort", 5)),
            value=None,
            display="",
        )
        return cell
    cell.update(
        state="value",
        value=figure.value,
        display=_fmt(figure.value, figure.unit),
        national=figure.national,
        national_year=figure.national_year,
    )
    evidence = KpiEvidence(
        figure.kpi_code,
        figure.label,
        "",
        figure.unit,
        figure.direction,
        figure.value,
        figure.national,
        figure.national_year,
        figure.cohort,
        False,
        figure.term_code,
    )
    scored = kpi_level(evidence, settings)
    if scored is not None:
        level, gap = scored
        cell.update(level=level, rating=KPI_WORDS[figure.direction][level], gap=round(gap, 1))
    elif figure.target is not None:
        # No national figure (in-year teacher assessment): rate against the trust's target.
        against_target = kpi_level(replace(evidence, national=figure.target), settings)
        if against_target is not None:
            level, gap = against_target
            cell.update(
                level=level,
                gap=round(gap, 1),
                target=figure.target,
                rating=KPI_WORDS[figure.direction][level].replace("national", "target"),
            )
    else:
        cell["rating"] = "No national figure or target"
    if (
        previous
        and previous.get("state") == "value"
        and previous.get("value") is not None
        and previous.get("term") != figure.term_code
    ):
        change = figure.value - previous["value"]
        better = change * (1 if figure.direction == "higher" else -1)
        unit = "pts" if figure.unit == "%" else "points"
        when = term_label(previous["term"])
        if abs(change) < 0.05:
            cell.update(trend="level", trend_text=f"level with {when}")
        else:
            cell.update(
                trend="up" if change > 0 else "down",
                trend_better=better > 0,
                trend_text=f"{'up' if change > 0 else 'down'} {abs(change):.1f} {unit} on {when} "
                f"({'better' if better > 0 else 'worse'})",
            )
    return cell


def judgement_cell(
    area: str, judgements: list[JudgementEvidence], today: dt.date, settings: dict[str, Any]
) -> dict[str, Any]:
    """Step 5: the latest judgement of the area, its trend against the one before."""
    ordered = sorted((j for j in judgements if j.area == area), key=lambda j: j.judged_on)
    if not ordered:
        return {"col": area, "state": "none", "rating": "Not judged", "level": None}
    latest = ordered[-1]
    levels = SAFEGUARDING_LEVELS if area == "safeguarding" else GRADE_LEVELS
    stale = (today - latest.judged_on).days > settings.get("judgement_stale_days", 365)
    cell: dict[str, Any] = {
        "col": area,
        "state": "value",
        "rating": GRADE_WORDS.get(latest.grade, latest.grade),
        "level": levels.get(latest.grade),
        "display": "",
        "stale": stale,
        "trend": None,
        "note": f"{latest.source}, {latest.judged_on:%d %b %Y}" + (" (stale)" if stale else ""),
        "link": latest.link,
        "judged_on": latest.judged_on.isoformat(),
    }
    if len(ordered) > 1:
        before = levels.get(ordered[-2].grade)
        now = levels.get(latest.grade)
        if before is not None and now is not None:
            cell["trend"] = "up" if now > before else "down" if now < before else "level"
            cell["trend_better"] = now > before
            cell["trend_text"] = (
                f"{'better than' if now > before else 'worse than' if now < before else 'same as'} "
                f"{ordered[-2].judged_on:%b %Y} ({GRADE_WORDS.get(ordered[-2].grade, '')})"
            )
    return cell


def p8_cell(p8: P8Evidence | None, term: str, teaches_ks4: bool) -> dict[str, Any]:
    """Step 6: DfE's Progress 8 band, never guessed when suppressed, and why it may be absent."""
    if not teaches_ks4:
        return {"col": "p8", "state": "na", "rating": "Not applicable", "level": None}
    year = TermCode.parse(term).academic_year
    if p8 is None:
        note = (
            "not published for this cohort" if year in P8_NOT_PUBLISHED else "no published figure"
        )
        return {
            "col": "p8",
            "state": "none",
            "rating": "Not published" if year in P8_NOT_PUBLISHED else "No data",
            "level": None,
            "note": note,
        }
    band = p8_band(p8.score, p8.lower, p8.upper, suppressed=str(p8.dfe_banding).upper() == "SUPP")
    stale = p8.year != year
    cell: dict[str, Any] = {
        "col": "p8",
        "state": "value",
        "rating": band.label,
        "stale": stale,
        "level": None if band == P8Band.NOT_BANDED else P8_LEVELS[band],
        "display": f"{p8.score:+.2f}" if p8.score is not None else "",
        "note": p8.year + (" (stale)" if stale else ""),
        "trend": None,
    }
    if year in P8_NOT_PUBLISHED:
        cell["note"] += "; not published for this cohort"
    return cell


def heatmap_row(
    *,
    term: str,
    figures: list[KpiFigure],
    previous: dict[str, dict[str, Any]] | None,
    judgements: list[JudgementEvidence],
    p8: P8Evidence | None,
    teaches_ks4: bool,
    today: dt.date,
    settings: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """Every column's cell for one academy, term and group: {column code: cell}.

    `figures` are this term's; `previous` is the academy's cells in the last kept map (same
    group), which gives the trend and carries summer-only results through autumn and spring.
    """
    by_kpi = {f.kpi_code: f for f in figures if f.term_code == term}
    previous = previous or {}
    cells: dict[str, dict[str, Any]] = {}
    for column in columns():
        if column.kind == "kpi":
            cells[column.code] = kpi_cell(
                column.code, term, by_kpi.get(column.code), previous.get(column.code), settings
            )
        elif column.kind == "p8":
            cells[column.code] = p8_cell(p8, term, teaches_ks4)
        else:
            cells[column.code] = judgement_cell(column.code, judgements, today, settings)
    return cells
