"""Writes of the phases app. Judgement records are the qualitative evidence of placement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from academies.models import Academy, Inspection
from trust_si.audit.services import audit_record

from .models import (
    HeatmapRow,
    Judgement,
    JudgementArea,
    JudgementSource,
    PhaseCode,
    Placement,
    PlacementStatus,
    ReportCardGrade,
    SafeguardingGrade,
)
from .recompute import recompute_request

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
    actor: Any,
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
    *, actor: Any, academy: Academy, source: str, source_ref: str, keep_areas: set[str]
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


def judgement_record_from_inspection(*, inspection: Inspection, actor: Any) -> list[Judgement]:
    """An inspection's report-card grades and safeguarding outcome become judgement records.

    A legacy overall grade is read straight from the inspection by the engine: it only asks for
    the recompute."""
    if inspection.kind != Inspection.Kind.REPORT_CARD:
        recompute_request(
            trust_id=inspection.trust_id, academy_id=inspection.academy_id, reason="inspection"
        )
        return []
    ref = f"academies.inspection:{inspection.pk}"
    recorded = []
    for area, grade in (inspection.area_grades or {}).items():
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
    return recorded


def _reason_dicts(reasons: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "rule": r.rule,
            "text": r.text,
            "level": r.level,
            "weight": r.weight,
            "evidence": r.evidence,
        }
        for r in reasons
    ]


@transaction.atomic
def placement_recompute(
    *,
    academy: Academy,
    term_code: str,
    kpi_figures: list[Any] | None = None,
    bundle: Any = None,
    latest: Placement | bool | None = False,
) -> Placement:
    """Propose the academy's phase (and per-subject phases) from its evidence, now.

    A new Placement row is written only when the proposal changed (phase, level or reasons),
    so re-running is idempotent and the history shows real movements. A change of the phase in
    force notifies the trust's leaders and the academy's officers.
    """
    from .evidence import evidence_for
    from .rules import propose

    proposal = propose(
        evidence_for(academy, term_code, kpi_figures, bundle), academy.trust.config.get("placement")
    )
    if latest is False:  # not preloaded by the caller
        latest = Placement.objects.filter(academy=academy, subject="").first()
    assert latest is None or isinstance(latest, Placement)
    reasons = _reason_dicts(proposal.reasons)
    if (
        latest is not None
        and latest.term_code == term_code
        and latest.proposed_phase == proposal.phase
        and latest.reasons == reasons
        and latest.missing == proposal.missing
    ):
        return latest
    placement = Placement.objects.create(
        trust_id=academy.trust_id,
        academy=academy,
        term_code=term_code,
        proposed_phase=proposal.phase,
        level=proposal.level,
        reasons=reasons,
        missing=proposal.missing,
    )
    Placement.objects.bulk_create(
        [
            Placement(
                trust_id=academy.trust_id,
                academy=academy,
                term_code=term_code,
                subject=subject,
                proposed_phase=phase,
                reasons=_reason_dicts(subject_reasons),
            )
            for subject, (phase, subject_reasons) in proposal.subjects.items()
        ]
    )
    audit_record(
        actor=None,
        action="placement.propose",
        target=placement,
        changes={"phase": proposal.phase, "level": proposal.level, "term": term_code},
    )
    if latest is not None and latest.phase != proposal.phase:
        _notify_phase_change(academy, latest.phase, proposal.phase)
    return placement


def _notify_phase_change(academy: Academy, before: str, after: str, decided_by: Any = None) -> None:
    """Email the trust's leaders and the academy's officers (on commit) when its phase changes."""
    from django.core.mail import send_mail

    from trust_si.accounts.models import Membership
    from trust_si.accounts.roles import Role

    from .config import phase_names

    names = phase_names(academy.trust.config)
    people = (
        Membership.objects.filter(trust_id=academy.trust_id, is_active=True)
        .filter(
            models.Q(role=Role.TRUST_LEADER)
            | models.Q(role=Role.IMPROVEMENT_OFFICER, academies=academy)
        )
        .select_related("user")
    )
    recipients = sorted({m.user.email for m in people})
    if decided_by is not None:
        subject = f"{academy.name}: phase {names[before]} → {names[after]}"
        message = (
            f"{getattr(decided_by, 'display_name', 'A trust leader')} placed {academy.name} in "
            f"{names[after]} (was {names[before]})."
        )
    else:
        subject = f"{academy.name}: proposed phase {names[before]} → {names[after]}"
        message = (
            f"The placement engine now proposes {names[after]} for {academy.name} "
            f"(was {names[before]}). Review the reasons and confirm or override it."
        )
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                subject=subject, message=message, from_email=None, recipient_list=recipients
            )
        )


@transaction.atomic
def placement_decide(
    *, actor: Any, placement: Placement, phase: str | None = None, rationale: str = ""
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
        },
    )
    if placement.subject == "" and placement.decided_phase != before:
        _notify_phase_change(placement.academy, before, placement.decided_phase, decided_by=actor)
    return placement


@transaction.atomic
def heatmap_refresh(
    *, trust: Any, academies: list[Academy], term_code: str, figures: list[Any], bundle: Any = None
) -> int:
    """Rewrite the term's heat-map rows of these academies (every group) from their evidence.

    Earlier terms' rows are left alone: they are the kept snapshots, and the latest of them gives
    each cell its trend. `bundle` is the judgements and P8 the placement recompute already loaded.
    Returns the rows written.
    """
    from .config import placement_settings
    from .evidence import Bundle
    from .heatmap import HEATMAP_GROUPS, Cell, cells_from_json, cells_to_json, heatmap_row, term_key
    from .selectors import latest_placements

    settings = {**placement_settings(trust.config), "min_cohort": max(trust.min_cohort, 3)}
    ids = [a.pk for a in academies]
    bundle = bundle or Bundle.load(ids)
    by_key: dict[tuple[int, str], list[Any]] = {}
    for f in figures:
        if f.academy_id is not None:
            by_key.setdefault((f.academy_id, f.group), []).append(f)
    earlier = sorted(
        {
            t
            for t in HeatmapRow.objects.filter(trust_id=trust.pk)
            .values_list("term_code", flat=True)
            .distinct()
            if term_key(t) < term_key(term_code)
        },
        key=term_key,
    )
    previous: dict[tuple[int, str], list[Cell]] = {}
    if earlier:
        for academy_id, group, stored in HeatmapRow.objects.filter(
            trust_id=trust.pk, term_code=earlier[-1], academy_id__in=ids
        ).values_list("academy_id", "group", "cells"):
            previous[(academy_id, group)] = cells_from_json(stored)
    placements = latest_placements(academies)
    today = timezone.localdate()
    HeatmapRow.objects.filter(trust_id=trust.pk, term_code=term_code, academy_id__in=ids).delete()
    rows = []
    for academy in academies:
        placement = placements.get(academy.pk)
        for group in HEATMAP_GROUPS:
            cells = heatmap_row(
                term=term_code,
                figures=by_key.get((academy.pk, group), []),
                previous=previous.get((academy.pk, group)),
                judgements=bundle.judgements.get(academy.pk, []),
                p8=bundle.p8.get(academy.pk),
                teaches_ks4="KS4" in academy.key_stages,
                today=today,
                settings=settings,
            )
            rows.append(
                HeatmapRow(
                    trust_id=trust.pk,
                    academy=academy,
                    term_code=term_code,
                    group=group,
                    phase=placement.phase if placement else "",
                    phase_status=placement.status if placement else "",
                    cells=cells_to_json(cells),
                )
            )
    HeatmapRow.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def phase_settings_update(*, actor: Any, trust: Any, cleaned: dict[str, Any]) -> None:
    """Save the trust's phase names and placement thresholds; recompute every academy on commit."""
    from .config import PHASE_ORDER, TUNABLE, WEIGHTS

    config = dict(trust.config or {})
    before = {"phases": config.get("phases", {}), "placement": config.get("placement", {})}
    config["phases"] = {
        code: {
            "name": cleaned[f"{code}_name"].strip(),
            "tier": cleaned[f"{code}_tier"].strip(),
            "summary": cleaned[f"{code}_summary"].strip(),
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
