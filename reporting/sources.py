"""Adapters from the other apps' selectors to plain, JSON-safe report sections.

Every section is aggregate-only (governors never see pupil-level data) and already suppressed:
a KPI figure from fewer pupils than the trust's minimum cohort is stored as suppressed in the
snapshot itself, so no later rendering can leak it. Apps that are not installed yet simply
contribute an empty section with a note, never an error.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from reporting.models import term_label

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


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "points":
        return f"{value:.1f}"
    return f"{value:+.2f}" if unit == "score" else f"{value:.1f}"


def previous_terms(term_code: str, count: int) -> list[str]:
    """The term and the ones before it, oldest first: '2025-26-summer' -> [..., spring, summer]."""
    seasons = ["autumn", "spring", "summer"]
    year, _, season = term_code.rpartition("-")
    start = int(year.split("-")[0])
    index = seasons.index(season) if season in seasons else 2
    codes = []
    for _ in range(count):
        codes.append(f"{start}-{str(start + 1)[-2:]}-{seasons[index]}")
        index -= 1
        if index < 0:
            index = 2
            start -= 1
    return list(reversed(codes))


def kpi_section(*, trust: Any, academy_ids: list[int] | None, term_code: str) -> dict[str, Any]:
    """KPIs against national and target, with a trend over six terms and the main groups."""
    kpi_figures_for = _optional("assessment.kpis.selectors", "kpi_figures_for")
    min_cohort = trust.min_cohort
    if kpi_figures_for is None:
        return {"kpis": [], "kpi_note": "KPI figures are not available yet."}
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
                    "term_label": term_label(t).replace(" term", ""),
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
                    "display": f"suppressed (n<{min_cohort})"
                    if r.suppressed
                    else _fmt(r.value, r.unit),
                    "cohort_display": f"fewer than {min_cohort}" if r.suppressed else str(r.cohort),
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
                "key_stage": all_now.key_stage,
                "unit": all_now.unit,
                "unit_suffix": "%" if all_now.unit == "%" else "",
                "direction": all_now.direction,
                "value": value,
                "suppressed": all_now.suppressed,
                "cohort": None if all_now.suppressed else all_now.cohort,
                "display": f"suppressed (n<{min_cohort})"
                if all_now.suppressed
                else _fmt(value, all_now.unit),
                "national": all_now.national,
                "national_year": all_now.national_year,
                "national_display": _fmt(all_now.national, all_now.unit)
                if all_now.national is not None
                else "not published",
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
    return {"kpis": kpis, "kpi_note": ""}


def _call_section(module: str, name: str, **kwargs: Any) -> Any:
    fn = _optional(module, name)
    if fn is None:
        return None
    return fn(**kwargs)


def placement_section(*, trust: Any, academy: Any, term_code: str) -> dict[str, Any]:
    data = _call_section(
        "phases.selectors",
        "placement_summary_for_report",
        trust=trust,
        academy=academy,
        term_code=term_code,
    )
    return data or {
        "phase": None,
        "reasons": [],
        "history": [],
        "note": "No placement recorded yet.",
    }


def heatmap_section(*, trust: Any, academy: Any, term_code: str) -> list[dict[str, Any]]:
    return (
        _call_section(
            "phases.selectors",
            "heatmap_row_for_report",
            trust=trust,
            academy=academy,
            term_code=term_code,
        )
        or []
    )


def visits_section(*, trust: Any, academy: Any, term_code: str) -> dict[str, Any]:
    data = _call_section(
        "visits.selectors",
        "visits_summary_for_report",
        trust=trust,
        academy=academy,
        term_code=term_code,
    )
    return data or {"visits": [], "open_actions": [], "note": "No visits recorded this term."}


def cpd_section(*, trust: Any, academy: Any, term_code: str) -> dict[str, Any]:
    data = _call_section(
        "cpd.selectors", "cpd_summary_for_report", trust=trust, academy=academy, term_code=term_code
    )
    return data or {"rows": [], "note": "No CPD recorded this term."}


def partnerships_section(*, trust: Any, academy: Any, term_code: str) -> dict[str, Any]:
    data = _call_section(
        "partnerships.selectors",
        "partnerships_summary_for_report",
        trust=trust,
        academy=academy,
        term_code=term_code,
    )
    return data or {"rows": [], "note": "No commissioned support this term."}


def moderation_section(*, trust: Any, academy: Any, term_code: str) -> dict[str, Any]:
    data = _call_section(
        "assessment.selectors",
        "moderation_summary_for_report",
        trust=trust,
        academy=academy,
        term_code=term_code,
    )
    return data or {"rows": [], "note": "No moderation outcomes recorded yet."}
