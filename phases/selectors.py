"""Permission-aware reads of placements: the phase in force, history, and the report's view."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from academies.models import Academy, PhaseOfEducation
from academies.selectors import academy_get_for, academy_list_for
from trust_si import vocab
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode, term_sort_key
from trust_si.web.links import urn_url

from .config import PHASE_ORDER, phase_names
from .evidence import term_coverage
from .heatmap import CellKind, columns
from .matching import MatchSettings, School, Standing, match
from .models import (
    ArrangementStatus,
    HeatmapRow,
    PhaseCode,
    Placement,
    RecomputeJob,
    SupportArrangement,
)
from .why import deciding_reasons

PHASE_LABELS = dict(PhaseCode.choices)


def latest_placements(academies: list[Academy]) -> dict[int, Placement]:
    """Each academy's latest whole-academy placement, in one query."""
    latest: dict[int, Placement] = {}
    for p in Placement.objects.filter(academy__in=academies, subject="").order_by(
        "academy_id", "-computed_at", "-id"
    ):
        latest.setdefault(p.academy_id, p)
    return latest


def placement_rows_for(membership: Membership) -> list[dict[str, Any]]:
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
        # Only the lines written with the academy's latest placement: a line that is no longer
        # proposed (its target removed) is not shown from an older recompute.
        overall = latest.get(p.academy_id)
        if overall is None or p.computed_at >= overall.computed_at:
            subjects.setdefault(p.academy_id, {}).setdefault(p.subject, p.proposed_phase)
    cover = term_coverage(membership.trust_id, [a.pk for a in academies])
    return [
        {
            "academy": a,
            "latest": latest.get(a.pk),
            "decided": decided.get(a.pk),
            "subjects": subjects.get(a.pk, {}),
            "terms": term_statuses(cover.get(a.pk, {})),
        }
        for a in academies
    ]


def placement_table_for(
    membership: Membership, *, trust_slug: str, labels: dict[str, str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The Placements page's rows, as the strings it shows, and the phase in force of each
    academy ever placed (as `phases_in_force` counts it, from the same two reads).

    The rows of `placement_rows_for` without its model instances or its term coverage (the page
    shows neither; issue 17): three placement reads of the columns shown, one link reversed."""
    academies = list(academy_list_for(membership).values_list("pk", "urn", "name"))
    ids = [pk for pk, _, _ in academies]
    latest, decided = _latest_and_decided(ids)
    subjects: dict[int, dict[str, str]] = {}
    for academy_id, subject, proposed, computed_at in (
        Placement.objects.filter(academy_id__in=ids)
        .exclude(subject="")
        .order_by("academy_id", "subject", "-computed_at")
        .values_list("academy_id", "subject", "proposed_phase", "computed_at")
    ):
        # As placement_rows_for: only the lines written with the academy's latest placement.
        overall = latest.get(academy_id)
        if overall is None or computed_at >= overall[3]:
            subjects.setdefault(academy_id, {}).setdefault(subject, proposed)
    status_words = {
        code: str(label).lower() for code, label in Placement._meta.get_field("status").flatchoices
    }
    href = urn_url("phases:detail", trust_slug=trust_slug)
    rows = []
    in_force = []
    for pk, urn, name in academies:
        last = latest.get(pk)
        decision = decided.get(pk)
        if last is not None:
            # Placement.phase of the decision, else of the latest proposal.
            chosen = decision or last[:3]
            in_force.append(chosen[1] or chosen[0])
        rows.append(
            {
                "href": href(urn),
                "name": name,
                "decided": decision
                and {
                    "phase": decision[1] or decision[0],
                    "label": labels.get(decision[1]),
                    "status": status_words.get(decision[2], decision[2]),
                },
                "latest": last
                and {
                    "phase": last[0],
                    "label": labels.get(last[0]),
                    "to_review": last[2] == "proposed",
                },
                "subjects": [
                    (vocab.words(subject), labels.get(phase))
                    for subject, phase in subjects.get(pk, {}).items()
                ],
            }
        )
    return rows, in_force


def _latest_and_decided(
    ids: list[int],
) -> tuple[dict[int, tuple[str, str, str, Any]], dict[int, tuple[str, str, str]]]:
    """Per academy: its latest whole-academy placement as (proposed, decided, status,
    computed_at), and its latest decision (confirmed or overridden) as (proposed, decided,
    status). Two reads of those columns only: the reasons (kilobytes of JSON a placement, over
    the whole history) are never read (issue 17)."""
    latest: dict[int, tuple[str, str, str, Any]] = {}
    for academy_id, *row in (
        Placement.objects.filter(academy_id__in=ids, subject="")
        .order_by("academy_id", "-computed_at", "-id")
        .values_list("academy_id", "proposed_phase", "decided_phase", "status", "computed_at")
    ):
        latest.setdefault(academy_id, tuple(row))  # type: ignore[arg-type]
    decided: dict[int, tuple[str, str, str]] = {}
    for academy_id, *row in (
        Placement.objects.filter(academy_id__in=ids, subject="")
        .exclude(status="proposed")
        .order_by("academy_id", "-decided_at")
        .values_list("academy_id", "proposed_phase", "decided_phase", "status")
    ):
        decided.setdefault(academy_id, tuple(row))  # type: ignore[arg-type]
    return latest, decided


def phases_in_force(academies: list[Academy]) -> dict[int, tuple[str, str]]:
    """academy id -> (phase code, status) as the Placements page counts it: the latest decision
    (confirmed or overridden), else the latest proposal. Two queries; academies never placed are
    left out. The heat map's overview for the newest term counts the same way, so the two pages
    agree after an override."""
    latest, decided = _latest_and_decided([a.pk for a in academies])
    out = {}
    for academy_id, (*last, _at) in latest.items():
        proposed, decided_phase, status = decided.get(academy_id) or last
        out[academy_id] = (decided_phase or proposed, status)  # as Placement.phase
    return out


def complete_terms_for(trust_id: int) -> tuple[dict[int, set[str]], set[str]]:
    """The terms complete for each academy, and the terms complete for most academies (whose
    trust-wide figures stand for the trust); partial terms are in neither."""
    cover = term_coverage(trust_id)
    by_academy = {a: {t for t, c in statuses.items() if c.usable} for a, statuses in cover.items()}
    terms = {t for statuses in cover.values() for t in statuses}
    most = {t for t in terms if 2 * sum(t in done for done in by_academy.values()) > len(cover)}
    return by_academy, most


def term_statuses(statuses: dict[str, Any]) -> list[dict[str, Any]]:
    """An academy's terms, newest first, with whether their data is complete, in words."""
    return [
        {
            "term": code,
            "label": TermCode.parse(code).label,
            "status": c.status,
            "complete": c.usable,
            "words": c.words,
            "pupils": c.pupils,
            "expected": c.expected,
        }
        for code, c in sorted(statuses.items(), key=lambda kv: term_sort_key(kv[0]), reverse=True)
    ]


def placement_history_for(membership: Membership, urn: str) -> tuple[Academy, QuerySet[Placement]]:
    academy = academy_get_for(membership, urn)
    return academy, Placement.objects.filter(academy=academy, subject="").select_related(
        "decided_by"
    )


def placement_get_for(membership: Membership, pk: int) -> Placement:
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
    *, trust: Trust, academy: Academy, term_code: str
) -> dict[str, Any] | None:
    """The phase as it stood for the report's term: proposals of later terms are left out, so a
    regenerated report of last term still shows last term's phase; a decision wins over the proposal."""

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


def heatmap_row_for_report(
    *, trust: Trust, academy: Academy, term_code: str
) -> list[dict[str, Any]]:
    """The academy's heat-map row (all pupils) for the report's term, as text; suppression kept."""

    row = HeatmapRow.objects.filter(
        trust_id=trust.pk, academy=academy, term_code=term_code, group="all"
    ).first()
    if row is None:
        return []
    cells = {c.column: c for c in row.cell_list()}
    out = []
    for column in columns():
        cell = cells.get(column.code)
        if cell is None or cell.empty:
            continue
        out.append(
            {
                # The code and grade let the report flag what needs attention (safeguarding not
                # met) without matching the words.
                "area": column.code,
                "rating_code": cell.rating_code,
                "area_label": column.title.split(":")[0]
                if column.kind is CellKind.JUDGEMENT
                else column.title,
                "value": cell.display or ("" if cell.suppressed else "–"),
                "rating": cell.rating_with_note,
                "trend": cell.trend.text if cell.trend else "",
            }
        )
    return out


# Columns per table in the board report's heat-map picture: an A4/A3 landscape page stays legible;
# wider groups are split into further tables that repeat the academy column.
REPORT_COLUMNS_PER_TABLE = 12


def heatmap_picture_for_report(
    *, trust: Trust, term_code: str, phases_by_urn: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The trust's heat map (all pupils) for the board report, as JSON-safe tables: one per phase
    of education and column group (outcomes, then judged areas), each with only the columns
    that have something to show for its academies, at most REPORT_COLUMNS_PER_TABLE columns.
    Cells give the rating in words, the figure and the level for the colour; a suppressed cell
    has neither figure nor cohort (the kept cell has none). Generic over `columns()`.
    `phases_by_urn` gives the phase as the report names it (the placement in force)."""
    names = phase_names(trust.config)
    order = {code: i for i, code in enumerate(PHASE_ORDER)}
    education_labels = dict(PhaseOfEducation.choices)
    rows = sorted(
        HeatmapRow.objects.filter(
            trust_id=trust.pk, term_code=term_code, group="all", academy__is_active=True
        ).select_related("academy"),
        key=lambda r: (r.academy.phase_of_education, order.get(r.phase, 9), r.academy.name),
    )
    sections: dict[str, list[HeatmapRow]] = {}
    for r in rows:
        label = str(education_labels.get(r.academy.phase_of_education, "Other"))
        sections.setdefault(label, []).append(r)
    out: list[dict[str, Any]] = []
    for label, section in sections.items():
        cells = {r.pk: {c.column: c for c in r.cell_list()} for r in section}
        shown = [
            c
            for c in columns()
            if any((cell := cells[r.pk].get(c.code)) and not cell.empty for r in section)
        ] or [c for c in columns() if c.kind is CellKind.JUDGEMENT]  # as the page: never no table
        for group_name, kinds in (
            ("Outcomes", {CellKind.KPI, CellKind.P8, CellKind.ACCURACY}),
            ("Judged areas", {CellKind.JUDGEMENT}),
        ):
            cols = [c for c in shown if c.kind in kinds]
            for start in range(0, len(cols), REPORT_COLUMNS_PER_TABLE):
                part = cols[start : start + REPORT_COLUMNS_PER_TABLE]
                table_rows = []
                for r in section:
                    line: list[dict[str, Any]] = []
                    for c in part:
                        cell = cells[r.pk].get(c.code)
                        if cell is None or cell.empty:
                            rating = cell.rating if cell else "No data"
                            line.append({"rating": rating, "display": "", "level": None})
                            continue
                        line.append(
                            {
                                # The rating's words without the benchmark year, said once below.
                                "rating": "Suppressed"
                                if cell.suppressed
                                else cell.rating.split(";")[0],
                                "display": "" if cell.suppressed else cell.display,
                                "level": cell.level,
                                "stale": cell.stale,
                            }
                        )
                    phase = (phases_by_urn or {}).get(r.academy.urn) or names.get(
                        r.phase, "Not placed"
                    )
                    table_rows.append({"name": r.academy.name, "phase": phase, "cells": line})
                more = len(cols) > REPORT_COLUMNS_PER_TABLE
                out.append(
                    {
                        "education": label,
                        "group": group_name
                        + (f" ({start + 1} to {start + len(part)} of {len(cols)})" if more else ""),
                        "columns": [{"label": c.label, "title": c.title} for c in part],
                        "rows": table_rows,
                    }
                )
    return out


def heatmap_terms(trust_id: int) -> list[str]:
    """Terms with a kept heat map, newest first."""
    codes = set(
        HeatmapRow.objects.filter(trust_id=trust_id).values_list("term_code", flat=True).distinct()
    )
    return sorted(codes, key=term_sort_key, reverse=True)


def _heatmap_rows(
    membership: Membership, term: str, group: str, academy_ids: list[int] | None
) -> QuerySet[HeatmapRow]:
    rows = HeatmapRow.objects.filter(
        trust_id=membership.trust_id,
        term_code=term,
        group=group,
        academy__in=academy_list_for(membership).values("pk"),
    ).select_related("academy")
    if academy_ids is not None:
        rows = rows.filter(academy_id__in=academy_ids)
    return rows


def heatmap_rows_for(
    membership: Membership, *, term: str, group: str = "all", academy_ids: list[int] | None = None
) -> list[HeatmapRow]:
    """The term's rows for the membership's academies: one query whatever the number of academies."""
    return list(_heatmap_rows(membership, term, group, academy_ids))


def heatmap_rows_without_cells_for(
    membership: Membership, *, term: str, group: str = "all", academy_ids: list[int] | None = None
) -> list[HeatmapRow]:
    """`heatmap_rows_for` with each row's cells not read (some 20 KB of JSON a row): for a
    caller that keeps them parsed already and reads the missing ones with `heatmap_cells_of`."""
    return list(_heatmap_rows(membership, term, group, academy_ids).defer("cells"))


def heatmap_cells_of(row_ids: list[int]) -> dict[int, Any]:
    """row id -> its cells as stored; the ids come from rows already read in scope."""
    return dict(HeatmapRow.objects.filter(pk__in=row_ids).values_list("pk", "cells"))


def heatmap_phases_for(membership: Membership, *, term: str, academy_ids: list[int]) -> list[str]:
    """The phase of each kept whole-school row of the term, for those of the membership's
    academies (the overview's "last term" column): the phase only, not the cells."""
    rows = _heatmap_rows(membership, term, "all", academy_ids)
    return list(rows.values_list("phase", flat=True))


def officer_choices(membership: Membership) -> list[tuple[int, str]]:
    """Improvement officers of the trust (membership id, name), for the heat map's filter."""

    officers = (
        Membership.objects.filter(
            trust_id=membership.trust_id, role=Role.IMPROVEMENT_OFFICER, is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    return [(m.pk, m.user.display_name) for m in officers]


def officer_academy_ids(membership: Membership, officer_id: int) -> list[int]:

    officer = Membership.objects.filter(trust_id=membership.trust_id, pk=officer_id).first()
    return list(officer.academies.values_list("pk", flat=True)) if officer else []


def _largest_scored_cohort(reasons: list[dict[str, Any]]) -> int | None:
    """The largest cohort among a subject placement's scored measures (None: none scored)."""
    cohorts = [
        int(r["evidence"]["cohort"])
        for r in reasons
        if r.get("level") is not None and isinstance((r.get("evidence") or {}).get("cohort"), int)
    ]
    return max(cohorts) if cohorts else None


def arrangement_list_for(membership: Membership) -> QuerySet[SupportArrangement]:
    """Arrangements where the giver or the taker is in the member's scope."""
    scope = academy_list_for(membership).values("pk")
    return (
        SupportArrangement.objects.filter(trust_id=membership.trust_id)
        .filter(Q(giver__in=scope) | Q(taker__in=scope))
        .select_related("giver", "taker", "created_by")
    )


def arrangement_get_for(membership: Membership, pk: int) -> SupportArrangement:
    arrangement = arrangement_list_for(membership).filter(pk=pk).first()
    if arrangement is None:
        raise Http404("No such arrangement.")
    return arrangement


def arrangements_of_academy(
    membership: Membership, academy: Academy
) -> QuerySet[SupportArrangement]:
    """The academy's arrangements, given and received (the academy is in the member's scope)."""
    return arrangement_list_for(membership).filter(Q(giver=academy) | Q(taker=academy))


def active_arrangements(arrangements: QuerySet[SupportArrangement]) -> QuerySet[SupportArrangement]:
    """Active: not ended and not past their end date (the days still count as used)."""
    return arrangements.filter(status=ArrangementStatus.ACTIVE, end_on__gte=timezone.localdate())


def used_days_for(trust_id: int) -> dict[tuple[int, str], float]:
    """(giver id, subject) -> days in the trust's active arrangements: capacity used."""
    used: dict[tuple[int, str], float] = {}
    for a in active_arrangements(SupportArrangement.objects.filter(trust_id=trust_id)):
        key = (a.giver_id, a.subject)
        used[key] = used.get(key, 0.0) + float(a.days)
    return used


def support_matches_for(membership: Membership) -> dict[str, Any]:
    """Per subject: takers (Repair or Stabilise in it) with the givers `phases.matching` allows.

    The subject phases are each academy's latest subject placements; the matching rule itself
    is pure (`phases.matching.match`), its criteria shown on the page."""

    trust = Trust.objects.get(pk=membership.trust_id)
    names = phase_names(trust.config)
    academies = {a.pk: a for a in academy_list_for(membership)}
    latest: dict[tuple[int, str], Any] = {}
    placed = latest_placements(list(academies.values()))
    for p in (
        Placement.objects.filter(academy_id__in=list(academies))
        .exclude(subject="")
        .order_by("academy_id", "subject", "-computed_at", "-id")
        .values("academy_id", "subject", "proposed_phase", "reasons", "computed_at")
    ):
        # The lines written with the academy's latest placement only (as on its page).
        overall = placed.get(p["academy_id"])
        if overall is None or p["computed_at"] >= overall.computed_at:
            latest.setdefault((p["academy_id"], p["subject"]), p)
    schools = {
        pk: School(pk, a.name, a.phase_of_education, a.get_phase_of_education_display())
        for pk, a in academies.items()
    }
    standings = [
        Standing(
            schools[academy_id],
            subject,
            p["proposed_phase"],
            _largest_scored_cohort(p["reasons"] or []),
        )
        for (academy_id, subject), p in latest.items()
    ]
    settings = MatchSettings.from_config(trust.config)
    matches = match(standings, used_days_for(membership.trust_id), settings)
    return {
        "matches": matches,
        "criteria": settings.criteria(),
        "settings": settings,
        "academies": academies,
        "phase_names": names,
    }


def own_school_phases_for(membership: Membership) -> list[dict[str, Any]]:
    """A head's (or governor's) view of their own academies' phase: the decision in force, else
    the latest proposal, with the one or two reasons that decided it. Only the member's academies.

    Read as rows of the columns shown (issue 17), the latest placement as `latest_placements`
    picks it."""
    academies = list(academy_list_for(membership).values_list("pk", "urn", "name"))
    names = phase_names(membership.trust.config)
    latest: dict[int, tuple[str, str, str, str, Any]] = {}
    for academy_id, *row in (
        Placement.objects.filter(academy_id__in=[pk for pk, _, _ in academies], subject="")
        .order_by("academy_id", "-computed_at", "-id")
        .values_list(
            "academy_id", "proposed_phase", "decided_phase", "status", "term_code", "reasons"
        )
    ):
        latest.setdefault(academy_id, tuple(row))  # type: ignore[arg-type]
    status_words = {
        code: str(label).lower() for code, label in Placement._meta.get_field("status").flatchoices
    }
    out = []
    for pk, urn, name in academies:
        p = latest.get(pk)
        phase = (p[1] or p[0]) if p else ""  # Placement.phase
        out.append(
            {
                "academy": {"pk": pk, "urn": urn, "name": name},
                "phase": names[phase] if p else None,
                "status": status_words.get(p[2], p[2]) if p else "",
                "term": p[3] if p else "",
                "why": deciding_reasons(p[4], phase) if p else [],
            }
        )
    return out


def placement_reasons_for_term(academy_ids: list[int], term: str) -> dict[int, list[Any]]:
    """academy id -> the reasons of its latest whole-academy placement for the term; the ids
    come from rows already read in the membership's scope.

    Two queries: which placement is latest (ids only), then those placements' reasons, so the
    reasons of recomputes since superseded are never read and decoded (issue 17)."""
    latest: dict[int, int] = {}
    for academy_id, pk in (
        Placement.objects.filter(academy_id__in=academy_ids, subject="", term_code=term)
        .order_by("academy_id", "-computed_at", "-id")
        .values_list("academy_id", "pk")
    ):
        latest.setdefault(academy_id, pk)
    if not latest:
        return {}
    return dict(
        Placement.objects.filter(pk__in=latest.values()).values_list("academy_id", "reasons")
    )
