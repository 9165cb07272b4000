"""Thin views for visits: list, programme, create, edit with autosave, publish, respond, PDF."""

from __future__ import annotations

import calendar
import datetime as dt
from html import escape
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from academies.selectors import academy_list_for
from trust_si.audit.services import audit_record
from trust_si.terms import AcademicYear, TermCode, TermError, academic_year_choices
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .forms import (
    ActionForm,
    ActionStatusForm,
    NewVisitForm,
    PlannedVisitStartForm,
    ProgrammeEntryForm,
    RespondForm,
    VisitForm,
    VisitTypeForm,
    judgement_field_name,
)
from .models import ActionStatus, VisitType
from .pdf import visit_note_pdf


def _programme_years(asked: str | None, today: dt.date) -> tuple[str, list[tuple[str, str]]]:
    """The year shown (as asked when it is an academic year, else this one) and the choices:
    next year (to plan ahead), this year and the three before, from today, not a fixed list."""
    current = AcademicYear.for_date(today)
    try:
        year = AcademicYear.parse(asked) if asked else current
    except TermError:
        year = current
    choices = [(current.next().code, current.next().label), *academic_year_choices(today)]
    if year.code not in dict(choices):
        choices.append((year.code, year.label))
    return year.code, choices


def _visits_html(rows: list[dict[str, Any]]) -> SafeString:
    """A visits table's rows as `visits/_visits_table.html` wrote them per row, escaped (the
    stdlib's escape, as Django's does, without its lazy-string checks) and joined here: a
    template loop rendered some 400 variables a page (issue 17)."""
    html = "".join(
        '\n    <tr class="govuk-table__row"><td class="govuk-table__cell">'
        f'<a class="govuk-link" href="{escape(v["href"])}">{escape(v["date"])}'
        f'<span class="govuk-visually-hidden">: {escape(v["visit_type"])} at {escape(v["academy"])}'
        "</span></a></td>\n      "
        f'<td class="govuk-table__cell">{escape(v["academy"])}</td>'
        f'<td class="govuk-table__cell">{escape(v["visit_type"])}</td>'
        f'<td class="govuk-table__cell">{escape(v["status"])}</td></tr>\n  '
        for v in rows
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


def _actions_html(rows: list[dict[str, Any]]) -> SafeString:
    """An actions table's rows as `visits/_actions_table.html` wrote them, escaped here."""
    html = "".join(
        '\n    <tr class="govuk-table__row"><td class="govuk-table__cell">'
        f'<a class="govuk-link" href="{escape(a["href"])}">{escape(a["description"])}</a></td>'
        f'<td class="govuk-table__cell">{escape(a["academy"])}</td>'
        f'<td class="govuk-table__cell">{escape(a["owner"])}</td>'
        f'<td class="govuk-table__cell">{escape(a["due"])}</td>'
        '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red">Overdue</strong> '
        f"{escape(a['status'])}</td></tr>\n  "
        for a in rows
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


def visit_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "visit.read")
    can_edit = membership.can("visit.edit")
    tables = selectors.visit_list_page_for(
        membership,
        trust_slug=request.trust.slug,
        urn=request.GET.get("academy", ""),
        today=timezone.localdate(),
        can_edit=can_edit,
    )
    return render(
        request,
        "visits/list.html",
        {
            "upcoming": _visits_html(tables["upcoming"]),
            "drafts": _visits_html(tables["drafts"]),
            "recent": _visits_html(tables["recent"]),
            "overdue": _actions_html(tables["overdue"]),
            "academies": tables["academies"],
            "academy": request.GET.get("academy", ""),
            "can_edit": can_edit,
            "can_plan_pages": membership.can("visit.view"),
        },
    )


def programme(request: TenantRequest) -> HttpResponse:
    membership = require(request, "visit.view")
    year, years = _programme_years(request.GET.get("year"), timezone.localdate())
    if request.method == "POST":
        require(request, "placement.confirm")
        services.programme_generate(
            actor=request.user,
            trust=request.trust,
            academic_year=year,
            academies=list(academy_list_for(membership)),
        )
        messages.success(
            request, f"The {year} programme has been planned from each academy's phase."
        )
        return redirect(f"{request.path}?year={year}")
    can_edit_plan = membership.can("programme.plan")
    return render(
        request,
        "visits/programme.html",
        {
            "rows": selectors.programme_for(membership, year),
            "plan": selectors.programme_plan_for(membership, year),
            "year": year,
            "years": years,
            "can_plan": membership.can("placement.confirm"),
            "can_edit_plan": can_edit_plan,
            "types": services.visit_types_ensure(trust=request.trust) if can_edit_plan else [],
            "today": timezone.localdate(),
        },
    )


def programme_entry_edit(request: TenantRequest, pk: int) -> HttpResponse:
    """Change who makes an entry's planned visits and when; a refused form keeps the input."""
    membership = require(request, "programme.plan")
    entry = selectors.programme_entry_get_for(membership, pk)
    planned = list(entry.planned_visits.filter(visit__isnull=True))
    form = ProgrammeEntryForm(
        request.POST or None,
        initial={"owner": entry.owner_id, "note": entry.note},
        owners=selectors.programme_owner_choices(membership),
        planned=planned,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_entry_update(
                actor=request.user,
                entry=entry,
                owner=form.cleaned_data["owner"],
                dates=form.dates(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"{entry.academy.name}: the planned visits are updated.")
            return redirect(
                f"{reverse('visits:programme', kwargs={'trust_slug': request.trust.slug})}"
                f"?year={entry.academic_year}#term-{entry.term}"
            )
    return render(
        request,
        "visits/programme_entry.html",
        {
            "entry": entry,
            "form": form,
            "started": entry.planned_visits.filter(visit__isnull=False).select_related("visit"),
            "term": TermCode.of(entry.academic_year, entry.term),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def planned_visit_start(request: TenantRequest, pk: int) -> HttpResponse:
    """Turn a planned visit into a draft visit and open it for writing up."""
    membership = require(request, "programme.plan")
    planned = selectors.planned_visit_get_for(membership, pk)
    form = PlannedVisitStartForm(
        request.POST,
        types=VisitType.objects.filter(
            pk__in=[t.pk for t in services.visit_types_ensure(trust=request.trust)]
        ),
    )
    chosen = form.cleaned_data["visit_type"] if form.is_valid() else None
    try:
        visit = services.planned_visit_start(actor=request.user, planned=planned, visit_type=chosen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(
            f"{reverse('visits:programme', kwargs={'trust_slug': request.trust.slug})}"
            f"?year={planned.entry.academic_year}#term-{planned.entry.term}"
        )
    messages.success(request, f"Visit to {visit.academy.name} started from the programme.")
    return redirect("visits:edit", trust_slug=request.trust.slug, pk=visit.pk)


def visit_create(request: TenantRequest) -> HttpResponse:
    membership = require(request, "visit.edit")
    types = VisitType.objects.filter(
        pk__in=[t.pk for t in services.visit_types_ensure(trust=request.trust)]
    )
    form = NewVisitForm(request.POST or None, academies=academy_list_for(membership), types=types)
    if request.method == "POST" and form.is_valid():
        visit = services.visit_create(actor=request.user, **form.cleaned_data)
        return redirect("visits:edit", trust_slug=request.trust.slug, pk=visit.pk)
    return render(request, "visits/new.html", {"form": form}, status=400 if form.errors else 200)


def _visit_form(visit, data=None):  # type: ignore[no-untyped-def]
    initial = {
        "date": visit.date,
        "focus_areas": visit.focus_areas,
        "evidence": visit.evidence,
        "strengths": visit.strengths,
        "areas_for_development": visit.areas_for_development,
    }
    initial.update({judgement_field_name(j.area): j.grade for j in visit.judgements.all()})
    return VisitForm(data, initial=initial)


def visit_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "visit.edit")
    visit = selectors.visit_get_editable_for(membership, pk)
    form = _visit_form(visit, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.visit_autosave(
            actor=request.user,
            membership=membership,
            visit=visit,
            data=form.visit_data(),
            judgements=form.judgements(),
        )
        if "publish" in request.POST:
            try:
                services.visit_publish(actor=request.user, membership=membership, visit=visit)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, "The visit has been published to the school.")
                return redirect("visits:detail", trust_slug=request.trust.slug, pk=visit.pk)
        else:
            messages.success(request, "Saved.")
            return redirect("visits:edit", trust_slug=request.trust.slug, pk=visit.pk)
    return _edit_page(request, visit, form, ActionForm())


def _edit_page(request: TenantRequest, visit: Any, form: Any, action_form: Any) -> HttpResponse:
    """The officer's edit page; a refused form (the visit's or an action's) keeps what was typed."""
    return render(
        request,
        "visits/edit.html",
        {
            "visit": visit,
            "form": form,
            "action_form": action_form,
            "follow_ups": selectors.open_actions_for_academy(visit.academy).exclude(visit=visit),
            "action_statuses": ActionStatus.choices,
        },
        status=400 if form.errors or action_form.errors else 200,
    )


@require_POST
def visit_autosave(request: TenantRequest, pk: int) -> HttpResponse:
    """htmx: save the draft as the officer types; answers with the status line only."""
    membership = require(request, "visit.edit")
    visit = selectors.visit_get_editable_for(membership, pk)
    form = _visit_form(visit, request.POST)
    if not form.is_valid():
        return render(request, "visits/_autosave.html", {"error": True}, status=400)
    services.visit_autosave(
        actor=request.user,
        membership=membership,
        visit=visit,
        data=form.visit_data(),
        judgements=form.judgements(),
    )
    return render(request, "visits/_autosave.html", {"visit": visit})


@require_POST
def action_add(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "visit.edit")
    visit = selectors.visit_get_editable_for(membership, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, visit, _visit_form(visit), form)
    services.action_create(actor=request.user, visit=visit, **form.cleaned_data)
    messages.success(request, "Action added.")
    return redirect("visits:edit", trust_slug=request.trust.slug, pk=visit.pk)


@require_POST
def action_status(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "visit.edit")
    action = selectors.action_get_editable_for(membership, pk)
    form = ActionStatusForm(request.POST)
    at_visit = request.POST.get("at_visit")
    if form.is_valid():
        if at_visit:
            if not at_visit.isdigit():
                raise Http404("No such visit.")
            visit = selectors.visit_get_editable_for(membership, int(at_visit))
            services.action_follow_up(
                actor=request.user,
                action=action,
                at_visit=visit,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
            return redirect("visits:edit", trust_slug=request.trust.slug, pk=visit.pk)
        services.action_update(
            actor=request.user, action=action, data={"status": form.cleaned_data["status"]}
        )
    return redirect("visits:detail", trust_slug=request.trust.slug, pk=action.visit_id)


def visit_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "visit.read")
    visit = selectors.visit_get_for(membership, pk)
    can_respond = membership.can("visit.respond") and visit.is_published
    return render(
        request,
        "visits/detail.html",
        {
            "visit": visit,
            "judgements": visit.judgements.all(),
            "actions": visit.actions.all(),
            "can_edit": membership.can("visit.edit"),
            "can_respond": can_respond,
            "respond_form": RespondForm(initial={"response": visit.head_response})
            if can_respond
            else None,
        },
    )


@require_POST
def visit_respond(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "visit.respond")
    visit = selectors.visit_get_for(membership, pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        responses = {
            a.pk: request.POST.get(f"action_{a.pk}", "").strip() for a in visit.actions.all()
        }
        try:
            services.visit_respond(
                actor=request.user,
                visit=visit,
                response=form.cleaned_data["response"],
                action_responses={k: v for k, v in responses.items() if v},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your response has been sent to the trust.")
    else:
        messages.error(request, "Write a response before sending it.")
    return redirect("visits:detail", trust_slug=request.trust.slug, pk=visit.pk)


def visit_pdf(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "visit.read")
    visit = selectors.visit_get_for(membership, pk)
    pdf = visit_note_pdf(visit)
    audit_record(actor=request.user, action="visit.download", target=visit)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="visit-{visit.academy.urn}-{visit.date}.pdf"'
    )
    return response


def visit_types(request: TenantRequest) -> HttpResponse:
    """The trust's visit types: the standard ones plus its own (trust admins add them)."""
    membership = require(request, "visit.view")
    can_edit = membership.can("rules.edit")
    form = VisitTypeForm(request.POST or None)
    if request.method == "POST":
        require(request, "rules.edit")
        if form.is_valid():
            services.visit_type_add(
                actor=request.user, trust=request.trust, name=form.cleaned_data["name"]
            )
            messages.success(
                request, f"“{form.cleaned_data['name']}” can now be chosen for visits."
            )
            return redirect("visits:types", trust_slug=request.trust.slug)
    return render(
        request,
        "visits/types.html",
        {
            "types": services.visit_types_ensure(trust=request.trust),
            "form": form,
            "can_edit": can_edit,
        },
        status=400 if form.errors else 200,
    )


def visit_calendar(request: TenantRequest) -> HttpResponse:
    """Visits by month (planned drafts and published), for the officer's term planning."""
    membership = require(request, "visit.view")
    today = timezone.localdate()
    asked = request.GET.get("month", f"{today.year}-{today.month}")
    try:
        year, month = (int(x) for x in asked.split("-"))
        # The calendar shows whole weeks around the month: keep clear of date's own limits.
        if not 1900 <= year <= 2200:
            raise ValueError(year)
        first = dt.date(year, month, 1)
    except ValueError:
        return HttpResponseBadRequest(
            f"The month {asked[:20]!r} is not a month between 1900 and 2200 (write it as 2026-03).",
            content_type="text/plain; charset=utf-8",
        )
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    shown = (weeks[0][0], weeks[-1][-1])
    visits = selectors.visit_list_for(membership).filter(date__range=shown)
    by_day: dict[dt.date, list] = {}
    for visit in visits:
        by_day.setdefault(visit.date, []).append(visit)
    planned_by_day: dict[dt.date, list] = {}
    for planned in selectors.planned_visits_between(membership, *shown):
        planned_by_day.setdefault(planned.planned_on, []).append(planned)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "visits/calendar.html",
        {
            "first": first,
            "weeks": [
                [
                    (d, by_day.get(d, []), d.month == first.month, planned_by_day.get(d, []))
                    for d in w
                ]
                for w in weeks
            ],
            "prev": f"{prev_month.year}-{prev_month.month}",
            "next": f"{next_month.year}-{next_month.month}",
            "today": today,
        },
    )
