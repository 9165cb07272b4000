"""Writes to partnerships: each atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

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

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.accounts.models import Membership, User


@transaction.atomic
def partner_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    website: str = "",
    notes: str = "",
    contacts: Iterable[Mapping[str, str]] = (),
) -> PartnerOrganisation:
    partner = PartnerOrganisation(name=name, kind=kind, website=website, notes=notes)
    partner.full_clean(exclude=["trust"])
    _check_partner_name(name)
    partner.save()
    for contact in contacts:
        PartnerContact.objects.create(partner=partner, **_contact_fields(contact))
    audit_record(
        actor=actor, action="partner.create", target=partner, changes={"name": name, "kind": kind}
    )
    return partner


CONTACT_FIELDS = ("name", "role", "email", "phone")


def _contact_fields(contact: Mapping[str, Any]) -> dict[str, Any]:
    return {k: contact.get(k) or "" for k in CONTACT_FIELDS}


def _check_partner_name(name: str, exclude_pk: int | None = None) -> None:
    # full_clean skips the (trust, name) constraint because trust is set on save; check here
    # (case-insensitively) so a duplicate is a form error, never an IntegrityError.
    clash = PartnerOrganisation.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": "The trust already has a partner with this name."})


@transaction.atomic
def partner_update(
    *,
    actor: User | None,
    partner: PartnerOrganisation,
    data: Mapping[str, Any],
    contacts: Iterable[Mapping[str, Any]] | None = None,
) -> PartnerOrganisation:
    """Edit a partner; `contacts`, when given, is the whole list (with "id" for kept ones).

    Contacts missing from the list are removed; ids that are not this partner's are ignored
    rather than trusted, so a forged id cannot move another partner's contact.
    """
    if "name" in data:
        _check_partner_name(data["name"], exclude_pk=partner.pk)
    changes = apply_changes(partner, data)
    partner.full_clean(exclude=["trust"])
    partner.save()
    if contacts is not None:
        existing = {c.pk: c for c in partner.contacts.all()}  # type: ignore[attr-defined]
        kept: set[int] = set()
        added = updated = 0
        for contact in contacts:
            row = existing.get(contact.get("id"))  # type: ignore[arg-type]
            if row is None:
                PartnerContact.objects.create(partner=partner, **_contact_fields(contact))
                added += 1
                continue
            kept.add(row.pk)
            if apply_changes(row, _contact_fields(contact)):
                row.save()
                updated += 1
        removed = [pk for pk in existing if pk not in kept]
        PartnerContact.objects.filter(pk__in=removed).delete()
        if added or updated or removed:
            changes["contacts"] = [{"added": added, "updated": updated, "removed": len(removed)}]
    if changes:
        audit_record(actor=actor, action="partner.update", target=partner, changes=changes)
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
    actor: User | None,
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
    covered = {a.pk for a in academies}
    for academy, days in (overrides or {}).items():
        if academy.pk in covered:
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
    actor: User | None,
    commission: Commission,
    data: Mapping[str, Any],
    academies: Iterable[Any] | None = None,
    partner_members: Iterable[Any] | None = None,
    overrides: Mapping[Any, Decimal] | None = None,
) -> Commission:
    """Edit a commission. `overrides`, when given, is the whole set of per-academy allocations
    (academies left out fall back to the days per academy)."""
    starts_on = data.get("starts_on", commission.starts_on)
    ends_on = data.get("ends_on", commission.ends_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must not be before the start date."})
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
    if overrides is not None:
        covered = set(commission.academies.values_list("id", flat=True))
        wanted = {a.pk: Decimal(d) for a, d in overrides.items() if a.pk in covered}
        before = {
            row.academy_id: row.days
            for row in commission.allocations.all()  # type: ignore[attr-defined]
        }
        commission.allocations.exclude(academy_id__in=wanted).delete()  # type: ignore[attr-defined]
        for academy_id, days in wanted.items():
            CommissionAllocation.objects.update_or_create(
                commission=commission, academy_id=academy_id, defaults={"days": days}
            )
        if before != wanted:
            changes["allocations"] = [before, wanted]
    if partner_members is not None:
        commission.partner_members.set(list(partner_members))
    # Members removed from the commission lose its academies; remaining ones gain new ones.
    _sync_partner_academies({*before_members, *commission.partner_members.all()})
    audit_record(actor=actor, action="commission.update", target=commission, changes=changes)
    return commission


@transaction.atomic
def allocation_set(
    *, actor: User | None, commission: Commission, academy: Academy, days: Decimal
) -> None:
    CommissionAllocation.objects.update_or_create(
        commission=commission, academy=academy, defaults={"days": days}
    )
    audit_record(
        actor=actor,
        action="commission.allocate",
        target=commission,
        changes={"academy": academy.pk, "days": days},
    )


def _check_activity(
    membership: Membership, commission: Commission, academy: Academy, days: Decimal
) -> None:
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
    actor: User | None,
    membership: Membership,
    commission: Commission,
    academy: Academy,
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


def _visit_activity(visit_ref: str) -> Activity | None:
    """The activity row of a visit, locked for the update that follows."""
    return Activity.objects.select_for_update().filter(visit_ref=visit_ref).first()


@transaction.atomic
def activity_sync_for_visit(
    *,
    actor: User | None,
    membership: Membership,
    visit_ref: str,
    commission: Commission,
    academy: Academy,
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
    activity = _visit_activity(visit_ref)
    if activity is None:
        try:
            # A savepoint: when two saves of the same visit race, the loser's insert fails on
            # the one-activity-per-visit constraint and it updates the winner's row instead.
            with transaction.atomic():
                activity = Activity.objects.create(
                    commission=commission,
                    academy=academy,
                    date=date,
                    days=days,
                    description=description,
                    logged_by=actor,
                    visit_ref=visit_ref,
                )
        except IntegrityError:
            activity = Activity.objects.select_for_update().get(visit_ref=visit_ref)
        else:
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
    if changes:
        audit_record(actor=actor, action="activity.update", target=activity, changes=changes)
    return activity


def _check_manual(activity: Activity) -> None:
    if activity.visit_ref:
        # The visit owns these days: editing them here would be undone by the next visit save.
        raise ValidationError(
            {"days": "These days come from a visit: change them on the visit record."}
        )


@transaction.atomic
def activity_update(
    *, actor: User | None, membership: Membership, activity: Activity, data: Mapping[str, Any]
) -> Activity:
    """Correct a logged activity: its days are replaced, never added to the old figure."""
    _check_manual(activity)
    academy = data.get("academy", activity.academy)
    days = Decimal(data.get("days", activity.days))
    _check_activity(membership, activity.commission, academy, days)
    changes = apply_changes(activity, {**data, "days": days})
    activity.save()
    if changes:
        audit_record(actor=actor, action="activity.update", target=activity, changes=changes)
    return activity


@transaction.atomic
def activity_delete(*, actor: User | None, membership: Membership, activity: Activity) -> None:
    _check_manual(activity)
    if not partner_scope(membership).covers(activity.academy_id, activity.commission.key_area):
        raise ValidationError({"academy": "You cannot remove activity for this academy."})
    audit_record(
        actor=actor,
        action="activity.delete",
        target=activity,
        changes={"commission": activity.commission_id, "days": activity.days},
    )
    activity.delete()


@transaction.atomic
def activity_delete_for_visit(*, actor: User | None, visit_ref: str) -> None:
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
    *, actor: User | None, commission: Commission, recorded_on: dt.date, text: str
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
