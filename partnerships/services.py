"""Writes to partnerships: each atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from trust_si.accounts.roles import Role
from trust_si.audit.services import apply_changes, audit_record

from .models import (
    Activity,
    Commission,
    CommissionAllocation,
    ImpactEvidence,
    PartnerContact,
    PartnerOrganisation,
)
from .selectors import partner_scope


@transaction.atomic
def partner_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    website: str = "",
    notes: str = "",
    contacts: Iterable[Mapping[str, str]] = (),
) -> PartnerOrganisation:
    partner = PartnerOrganisation(name=name, kind=kind, website=website, notes=notes)
    partner.full_clean(exclude=["trust"])
    partner.save()
    for contact in contacts:
        PartnerContact.objects.create(partner=partner, **contact)
    audit_record(
        actor=actor, action="partner.create", target=partner, changes={"name": name, "kind": kind}
    )
    return partner


def _sync_partner_academies(memberships: Iterable[Any]) -> None:
    """A partner membership covers exactly the academies of its commissions.

    Keeping Membership.academies in step means academies.selectors (and every feature built on
    it) scopes partners correctly without knowing about commissions.
    """
    for membership in memberships:
        # Only partners' scope comes from commissions; an officer's academies are their own.
        if membership.role != Role.EXTERNAL_PARTNER:
            continue
        academy_ids = set(
            Commission.objects.filter(partner_members=membership).values_list(
                "academies__id", flat=True
            )
        ) - {None}
        membership.academies.set(academy_ids)


@transaction.atomic
def commission_create(
    *,
    actor: Any,
    partner: PartnerOrganisation,
    title: str,
    key_area: str,
    nature: str,
    academies: Iterable[Any],
    starts_on: dt.date,
    ends_on: dt.date,
    days_per_academy: Decimal = Decimal("3"),
    overrides: Mapping[Any, Decimal] | None = None,
    partner_members: Iterable[Any] = (),
    **fields: Any,
) -> Commission:
    commission = Commission(
        partner=partner,
        title=title,
        key_area=key_area,
        nature=nature,
        starts_on=starts_on,
        ends_on=ends_on,
        days_per_academy=days_per_academy,
        **fields,
    )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must not be before the start date."})
    commission.save()
    academies = list(academies)
    commission.academies.set(academies)
    for academy, days in (overrides or {}).items():
        CommissionAllocation.objects.create(commission=commission, academy=academy, days=days)
    members = list(partner_members)
    commission.partner_members.set(members)
    _sync_partner_academies(members)
    audit_record(
        actor=actor,
        action="commission.create",
        target=commission,
        changes={
            "partner": partner.pk,
            "key_area": key_area,
            "academies": [a.pk for a in academies],
            "days_per_academy": days_per_academy,
        },
    )
    return commission


@transaction.atomic
def commission_update(
    *,
    actor: Any,
    commission: Commission,
    data: Mapping[str, Any],
    academies: Iterable[Any] | None = None,
    partner_members: Iterable[Any] | None = None,
) -> Commission:
    changes = apply_changes(commission, data)
    commission.save()
    before_members = list(commission.partner_members.all())
    if academies is not None:
        academies = list(academies)
        old = sorted(commission.academies.values_list("id", flat=True))
        commission.academies.set(academies)
        new = sorted(a.pk for a in academies)
        if old != new:
            changes["academies"] = [old, new]
    if partner_members is not None:
        commission.partner_members.set(list(partner_members))
    # Members removed from the commission lose its academies; remaining ones gain new ones.
    _sync_partner_academies({*before_members, *commission.partner_members.all()})
    audit_record(actor=actor, action="commission.update", target=commission, changes=changes)
    return commission


@transaction.atomic
def allocation_set(*, actor: Any, commission: Commission, academy: Any, days: Decimal) -> None:
    CommissionAllocation.objects.update_or_create(
        commission=commission, academy=academy, defaults={"days": days}
    )
    audit_record(
        actor=actor,
        action="commission.allocate",
        target=commission,
        changes={"academy": academy.pk, "days": days},
    )


def _check_activity(membership: Any, commission: Commission, academy: Any, days: Decimal) -> None:
    if not commission.academies.filter(pk=academy.pk).exists():
        raise ValidationError({"academy": "This academy is not covered by the commission."})
    if not partner_scope(membership).covers(academy.pk, commission.key_area):
        raise ValidationError({"academy": "You cannot log activity for this academy."})
    # Days are logged in half days: partners bill mornings and afternoons.
    if days <= 0 or (Decimal(days) * 2) % 1 != 0:
        raise ValidationError({"days": "Enter days in half days, for example 0.5 or 1.5."})


@transaction.atomic
def activity_log(
    *,
    actor: Any,
    membership: Any,
    commission: Commission,
    academy: Any,
    date: dt.date,
    days: Decimal,
    description: str = "",
) -> Activity:
    days = Decimal(days)
    _check_activity(membership, commission, academy, days)
    activity = Activity.objects.create(
        commission=commission,
        academy=academy,
        date=date,
        days=days,
        description=description,
        logged_by=actor,
    )
    audit_record(
        actor=actor,
        action="activity.log",
        target=activity,
        changes={"commission": commission.pk, "academy": academy.pk, "days": days},
    )
    return activity


def visit_ref_for(visit: Any) -> str:
    return f"{visit._meta.label_lower}:{visit.pk}"


def _visit_id(visit_ref: str) -> int | None:
    """The Visit id behind a "visits.visit:<pk>" reference (other sources have none)."""
    label, _, pk = visit_ref.partition(":")
    return int(pk) if label == "visits.visit" and pk.isdigit() else None


@transaction.atomic
def activity_sync_for_visit(
    *,
    actor: Any,
    membership: Any,
    visit_ref: str,
    commission: Commission,
    academy: Any,
    date: dt.date,
    days: Decimal,
    description: str = "",
) -> Activity:
    """The one activity of a visit: created the first time, updated when the visit is edited.

    Saving a visit again must not add its days twice, so the row is keyed by the visit
    (unique per trust) and its days are replaced, never added to.
    """
    days = Decimal(days)
    _check_activity(membership, commission, academy, days)
    activity = Activity.objects.select_for_update().filter(visit_ref=visit_ref).first()
    if activity is None:
        activity = Activity.objects.create(
            commission=commission,
            academy=academy,
            date=date,
            days=days,
            description=description,
            logged_by=actor,
            visit_ref=visit_ref,
            visit_id=_visit_id(visit_ref),
        )
        audit_record(
            actor=actor,
            action="activity.log",
            target=activity,
            changes={"visit": visit_ref, "days": days},
        )
        return activity
    changes = apply_changes(
        activity,
        {
            "commission": commission,
            "academy": academy,
            "date": date,
            "days": days,
            "description": description,
        },
    )
    activity.save()
    audit_record(actor=actor, action="activity.update", target=activity, changes=changes)
    return activity


@transaction.atomic
def activity_delete_for_visit(*, actor: Any, visit_ref: str) -> None:
    activity = Activity.objects.filter(visit_ref=visit_ref).first()
    if activity is not None:
        audit_record(
            actor=actor,
            action="activity.delete",
            target=activity,
            changes={"visit": visit_ref, "days": activity.days},
        )
        activity.delete()


@transaction.atomic
def evidence_add(
    *, actor: Any, commission: Commission, recorded_on: dt.date, text: str
) -> ImpactEvidence:
    evidence = ImpactEvidence.objects.create(
        commission=commission, recorded_on=recorded_on, text=text, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="commission.evidence_add",
        target=commission,
        changes={"recorded_on": recorded_on},
    )
    return evidence
