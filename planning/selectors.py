"""Permission-aware reads of planning: every query filters by trust explicitly, and by the
membership's academies."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Q, QuerySet
from django.http import Http404

from academies.models import Academy, InspectionArea, ReportCardGrade
from academies.selectors import academy_list_for
from assessment.kpis.catalogue import KPIS
from assessment.models import Upload, UploadStatus
from cpd.models import Priority as TrustPriority
from cpd.models import Programme
from moderation.models import Round
from partnerships.models import Commission
from phases.config import phases_for
from phases.models import Judgement, JudgementSource, Placement, SupportArrangement
from trust_si.terms import AcademicYear, TermCode, term_label, term_sort_key
from visits.models import Action as VisitAction
from visits.models import Visit, VisitStatus

from .models import (
    EvidenceKind,
    ImprovementPlan,
    PlanAction,
    PlanPriority,
    PlanReview,
    Risk,
    RiskStatus,
    SefEvidence,
    SelfEvaluation,
    TrustSelfAssessment,
)
from .schedule import ReviewSchedule, review_schedule

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership
    from trust_si.tenancy.models import Trust

GRADE_RANK = {
    ReportCardGrade.EXCEPTIONAL.value: 5,
    ReportCardGrade.STRONG.value: 4,
    ReportCardGrade.EXPECTED.value: 3,
    ReportCardGrade.NEEDS_ATTENTION.value: 2,
    ReportCardGrade.URGENT.value: 1,
}
GRADE_LABEL = dict(ReportCardGrade.choices)
AREA_LABEL = dict(InspectionArea.choices)
RAG_COLOUR = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}


def difference_words(self_grade: str, other_grade: str) -> str:
    """'the same', 'one grade more generous', 'two grades more severe' (the school's view
    against the other judgement)."""
    gap = GRADE_RANK.get(self_grade, 0) - GRADE_RANK.get(other_grade, 0)
    if gap == 0:
        return "the same"
    count = {1: "one grade", 2: "two grades", 3: "three grades", 4: "four grades"}[abs(gap)]
    return f"{count} {'more generous' if gap > 0 else 'more severe'}"


def academy_ids_for(membership: Membership) -> list[int]:
    return list(academy_list_for(membership).values_list("pk", flat=True))


# --- SEF -------------------------------------------------------------------------------------


def sef_list_for(membership: Membership) -> QuerySet[SelfEvaluation]:
    return SelfEvaluation.objects.filter(
        trust_id=membership.trust_id, academy_id__in=academy_ids_for(membership)
    ).select_related("academy")


def sef_latest(academy: Academy) -> SelfEvaluation | None:
    sefs = list(SelfEvaluation.objects.filter(trust_id=academy.trust_id, academy=academy))
    sefs.sort(key=lambda s: term_sort_key(s.term_code))
    return sefs[-1] if sefs else None


def _days(days: Any) -> str:
    """ "1 day", "3 days", "2.5 days" (a Decimal's trailing zeros dropped)."""
    n = f"{Decimal(days).normalize():f}"
    return f"{n} day" if n == "1" else f"{n} days"


def support_options(academy: Academy) -> list[tuple[str, list[tuple[str, str]]]]:
    """The trust support a priority can be allocated, grouped for the form: the offer of the
    phase the academy is placed in (its latest whole-academy placement), the trust's CPD
    programmes, the partners' commissions the academy is in (with their days), and days lent by
    another academy (active support arrangements it receives)."""
    placement = (
        Placement.objects.filter(trust_id=academy.trust_id, academy=academy, subject="")
        .order_by("-computed_at", "-id")
        .first()
    )
    offer: list[tuple[str, str]] = []
    if placement is not None and placement.phase:
        info = phases_for(academy.trust.config).get(placement.phase)
        if info is not None:
            offer = [
                (f"offer:{info.code}:{n}", f"{info.name} offer: {item}")
                for n, item in enumerate(info.offer)
            ]
    programmes = [
        (f"programme:{p.pk}", f"CPD: {p.title}")
        for p in Programme.objects.filter(trust_id=academy.trust_id).order_by("title")[:60]
    ]
    commissions = [
        (
            f"commission:{c.pk}",
            f"{c.partner.name}: {c.title} ({_days(c.days_per_academy)} per academy)",
        )
        for c in Commission.objects.filter(trust_id=academy.trust_id, academies=academy)
        .select_related("partner")
        .order_by("starts_on")[:40]
    ]
    arrangements = [
        (f"arrangement:{a.pk}", f"{_days(a.days)} of {a.subject} from {a.giver.name}")
        for a in SupportArrangement.objects.filter(
            trust_id=academy.trust_id, taker=academy, status="active"
        ).select_related("giver")[:40]
    ]
    return [
        (label, options)
        for label, options in (
            ("The phase's offer", offer),
            ("CPD programmes", programmes),
            ("Partners' commissions", commissions),
            ("Days from another academy", arrangements),
        )
        if options
    ]


def support_labels(academy: Academy, refs: list[str]) -> list[str]:
    """The allocated support in words, in the order picked (a ref no longer offered is left
    out: an offer item the trust reworded, a commission that ended)."""
    words = {ref: label for _, group in support_options(academy) for ref, label in group}
    return [words[r] for r in refs if r in words]


def evidence_options(academy: Academy) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a SEF entry can link to, grouped for the form: the KPIs of the academy's phase,
    its published visits, its confirmed uploads and the moderation rounds it took part in."""
    phase = academy.phase_of_education
    secondary = phase not in ("nursery", "first", "primary")
    primary = phase not in ("secondary", "16_plus")
    kpis = [
        (f"kpi:{k.code}", k.label)
        for k in KPIS.values()
        if (k.key_stage == "KS4" and secondary)
        or (k.key_stage in ("EYFS", "KS1", "KS2") and primary)
        or k.key_stage not in ("EYFS", "KS1", "KS2", "KS4")
    ]
    visits = [
        (f"visit:{v.pk}", f"{v.visit_type} on {v.date:%-d %b %Y}")
        for v in Visit.objects.filter(
            trust_id=academy.trust_id, academy=academy, status=VisitStatus.PUBLISHED
        ).select_related("visit_type")[:40]
    ]
    uploads = [
        (f"upload:{u.pk}", f"{u.get_kind_display()}, {term_label(u.term.code)}")
        for u in Upload.objects.filter(
            trust_id=academy.trust_id, academy=academy, status=UploadStatus.COMMITTED
        ).select_related("term")[:40]
    ]
    rounds = [
        (f"round:{r.pk}", r.name)
        for r in Round.objects.filter(trust_id=academy.trust_id, academies=academy)[:40]
    ]
    return [
        (label, options)
        for label, options in (
            ("KPIs", kpis),
            ("Visits", visits),
            ("Uploads", uploads),
            ("Moderation rounds", rounds),
        )
        if options
    ]


def evidence_link(link: SefEvidence) -> dict[str, Any]:
    """A link in words, with the route and the argument that open it."""
    if link.kind == EvidenceKind.KPI:
        kpi = KPIS.get(link.kpi_code)
        return {"kind": "KPI", "text": kpi.label if kpi else link.kpi_code, "route": "kpi"}
    if link.kind == EvidenceKind.VISIT and link.visit is not None:
        v = link.visit
        return {"kind": "Visit", "text": f"{v.visit_type} on {v.date:%-d %b %Y}", "pk": v.pk}
    if link.kind == EvidenceKind.UPLOAD and link.upload is not None:
        u = link.upload
        text = f"{u.get_kind_display()}, {term_label(u.term.code)}"
        return {"kind": "Upload", "text": text, "pk": u.pk}
    r = link.round
    return {"kind": "Moderation round", "text": r.name if r else "", "pk": link.round_id}


def _latest_judgements(academy: Academy, before: dt.date | None = None) -> dict[str, Judgement]:
    """The latest visit and the latest inspection judgement of each area (keys 'visit:<area>',
    'inspection:<area>')."""
    qs = Judgement.objects.filter(
        trust_id=academy.trust_id,
        academy=academy,
        source__in=[JudgementSource.VISIT, JudgementSource.INSPECTION],
    ).order_by("-judged_on", "-id")
    if before is not None:
        qs = qs.filter(judged_on__lte=before)
    latest: dict[str, Judgement] = {}
    for j in qs:
        latest.setdefault(f"{j.source}:{j.area}", j)
    return latest


def sef_validation(academy: Academy, sef: SelfEvaluation | None) -> list[dict[str, Any]]:
    """Seed 003 §1c, validating internal judgements: for each area the school judged, its grade
    beside the latest visit and inspection judgement, and the difference in words."""
    if sef is None:
        return []
    latest = _latest_judgements(academy)
    rows = []
    entries = sef.entries.prefetch_related(  # type: ignore[attr-defined]
        "links__visit__visit_type", "links__upload__term", "links__round"
    )
    for entry in entries:
        row: dict[str, Any] = {
            "area": AREA_LABEL.get(entry.area, entry.area),
            "grade": GRADE_LABEL.get(entry.grade, entry.grade),
            "narrative": entry.narrative,
            "evidence": entry.evidence,
            "links": [evidence_link(link) for link in entry.links.all()],
            "comparisons": [],
        }
        for source, word in (("visit", "visit"), ("inspection", "inspection")):
            j = latest.get(f"{source}:{entry.area}")
            if j is None or j.grade not in GRADE_RANK:
                continue
            diff = difference_words(entry.grade, j.grade)
            row["comparisons"].append(
                {
                    "source": word,
                    "date": j.judged_on,
                    "grade": GRADE_LABEL.get(j.grade, j.grade),
                    "difference": diff,
                    "agrees": diff == "the same",
                    "text": f"School judges {GRADE_LABEL[entry.grade]}; {word} of "
                    f"{j.judged_on:%-d %b %Y} judged {GRADE_LABEL.get(j.grade, j.grade)} "
                    f"({diff})",
                }
            )
        rows.append(row)
    return rows


def sef_accuracy_for(membership: Membership) -> list[dict[str, Any]]:
    """How accurate each school's self-evaluation has been over time: each SEF entry against the
    first visit or inspection judgement of that area made after the SEF's term began (within a
    year); agreed, more generous or more severe."""
    by_academy: dict[int, dict[str, Any]] = {}
    judgements: dict[int, list[Judgement]] = defaultdict(list)
    ids = academy_ids_for(membership)
    for j in Judgement.objects.filter(
        trust_id=membership.trust_id,
        academy_id__in=ids,
        source__in=[JudgementSource.VISIT, JudgementSource.INSPECTION],
    ).order_by("judged_on", "id"):
        judgements[j.academy_id].append(j)
    for sef in sef_list_for(membership).prefetch_related("entries"):
        start = TermCode.parse(sef.term_code).first_day
        line = by_academy.setdefault(
            sef.academy_id,
            {"academy": sef.academy, "sefs": 0, "compared": 0, "agreed": 0, "generous": 0},
        )
        line["sefs"] += 1
        for entry in sef.entries.all():  # type: ignore[attr-defined]
            match = next(
                (
                    j
                    for j in judgements[sef.academy_id]
                    if j.area == entry.area
                    and start <= j.judged_on <= start + dt.timedelta(days=365)
                    and j.grade in GRADE_RANK
                ),
                None,
            )
            if match is None:
                continue
            line["compared"] += 1
            gap = GRADE_RANK[entry.grade] - GRADE_RANK[match.grade]
            line["agreed"] += gap == 0
            line["generous"] += gap > 0
    out = sorted(by_academy.values(), key=lambda r: r["academy"].name)
    for line in out:
        line["accuracy"] = (
            round(100 * line["agreed"] / line["compared"]) if line["compared"] else None
        )
    return out


# --- Plans and reviews ------------------------------------------------------------------------


def plan_list_for(membership: Membership) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.filter(
        trust_id=membership.trust_id, academy_id__in=academy_ids_for(membership)
    ).select_related("academy")


def priority_get_for(membership: Membership, pk: int) -> PlanPriority:
    priority = (
        PlanPriority.objects.filter(
            trust_id=membership.trust_id,
            plan__academy_id__in=academy_ids_for(membership),
            pk=pk,
        )
        .select_related("plan__academy")
        .first()
    )
    if priority is None:
        raise Http404("No such priority.")
    return priority


def action_get_for(membership: Membership, pk: int) -> PlanAction:
    action = (
        PlanAction.objects.filter(
            trust_id=membership.trust_id,
            priority__plan__academy_id__in=academy_ids_for(membership),
            pk=pk,
        )
        .select_related("priority__plan__academy", "visit_action")
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def visit_actions_for(academy: Academy) -> QuerySet[VisitAction]:
    """The academy's visit actions a plan action can carry forward (its own only)."""
    return VisitAction.objects.filter(trust_id=academy.trust_id, academy=academy).order_by(
        "-due_on", "-id"
    )


def schedule_for(priority: PlanPriority, today: dt.date) -> ReviewSchedule:
    dates = [r.reviewed_on for r in priority.reviews.all()]  # type: ignore[attr-defined]
    year_end = AcademicYear.parse(priority.plan.academic_year).terms()[-1].last_day
    return review_schedule(
        starts_on=priority.starts_on, reviews=dates, today=today, ends_on=year_end
    )


def plan_detail(plan: ImprovementPlan | None, today: dt.date) -> list[dict[str, Any]]:
    if plan is None:
        return []
    rows = []
    # The academy's support options, read once for every priority's labels.
    words = {ref: label for _, group in support_options(plan.academy) for ref, label in group}
    for p in plan.priorities.select_related("trust_priority", "plan").prefetch_related(  # type: ignore[attr-defined]
        "reviews", "actions__visit_action__visit"
    ):
        reviews = list(p.reviews.all())
        latest = reviews[0] if reviews else None
        rows.append(
            {
                "priority": p,
                "reviews": reviews,
                "latest": latest,
                "colour": RAG_COLOUR.get(latest.rag, "grey") if latest else "grey",
                "actions": list(p.actions.all()),
                "support": [words[r] for r in p.support_refs or [] if r in words],
                "schedule": schedule_for(p, today),
                "ended": AcademicYear.parse(plan.academic_year).terms()[-1].last_day < today,
            }
        )
    return rows


def current_plan(academy: Academy, today: dt.date) -> ImprovementPlan | None:
    year = AcademicYear.for_date(today).code
    plans = ImprovementPlan.objects.filter(trust_id=academy.trust_id, academy=academy)
    return plans.filter(academic_year=year).first() or plans.order_by("-academic_year").first()


class PriorityRow(NamedTuple):
    """The few columns of a priority the overdue lists show (read as rows, not instances)."""

    pk: int
    title: str


class AcademyRow(NamedTuple):
    pk: int
    urn: str
    name: str


def overdue_reviews_for(membership: Membership, today: dt.date) -> list[dict[str, Any]]:
    """Every priority in the membership's academies with a half term that ended unreviewed.

    Read as rows (two queries, the academies a subquery): the dashboard and the planning overview
    show only the titles, academies and half terms, and model instances cost most of the page."""
    rows = list(
        PlanPriority.objects.filter(
            trust_id=membership.trust_id,
            plan__academy_id__in=academy_list_for(membership).values("pk"),  # a subquery
        ).values_list(
            "pk",
            "title",
            "starts_on",
            "plan__academic_year",
            "plan__academy_id",
            "plan__academy__urn",
            "plan__academy__name",
        )
    )
    dates: dict[int, list[dt.date]] = defaultdict(list)
    if rows:
        for priority_id, reviewed_on in (
            PlanReview.objects.filter(
                trust_id=membership.trust_id, priority_id__in=[r[0] for r in rows]
            )
            .order_by()
            .values_list("priority_id", "reviewed_on")
        ):
            dates[priority_id].append(reviewed_on)
    year_ends: dict[str, dt.date] = {}
    academies: dict[int, AcademyRow] = {}
    out = []
    for pk, title, starts_on, year, academy_id, urn, name in rows:
        if year not in year_ends:
            year_ends[year] = AcademicYear.parse(year).terms()[-1].last_day
        schedule = review_schedule(
            starts_on=starts_on, reviews=dates.get(pk, ()), today=today, ends_on=year_ends[year]
        )
        if schedule.is_overdue:
            academy = academies.setdefault(academy_id, AcademyRow(academy_id, urn, name))
            out.append(
                {
                    "priority": PriorityRow(pk, title),
                    "academy": academy,
                    "overdue": schedule.overdue,
                    "since": schedule.overdue[0].last_day,
                }
            )
    return sorted(out, key=lambda r: (r["since"], r["academy"].name))


def trust_priority_coverage(membership: Membership) -> list[dict[str, Any]]:
    """'9 of 12 academies have a priority on ...': academies whose plan links each trust priority."""
    ids = academy_ids_for(membership)
    linked: dict[int, set[int]] = defaultdict(set)
    for tp, academy in PlanPriority.objects.filter(
        trust_id=membership.trust_id, plan__academy_id__in=ids, trust_priority__isnull=False
    ).values_list("trust_priority_id", "plan__academy_id"):
        linked[tp].add(academy)
    return [
        {
            "priority": tp,
            "count": len(linked[tp.pk]),
            "of": len(ids),
            "text": f"{len(linked[tp.pk])} of {len(ids)} academies have a priority on "
            f"{tp.title[0].lower() + tp.title[1:]}",
        }
        for tp in TrustPriority.objects.filter(trust_id=membership.trust_id).order_by("title")
    ]


# --- Risks -------------------------------------------------------------------------------------


def risk_list_for(membership: Membership) -> QuerySet[Risk]:
    """The trust's risks (academy empty) for trust-wide roles, and the academies' in scope."""
    ids = academy_ids_for(membership)
    scope = Q(academy_id__in=ids)
    if membership.is_trust_wide:
        scope |= Q(academy__isnull=True)
    return Risk.objects.filter(scope, trust_id=membership.trust_id).select_related("academy")


def risk_get_for(membership: Membership, pk: int) -> Risk:
    risk = risk_list_for(membership).filter(pk=pk).first()
    if risk is None:
        raise Http404("No such risk.")
    return risk


def risk_matrix(risks: list[Risk]) -> list[dict[str, Any]]:
    """The 5x5 heat grid of open risks: rows impact 5..1, columns likelihood 1..5, counts."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for r in risks:
        if r.status == RiskStatus.OPEN:
            counts[(r.impact, r.likelihood)] += 1
    return [
        {
            "impact": impact,
            "cells": [
                {"likelihood": lk, "count": counts[(impact, lk)], "score": impact * lk}
                for lk in range(1, 6)
            ],
        }
        for impact in range(5, 0, -1)
    ]


# --- For the governor and board reports (aggregate only, never pupil-level) --------------------


def planning_summary_for_report(
    *, trust: Trust, academy: Academy, term_code: str
) -> dict[str, Any]:
    """The academy's SEF against visits, its plan's priorities with the latest review, and its
    open risks, for the governor report."""
    today = min(dt.date.today(), TermCode.parse(term_code).last_day)
    sef = sef_latest(academy)
    plan = current_plan(academy, today)
    priorities = [
        {
            "title": row["priority"].title,
            "arrival": row["priority"].arrival,
            "rag": row["latest"].get_rag_display() if row["latest"] else "Not reviewed yet",
            "reviewed_on": f"{row['latest'].reviewed_on:%-d %b %Y}" if row["latest"] else "",
            "reviews": len(row["reviews"]),
            "overdue": len(row["schedule"].overdue),
        }
        for row in plan_detail(plan, today)
    ]
    sef_rows = [
        {
            "area": r["area"],
            "grade": r["grade"],
            "check": "; ".join(c["text"] for c in r["comparisons"]) or "No visit or inspection yet",
        }
        for r in sef_validation(academy, sef)
    ]
    risks = [
        {
            "title": r.title,
            "category": r.get_category_display(),
            "rating": r.rating,
            "score": r.score,
        }
        for r in Risk.objects.filter(trust=trust, academy=academy, status=RiskStatus.OPEN)
    ]
    return {
        "sef_term": TermCode.parse(sef.term_code).label if sef else "",
        "sef": sef_rows,
        "priorities": priorities,
        "risks": risks,
        "note": "" if (sef_rows or priorities) else "No self-evaluation or plan recorded yet.",
    }


def risks_for_board(*, trust: Trust) -> list[dict[str, Any]]:
    rows = Risk.objects.filter(trust=trust, status=RiskStatus.OPEN).select_related("academy")
    ordered = sorted(rows, key=lambda r: (-r.score, r.title))
    return [
        {
            "title": r.title,
            "academy": r.academy.name if r.academy else "Trust",
            "category": r.get_category_display(),
            "likelihood": r.likelihood,
            "impact": r.impact,
            "rating": f"{r.rating} ({r.score})",
            "owner": r.owner,
        }
        for r in ordered[:15]
    ]


def reviews_recent(membership: Membership) -> QuerySet[PlanReview]:
    return PlanReview.objects.filter(
        trust_id=membership.trust_id, priority__plan__academy_id__in=academy_ids_for(membership)
    ).select_related("priority__plan__academy")


def trust_assessments_for(membership: Membership) -> list[TrustSelfAssessment]:
    """The trust's self-assessments, newest first, each with its statements."""
    rows = list(
        TrustSelfAssessment.objects.filter(trust_id=membership.trust_id).prefetch_related(
            "statements"
        )
    )
    return sorted(rows, key=lambda a: term_sort_key(a.term_code), reverse=True)
