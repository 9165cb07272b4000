"""Writes for academies and inspections: atomic and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from trust_si.audit.services import apply_changes, audit_record
from trust_si.tenancy.models import Trust

from . import signals
from .models import Academy, Inspection

if TYPE_CHECKING:
    from trust_si.accounts.models import User


EDITABLE_FIELDS = [
    "name",
    "phase_of_education",
    "age_low",
    "age_high",
    "pupils_on_roll",
    "pct_disadvantaged",
    "pct_send_support",
    "pct_ehcp",
    "pct_eal",
    "is_church_school",
    "local_authority",
    "date_joined",
    "is_active",
]


@transaction.atomic
def academy_create(*, actor: User | None, trust: Trust, urn: str, data: dict[str, Any]) -> Academy:
    academy = Academy(
        trust=trust, urn=urn, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    )
    academy.full_clean()
    academy.save()
    audit_record(
        actor=actor,
        action="academy.create",
        target=academy,
        changes={"urn": urn, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS}},
    )
    return academy


@transaction.atomic
def academy_update(
    *, actor: User | None, academy: Academy, data: dict[str, Any]
) -> dict[str, list[Any]]:
    changed = apply_changes(academy, {k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    if changed:
        academy.full_clean()
        academy.save()
        audit_record(actor=actor, action="academy.update", target=academy, changes=changed)
    return changed


def academy_upsert(*, actor: User | None, trust: Trust, urn: str, data: dict[str, Any]) -> Academy:
    """Create the academy with this URN in the trust, or update it: never a duplicate."""
    academy = Academy.objects.filter(trust=trust, urn=urn).first()
    if academy is None:
        return academy_create(actor=actor, trust=trust, urn=urn, data=data)
    academy_update(actor=actor, academy=academy, data=data)
    return academy


@transaction.atomic
def inspection_record(*, actor: User | None, academy: Academy, data: dict[str, Any]) -> Inspection:
    """Record (or correct) an inspection; its grades become judgement records for placement."""
    inspection, created = Inspection.objects.update_or_create(
        trust_id=academy.trust_id,
        academy=academy,
        inspected_on=data["inspected_on"],
        defaults={k: v for k, v in data.items() if k != "inspected_on"},
    )
    inspection.full_clean()
    audit_record(
        actor=actor,
        action="inspection.record",
        target=inspection,
        changes={k: v for k, v in data.items()} | {"created": created},
    )
    signals.inspection_recorded.send(sender=Inspection, inspection=inspection, actor=actor)
    return inspection


@transaction.atomic
def academies_import_gias(*, actor: User | None, trust: Trust, rows: list[Any]) -> dict[str, int]:
    """Upsert academies by (trust, URN) from parsed GIAS rows: re-running never duplicates.

    Only the fields GIAS knows are written; ages are set for new academies only, so a trust's
    own corrections (e.g. an 11-18 school GIAS calls secondary) survive a re-import.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        data = {
            "name": row.name,
            "phase_of_education": row.phase_of_education,
            "local_authority": row.local_authority,
            "date_joined": row.date_joined,
        }
        academy = Academy.objects.filter(trust=trust, urn=row.urn).first()
        if academy is None:
            academy_create(
                actor=actor,
                trust=trust,
                urn=row.urn,
                data={**data, "age_low": row.age_low, "age_high": row.age_high},
            )
            counts["created"] += 1
        elif academy_update(actor=actor, academy=academy, data=data):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    audit_record(actor=actor, action="academies.import_gias", changes=counts, trust_id=trust.pk)
    return counts


@transaction.atomic
def inspections_import_ofsted(
    *, actor: User | None, trust: Trust, rows: list[Any]
) -> dict[str, int]:
    """Record the inspections read from Ofsted's management information, by (academy, date).

    Re-importing the same file changes nothing; a corrected row updates its inspection. Each
    recorded inspection asks for the academy's recompute (through `inspection_record`).
    """
    academies = {a.urn: a for a in Academy.objects.filter(trust=trust)}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        academy = academies[row.urn]
        existing = Inspection.objects.filter(
            trust=trust, academy=academy, inspected_on=row.data["inspected_on"]
        ).first()
        if existing is not None and all(getattr(existing, k) == v for k, v in row.data.items()):
            counts["unchanged"] += 1
            continue
        inspection_record(actor=actor, academy=academy, data=row.data)
        counts["updated" if existing else "created"] += 1
    audit_record(actor=actor, action="inspections.import_ofsted", changes=counts, trust_id=trust.pk)
    return counts
