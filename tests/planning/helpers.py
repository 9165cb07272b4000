import datetime as dt

from planning import services
from trust_si.accounts.roles import Role

START = dt.date(2025, 9, 8)


def make_plan(tw, *, title="Reading fluency", reviews=()):
    """A SEF, a plan with one priority (with reviews on the given dates), and one open risk."""
    academy = tw.academies[0]
    head = tw.user(Role.SCHOOL_STAFF)
    with tw.scope():
        services.sef_save(
            actor=head,
            academy=academy,
            term_code="2025-26-autumn",
            entries={"achievement": {"grade": "strong_standard", "narrative": "Our view"}},
        )
        plan = services.plan_get_or_create(actor=head, academy=academy, academic_year="2025-26")
        priority = services.priority_add(
            actor=head,
            plan=plan,
            title=title,
            departure="Below national",
            arrival="At national",
            starts_on=START,
        )
        for d in reviews:
            services.review_record(
                actor=head, priority=priority, reviewed_on=d, rag="at_risk", evidence="Books"
            )
        risk = services.risk_add(
            actor=tw.user(Role.TRUST_LEADER),
            trust=tw.trust,
            academy=academy,
            category="achievement",
            title=f"{title} risk",
            likelihood=3,
            impact=4,
        )
    return plan, priority, risk


def make_visit_action(tw, academy=None, *, description="Phonics catch-up groups daily"):
    """A published visit at the academy with one action (rows made directly: the visit's own
    services are tested in tests/visits)."""
    from visits.models import Action, Visit, VisitStatus, VisitType

    academy = academy or tw.academies[0]
    with tw.scope():
        kind, _ = VisitType.objects.get_or_create(
            trust=tw.trust, code="walk", defaults={"name": "Learning walk"}
        )
        visit = Visit.objects.create(
            trust=tw.trust,
            academy=academy,
            visit_type=kind,
            date=dt.date(2025, 11, 12),
            status=VisitStatus.PUBLISHED,
        )
        action = Action.objects.create(
            trust=tw.trust,
            visit=visit,
            academy=academy,
            description=description,
            owner="Phonics lead",
            due_on=dt.date(2026, 1, 30),
        )
    return visit, action
