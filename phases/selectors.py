"""Permission-aware reads of placements: the phase in force, history, and the report's view."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from academies.models import Academy
from academies.selectors import academy_get_for, academy_list_for
from trust_si.terms import term_label, term_sort_key

from .models import HeatmapRow, PhaseCode, Placement, RecomputeJob

PHASE_LABELS = dict(PhaseCode.choices)


def latest_placements(academies: list[Academy]) -> dict[int, Placement]:
    """Each academy's latest whole-academy placement, in one query."""
    latest: dict[int, Placement] = {}
    for p in Placement.objects.filter(academy__in=academies, subject="").order_by(
        "academy_id", "-computed_at", "-id"
    ):
        latest.setdefault(p.academy_id, p)
    return latest


def placement_rows_for(membership: Any) -> list[dict[str, Any]]:
    academies = list(academy_list_for(membership))
    latest = latest_placements(academies)
    decided: dict[int, Placement] = {}
    for p in (
        Placement.objects.filter(academy__in=academies, subject="")
        .exclude(status="proposed")
        .order_by("academy_id", "-decided_at")
    ):
        decided.setdefault(p.academy_id, p)
    subjects: dict[int, dict[str, str]] = {}
    for p in (
        Placement.objects.filter(academy__in=academies)
        .exclude(subject="")
        .order_by("academy_id", "subject", "-computed_at")
    ):
        subjects.setdefault(p.academy_id, {}).setdefault(p.subject, p.proposed_phase)
    return [
        {
            "academy": a,
            "latest": latest.get(a.pk),
            "decided": decided.get(a.pk),
            "subjects": subjects.get(a.pk, {}),
        }
        for a in academies
    ]


def placement_history_for(membership: Any, urn: str) -> tuple[Academy, QuerySet[Placement]]:
    academy = academy_get_for(membership, urn)
    return academy, Placement.objects.filter(academy=academy, subject="").select_related(
        "decided_by"
    )


def placement_get_for(membership: Any, pk: int) -> Placement:
    placement = Placement.objects.filter(
        pk=pk, academy__in=academy_list_for(membership).values("pk")
    ).first()
    if placement is None:
        raise Http404("No such placement.")
    return placement


def last_recompute(trust_id: int) -> RecomputeJob | None:
    return RecomputeJob.objects.filter(trust_id=trust_id).first()


def current_phase_name(academy: Academy) -> str | None:
    """The phase in force for the visits programme: the decision, else the latest proposal."""
    decided = (
        Placement.objects.filter(academy=academy, subject="")
        .exclude(status="proposed")
        .order_by("-decided_at")
        .first()
    )
    latest = decided or Placement.objects.filter(academy=academy, subject="").first()
    return PHASE_LABELS[latest.phase] if latest else None


def current_phases_for(*, trust_id: int) -> dict[int, str]:
    """academy id -> phase code in force ("sustain"...): CPD counts a Sustain academy's sessions as
    capacity. Codes, not the trust's own names, so a renamed phase still counts."""
    academies = list(Academy.objects.filter(trust_id=trust_id))
    return {a: p.phase for a, p in latest_placements(academies).items()}


def placement_summary_for_report(
    *, trust: Any, academy: Academy, term_code: str
) -> dict[str, Any] | None:
    """The phase as it stood for the report's term: proposals of later terms are left out, so a
    regenerated report of last term still shows last term's phase; a decision wins over the proposal."""
    from .config import phase_names

    names = phase_names(trust.config)
    history = [
        p
        for p in Placement.objects.filter(academy=academy, subject="").select_related("decided_by")
        if term_sort_key(p.term_code) <= term_sort_key(term_code)
    ][:8]
    if not history:
        return None
    current = history[0]
    return {
        "phase": names[current.phase],
        "status_label": current.get_status_display().lower(),
        "reasons": [{"text": r["text"]} for r in current.reasons if r.get("level") is not None][:6]
        + [{"text": m} for m in current.missing[:2]],
        "history": [
            {
                "term": p.term_code,
                "phase": names[p.phase],
                "decision": p.get_status_display() + (f": {p.rationale}" if p.rationale else ""),
            }
            for p in history
        ],
        "note": ""
        if current.status != "proposed"
        else "Proposed by the placement engine; not yet confirmed.",
    }


def heatmap_row_for_report(*, trust: Any, academy: Academy, term_code: str) -> list[dict[str, Any]]:
    """The academy's heat-map row (all pupils) for the report's term, as text; suppression kept."""
    from .heatmap import columns

    row = HeatmapRow.objects.filter(
        trust_id=trust.pk, academy=academy, term_code=term_code, group="all"
    ).first()
    if row is None:
        return []
    out = []
    for column in columns():
        cell = row.cells.get(column.code) or {}
        if cell.get("state") in (None, "none", "na"):
            continue
        rating = cell.get("rating", "")
        if cell.get("stale") and cell.get("note"):
            rating += f" ({cell['note']})"
        out.append(
            {
                "area_label": column.title.split(":")[0]
                if column.kind == "judgement"
                else column.title,
                "value": cell.get("display") or ("–" if cell.get("state") != "suppressed" else ""),
                "rating": rating,
                "trend": cell.get("trend_text", ""),
            }
        )
    return out


def heatmap_terms(trust_id: int) -> list[str]:
    """Terms with a kept heat map, newest first."""
    codes = set(
        HeatmapRow.objects.filter(trust_id=trust_id).values_list("term_code", flat=True).distinct()
    )
    return sorted(codes, key=term_sort_key, reverse=True)


def heatmap_rows_for(
    membership: Any, *, term: str, group: str = "all", academy_ids: list[int] | None = None
) -> list[HeatmapRow]:
    """The term's rows for the membership's academies: one query whatever the number of academies."""
    rows = HeatmapRow.objects.filter(
        trust_id=membership.trust_id,
        term_code=term,
        group=group,
        academy__in=academy_list_for(membership).values("pk"),
    ).select_related("academy")
    if academy_ids is not None:
        rows = rows.filter(academy_id__in=academy_ids)
    return list(rows)


def officer_choices(membership: Any) -> list[tuple[int, str]]:
    """Improvement officers of the trust (membership id, name), for the heat map's filter."""
    from trust_si.accounts.models import Membership
    from trust_si.accounts.roles import Role

    officers = (
        Membership.objects.filter(
            trust_id=membership.trust_id, role=Role.IMPROVEMENT_OFFICER, is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    return [(m.pk, m.user.display_name) for m in officers]


def officer_academy_ids(membership: Any, officer_id: int) -> list[int]:
    from trust_si.accounts.models import Membership

    officer = Membership.objects.filter(trust_id=membership.trust_id, pk=officer_id).first()
    return list(officer.academies.values_list("pk", flat=True)) if officer else []


def heatmap_view_for(
    membership: Any,
    *,
    term: str | None = None,
    group: str = "all",
    compare: str | None = None,
    education: str = "",
    phase: str = "",
    key_stage: str = "",
    officer: int | None = None,
    drop_empty: bool = True,
) -> dict[str, Any]:
    """Everything the heat map page, its exports and its API show, filtered. A fixed number of
    queries whatever the number of academies (rows are kept snapshots, read in one query)."""
    from trust_si.tenancy.models import Trust

    from .config import NATIONAL_SHARES, PHASE_ORDER, phase_names
    from .heatmap import GROUP_LABELS, HEATMAP_GROUPS, columns

    trust = Trust.objects.get(pk=membership.trust_id)
    names = phase_names(trust.config)
    terms = heatmap_terms(membership.trust_id)
    term = term if term in terms else (terms[0] if terms else None)
    group = group if group in HEATMAP_GROUPS else "all"
    compare = compare if compare in terms and compare != term else None
    academy_ids = officer_academy_ids(membership, officer) if officer else None
    rows = (
        heatmap_rows_for(membership, term=term, group=group, academy_ids=academy_ids)
        if term
        else []
    )
    if education:
        rows = [r for r in rows if r.academy.phase_of_education == education]
    if phase:
        rows = [r for r in rows if r.phase == phase]
    cols = columns()
    if key_stage == "judged":
        cols = [c for c in cols if c.kind == "judgement"]
    elif key_stage:  # that key stage's outcomes, the whole-school ones, and the judged areas
        cols = [c for c in cols if c.kind == "judgement" or c.key_stage in (key_stage, "all")]
    # Areas with nothing to show for any academy in view (KS4 columns in a primary-only view,
    # early years in a secondary one) are left out rather than filling the map with "No data".
    if drop_empty:
        cols = [
            c
            for c in cols
            if any(
                (r.cells.get(c.code) or {}).get("state") not in (None, "none", "na") for r in rows
            )
        ] or cols
    before: dict[int, HeatmapRow] = {}
    if compare:
        before = {
            r.academy_id: r
            for r in heatmap_rows_for(
                membership, term=compare, group=group, academy_ids=[r.academy_id for r in rows]
            )
        }
    order = {code: i for i, code in enumerate(PHASE_ORDER)}
    from academies.models import PhaseOfEducation

    education_labels = dict(PhaseOfEducation.choices)
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(
        rows, key=lambda r: (r.academy.phase_of_education, order.get(r.phase, 9), r.academy.name)
    ):
        cells = []
        for c in cols:
            cell = dict(
                row.cells.get(c.code, {"state": "none", "rating": "No data", "level": None})
            )
            old = before.get(row.academy_id)
            was = old.cells.get(c.code, {}) if compare and old is not None else {}
            if was and not (
                was.get("state") in (None, "none", "na")
                and cell.get("state") in (None, "none", "na")
            ):
                cell["compare"] = {
                    "rating": was.get("rating", "No data"),
                    "display": was.get("display", ""),
                    "level": was.get("level"),
                }
                if cell.get("level") is not None and was.get("level") is not None:
                    delta = cell["level"] - was["level"]
                    cell["compare"]["change"] = (
                        "better" if delta > 0 else "worse" if delta < 0 else "same"
                    )
            cells.append({"column": c, **cell})
        label = str(
            education_labels.get(row.academy.phase_of_education, row.academy.phase_of_education)
        )
        sections.setdefault(label, []).append(
            {
                "academy": row.academy,
                "phase": row.phase,
                "phase_name": names.get(row.phase, "Not placed"),
                "phase_status": row.phase_status,
                "cells": cells,
                "was_phase": names.get(before[row.academy_id].phase, "")
                if row.academy_id in before
                else "",
            }
        )
    # The overview counts every academy in scope (all groups show the same phases).
    now_counts = {code: 0 for code in PHASE_ORDER}
    for r in rows:
        if r.phase in now_counts:
            now_counts[r.phase] += 1
    previous_term = next(
        (t for t in terms if term and term_sort_key(t) < term_sort_key(term)), None
    )
    last_counts = {code: 0 for code in PHASE_ORDER}
    if previous_term:
        for r in heatmap_rows_for(
            membership, term=previous_term, group="all", academy_ids=academy_ids
        ):
            if r.phase in last_counts:
                last_counts[r.phase] += 1
    total, last_total = sum(now_counts.values()) or 1, sum(last_counts.values()) or 1
    overview = [
        {
            "code": code,
            "name": names[code],
            "now": now_counts[code],
            "share": round(100 * now_counts[code] / total),
            "last": last_counts[code] if previous_term else None,
            "last_share": round(100 * last_counts[code] / last_total) if previous_term else None,
            "national": NATIONAL_SHARES[code],
        }
        for code in reversed(PHASE_ORDER)
    ]
    return {
        "term": term,
        "term_label": term_label(term) if term else "",
        "terms": [(t, term_label(t)) for t in terms],
        "compare": compare,
        "compare_label": term_label(compare) if compare else "",
        "group": group,
        "group_label": GROUP_LABELS[group],
        "groups": [(g, GROUP_LABELS[g]) for g in HEATMAP_GROUPS],
        "columns": cols,
        "sections": list(sections.items()),
        "overview": overview,
        "previous_term_label": term_label(previous_term) if previous_term else "",
        "phase_names": names,
        "row_count": len(rows),
        "min_cohort": max(trust.min_cohort, 3),
    }


# Nearness in phase of education: the same phase first, then the same family, then the rest.
_FAMILY = {
    "nursery": "primary",
    "first": "primary",
    "primary": "primary",
    "middle": "primary",
    "secondary": "secondary",
    "all_through": "secondary",
    "16_plus": "secondary",
    "special": "special",
    "alternative_provision": "special",
}


def _nearness(taker: Academy, giver: Academy) -> int:
    if taker.phase_of_education == giver.phase_of_education:
        return 0
    return (
        1 if _FAMILY.get(taker.phase_of_education) == _FAMILY.get(giver.phase_of_education) else 2
    )


def support_matches_for(membership: Any) -> list[dict[str, Any]]:
    """Per subject: takers (Repair or Stabilise in it) with givers (Sustain in it), nearest first.

    A giver's capacity is the number of subjects it gives in, less the takers it is already the
    first suggestion for, so one strong academy is not offered to everyone.
    """
    from trust_si.tenancy.models import Trust

    from .config import phase_names

    names = phase_names(Trust.objects.get(pk=membership.trust_id).config)
    academies = {a.pk: a for a in academy_list_for(membership)}
    latest: dict[tuple[int, str], str] = {}
    for p in (
        Placement.objects.filter(academy_id__in=list(academies))
        .exclude(subject="")
        .order_by("academy_id", "subject", "-computed_at", "-id")
        .values("academy_id", "subject", "proposed_phase")
    ):
        latest.setdefault((p["academy_id"], p["subject"]), p["proposed_phase"])
    gives: dict[int, int] = {}
    for (academy_id, _), phase in latest.items():
        if phase == "sustain":
            gives[academy_id] = gives.get(academy_id, 0) + 1
    used: dict[int, int] = {}
    out = []
    for subject in sorted({s for _, s in latest}):
        takers = [
            (academies[a], p)
            for (a, s), p in latest.items()
            if s == subject and p in ("repair", "stabilise")
        ]
        givers = [academies[a] for (a, s), p in latest.items() if s == subject and p == "sustain"]
        rows = []
        for taker, phase in sorted(takers, key=lambda t: (t[1] != "stabilise", t[0].name)):
            ranked = sorted(
                givers,
                key=lambda g: (_nearness(taker, g), -(gives[g.pk] - used.get(g.pk, 0)), g.name),
            )
            offers = [
                {
                    "academy": g,
                    "same_phase": _nearness(taker, g) == 0,
                    "capacity": max(gives[g.pk] - used.get(g.pk, 0), 0),
                    "subjects": gives[g.pk],
                }
                for g in ranked[:3]
            ]
            if ranked:
                used[ranked[0].pk] = used.get(ranked[0].pk, 0) + 1
            rows.append(
                {"academy": taker, "phase": phase, "phase_name": names[phase], "givers": offers}
            )
        if rows:
            out.append({"subject": subject, "takers": rows, "giver_count": len(givers)})
    return out
