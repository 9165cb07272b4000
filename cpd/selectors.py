"""Permission-aware reads of CPD, and the figures of its dashboard and impact pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from academies.selectors import academy_list_for
from assessment.contracts import KpiFigure
from assessment.kpis.selectors import kpi_figures_for
from assessment.outcomes import effects_as_data, programme_effects, subjects_for_kpis
from partnerships.models import PartnerOrganisation
from phases.selectors import complete_terms_for, current_phases_for
from trust_si.accounts.models import Membership, User
from trust_si.accounts.roles import TRUST_WIDE_ROLES
from trust_si.terms import TermCode

from . import calculations
from .models import (
    AttendanceStatus,
    Domain,
    Enrolment,
    Evaluation,
    Npq,
    Priority,
    Programme,
    Session,
)

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust


def _academy_ids(membership: Membership) -> set[int] | None:
    """None for trust-wide roles (every academy), else the academies the membership covers."""
    if membership.is_trust_wide:
        return None
    return set(academy_list_for(membership).values_list("id", flat=True))


def programme_list_for(membership: Membership) -> QuerySet[Programme]:
    # The catalogue is the trust's: everyone with cpd.view may see what is on offer.
    return (
        Programme.objects.filter(trust_id=membership.trust_id)
        .annotate(session_count=Count("sessions", distinct=True))
        .prefetch_related("priorities")
        .order_by("title")
    )


def programme_get_for(membership: Membership, pk: int) -> Programme:
    programme = programme_list_for(membership).filter(pk=pk).first()
    if programme is None:
        raise Http404("No such programme.")
    return programme


def session_list_for(membership: Membership) -> QuerySet[Session]:
    return Session.objects.filter(trust_id=membership.trust_id).select_related(
        "programme", "leader", "partner", "leading_academy"
    )


def session_get_for(membership: Membership, pk: int) -> Session:
    session = session_list_for(membership).filter(pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    return session


def enrolment_list_for(membership: Membership) -> QuerySet[Enrolment]:
    """Enrolments of the academies the reader covers (people's attendance is per academy)."""
    queryset = Enrolment.objects.filter(trust_id=membership.trust_id).select_related(
        "participant", "academy", "session", "session__programme"
    )
    ids = _academy_ids(membership)
    return queryset if ids is None else queryset.filter(academy_id__in=ids)


def npq_list_for(membership: Membership) -> QuerySet[Npq]:
    queryset = Npq.objects.filter(trust_id=membership.trust_id).select_related("person", "academy")
    ids = _academy_ids(membership)
    return queryset if ids is None else queryset.filter(academy_id__in=ids)


def _rows(enrolments: QuerySet[Enrolment]) -> list[dict[str, str]]:
    labels = {
        "role": dict(Enrolment._meta.get_field("school_role").choices),  # type: ignore[arg-type]
    }
    domains = dict(Domain.choices)
    return [
        {
            "academy": academy,
            "role": labels["role"].get(role, role),
            "domain": domains.get(domain, domain),
            "person": person or email,
            "status": status,
        }
        for academy, role, domain, person, email, status in enrolments.values_list(
            "academy__name",
            "school_role",
            "session__programme__domain",
            "participant__full_name",
            "participant__email",
            "status",
        )
    ]


def phases_by_academy(trust_id: int) -> dict[int, str]:
    """Current phase code per academy ("sustain"...), from the placement engine."""
    return current_phases_for(trust_id=trust_id)


def dashboard_for(membership: Membership) -> dict[str, Any]:
    rows = _rows(enrolment_list_for(membership))
    sessions_led = (
        Session.objects.filter(trust_id=membership.trust_id, leading_academy__isnull=False)
        .annotate(
            attendees=Count("enrolments", filter=Q(enrolments__status=AttendanceStatus.ATTENDED))
        )
        .values_list("leading_academy_id", "leading_academy__name", "attendees")
    )
    return {
        "by_academy": calculations.attendance_by(rows, "academy"),
        "by_role": calculations.attendance_by(rows, "role"),
        "by_domain": calculations.attendance_by(rows, "domain"),
        "capacity": calculations.capacity_given(
            sessions_led, phases_by_academy(membership.trust_id)
        ),
        "npq_count": npq_list_for(membership).count(),
    }


def kpi_figures(
    *, trust_id: int, academy_ids: list[int], term_codes: list[str] | None = None
) -> list[KpiFigure]:
    """The KPI engine's figures (all pupils) for the academies a programme targets."""
    return list(
        kpi_figures_for(
            trust_id=trust_id, academy_ids=academy_ids, term_codes=term_codes, groups=("all",)
        )
    )


def programme_effects_for(
    membership: Membership, programme: Programme, sessions: list[Any], academies: list[Any]
) -> list[dict[str, Any]]:
    """Effect sizes (assessment.effects) of the programme's targeted KPIs for the pupils of its
    academies, from its first session to its last: the same method as commissions and the board
    report."""
    if not sessions or not academies:
        return []
    codes = set(programme.kpi_codes or [])
    for priority in programme.priorities.all():
        codes.update(priority.kpi_codes or [])
    targeted = list(programme.academies.values_list("pk", flat=True))
    by_academy, _ = complete_terms_for(membership.trust_id)
    return programme_effects(
        trust_id=membership.trust_id,
        # Terms complete for a targeted academy: an early partial upload is never the outcome.
        term_codes={t for pk in targeted for t in by_academy.get(pk, set())},
        # Every academy the programme targets takes part (the comparison is the rest), even
        # those outside the reader's scope; the figure is aggregate either way.
        academy_ids=list(programme.academies.values_list("pk", flat=True)),
        subjects=subjects_for_kpis(sorted(codes)),
        starts=timezone.localdate(sessions[0].starts_at),
        ends=timezone.localdate(sessions[-1].ends_at),
        min_n=membership.trust.min_cohort,
    )


def programme_impact(membership: Membership, programme: Programme) -> dict[str, Any]:
    """Evaluations and the KPI movement of targeted academies, for the impact section."""
    ratings = Evaluation.objects.filter(
        trust_id=membership.trust_id, session__programme=programme
    ).values_list("rating", flat=True)
    sessions = list(programme.sessions.order_by("starts_at"))  # type: ignore[attr-defined]
    scope = _academy_ids(membership)
    academies = [a for a in programme.academies.order_by("name") if scope is None or a.id in scope]
    movements: list[calculations.KpiMovement] = []
    if sessions and academies:
        figures = kpi_figures(trust_id=membership.trust_id, academy_ids=[a.id for a in academies])
        codes = set(programme.kpi_codes or [])
        for priority in programme.priorities.all():
            codes.update(priority.kpi_codes or [])
        if codes:
            figures = [f for f in figures if f.kpi_code in codes]
        # Only complete terms: an academy's figure from a term its uploads only partly cover
        # (11 pupils uploaded early) is not its "after", nor is a trust-wide figure from a term
        # most academies have not completed.
        by_academy, most = complete_terms_for(membership.trust_id)
        figures = [
            f
            for f in figures
            if f.term_code in (most if f.academy_id is None else by_academy.get(f.academy_id, ()))
        ]
        movements = calculations.kpi_movement(
            figures,
            starts=timezone.localdate(sessions[0].starts_at),
            ends=timezone.localdate(sessions[-1].ends_at),
        )
    names = {a.id: a.name for a in academies}
    return {
        "effects": programme_effects_for(membership, programme, sessions, academies),
        "evaluations": calculations.evaluation_summary(ratings),
        "comments": Evaluation.objects.filter(
            trust_id=membership.trust_id, session__programme=programme
        )
        .exclude(comment="")
        .order_by("-created_at")[:10],
        "movements": [(names.get(m.academy_id or 0, "Trust"), m) for m in movements],
        "academies": academies,
    }


def npq_get_for(membership: Membership, pk: int) -> Npq:
    npq = npq_list_for(membership).filter(pk=pk).first()
    if npq is None:
        raise Http404("No such NPQ record.")
    return npq


def people_for(membership: Membership) -> QuerySet[Any]:
    """Users the reader may enrol or record an NPQ for: active members of the trust, limited to
    members of the reader's academies for scoped roles (an officer books their schools' staff)."""
    members = Membership.objects.filter(trust_id=membership.trust_id, is_active=True)
    ids = _academy_ids(membership)
    if ids is not None:
        members = members.filter(
            Q(academies__id__in=ids) | Q(role__in=[r.value for r in TRUST_WIDE_ROLES])
        )
    return User.objects.filter(pk__in=members.values("user_id")).order_by("full_name", "email")


def partners_for(membership: Membership) -> QuerySet[Any]:
    """Partner organisations that can lead a session: the trust's own list."""
    return PartnerOrganisation.objects.filter(trust_id=membership.trust_id).order_by("name")


def evaluation_for(membership: Membership, session: Session) -> Evaluation | None:
    return Evaluation.objects.filter(
        trust_id=membership.trust_id, session=session, participant_id=membership.user_id
    ).first()


def attended(membership: Membership, session: Session) -> bool:
    """Whether the reader themself attended the session (only attendees evaluate it)."""
    return Enrolment.objects.filter(
        trust_id=membership.trust_id,
        session=session,
        participant_id=membership.user_id,
        status=AttendanceStatus.ATTENDED,
    ).exists()


def priority_list_for(membership: Membership) -> QuerySet[Priority]:
    return Priority.objects.filter(trust_id=membership.trust_id).order_by("title")


def cpd_summary_for_report(*, trust: Trust, academy: Academy, term_code: str) -> dict[str, Any]:
    """The governors' report: programmes the academy's staff attended this term, counted, never named."""
    rows: dict[tuple[str, str], set[int]] = {}
    # The term's days by the census definition, the same as the report's visits section; the
    # session's day is the local (UK) one, as people booked it.
    enrolments = Enrolment.objects.filter(
        trust_id=trust.pk,
        academy=academy,
        status=AttendanceStatus.ATTENDED,
        session__starts_at__date__range=TermCode.parse(term_code).bounds,
    ).select_related("session__programme")
    for enrolment in enrolments:
        programme = enrolment.session.programme
        rows.setdefault((programme.title, programme.get_domain_display()), set()).add(
            enrolment.participant_id
        )
    led = Session.objects.filter(trust_id=trust.pk, leading_academy=academy).count()
    out = [
        {"programme": title, "domain": domain, "participants": len(people)}
        for (title, domain), people in sorted(rows.items())
    ]
    note = (
        f"Staff of the academy led {led} session{'s' if led != 1 else ''} for the trust."
        if led
        else ""
    )
    return {"rows": out, "note": note or "No CPD attended this term."}


def programme_effects_for_report(*, trust: Any, term_code: str) -> list[dict[str, Any]]:
    """Every programme with targeted KPIs and sessions up to the term's end: its effect sizes
    (aggregate, suppressed) for the board report."""
    last_day = TermCode.parse(term_code).last_day
    out = []
    for programme in Programme.objects.filter(trust_id=trust.pk).prefetch_related("priorities"):
        sessions = [
            s
            for s in programme.sessions.order_by("starts_at")  # type: ignore[attr-defined]
            if timezone.localdate(s.starts_at) <= last_day
        ]
        codes = set(programme.kpi_codes or [])
        for priority in programme.priorities.all():
            codes.update(priority.kpi_codes or [])
        academy_ids = list(programme.academies.values_list("pk", flat=True))
        subjects = subjects_for_kpis(sorted(codes))
        if not sessions or not academy_ids or not subjects:
            continue
        rows = programme_effects(
            trust_id=trust.pk,
            academy_ids=academy_ids,
            subjects=subjects,
            starts=timezone.localdate(sessions[0].starts_at),
            ends=timezone.localdate(sessions[-1].ends_at),
            min_n=trust.min_cohort,
        )
        out.append(
            {"title": programme.title, "kind": "CPD programme", "effects": effects_as_data(rows)}
        )
    return out
