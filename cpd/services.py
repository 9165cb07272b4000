"""Writes to CPD: each atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trust_si.audit.services import apply_changes, audit_record

from .models import (
    AttendanceStatus,
    Enrolment,
    Evaluation,
    Npq,
    NpqStatus,
    Priority,
    Programme,
    Session,
)

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.accounts.models import User


class SessionFull(ValidationError):
    pass


@transaction.atomic
def priority_create(
    *, actor: User | None, title: str, kpi_codes: list[str], description: str = ""
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
    actor: User | None,
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
def programme_update(
    *,
    actor: User | None,
    programme: Programme,
    data: dict[str, Any],
    priorities: Iterable[Priority] | None = None,
    academies: Iterable[Any] | None = None,
) -> Programme:
    """Change the catalogue entry; the many-to-many links are replaced when given."""
    changes = apply_changes(programme, data)
    programme.save()
    for name, new in (("priorities", priorities), ("academies", academies)):
        if new is None:
            continue
        manager = getattr(programme, name)
        old_ids = sorted(manager.values_list("id", flat=True))
        new_list = list(new)
        manager.set(new_list)
        new_ids = sorted(obj.pk for obj in new_list)
        if old_ids != new_ids:
            changes[name] = [old_ids, new_ids]
    if changes:
        audit_record(actor=actor, action="programme.update", target=programme, changes=changes)
    return programme


@transaction.atomic
def session_create(
    *,
    actor: User | None,
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
def session_update(*, actor: User | None, session: Session, data: dict[str, Any]) -> Session:
    """Reschedule or re-staff a session. Capacity cannot drop below the places already taken."""
    starts_at = data.get("starts_at", session.starts_at)
    ends_at = data.get("ends_at", session.ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "A session must end after it starts."})
    if "capacity" in data:
        taken = session.enrolments.exclude(status=AttendanceStatus.CANCELLED).count()  # type: ignore[attr-defined]
        if data["capacity"] < taken:
            raise ValidationError(
                {"capacity": f"{taken} places are already booked: cancel some places first."}
            )
    changes = apply_changes(session, data)
    session.save()
    if changes:
        audit_record(actor=actor, action="session.update", target=session, changes=changes)
    return session


@transaction.atomic
def enrolment_create(
    *, actor: User | None, session: Session, participant: Any, academy: Academy, school_role: str
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
def enrolment_mark(*, actor: User | None, enrolment: Enrolment, status: str) -> Enrolment:
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "Unknown attendance status."})
    changes = apply_changes(enrolment, {"status": status})
    if changes:
        enrolment.save(update_fields=["status"])
        audit_record(actor=actor, action="enrolment.mark", target=enrolment, changes=changes)
    return enrolment


@transaction.atomic
def register_take(
    *, actor: User | None, enrolments: Iterable[Enrolment], attended: dict[int, bool]
) -> int:
    """Record attended yes/no for the given enrolments; returns how many changed.

    Only the enrolments passed in (the ones the register showed the reader) can change, so a
    forged id for another academy's or trust's enrolment is ignored. Cancelled places stay
    cancelled: a register is about the people still booked.
    """
    changed = 0
    for enrolment in enrolments:
        if enrolment.pk not in attended or enrolment.status == AttendanceStatus.CANCELLED:
            continue
        status = AttendanceStatus.ATTENDED if attended[enrolment.pk] else AttendanceStatus.ABSENT
        if enrolment.status != status:
            enrolment_mark(actor=actor, enrolment=enrolment, status=status)
            changed += 1
    return changed


@transaction.atomic
def evaluation_record(
    *, actor: User | None, session: Session, participant: Any, rating: int, comment: str = ""
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
    actor: User | None,
    person: Any,
    academy: Academy,
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
def npq_update(*, actor: User | None, npq: Npq, data: dict[str, Any]) -> Npq:
    if "status" in data and data["status"] not in NpqStatus.values:
        raise ValidationError({"status": "Unknown NPQ status."})
    changes = apply_changes(npq, data)
    npq.save()
    if changes:
        audit_record(actor=actor, action="npq.update", target=npq, changes=changes)
    return npq
