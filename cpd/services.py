"""Writes to CPD: each atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trust_si.audit.services import apply_changes, audit_record

from .models import AttendanceStatus, Enrolment, Evaluation, Npq, Priority, Programme, Session


class SessionFull(ValidationError):
    pass


@transaction.atomic
def priority_create(
    *, actor: Any, title: str, kpi_codes: list[str], description: str = ""
) -> Priority:
    priority = Priority.objects.create(
        title=title, kpi_codes=list(kpi_codes), description=description
    )
    audit_record(
        actor=actor,
        action="priority.create",
        target=priority,
        changes={"title": title, "kpi_codes": kpi_codes},
    )
    return priority


@transaction.atomic
def programme_create(
    *,
    actor: Any,
    title: str,
    domain: str,
    format: str,
    description: str = "",
    priorities: Iterable[Priority] = (),
    kpi_codes: Iterable[str] = (),
    academies: Iterable[Any] = (),
) -> Programme:
    programme = Programme.objects.create(
        title=title,
        domain=domain,
        format=format,
        description=description,
        kpi_codes=list(kpi_codes),
    )
    programme.priorities.set(list(priorities))
    programme.academies.set(list(academies))
    audit_record(
        actor=actor,
        action="programme.create",
        target=programme,
        changes={"title": title, "domain": domain, "format": format},
    )
    return programme


@transaction.atomic
def session_create(
    *,
    actor: Any,
    programme: Programme,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    location: str = "",
    leader: Any = None,
    partner: Any = None,
    leading_academy: Any = None,
    title: str = "",
) -> Session:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "A session must end after it starts."})
    session = Session.objects.create(
        programme=programme,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        location=location,
        leader=leader,
        partner=partner,
        leading_academy=leading_academy,
        title=title,
    )
    audit_record(
        actor=actor,
        action="session.create",
        target=session,
        changes={"programme": programme.pk, "starts_at": starts_at, "capacity": capacity},
    )
    return session


@transaction.atomic
def enrolment_create(
    *, actor: Any, session: Session, participant: Any, academy: Any, school_role: str
) -> Enrolment:
    """Book a place; refused when the session is full (cancelled places free up again)."""
    # Lock the session row so two bookings for the last place cannot both succeed.
    session = Session.objects.select_for_update().get(pk=session.pk)
    taken = session.enrolments.exclude(status=AttendanceStatus.CANCELLED).count()  # type: ignore[attr-defined]
    if taken >= session.capacity:
        raise SessionFull({"session": f"This session is full ({session.capacity} places)."})
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                session=session,
                participant=participant,
                academy=academy,
                school_role=school_role,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"participant": "This person is already booked on the session."}
        ) from exc
    audit_record(
        actor=actor,
        action="enrolment.create",
        target=enrolment,
        changes={
            "session": session.pk,
            "participant": participant.pk,
            "academy": academy.pk,
            "school_role": school_role,
        },
    )
    return enrolment


@transaction.atomic
def enrolment_mark(*, actor: Any, enrolment: Enrolment, status: str) -> Enrolment:
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "Unknown attendance status."})
    changes = apply_changes(enrolment, {"status": status})
    if changes:
        enrolment.save(update_fields=["status"])
        audit_record(actor=actor, action="enrolment.mark", target=enrolment, changes=changes)
    return enrolment


@transaction.atomic
def evaluation_record(
    *, actor: Any, session: Session, participant: Any, rating: int, comment: str = ""
) -> Evaluation:
    """One evaluation per participant and session; submitting again replaces the first."""
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": "Rate the session from 1 to 5."})
    if not session.enrolments.filter(  # type: ignore[attr-defined]
        participant=participant, status=AttendanceStatus.ATTENDED
    ).exists():
        raise ValidationError({"session": "Only people who attended can evaluate a session."})
    evaluation, created = Evaluation.objects.update_or_create(
        session=session,
        participant=participant,
        defaults={"rating": int(rating), "comment": comment},
    )
    audit_record(
        actor=actor,
        action="evaluation.record",
        target=evaluation,
        changes={"rating": rating, "created": created},
    )
    return evaluation


@transaction.atomic
def npq_create(
    *,
    actor: Any,
    person: Any,
    academy: Any,
    programme: str,
    provider: str,
    cohort: str,
    status: str = "applied",
) -> Npq:
    npq = Npq.objects.create(
        person=person,
        academy=academy,
        programme=programme,
        provider=provider,
        cohort=cohort,
        status=status,
    )
    audit_record(
        actor=actor,
        action="npq.create",
        target=npq,
        changes={"programme": programme, "cohort": cohort, "status": status},
    )
    return npq


@transaction.atomic
def npq_update(*, actor: Any, npq: Npq, data: dict[str, Any]) -> Npq:
    changes = apply_changes(npq, data)
    npq.save()
    audit_record(actor=actor, action="npq.update", target=npq, changes=changes)
    return npq
