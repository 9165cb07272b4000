"""Permission-aware reads of visits, actions and the programme."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.text import Truncator

from academies.selectors import academy_list_for
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.terms import AcademicYear, TermCode
from trust_si.web.links import pk_url

from .models import OPEN_STATUSES, Action, PlannedVisit, ProgrammeEntry, Visit, VisitStatus

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust


# The school's side of a visit: what was published to it, never the officer's drafts.
PUBLISHED_ONLY = frozenset({Role.SCHOOL_STAFF, Role.GOVERNOR})


def visit_list_for(membership: Membership) -> QuerySet[Visit]:
    """Visits of the academies in scope. School staff and governors see only published visits."""
    return (
        _visits_in(membership, academy_list_for(membership).values("pk"))
        .select_related("academy", "visit_type", "partner")
        .prefetch_related("officers")
    )


def _visits_in(membership: Membership, academies: Any) -> QuerySet[Visit]:
    """The visits of `academies` (the ids of `academy_list_for(membership)`, as a subquery or
    as read already) that this member's role may see."""
    visits = Visit.objects.filter(trust_id=membership.trust_id, academy__in=academies)
    if membership.role in PUBLISHED_ONLY:
        visits = visits.filter(status=VisitStatus.PUBLISHED)
    return visits


def _day_month_year() -> Callable[[dt.date], str]:
    """`|date:"j M Y"` ("3 Dec 2026") for a table's dates, each month's name translated once
    per table rather than the whole format parsed again per cell (issue 17)."""
    months: dict[int, str] = {}

    def text(day: dt.date) -> str:
        month = months.get(day.month)
        if month is None:
            month = months[day.month] = str(MONTHS_3[day.month]).title()
        return f"{day.day} {month} {day.year:04d}"

    return text


def _chars(text: str, length: int) -> str:
    """`Truncator(text).chars(length)`: a text no longer than `length` (after the same NFC
    normalising) is returned as it is without Truncator walking it character by character."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def visit_rows(visits: QuerySet[Visit], *, trust_slug: str, can_edit: bool) -> list[dict[str, Any]]:
    """The rows of a visits table, as the strings it shows (issue 17: no model per row).

    A draft links to its editor for those who may edit, every other visit to its page.
    """
    detail = pk_url("visits:detail", trust_slug=trust_slug)
    edit = pk_url("visits:edit", trust_slug=trust_slug)
    status_labels = {k: str(v) for k, v in Visit._meta.get_field("status").flatchoices}
    date_text = _day_month_year()
    return [
        {
            "href": edit(pk) if status == VisitStatus.DRAFT and can_edit else detail(pk),
            "date": date_text(date),
            "academy": academy,
            "visit_type": visit_type,
            "status": status_labels.get(status, status),
        }
        for pk, date, status, academy, visit_type in visits.prefetch_related(None).values_list(
            "pk", "date", "status", "academy__name", "visit_type__name"
        )
    ]


def action_rows(actions: QuerySet[Action], *, trust_slug: str) -> list[dict[str, Any]]:
    """The rows of an actions table, as the strings it shows, each linking to its visit."""
    detail = pk_url("visits:detail", trust_slug=trust_slug)
    status_labels = {k: str(v) for k, v in Action._meta.get_field("status").flatchoices}
    date_text = _day_month_year()
    return [
        {
            "href": detail(visit_id),
            "description": _chars(description, 90),
            "academy": academy,
            "owner": owner,
            "due": date_text(due_on),
            "status": status_labels.get(status, status),
        }
        for visit_id, description, academy, owner, due_on, status in actions.values_list(
            "visit_id", "description", "academy__name", "owner", "due_on", "status"
        )
    ]


def visit_list_page_for(
    membership: Membership, *, trust_slug: str, urn: str, today: dt.date, can_edit: bool
) -> dict[str, Any]:
    """The visits page's tables: visits from today, drafts past their date and recently
    published visits (of one academy when `urn` names one in scope), and every overdue action.

    The academies in scope are read once, for the filter's choices and as the ids each table's
    query is scoped by, rather than as a subquery built again into each (issue 17).
    """
    academies = list(academy_list_for(membership).values_list("pk", "urn", "name"))
    ids = [pk for pk, _, _ in academies]
    shown = [pk for pk, u, _ in academies if u == urn] if urn else ids
    visits = _visits_in(membership, shown)

    def rows(page: QuerySet[Visit]) -> list[dict[str, Any]]:
        return visit_rows(page, trust_slug=trust_slug, can_edit=can_edit)

    overdue = _actions_in(membership, ids).filter(status__in=OPEN_STATUSES, due_on__lt=today)
    return {
        "academies": [{"urn": u, "name": name} for _, u, name in academies],
        "upcoming": rows(visits.filter(date__gte=today).order_by("date")[:50]),
        "drafts": rows(visits.filter(status=VisitStatus.DRAFT, date__lt=today)[:50]),
        "recent": rows(visits.filter(status=VisitStatus.PUBLISHED, date__lt=today)[:30]),
        "overdue": action_rows(overdue[:100], trust_slug=trust_slug),
    }


def visit_get_for(membership: Membership, pk: int) -> Visit:
    visit = visit_list_for(membership).filter(pk=pk).first()
    if visit is None:
        raise Http404("No such visit.")
    return visit


def _partner_owns(membership: Membership) -> Q:
    """An external partner writes only the visits they made or were named on."""
    return Q(created_by_id=membership.user_id) | Q(officers__pk=membership.user_id)


def visit_editable_for(membership: Membership) -> QuerySet[Visit]:
    """The visits this member may change (judgements, actions, follow-ups).

    1. Only roles with `visit.edit`, within their academy scope (`visit_list_for`).
    2. An external partner: only their own visits (made by them, or naming them), so a
       partner never rewrites an officer's judgements, which drive placements.
    3. Officers, leaders and admins: every visit they can see.
    """
    if not membership.can("visit.edit"):
        return Visit.objects.none()
    visits = visit_list_for(membership)
    if membership.role == Role.EXTERNAL_PARTNER:
        visits = visits.filter(pk__in=Visit.objects.filter(_partner_owns(membership)).values("pk"))
    return visits


def visit_get_editable_for(membership: Membership, pk: int) -> Visit:
    """404 for a visit the member cannot see; 403 for one they see but may not change."""
    visit = visit_get_for(membership, pk)
    if not visit_editable_for(membership).filter(pk=visit.pk).exists():
        raise PermissionDenied("Only the visit's author and the trust's officers change it.")
    return visit


def action_get_editable_for(membership: Membership, pk: int) -> Action:
    action = action_get_for(membership, pk)
    if not visit_editable_for(membership).filter(pk=action.visit_id).exists():
        raise PermissionDenied("Only the visit's author and the trust's officers change it.")
    return action


def action_list_for(membership: Membership) -> QuerySet[Action]:
    return _actions_in(membership, academy_list_for(membership).values("pk")).select_related(
        "academy", "visit", "visit__visit_type"
    )


def _actions_in(membership: Membership, academies: Any) -> QuerySet[Action]:
    """The actions of `academies` (as for `_visits_in`) on visits this member's role sees."""
    actions = Action.objects.filter(trust_id=membership.trust_id, academy__in=academies)
    if membership.role in PUBLISHED_ONLY:
        actions = actions.filter(visit__status=VisitStatus.PUBLISHED)
    return actions


def action_get_for(membership: Membership, pk: int) -> Action:
    action = action_list_for(membership).filter(pk=pk).first()
    if action is None:
        raise Http404("No such action.")
    return action


def overdue_actions_for(membership: Membership, today: dt.date | None = None) -> QuerySet[Action]:
    """Open actions past their due date, for the officer's and the head's dashboards."""
    today = today or timezone.localdate()
    return action_list_for(membership).filter(status__in=OPEN_STATUSES, due_on__lt=today)


def open_actions_for_academy(academy: Academy) -> QuerySet[Action]:
    return Action.objects.filter(academy=academy, status__in=OPEN_STATUSES).select_related("visit")


def programme_for(membership: Membership, academic_year: str) -> list[dict[str, Any]]:
    """Planned against done per academy and term (done = published visits that term)."""
    academies = list(academy_list_for(membership))
    entries = ProgrammeEntry.objects.filter(academy__in=academies, academic_year=academic_year)
    visits = Visit.objects.filter(academy__in=academies, status=VisitStatus.PUBLISHED)
    terms = AcademicYear.parse(academic_year).terms()
    today = timezone.localdate()
    rows = []
    for academy in academies:
        row: dict[str, Any] = {"academy": academy, "terms": []}
        for term in terms:
            lo, hi = term.bounds
            planned = sum(
                e.planned
                for e in entries
                if e.academy_id == academy.pk and e.term == term.season.code
            )
            done = sum(1 for v in visits if v.academy_id == academy.pk and lo <= v.date <= hi)
            state = "complete" if done >= planned else ("behind" if today > hi else "in progress")
            if today < lo and done < planned:
                state = "planned"
            row["terms"].append(
                {"term": term.season.code, "planned": planned, "done": done, "state": state}
            )
        rows.append(row)
    return rows


def programme_entries_for(membership: Membership) -> QuerySet[ProgrammeEntry]:
    return ProgrammeEntry.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy", "visit_type", "owner__user")


def programme_entry_get_for(membership: Membership, pk: int) -> ProgrammeEntry:
    entry = programme_entries_for(membership).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such programme entry.")
    return entry


def planned_visit_get_for(membership: Membership, pk: int) -> PlannedVisit:
    planned = (
        PlannedVisit.objects.filter(pk=pk, entry__in=programme_entries_for(membership).values("pk"))
        .select_related("entry__academy", "entry__visit_type", "visit")
        .first()
    )
    if planned is None:
        raise Http404("No such planned visit.")
    return planned


def programme_plan_for(membership: Membership, academic_year: str) -> list[dict[str, Any]]:
    """The year's plan by term: each entry's visit type, owner and planned dates, each date
    with the visit it became (if any), in one query for entries and one for dates."""
    entries = list(
        programme_entries_for(membership)
        .filter(academic_year=academic_year)
        .order_by("academy__name", "visit_type__name", "pk")
    )
    dates: dict[int, list[PlannedVisit]] = {}
    for p in PlannedVisit.objects.filter(entry__in=[e.pk for e in entries]).select_related("visit"):
        dates.setdefault(p.entry_id, []).append(p)
    out = []
    for term in AcademicYear.parse(academic_year).terms():
        rows = [
            {"entry": e, "dates": dates.get(e.pk, [])}
            for e in entries
            if e.term == term.season.code
        ]
        out.append({"term": term, "rows": rows})
    return out


def planned_visits_between(
    membership: Membership, first: dt.date, last: dt.date
) -> QuerySet[PlannedVisit]:
    """Planned visits not yet turned into visits, for the calendar: only for the roles that
    plan (a school sees its visits once published, not the trust's plan)."""
    if not membership.can("programme.plan"):
        return PlannedVisit.objects.none()
    return PlannedVisit.objects.filter(
        entry__in=programme_entries_for(membership).values("pk"),
        visit__isnull=True,
        planned_on__range=(first, last),
    ).select_related("entry__academy", "entry__visit_type", "entry__owner__user")


def programme_owner_choices(membership: Membership) -> QuerySet[Membership]:
    """Who may own planned visits: the trust's active improvement officers and leaders."""
    return (
        Membership.objects.filter(
            trust_id=membership.trust_id,
            is_active=True,
            role__in=[Role.IMPROVEMENT_OFFICER, Role.TRUST_LEADER],
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def visits_summary_for_report(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    """The report's visits section: published visits of the term and the open actions."""
    visits = Visit.objects.filter(
        academy=academy, status=VisitStatus.PUBLISHED, date__range=TermCode.parse(term_code).bounds
    )
    today = timezone.localdate()
    return {
        "visits": [
            {
                "date": v.date.strftime("%d %b %Y"),
                "type": str(v.visit_type),
                "focus": v.focus_areas[:160],
            }
            for v in visits.select_related("visit_type")
        ],
        "open_actions": [
            {
                "description": a.description[:200],
                "owner": a.owner,
                "due": a.due_on.strftime("%d %b %Y"),
                "status": a.get_status_display(),
                "overdue": a.due_on < today,
            }
            for a in open_actions_for_academy(academy)
        ],
        "note": "No visits were published this term.",
    }
