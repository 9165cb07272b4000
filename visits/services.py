"""Writes for visits: create, autosave, publish (judgements feed placement), respond, actions,
the monitoring programme and reminders. Every one atomic and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from academies.models import Academy
from partnerships import services as partnership_services
from phases.models import JudgementSource
from phases.selectors import current_phase_name as placement_phase_name
from phases.services import judgement_record, judgement_withdraw, validate_grade
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.audit.services import apply_changes, audit_record
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode

from .models import (
    DEFAULT_VISIT_TYPES,
    OPEN_STATUSES,
    Action,
    ActionStatus,
    PlannedVisit,
    ProgrammeEntry,
    ReminderSent,
    Visit,
    VisitJudgement,
    VisitStatus,
    VisitType,
)
from .programme import plan_for_phase, planned_dates, teaching_window

if TYPE_CHECKING:
    from trust_si.accounts.models import User


TEXT_FIELDS = ["focus_areas", "evidence", "strengths", "areas_for_development"]
CREATE_FIELDS = {*TEXT_FIELDS, "partner", "commission", "days"}
AUTOSAVE_FIELDS = {*TEXT_FIELDS, "date", "visit_type", "days"}


def visit_types_ensure(*, trust: Trust) -> list[VisitType]:
    """The trust's visit types, creating the standard ones the first time."""
    for code, name in DEFAULT_VISIT_TYPES:
        VisitType.objects.get_or_create(trust=trust, code=code, defaults={"name": name})
    return list(VisitType.objects.filter(trust=trust, is_active=True))


@transaction.atomic
def visit_type_add(*, actor: User | None, trust: Trust, name: str) -> VisitType:
    """A trust's own visit type, next to the standard ones."""

    base = slugify(name)[:36] or "visit"
    code, n = base, 1
    while VisitType.objects.filter(trust=trust, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    visit_type = VisitType.objects.create(trust=trust, code=code, name=name.strip())
    audit_record(actor=actor, action="visit_type.create", target=visit_type, changes={"name": name})
    return visit_type


def visit_ref(visit: Visit) -> str:
    return f"visits.visit:{visit.pk}"


@transaction.atomic
def visit_create(
    *,
    actor: User | None,
    academy: Academy,
    visit_type: VisitType,
    date: dt.date,
    officers: list[Any] | None = None,
    **fields: Any,
) -> Visit:
    visit = Visit.objects.create(
        trust_id=academy.trust_id,
        academy=academy,
        visit_type=visit_type,
        date=date,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in CREATE_FIELDS},
    )
    # The author is the visit's officer unless others are named; a visit made by no one (an
    # operator's script, a test's set-up) has no officer rather than an empty row.
    visit.officers.set(officers or ([actor] if actor is not None else []))
    audit_record(
        actor=actor,
        action="visit.create",
        target=visit,
        changes={"academy": academy.urn, "type": visit_type.code, "date": date},
    )
    return visit


def _set_judgements(visit: Visit, judgements: dict[str, str]) -> None:
    for area, grade in judgements.items():
        validate_grade(area, grade)
    VisitJudgement.objects.filter(visit=visit).exclude(area__in=list(judgements)).delete()
    for area, grade in judgements.items():
        VisitJudgement.objects.update_or_create(
            visit=visit, area=area, defaults={"grade": grade, "trust_id": visit.trust_id}
        )


@transaction.atomic
def visit_autosave(
    *,
    actor: User | None,
    membership: Membership,
    visit: Visit,
    data: dict[str, Any],
    judgements: dict[str, str] | None = None,
) -> dict[str, list[Any]]:
    """Save what the officer has typed so far. A draft is only the visit; once published, an
    edit also updates its judgement records and partner days (never adding them twice)."""
    changes = apply_changes(visit, {k: v for k, v in data.items() if k in AUTOSAVE_FIELDS})
    visit.autosaved_at = timezone.now()
    visit.save()
    if judgements is not None:
        _set_judgements(visit, judgements)
    if changes:
        audit_record(actor=actor, action="visit.autosave", target=visit, changes=changes)
    if visit.is_published:
        _sync_evidence(actor=actor, membership=membership, visit=visit)
    return changes


def _sync_evidence(*, actor: User | None, membership: Membership, visit: Visit) -> None:
    """Judgements and partner days of a published visit: one row per area / per visit, updated."""
    ref = visit_ref(visit)
    areas = set()
    for vj in visit.judgements.all():
        judgement_record(
            actor=actor,
            academy=visit.academy,
            area=vj.area,
            grade=vj.grade,
            judged_on=visit.date,
            source=JudgementSource.VISIT,
            source_ref=ref,
            source_url=f"/t/{visit.academy.trust.slug}/visits/{visit.pk}/",
        )
        areas.add(vj.area)
    judgement_withdraw(
        actor=actor,
        academy=visit.academy,
        source=JudgementSource.VISIT,
        source_ref=ref,
        keep_areas=areas,
    )
    commission = visit.commission
    if commission is None or not visit.days:
        # The partner's days were taken off the visit: they must stop counting too.
        partnership_services.activity_delete_for_visit(actor=actor, visit_ref=ref)
    else:
        partnership_services.activity_sync_for_visit(
            actor=actor,
            membership=membership,
            visit_ref=ref,
            commission=commission,
            academy=visit.academy,
            date=visit.date,
            days=Decimal(visit.days),
            description=f"{visit.visit_type}: {visit.focus_areas[:200]}",
        )


@transaction.atomic
def visit_publish(*, actor: User | None, membership: Membership, visit: Visit) -> Visit:
    """Publish to the school: its judgements become evidence for placement (recompute on commit)."""
    if not visit.judgements.exists() and not visit.strengths and not visit.areas_for_development:
        raise ValidationError(
            "Record at least one judgement, strength or area for development first."
        )
    if not visit.is_published:
        visit.status = VisitStatus.PUBLISHED
        visit.published_at = timezone.now()
        visit.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(actor=actor, action="visit.publish", target=visit)
    _sync_evidence(actor=actor, membership=membership, visit=visit)
    return visit


@transaction.atomic
def visit_respond(
    *,
    actor: User | None,
    visit: Visit,
    response: str,
    action_responses: dict[int, str] | None = None,
) -> Visit:
    if not visit.is_published:
        raise ValidationError("Only a published visit can be answered.")
    visit.head_response = response
    visit.head_responded_at = timezone.now()
    visit.save(update_fields=["head_response", "head_responded_at", "updated_at"])
    for action in visit.actions.filter(pk__in=list((action_responses or {}).keys())):
        action.head_response = (action_responses or {})[action.pk]
        action.save(update_fields=["head_response", "updated_at"])
    audit_record(
        actor=actor,
        action="visit.respond",
        target=visit,
        changes={"response": response[:200], "actions": list((action_responses or {}).keys())},
    )
    return visit


@transaction.atomic
def action_create(
    *, actor: User | None, visit: Visit, description: str, owner: str, due_on: dt.date
) -> Action:
    action = Action.objects.create(
        trust_id=visit.trust_id,
        visit=visit,
        academy=visit.academy,
        description=description,
        owner=owner,
        due_on=due_on,
    )
    audit_record(
        actor=actor,
        action="action.create",
        target=action,
        changes={"owner": owner, "due_on": due_on},
    )
    return action


@transaction.atomic
def action_update(
    *, actor: User | None, action: Action, data: dict[str, Any]
) -> dict[str, list[Any]]:
    allowed = {k: v for k, v in data.items() if k in ("description", "owner", "due_on", "status")}
    if allowed.get("status") == ActionStatus.DONE and action.status != ActionStatus.DONE:
        allowed["completed_on"] = timezone.localdate()
    changes = apply_changes(action, allowed)
    if changes:
        action.save()
        audit_record(actor=actor, action="action.update", target=action, changes=changes)
    return changes


@transaction.atomic
def action_follow_up(
    *, actor: User | None, action: Action, at_visit: Visit, status: str, note: str
) -> Action:
    """At the next visit the officer records where each open action stands."""
    if at_visit.academy_id != action.academy_id:
        raise ValidationError("An action is followed up at a visit to the same academy.")
    action.followed_up_at = at_visit
    action.follow_up_note = note
    action.status = status
    if status == ActionStatus.DONE:
        action.completed_on = at_visit.date
    action.save()
    audit_record(
        actor=actor,
        action="action.follow_up",
        target=action,
        changes={"visit": at_visit.pk, "status": status, "note": note[:200]},
    )
    return action


def current_phase_name(academy: Academy) -> str:
    """The academy's current phase, from the placement engine when it exists (else Improve)."""
    return placement_phase_name(academy) or "Improve"


def _default_owner(academy: Academy) -> Membership | None:
    """The academy's improvement officer (the first by name when it has several), else none."""
    return (
        Membership.objects.filter(
            trust_id=academy.trust_id,
            role=Role.IMPROVEMENT_OFFICER,
            is_active=True,
            academies=academy,
        )
        .order_by("user__full_name", "pk")
        .first()
    )


def _plan_dates(entry: ProgrammeEntry, offset: int) -> None:
    """Give an entry without dates its planned visits, spread over the term's school weeks."""
    if entry.planned_visits.exists():
        return
    term = TermCode.of(entry.academic_year, entry.term)
    PlannedVisit.objects.bulk_create(
        PlannedVisit(trust_id=entry.trust_id, entry=entry, planned_on=day)
        for day in planned_dates(teaching_window(term), entry.planned, offset)
    )


@transaction.atomic
def programme_generate(
    *, actor: User | None, trust: Trust, academic_year: str, academies: list[Academy]
) -> int:
    """Plan each academy's visits for the year from its tier: visit types, an owner (the
    academy's improvement officer) and dates in each term. Entries already there keep their
    owner and dates; an entry without dates (planned before dates existed) gets them."""
    types = {t.code: t for t in visit_types_ensure(trust=trust)}
    created = 0
    for index, academy in enumerate(academies):
        phase = current_phase_name(academy)
        owner = _default_owner(academy)
        for n, line in enumerate(plan_for_phase(phase, trust.config)):
            entry, made = ProgrammeEntry.objects.get_or_create(
                trust=trust,
                academy=academy,
                academic_year=academic_year,
                term=line.term,
                visit_type=types.get(line.visit_type) if line.visit_type else None,
                defaults={"planned": line.planned, "phase_at_planning": phase, "owner": owner},
            )
            if entry.owner_id is None and owner is not None:
                entry.owner = owner
                entry.save(update_fields=["owner"])
            _plan_dates(entry, offset=index + 2 * n)
            created += int(made)
    audit_record(
        actor=actor,
        action="programme.generate",
        changes={"year": academic_year, "entries": created},
        trust_id=trust.pk,
    )
    return created


@transaction.atomic
def programme_entry_update(
    *,
    actor: User | None,
    entry: ProgrammeEntry,
    owner: Membership | None,
    dates: dict[int, dt.date],
    note: str = "",
) -> ProgrammeEntry:
    """Change who makes an entry's visits and when. Each date must fall in the entry's term;
    a planned visit already turned into a visit keeps its date (the visit has its own)."""
    term = TermCode.of(entry.academic_year, entry.term)
    if owner is not None and owner.trust_id != entry.trust_id:
        raise ValidationError({"owner": "Choose an owner from this trust."})
    planned = {p.pk: p for p in entry.planned_visits.filter(visit__isnull=True)}
    errors = {}
    for pk, day in dates.items():
        if pk in planned and not term.contains(day):
            errors[f"date_{pk}"] = (
                f"Enter a date in {term.label} ({term.first_day:%-d %B %Y} to "
                f"{term.last_day:%-d %B %Y})."
            )
    if errors:
        raise ValidationError(errors)
    before = {
        "owner": entry.owner.user.display_name if entry.owner else "",
        "dates": [p.planned_on.isoformat() for p in planned.values()],
    }
    entry.owner = owner
    entry.note = note.strip()
    entry.save(update_fields=["owner", "note"])
    for pk, day in dates.items():
        if pk in planned and planned[pk].planned_on != day:
            planned[pk].planned_on = day
            planned[pk].save(update_fields=["planned_on"])
    audit_record(
        actor=actor,
        action="programme.update",
        target=entry,
        changes={
            "owner": [before["owner"], owner.user.display_name if owner else ""],
            "dates": [
                before["dates"],
                [p.planned_on.isoformat() for p in planned.values()],
            ],
        },
    )
    return entry


@transaction.atomic
def planned_visit_start(
    *, actor: User | None, planned: PlannedVisit, visit_type: VisitType | None = None
) -> Visit:
    """Turn a planned visit into a draft visit on its date, by its owner: the calendar then
    shows the visit, not the plan. Starting it twice returns the same visit."""
    planned = (
        # Lock the planned visit's row only: PostgreSQL refuses FOR UPDATE on the nullable side
        # of the outer joins (no visit type, no owner) select_related makes.
        PlannedVisit.objects.select_for_update(of=("self",))
        .select_related("entry__academy", "entry__visit_type", "entry__owner__user")
        .get(pk=planned.pk)
    )
    if planned.visit_id is not None:
        return planned.visit  # type: ignore[return-value]
    entry = planned.entry
    chosen = entry.visit_type or visit_type
    if chosen is None:
        raise ValidationError({"visit_type": "Choose the type of visit."})
    if chosen.trust_id != entry.trust_id:
        raise ValidationError({"visit_type": "Choose one of this trust's visit types."})
    officers = [entry.owner.user] if entry.owner else None
    visit = visit_create(
        actor=actor,
        academy=entry.academy,
        visit_type=chosen,
        date=planned.planned_on,
        officers=officers,
    )
    planned.visit = visit
    planned.save(update_fields=["visit"])
    return visit


def reminders_send(*, trust: Trust, today: dt.date | None = None) -> int:
    """Email the owners' academies (head and officers) about overdue actions, once a day each.

    The ReminderSent row is claimed (unique per action and day) before the email goes, so a
    retried job finds the row and sends nothing twice.
    """

    today = today or timezone.localdate()
    sent = 0
    overdue = Action.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today).select_related(
        "academy", "visit"
    )
    for action in overdue:
        members = Membership.objects.filter(
            is_active=True,
            academies=action.academy,
            role__in=[Role.SCHOOL_STAFF, Role.IMPROVEMENT_OFFICER],
        ).select_related("user")
        recipients = sorted({m.user.email for m in members})
        if not recipients:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    trust=trust, action=action, sent_on=today, recipients=recipients
                )
        except IntegrityError:
            continue  # already reminded today (a retry, or a second beat tick)
        send_mail(
            subject=f"Overdue action at {action.academy.name}",
            message=(
                f"This action from the {action.visit.visit_type} on {action.visit.date:%d %B %Y} "
                f"was due on {action.due_on:%d %B %Y}:\n\n{action.description}\n\nOwner: {action.owner}"
            ),
            from_email=None,
            recipient_list=recipients,
        )
        sent += 1
    return sent
