"""Writes of the phases app. Judgement records are the qualitative evidence of placement."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from academies.models import Academy, Inspection
from trust_si.audit.services import audit_record

from .config import PHASE_ORDER, TUNABLE, WEIGHTS
from .evidence import INSPECTION_REF
from .models import (
    ArrangementStatus,
    Judgement,
    JudgementArea,
    JudgementSource,
    PhaseCode,
    Placement,
    PlacementStatus,
    ReportCardGrade,
    SafeguardingGrade,
    SupportArrangement,
)
from .notify import phase_change_notify
from .pipeline import recompute_request

if TYPE_CHECKING:
    from trust_si.accounts.models import User
    from trust_si.tenancy.models import Trust


REPORT_CARD_GRADES = {g.value for g in ReportCardGrade}
SAFEGUARDING_GRADES = {g.value for g in SafeguardingGrade}


def validate_grade(area: str, grade: str) -> None:
    """Safeguarding is met / not met; every other area uses the five-point report-card scale."""
    if area not in JudgementArea.values:
        raise ValidationError({"area": f"{area!r} is not an area we judge."})
    allowed = SAFEGUARDING_GRADES if area == JudgementArea.SAFEGUARDING else REPORT_CARD_GRADES
    if grade not in allowed:
        raise ValidationError(
            {"grade": f"{grade!r} is not a grade for {JudgementArea(area).label}."}
        )


@transaction.atomic
def judgement_record(
    *,
    actor: User | None,
    academy: Academy,
    area: str,
    grade: str,
    judged_on: dt.date,
    source: str,
    source_ref: str = "",
    source_url: str = "",
    note: str = "",
) -> Judgement:
    """Record a judgement, or update the one this source record already made for that area.

    Re-saving a visit (same source_ref) updates its judgement instead of adding another, so
    the evidence never double counts. The placement recompute is requested on commit.
    """
    validate_grade(area, grade)
    if source not in JudgementSource.values:
        raise ValidationError({"source": f"{source!r} is not a judgement source."})
    values = {
        "grade": grade,
        "judged_on": judged_on,
        "source_url": source_url,
        "note": note,
        "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    if source_ref:
        judgement, created = Judgement.objects.update_or_create(
            trust_id=academy.trust_id,
            academy=academy,
            area=area,
            source=source,
            source_ref=source_ref,
            defaults=values,
        )
    else:
        judgement = Judgement.objects.create(
            trust_id=academy.trust_id, academy=academy, area=area, source=source, **values
        )
        created = True
    audit_record(
        actor=actor,
        action="judgement.record" if created else "judgement.update",
        target=judgement,
        changes={"area": area, "grade": grade, "source": source, "source_ref": source_ref},
    )
    recompute_request(
        trust_id=academy.trust_id, academy_id=academy.pk, reason=f"judgement:{source}"
    )
    return judgement


@transaction.atomic
def judgement_withdraw(
    *, actor: User | None, academy: Academy, source: str, source_ref: str, keep_areas: set[str]
) -> int:
    """Remove a source record's judgements for areas it no longer judges (an edited visit)."""
    stale = Judgement.objects.filter(academy=academy, source=source, source_ref=source_ref).exclude(
        area__in=keep_areas
    )
    count = 0
    for judgement in stale:
        audit_record(
            actor=actor,
            action="judgement.withdraw",
            target=judgement,
            changes={"area": judgement.area, "grade": judgement.grade},
        )
        judgement.delete()
        count += 1
    if count:
        recompute_request(
            trust_id=academy.trust_id, academy_id=academy.pk, reason="judgement:withdrawn"
        )
    return count


def judgement_record_from_inspection(
    *, inspection: Inspection, actor: User | None
) -> list[Judgement]:
    """An inspection's report-card grades and safeguarding outcome become judgement records.

    They feed the heat map's qualitative cells; the placement engine reads the inspection
    itself (every kind, with its floors), so these rows are left out of its trust judgements.
    Every kind asks for the recompute."""
    ref = f"{INSPECTION_REF}{inspection.pk}"
    recorded = []
    areas = inspection.area_grades if inspection.kind == Inspection.Kind.REPORT_CARD else {}
    for area, grade in (areas or {}).items():
        recorded.append(
            judgement_record(
                actor=actor,
                academy=inspection.academy,
                area=area,
                grade=grade,
                judged_on=inspection.inspected_on,
                source=JudgementSource.INSPECTION,
                source_ref=ref,
                source_url=inspection.report_url,
            )
        )
    if inspection.safeguarding_met is not None:
        recorded.append(
            judgement_record(
                actor=actor,
                academy=inspection.academy,
                area=JudgementArea.SAFEGUARDING,
                grade=SafeguardingGrade.MET
                if inspection.safeguarding_met
                else SafeguardingGrade.NOT_MET,
                judged_on=inspection.inspected_on,
                source=JudgementSource.INSPECTION,
                source_ref=ref,
                source_url=inspection.report_url,
            )
        )
    recompute_request(
        trust_id=inspection.trust_id, academy_id=inspection.academy_id, reason="inspection"
    )
    return recorded


@transaction.atomic
def placement_decide(
    *, actor: User | None, placement: Placement, phase: str | None = None, rationale: str = ""
) -> Placement:
    """Confirm the proposal (phase None or equal), or override it with a rationale."""
    if (
        placement.subject == ""
        and placement.pk
        != Placement.objects.filter(academy=placement.academy, subject="")
        .values_list("pk", flat=True)
        .first()
    ):
        raise ValidationError("Only the latest proposal can be decided.")
    overriding = phase is not None and phase != placement.proposed_phase
    # A decision already taken can be revised (new evidence, a changed view), but never
    # silently: the person says why, and the audit row keeps what it was before.
    revising = placement.status != PlacementStatus.PROPOSED
    if revising and not rationale.strip():
        raise ValidationError({"rationale": "Say why you are revising the decision."})
    if overriding and not rationale.strip():
        raise ValidationError({"rationale": "Say why you are overriding the proposal."})
    if phase is not None and phase not in PhaseCode.values:
        raise ValidationError({"phase": "Choose a phase."})
    before = placement.phase
    placement.status = PlacementStatus.OVERRIDDEN if overriding else PlacementStatus.CONFIRMED
    placement.decided_phase = phase if overriding and phase else placement.proposed_phase
    placement.decided_by = actor
    placement.decided_at = timezone.now()
    placement.rationale = rationale.strip()
    placement.save()
    audit_record(
        actor=actor,
        action="placement.override" if overriding else "placement.confirm",
        target=placement,
        changes={
            "proposed": placement.proposed_phase,
            "decided": placement.decided_phase,
            "rationale": placement.rationale,
            **({"previous_decision": before} if revising else {}),
        },
    )
    if placement.subject == "" and placement.decided_phase != before:
        phase_change_notify(placement.academy, before, placement.decided_phase, decided_by=actor)
    return placement


@transaction.atomic
def phase_settings_update(*, actor: User | None, trust: Trust, cleaned: dict[str, Any]) -> None:
    """Save the trust's phase names, descriptors, offers and placement thresholds; recompute."""
    config = dict(trust.config or {})
    before = {"phases": config.get("phases", {}), "placement": config.get("placement", {})}
    config["phases"] = {
        code: {
            "name": cleaned[f"{code}_name"].strip(),
            "tier": cleaned[f"{code}_tier"].strip(),
            "summary": cleaned[f"{code}_summary"].strip(),
            # An empty list falls back to the default (phases_for merges only non-empty values).
            "offer": list(cleaned.get(f"{code}_offer") or []),
            "descriptors": list(cleaned.get(f"{code}_descriptors") or []),
        }
        for code in PHASE_ORDER
    }
    config["placement"] = {
        **{key: cleaned[key] for key in TUNABLE},
        "weights": {key: cleaned[f"weight_{key}"] for key in WEIGHTS},
    }
    trust.config = config
    trust.save(update_fields=["config"])
    audit_record(
        actor=actor,
        action="phases.settings",
        target=trust,
        trust_id=trust.pk,
        changes={
            "before": before,
            "after": {"phases": config["phases"], "placement": config["placement"]},
        },
    )
    recompute_request(trust_id=trust.pk, academy_id=None, reason="rules changed")


@transaction.atomic
def term_completeness_mark(
    *, actor: User | None, academy: Academy, term_code: str, complete: bool = True, note: str = ""
) -> bool:
    """A leader marks (or unmarks) a term's data complete for an academy; the recompute follows.

    Marking is idempotent (a second mark changes nothing and is not audited again). Returns
    whether anything changed.
    """
    from trust_si.terms import TermCode

    from .models import TermCompletion

    if TermCode.parse_or_none(term_code) is None:
        raise ValidationError({"term": f"{term_code!r} is not a term."})
    existing = TermCompletion.objects.filter(academy=academy, term_code=term_code).first()
    if complete == (existing is not None):
        return False
    if complete:
        target: Any = TermCompletion.objects.create(
            trust_id=academy.trust_id,
            academy=academy,
            term_code=term_code,
            marked_by=actor,
            note=note.strip(),
        )
    else:
        assert existing is not None
        target = existing
    audit_record(
        actor=actor,
        action="term.mark_complete" if complete else "term.unmark_complete",
        target=target,
        changes={"academy": academy.urn, "term": term_code, "note": note.strip()},
    )
    if not complete:
        target.delete()
    recompute_request(
        trust_id=academy.trust_id, academy_id=None, reason=f"term {term_code} marked complete"
    )
    return True


MAX_ARRANGEMENT_DAYS = 200


@transaction.atomic
def arrangement_create(
    *,
    actor: User | None,
    giver: Academy,
    taker: Academy,
    subject: str,
    days: Any,
    start_on: dt.date,
    end_on: dt.date,
    notes: str = "",
) -> SupportArrangement:
    """Record a brokered arrangement; its days count as the giver's capacity used at once.

    Both academies must be the same trust's (a cross-trust pair is refused here, not only by
    the form), and the dates and days must make sense.
    """
    errors: dict[str, str] = {}
    if giver.trust_id != taker.trust_id:
        errors["taker"] = "The two academies must be in the same trust."
    elif giver.pk == taker.pk:
        errors["taker"] = (
            "Choose a different academy to receive the support from the one giving it."
        )
    if not subject.strip():
        errors["subject"] = "Enter the subject the support is in."
    if days is None or not 0 < days <= MAX_ARRANGEMENT_DAYS:
        errors["days"] = (
            f"Enter the days of support, more than 0 and at most {MAX_ARRANGEMENT_DAYS}."
        )
    if end_on < start_on:
        errors["end_on"] = "The end date must be the same as or after the start date."
    if errors:
        raise ValidationError(errors)
    arrangement = SupportArrangement.objects.create(
        trust_id=giver.trust_id,
        giver=giver,
        taker=taker,
        subject=subject.strip(),
        days=days,
        start_on=start_on,
        end_on=end_on,
        notes=notes.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="arrangement.create",
        target=arrangement,
        changes={
            "giver": giver.name,
            "taker": taker.name,
            "subject": arrangement.subject,
            "days": str(arrangement.days),
            "start_on": start_on.isoformat(),
            "end_on": end_on.isoformat(),
        },
    )
    return arrangement


@transaction.atomic
def arrangement_end(
    *, actor: User | None, arrangement: SupportArrangement, ended_on: dt.date | None = None
) -> SupportArrangement:
    """End an arrangement early (or mark a finished one ended): its days stop counting as used.

    Ending twice changes nothing and writes no second audit row."""
    arrangement = SupportArrangement.objects.select_for_update().get(pk=arrangement.pk)
    if arrangement.status == ArrangementStatus.ENDED:
        return arrangement
    ended_on = ended_on or timezone.localdate()
    arrangement.status = ArrangementStatus.ENDED
    arrangement.end_on = max(min(arrangement.end_on, ended_on), arrangement.start_on)
    arrangement.ended_by = actor if getattr(actor, "is_authenticated", False) else None
    arrangement.ended_at = timezone.now()
    arrangement.save()
    audit_record(
        actor=actor,
        action="arrangement.end",
        target=arrangement,
        changes={"status": ArrangementStatus.ENDED.value, "end_on": arrangement.end_on.isoformat()},
    )
    return arrangement
