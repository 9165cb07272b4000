"""Writes for planning: the SEF, plans, half-termly reviews and the risk register. Each one
atomic and audited; cross-trust and cross-academy links are refused here, not in the form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from academies.models import Academy, InspectionArea, ReportCardGrade
from assessment.kpis.catalogue import KPIS
from assessment.models import Upload, UploadStatus
from cpd.models import Priority as TrustPriority
from moderation.models import Round
from phases.heatmap import columns as heatmap_columns
from phases.models import HeatmapRow, Placement
from trust_si.audit.services import apply_changes, audit_record
from trust_si.terms import AcademicYear, TermCode, TermError, term_label
from visits.models import Action as VisitAction
from visits.models import Visit, VisitStatus

from .models import (
    DescriptorRating,
    EvidenceKind,
    ImprovementPlan,
    PlanAction,
    PlanPriority,
    PlanReview,
    Rag,
    Risk,
    RiskCategory,
    RiskReview,
    RiskStatus,
    SefEntry,
    SefEvidence,
    SelfEvaluation,
    TrustPillar,
    TrustSelfAssessment,
    TrustStatement,
)
from .selectors import support_options

if TYPE_CHECKING:
    from trust_si.accounts.models import User
    from trust_si.tenancy.models import Trust

CELL_CATEGORY = {
    "safeguarding": RiskCategory.SAFEGUARDING,
    "leadership_governance": RiskCategory.LEADERSHIP,
}
GRADES = {g.value for g in ReportCardGrade}
AREAS = {a.value for a in InspectionArea}


@transaction.atomic
def sef_save(
    *,
    actor: User | None,
    academy: Academy,
    term_code: str,
    entries: Mapping[str, Mapping[str, Any]],
) -> SelfEvaluation:
    """The academy's SEF for a term: {area: {"grade", "narrative", "evidence", "links"}}. A
    blank grade leaves the area out (an academy without a sixth form does not judge one).
    "links" are typed references ("kpi:<code>", "visit:<pk>", "upload:<pk>", "round:<pk>") to
    the academy's own evidence; one that is not the academy's refuses the whole save."""
    TermCode.parse(term_code)
    resolved: dict[str, list[dict[str, Any]]] = {}
    for area, entry in entries.items():
        if area not in AREAS:
            raise ValidationError(f"{area} is not an area the trust evaluates.")
        if entry.get("grade") and entry["grade"] not in GRADES:
            raise ValidationError(f"{entry['grade']} is not a grade on the report-card scale.")
        links = entry.get("links")
        if links is not None:
            resolved[area] = [evidence_resolve(academy, ref) for ref in dict.fromkeys(links)]
    sef, _ = SelfEvaluation.objects.get_or_create(
        trust_id=academy.trust_id, academy=academy, term_code=term_code
    )
    sef.updated_by = actor
    sef.save()
    changes: dict[str, Any] = {}
    for area, entry in entries.items():
        grade = entry.get("grade", "")
        if not grade:
            SefEntry.objects.filter(sef=sef, area=area).delete()
            continue
        row, created = SefEntry.objects.get_or_create(
            trust_id=academy.trust_id, sef=sef, area=area, defaults={"grade": grade}
        )
        diff = apply_changes(
            row,
            {
                "grade": grade,
                "narrative": entry.get("narrative", "")[:5000],
                "evidence": entry.get("evidence", "")[:2000],
            },
        )
        row.save()
        if area in resolved:
            before = sorted(link.ref for link in row.links.all())  # type: ignore[attr-defined]
            after = sorted(
                SefEvidence(kind=t["kind"], **{k: v for k, v in t.items() if k != "kind"}).ref
                for t in resolved[area]
            )
            if before != after:
                row.links.all().delete()  # type: ignore[attr-defined]
                SefEvidence.objects.bulk_create(
                    SefEvidence(trust_id=academy.trust_id, entry=row, **t) for t in resolved[area]
                )
                diff["links"] = [before, after]
        if diff or created:
            changes[area] = diff.get("grade", [None, grade])
            if "links" in diff:
                changes[f"{area}.links"] = diff["links"]
    audit_record(actor=actor, action="sef.save", target=sef, changes=changes)
    return sef


def evidence_resolve(academy: Academy, ref: str) -> dict[str, Any]:
    """A typed evidence reference, checked to be this academy's (and so this trust's): the
    SefEvidence fields it stands for. Anything else is refused in words."""
    kind, _, value = ref.partition(":")
    refused = ValidationError(f"“{ref}” is not evidence held for {academy.name}.")
    if kind == EvidenceKind.KPI:
        if value not in KPIS:
            raise refused
        return {"kind": kind, "kpi_code": value}
    if kind not in (EvidenceKind.VISIT, EvidenceKind.UPLOAD, EvidenceKind.ROUND):
        raise refused
    try:
        pk = int(value)
    except ValueError:
        raise refused from None
    scope = {"trust_id": academy.trust_id, "pk": pk}
    if kind == EvidenceKind.VISIT:
        visit = Visit.objects.filter(**scope, academy=academy, status=VisitStatus.PUBLISHED).first()
        if visit is None:
            raise refused
        return {"kind": kind, "visit": visit}
    if kind == EvidenceKind.UPLOAD:
        upload = Upload.objects.filter(
            **scope, academy=academy, status=UploadStatus.COMMITTED
        ).first()
        if upload is None:
            raise refused
        return {"kind": kind, "upload": upload}
    round_ = Round.objects.filter(**scope, academies=academy).first()
    if round_ is None:
        raise refused
    return {"kind": kind, "round": round_}


@transaction.atomic
def plan_get_or_create(
    *, actor: User | None, academy: Academy, academic_year: str
) -> ImprovementPlan:
    try:
        AcademicYear.parse(academic_year)
    except TermError as exc:
        raise ValidationError(str(exc)) from None
    plan, created = ImprovementPlan.objects.get_or_create(
        trust_id=academy.trust_id, academy=academy, academic_year=academic_year
    )
    if created:
        audit_record(actor=actor, action="plan.create", target=plan)
    return plan


def support_check(academy: Academy, refs: list[str]) -> list[str]:
    """The support refs, each one of the academy's own options (another academy's or trust's
    commission, programme or arrangement is refused, as is anything made up)."""
    allowed = {ref for _, group in support_options(academy) for ref, _label in group}
    refs = list(dict.fromkeys(str(r) for r in refs))
    wrong = [r for r in refs if r not in allowed]
    if wrong:
        raise ValidationError(f"Not support this academy can be allocated: {', '.join(wrong[:5])}.")
    return refs


@transaction.atomic
def priority_add(
    *,
    actor: User | None,
    plan: ImprovementPlan,
    title: str,
    departure: str,
    arrival: str,
    starts_on: dt.date,
    kpi_code: str = "",
    target: float | None = None,
    trust_priority: TrustPriority | None = None,
    support: str = "",
    support_refs: list[str] | None = None,
    success_criteria: str = "",
    owner: str = "",
) -> PlanPriority:
    refs = support_check(plan.academy, support_refs or [])
    if trust_priority is not None and trust_priority.trust_id != plan.trust_id:
        raise ValidationError("That trust priority is not this trust's.")
    if kpi_code and kpi_code not in KPIS:
        raise ValidationError(f"{kpi_code} is not a KPI in the catalogue.")
    priority = PlanPriority.objects.create(
        trust_id=plan.trust_id,
        plan=plan,
        title=title,
        departure=departure,
        arrival=arrival,
        starts_on=starts_on,
        kpi_code=kpi_code,
        target=target,
        trust_priority=trust_priority,
        support=support,
        support_refs=refs,
        success_criteria=success_criteria,
        owner=owner,
    )
    audit_record(actor=actor, action="plan_priority.add", target=priority)
    return priority


PRIORITY_FIELDS = (
    "title",
    "departure",
    "arrival",
    "starts_on",
    "kpi_code",
    "target",
    "trust_priority",
    "support",
    "support_refs",
    "success_criteria",
    "owner",
)


@transaction.atomic
def priority_update(
    *, actor: User | None, priority: PlanPriority, data: Mapping[str, Any]
) -> PlanPriority:
    """Change a priority's fields (only those given); a trust priority must be the trust's."""
    unknown = set(data) - set(PRIORITY_FIELDS)
    if unknown:
        raise ValidationError(f"Not a field of a priority: {', '.join(sorted(unknown))}.")
    tp = data.get("trust_priority")
    if tp is not None and tp.trust_id != priority.trust_id:
        raise ValidationError("That trust priority is not this trust's.")
    if data.get("kpi_code") and data["kpi_code"] not in KPIS:
        raise ValidationError(f"{data['kpi_code']} is not a KPI in the catalogue.")
    for required in ("title", "departure", "arrival"):
        if required in data and not str(data[required]).strip():
            raise ValidationError(f"The {required} cannot be empty.")
    data = dict(data)
    if "support_refs" in data:
        data["support_refs"] = support_check(priority.plan.academy, data["support_refs"] or [])
    changes = apply_changes(priority, data)
    priority.save()
    audit_record(actor=actor, action="plan_priority.update", target=priority, changes=changes)
    return priority


@transaction.atomic
def plan_action_add(
    *,
    actor: User | None,
    priority: PlanPriority,
    description: str,
    owner: str,
    due_on: dt.date,
    visit_action: VisitAction | None = None,
) -> PlanAction:
    """An action of a priority; a visit's action may be linked, only the same academy's."""
    _check_visit_action(priority, visit_action)
    if not description.strip() or not owner.strip():
        raise ValidationError("Say what the action is and who owns it.")
    action = PlanAction.objects.create(
        trust_id=priority.trust_id,
        priority=priority,
        description=description,
        owner=owner,
        due_on=due_on,
        visit_action=visit_action,
    )
    audit_record(actor=actor, action="plan_action.add", target=action)
    return action


def _check_visit_action(priority: PlanPriority, visit_action: VisitAction | None) -> None:
    if visit_action is not None and (
        visit_action.trust_id != priority.trust_id
        or visit_action.academy_id != priority.plan.academy_id
    ):
        raise ValidationError("That visit action is not this academy's.")


@transaction.atomic
def plan_action_update(
    *,
    actor: User | None,
    action: PlanAction,
    description: str,
    owner: str,
    due_on: dt.date,
    visit_action: VisitAction | None = None,
) -> PlanAction:
    """Change an action's words, owner, due date or the visit action it carries forward."""
    _check_visit_action(action.priority, visit_action)
    if not description.strip() or not owner.strip():
        raise ValidationError("Say what the action is and who owns it.")
    changes = apply_changes(
        action,
        {
            "description": description,
            "owner": owner,
            "due_on": due_on,
            "visit_action": visit_action,
        },
    )
    action.save()
    audit_record(actor=actor, action="plan_action.update", target=action, changes=changes)
    return action


@transaction.atomic
def plan_action_complete(
    *, actor: User | None, action: PlanAction, done: bool = True, on: dt.date | None = None
) -> PlanAction:
    """Mark an action done (dated) or reopen it."""
    changes = apply_changes(
        action, {"done": done, "completed_on": (on or dt.date.today()) if done else None}
    )
    action.save()
    audit_record(
        actor=actor,
        action="plan_action.complete" if done else "plan_action.reopen",
        target=action,
        changes=changes,
    )
    return action


@transaction.atomic
def review_record(
    *,
    actor: User | None,
    priority: PlanPriority,
    reviewed_on: dt.date,
    rag: str,
    evidence: str,
    today: dt.date | None = None,
) -> PlanReview:
    """A half-termly review of one priority: on track / at risk / off track, with evidence."""
    if rag not in Rag.values:
        raise ValidationError("Choose on track, at risk or off track.")
    if not evidence.strip():
        raise ValidationError("Say what the evidence is.")
    if reviewed_on > (today or dt.date.today()):
        raise ValidationError("A review cannot be dated in the future.")
    if reviewed_on < priority.starts_on:
        raise ValidationError("A review cannot be dated before the priority started.")
    review = PlanReview.objects.create(
        trust_id=priority.trust_id,
        priority=priority,
        reviewed_on=reviewed_on,
        rag=rag,
        evidence=evidence[:5000],
        reviewed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor, action="plan_review.record", target=review, changes={"rag": [None, rag]}
    )
    return review


# --- Risk register -------------------------------------------------------------------------


def _risk_history(risk: Risk, actor: User | None, note: str) -> None:
    RiskReview.objects.create(
        trust_id=risk.trust_id,
        risk=risk,
        likelihood=risk.likelihood,
        impact=risk.impact,
        status=risk.status,
        note=note,
        by=actor if actor is not None and actor.is_authenticated else None,
    )


def _check_scales(likelihood: int, impact: int) -> None:
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValidationError("Likelihood and impact are each 1 to 5.")


@transaction.atomic
def risk_add(
    *,
    actor: User | None,
    trust: Trust,
    academy: Academy | None,
    category: str,
    title: str,
    likelihood: int,
    impact: int,
    owner: str = "",
    mitigations: str = "",
    review_on: dt.date | None = None,
) -> Risk:
    if academy is not None and academy.trust_id != trust.pk:
        raise ValidationError("That academy is not this trust's.")
    if category not in RiskCategory.values:
        raise ValidationError("Choose a category.")
    _check_scales(likelihood, impact)
    risk = Risk.objects.create(
        trust=trust,
        academy=academy,
        category=category,
        title=title,
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        mitigations=mitigations,
        review_on=review_on,
        status=RiskStatus.OPEN,
    )
    _risk_history(risk, actor, "Added to the register.")
    audit_record(actor=actor, action="risk.add", target=risk)
    return risk


@transaction.atomic
def risk_decide(
    *,
    actor: User | None,
    risk: Risk,
    decision: str,
    note: str = "",
    likelihood: int | None = None,
    impact: int | None = None,
    owner: str | None = None,
    mitigations: str | None = None,
) -> Risk:
    """Accept or dismiss a suggested risk; review (rescore), or close, an open one."""
    allowed = {
        RiskStatus.SUGGESTED: {"accept": RiskStatus.OPEN, "dismiss": RiskStatus.DISMISSED},
        RiskStatus.OPEN: {"review": RiskStatus.OPEN, "close": RiskStatus.CLOSED},
    }.get(RiskStatus(risk.status), {})
    if decision not in allowed:
        raise ValidationError(f"A {risk.get_status_display().lower()} risk cannot be {decision}ed.")
    data: dict[str, Any] = {"status": allowed[decision]}
    if likelihood is not None or impact is not None:
        _check_scales(likelihood or risk.likelihood, impact or risk.impact)
        data["likelihood"] = likelihood or risk.likelihood
        data["impact"] = impact or risk.impact
    if owner is not None:
        data["owner"] = owner
    if mitigations is not None:
        data["mitigations"] = mitigations
    if decision in ("accept", "dismiss"):
        data["decided_by"] = actor if actor is not None and actor.is_authenticated else None
    changes = apply_changes(risk, data)
    risk.save()
    _risk_history(risk, actor, note or f"{decision.capitalize()}ed.")
    audit_record(
        actor=actor,
        action=f"risk.{decision}",
        target=risk,
        changes={k: v for k, v in changes.items() if k != "decided_by"},
    )
    return risk


def _suggest(
    trust: Trust,
    academy: Academy,
    ref: str,
    title: str,
    source: str,
    likelihood: int,
    category: str = RiskCategory.ACHIEVEMENT,
) -> Risk | None:
    if Risk.objects.filter(trust=trust, source_ref=ref).exists():
        return None
    risk = Risk.objects.create(
        trust=trust,
        academy=academy,
        category=category,
        title=title[:200],
        likelihood=likelihood,
        impact=4,
        status=RiskStatus.SUGGESTED,
        source_ref=ref,
        source=source[:200],
    )
    _risk_history(risk, None, f"Suggested from {source}.")
    return risk


@transaction.atomic
def risk_suggestions_refresh(*, trust: Trust, term_code: str) -> list[Risk]:
    """Achievement risks suggested from the evidence, each once (keyed by its source):

    1. The latest whole-academy placement that proposes Stabilise or Repair (the placement
       engine's floors put an academy there): likelihood 4 for Stabilise, 3 for Repair.
    2. Each KPI or judged area rated at the weakest level (1, "needs attention" or worse) in
       the term's heat map for all pupils: likelihood 3.
    A leader accepts (it joins the register) or dismisses each suggestion.
    """
    made: list[Risk] = []
    seen: set[int] = set()
    for p in Placement.objects.filter(trust=trust, subject="").select_related("academy"):
        if p.academy_id in seen:
            continue
        seen.add(p.academy_id)  # newest first: the placement in force
        if p.phase in ("stabilise", "repair"):
            reason = (p.reasons or [{}])[0]
            text = reason.get("text", "") if isinstance(reason, dict) else str(reason)
            risk = _suggest(
                trust,
                p.academy,
                f"placement:{p.pk}",
                f"Achievement: {p.academy.name} placed in {p.get_proposed_phase_display()}"
                + (f" ({text})" if text else ""),
                f"the placement engine ({TermCode.parse(p.term_code).label})",
                4 if p.phase == "stabilise" else 3,
            )
            if risk:
                made.append(risk)
    labels = {c.code: c.title for c in heatmap_columns()}
    rows = HeatmapRow.objects.filter(trust=trust, term_code=term_code, group="all")
    for row in rows.select_related("academy"):
        for cell in row.cell_list():
            if cell.level != 1 or cell.suppressed:
                continue
            risk = _suggest(
                trust,
                row.academy,
                f"heatmap:{term_code}:{row.academy_id}:{cell.column}",
                f"{row.academy.name}: {labels.get(cell.column, cell.column)} rated "
                f"{cell.rating.lower()}",
                f"the heat map, {term_label(term_code)}",
                3,
                CELL_CATEGORY.get(cell.column, RiskCategory.ACHIEVEMENT),
            )
            if risk:
                made.append(risk)
    if made:
        audit_record(
            actor=None,
            action="risk.suggest",
            changes={"count": [0, len(made)]},
            trust_id=trust.pk,
        )
    return made


@transaction.atomic
def trust_statement_add(
    *,
    actor: User | None,
    trust: Trust,
    term_code: str,
    pillar: str,
    statement: str,
    rating: str,
    evidence: str = "",
) -> TrustStatement:
    """One statement of the trust's twice-yearly self-assessment (autumn and summer), under a
    DfE trust quality descriptor pillar, in the trust's own words."""
    term = TermCode.parse(term_code)
    if term.season.code not in ("autumn", "summer"):
        raise ValidationError("The trust assesses itself twice a year: in autumn and in summer.")
    if pillar not in TrustPillar.values or rating not in DescriptorRating.values:
        raise ValidationError("Choose a pillar and a rating.")
    if not statement.strip():
        raise ValidationError("Enter the statement.")
    assessment, _ = TrustSelfAssessment.objects.get_or_create(trust=trust, term_code=term.code)
    row = TrustStatement.objects.create(
        trust=trust,
        assessment=assessment,
        pillar=pillar,
        statement=statement[:500],
        rating=rating,
        evidence=evidence[:5000],
    )
    audit_record(actor=actor, action="trust_statement.add", target=row)
    return row
