"""The sections of a governor report, each built from the selector of the app that owns it.

Every section is aggregate-only (governors never see pupil-level data) and already suppressed:
a KPI figure from fewer pupils than the trust's minimum cohort is stored as suppressed in the
snapshot itself, so no later rendering can leak it. Reporting sits above every other app, so it
imports their selectors by name: a renamed selector fails at import, not silently in a report.
The academy report's sections are listed once, in ACADEMY_SECTIONS; a test holds that list equal
to the sections of its template.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessment.kpis.catalogue import DEFINITIONS, TRUST_SCOPE_NOTE
from assessment.kpis.disclosure import threshold
from assessment.kpis.display import number_text
from assessment.kpis.selectors import kpi_figures_for, similar_schools_for
from assessment.outcomes import (
    KS2,
    KS4,
    KS4_YEAR10,
    ForecastSpec,
    forecast_as_data,
    forecast_for,
    forecast_specs_for,
    no_forecast_note,
)
from cpd.selectors import cpd_summary_for_report, programme_effects_for_report
from moderation.selectors import moderation_summary_for_report
from partnerships.selectors import commission_effects_for_report, partnerships_summary_for_report
from phases.selectors import heatmap_row_for_report, placement_summary_for_report
from planning.selectors import planning_summary_for_report, risks_for_board
from trust_si.terms import TermCode
from visits.selectors import visits_summary_for_report

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust


GROUP_LABELS = {
    "all": "All pupils",
    "disadvantaged": "Disadvantaged",
    "non_disadvantaged": "Not disadvantaged",
    "send": "SEND",
    "no_send": "No SEND",
    "eal": "EAL",
    "boys": "Boys",
    "girls": "Girls",
    "prior_low": "Low prior attainment",
    "prior_middle": "Middle prior attainment",
    "prior_high": "High prior attainment",
}
REPORT_GROUPS = ("all", "disadvantaged", "non_disadvantaged", "boys", "girls", "send")


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "points":
        return number_text(value)
    return f"{value:+.2f}" if unit == "score" else f"{value:.1f}"


def previous_terms(term_code: str, count: int) -> list[str]:
    """The term and the ones before it, oldest first: '2025-26-summer' -> [..., spring, summer]."""
    return [t.code for t in TermCode.parse(term_code).window(count)]


def kpi_section(*, trust: Trust, academy_ids: list[int] | None, term_code: str) -> dict[str, Any]:
    """KPIs against national and target, with a trend over six terms and the main groups."""
    min_cohort = threshold(trust.min_cohort)
    terms = previous_terms(term_code, 6)
    figures = kpi_figures_for(
        trust_id=trust.pk, academy_ids=academy_ids, term_codes=terms, groups=REPORT_GROUPS
    )
    # One academy's figures for its report; the trust-wide rows (academy_id None) for the board.
    wanted = academy_ids[0] if academy_ids else None
    by_kpi: dict[str, list[Any]] = defaultdict(list)
    for f in figures:
        if f.academy_id == wanted:
            by_kpi[f.kpi_code].append(f)
    kpis = []
    for code, rows in by_kpi.items():
        current = [r for r in rows if r.term_code == term_code]
        all_now = next((r for r in current if r.group == "all"), None)
        if all_now is None:
            continue
        trend = []
        for t in terms:
            point = next((r for r in rows if r.term_code == t and r.group == "all"), None)
            trend.append(
                {
                    "term": t,
                    "term_label": TermCode.parse(t).short_label,
                    "value": None if point is None or point.suppressed else point.value,
                    "national": None if point is None else point.national,
                }
            )
        groups = []
        for g in REPORT_GROUPS:
            r = next((x for x in current if x.group == g), None)
            if r is None:
                continue
            groups.append(
                {
                    "group": g,
                    "group_label": GROUP_LABELS.get(g, g),
                    "value": None if r.suppressed else r.value,
                    "display": f"suppressed ({min_cohort} or fewer pupils, or would reveal them)"
                    if r.suppressed
                    else _fmt(r.value, r.unit),
                    "cohort_display": "not shown" if r.suppressed else str(r.cohort),
                    "suppressed": r.suppressed,
                }
            )
        value = None if all_now.suppressed else all_now.value
        vs_national = None
        if value is not None and all_now.national is not None:
            diff = value - all_now.national
            better = diff >= 0 if all_now.direction == "higher" else diff <= 0
            vs_national = (
                "above national"
                if better and diff
                else ("in line with national" if not diff else "below national")
            )
            if all_now.direction == "lower":
                vs_national = {
                    "above national": "better than national",
                    "below national": "worse than national",
                }.get(vs_national, vs_national)
        kpis.append(
            {
                "code": code,
                "label": all_now.label,
                "definition": DEFINITIONS.get(code, ("", ""))[0],
                "definition_source": DEFINITIONS.get(code, ("", ""))[1],
                "key_stage": all_now.key_stage,
                "unit": all_now.unit,
                "unit_suffix": "%" if all_now.unit == "%" else "",
                "direction": all_now.direction,
                "value": value,
                "suppressed": all_now.suppressed,
                "cohort": None if all_now.suppressed else all_now.cohort,
                "display": f"suppressed ({min_cohort} or fewer pupils, or would reveal them)"
                if all_now.suppressed
                else _fmt(value, all_now.unit),
                "national": all_now.national,
                # The year in words: "latest published: 2024-25" when DfE has not published
                # the term's year (the template prints it in brackets after the figure).
                "national_year": all_now.national_basis if all_now.national is not None else None,
                "national_display": _fmt(all_now.national, all_now.unit)
                if all_now.national is not None
                else all_now.national_basis,
                "target": all_now.target,
                "target_display": _fmt(all_now.target, all_now.unit)
                if all_now.target is not None
                else "no target",
                "vs_national": vs_national or "",
                "trend": trend,
                "groups": groups,
            }
        )
    kpis.sort(key=lambda k: (k["key_stage"], k["label"]))
    return {"kpis": kpis, "kpi_note": TRUST_SCOPE_NOTE if wanted is None else ""}


def placement_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    data = placement_summary_for_report(trust=trust, academy=academy, term_code=term_code)
    return data or {
        "phase": None,
        "reasons": [],
        "history": [],
        "note": "No placement recorded yet.",
    }


def heatmap_section(*, trust: Trust, academy: Academy, term_code: str) -> list[dict[str, Any]]:
    return heatmap_row_for_report(trust=trust, academy=academy, term_code=term_code) or []


def visits_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    data = visits_summary_for_report(trust=trust, academy=academy, term_code=term_code)
    return data or {"visits": [], "open_actions": [], "note": "No visits recorded this term."}


def cpd_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    data = cpd_summary_for_report(trust=trust, academy=academy, term_code=term_code)
    return data or {"rows": [], "note": "No CPD recorded this term."}


def partnerships_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    data = partnerships_summary_for_report(trust=trust, academy=academy, term_code=term_code)
    return data or {"rows": [], "note": "No commissioned support this term."}


def moderation_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    data = moderation_summary_for_report(trust=trust, academy=academy, term_code=term_code)
    return data or {"rows": [], "note": "No moderation outcomes recorded yet."}


def planning_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    """The SEF against visits and inspection, the plan's priorities with their latest
    half-termly review, and the academy's open risks."""
    return planning_summary_for_report(trust=trust, academy=academy, term_code=term_code)


def forecast_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    """The Year 6 forecast of KS2 reading, writing and maths, labelled as a forecast."""
    if KS2 not in forecast_specs_for(academy):
        # A first school (KS1, no Year 6) or a special school is told why it has no forecast.
        ks1 = no_forecast_note(academy)
        return {
            "available": False,
            "note": ks1 or "The academy has no key stage 2.",
            "ks1_note": ks1,
            "method": "",
        }
    data = forecast_for(
        KS2, trust_id=trust.pk, academy_id=academy.pk, term_code=term_code, min_n=trust.min_cohort
    )
    return forecast_as_data(data)


def _ks4_section(spec: ForecastSpec) -> Callable[..., dict[str, Any]]:
    def build(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
        if spec not in forecast_specs_for(academy):
            # The KS2 section already says why a special school has no forecast.
            return {"available": False, "applies": False, "note": "", "method": ""}
        data = forecast_for(
            spec,
            trust_id=trust.pk,
            academy_id=academy.pk,
            term_code=term_code,
            min_n=trust.min_cohort,
        )
        return {**forecast_as_data(data), "applies": True}

    build.__doc__ = (
        f"The Year {spec.year_group} forecast of KS4 English and maths (grade 4+, grade 5+), "
        "labelled as a forecast; nothing for an academy without that year group."
    )
    return build


forecast_ks4_section = _ks4_section(KS4)
forecast_ks4_year10_section = _ks4_section(KS4_YEAR10)
# The sections above came first (reports were snapshotted with them); every other year group's
# forecast is in one list section after them.
_OWN_SECTION = (KS2, KS4, KS4_YEAR10)


def forecast_year_groups_section(
    *, trust: Trust, academy: Academy, term_code: str
) -> list[dict[str, Any]]:
    """The forecasts of the academy's other year groups (KS2 writing; Years 3 to 5 for KS2;
    Years 7 to 9 for KS4), each labelled as a forecast, or the words why there is none."""
    return [
        forecast_as_data(
            forecast_for(
                spec,
                trust_id=trust.pk,
                academy_id=academy.pk,
                term_code=term_code,
                min_n=trust.min_cohort,
            )
        )
        for spec in forecast_specs_for(academy)
        if spec not in _OWN_SECTION
    ]


def similar_schools_section(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    """The academy's position among the 20 most similar schools in DfE's latest imported file
    (published school figures, no pupil data; the method is printed with it)."""
    return similar_schools_for(trust_id=trust.pk, academy=academy)


def board_risks_section(*, trust: Trust, term_code: str) -> list[dict[str, Any]]:
    return risks_for_board(trust=trust)


def board_effects_section(*, trust: Trust, term_code: str) -> list[dict[str, Any]]:
    """Effect sizes of the trust's CPD programmes and commissions (association, not proof)."""
    return [
        *programme_effects_for_report(trust=trust, term_code=term_code),
        *commission_effects_for_report(trust=trust, term_code=term_code),
    ]


@dataclass(frozen=True)
class Section:
    """One section of the academy report: its snapshot key (also the template's
    `data-section`) and the function that builds it from the owning app's selector."""

    key: str
    build: Callable[..., Any]


ACADEMY_SECTIONS: tuple[Section, ...] = (
    Section("placement", placement_section),
    Section("heatmap_row", heatmap_section),
    Section("visits", visits_section),
    Section("cpd", cpd_section),
    Section("partnerships", partnerships_section),
    Section("moderation", moderation_section),
    Section("planning", planning_section),
    Section("forecast", forecast_section),
    Section("forecast_ks4", forecast_ks4_section),
    Section("forecast_ks4_year10", forecast_ks4_year10_section),
    Section("forecast_year_groups", forecast_year_groups_section),
    Section("similar_schools", similar_schools_section),
)
