import datetime as dt

from tests.isolation import Case
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from visits.services import action_create, visit_create, visit_publish, visit_types_ensure

OFFICER = Role.IMPROVEMENT_OFFICER


def setup(world):
    for tw in (world.a, world.b):
        with tw.scope():
            types = visit_types_ensure(trust=tw.trust)
            visit = visit_create(
                actor=tw.user(OFFICER),
                academy=tw.academies[0],
                visit_type=types[0],
                date=dt.date(2026, 1, 10),
                strengths="Calm corridors",
            )
            tw.extra["visit"] = visit
            tw.extra["action"] = action_create(
                actor=tw.user(OFFICER),
                visit=visit,
                description="Do it",
                owner="Head",
                due_on=dt.date(2026, 2, 1),
            )
            officer = Membership.objects.get(user=tw.user(OFFICER))
            visit_publish(actor=tw.user(OFFICER), membership=officer, visit=visit)


def visit_pk(tw):
    return {"pk": tw.extra["visit"].pk}


def action_pk(tw):
    return {"pk": tw.extra["action"].pk}


CASES = [
    Case("visits:list", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case("visits:programme", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case("visits:programme", method="post", allowed_role=Role.TRUST_LEADER, forbidden_role=OFFICER),
    Case("visits:calendar", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case("visits:types", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case(
        "visits:types",
        method="post",
        data=lambda tw: {"name": "Reading review"},
        allowed_role=Role.TRUST_ADMIN,
        forbidden_role=OFFICER,
    ),
    Case("visits:create", allowed_role=OFFICER, forbidden_role=Role.SCHOOL_STAFF),
    Case(
        "visits:create",
        method="post",
        data=lambda tw: {"date": "x"},
        ok_statuses=(400,),
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case("visits:detail", kwargs=visit_pk, allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case("visits:edit", kwargs=visit_pk, allowed_role=OFFICER, forbidden_role=Role.SCHOOL_STAFF),
    Case(
        "visits:autosave",
        kwargs=visit_pk,
        method="post",
        data=lambda tw: {"date": "2026-01-10", "strengths": "More"},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "visits:action_add",
        kwargs=visit_pk,
        method="post",
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "visits:respond",
        kwargs=visit_pk,
        method="post",
        data=lambda tw: {"response": "ok"},
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=OFFICER,
    ),
    Case("visits:pdf", kwargs=visit_pk, allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case(
        "visits:action_status",
        kwargs=action_pk,
        method="post",
        data=lambda tw: {"status": "done"},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("visits_api:visit-list", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case(
        "visits_api:visit-detail",
        kwargs=visit_pk,
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "visits_api:visit-detail",
        kwargs=visit_pk,
        method="patch",
        data=lambda tw: {"strengths": "x"},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("visits_api:action-list", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
    Case(
        "visits_api:action-detail",
        kwargs=action_pk,
        method="patch",
        data=lambda tw: {"status": "done"},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("visits_api:programme-list", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR),
]
