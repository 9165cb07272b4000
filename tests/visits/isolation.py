import datetime as dt

from tests.isolation import Case, sentinel
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from visits.models import ProgrammeEntry
from visits.services import (
    action_create,
    programme_generate,
    visit_create,
    visit_publish,
    visit_type_add,
    visit_types_ensure,
)

OFFICER = Role.IMPROVEMENT_OFFICER


def setup(world):
    for tw in (world.a, world.b):
        with tw.scope():
            types = visit_types_ensure(trust=tw.trust)
            tw.extra["visit_type"] = visit_type_add(
                actor=tw.user(Role.TRUST_ADMIN), trust=tw.trust, name=sentinel(tw, "Visit Type")
            )
            visit = visit_create(
                actor=tw.user(OFFICER),
                academy=tw.academies[0],
                visit_type=types[0],
                date=dt.date(2026, 1, 10),
                strengths=sentinel(tw, "Strengths"),
            )
            tw.extra["visit"] = visit
            tw.extra["action"] = action_create(
                actor=tw.user(OFFICER),
                visit=visit,
                description=sentinel(tw, "Action"),
                owner="Head",
                due_on=dt.date(2026, 2, 1),
            )
            officer = Membership.objects.get(user=tw.user(OFFICER))
            visit_publish(actor=tw.user(OFFICER), membership=officer, visit=visit)
            programme_generate(
                actor=tw.user(Role.TRUST_LEADER),
                trust=tw.trust,
                academic_year="2025-26",
                academies=tw.academies,
            )
            entry = ProgrammeEntry.objects.filter(
                academy=tw.academies[0], term="spring", visit_type__isnull=True
            ).first()
            tw.extra["entry"] = entry
            tw.extra["planned"] = list(entry.planned_visits.all())
            tw.extra["officer_membership"] = officer


def visit_pk(tw):
    return {"pk": tw.extra["visit"].pk}


def action_pk(tw):
    return {"pk": tw.extra["action"].pk}


def _new_visit(tw) -> dict:
    return {
        "academy": tw.academies[0].pk,
        "visit_type": tw.extra["visit_type"].pk,
        "date": "2026-03-02",
    }


def _new_visit_api(tw) -> dict:
    return {
        "academy": tw.academies[0].urn,
        "visit_type": tw.extra["visit_type"].code,
        "date": "2026-03-03",
    }


CASES = [
    Case(
        "visits:list",
        allowed_role=OFFICER,
        # Every role reads published visits (governors since issue 15): none is refused.
        query_ids=lambda tw: {"academy": tw.academies[0].urn},
        shows_sentinel=True,
    ),
    Case(
        "visits:programme",
        data=lambda tw: {"year": "2025-26"},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case("visits:programme", method="post", allowed_role=Role.TRUST_LEADER, forbidden_role=OFFICER),
    Case(
        "visits:programme_entry",
        kwargs=lambda tw: {"pk": tw.extra["entry"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "visits:programme_entry",
        kwargs=lambda tw: {"pk": tw.extra["entry"].pk},
        method="post",
        data=lambda tw: {
            "owner": tw.extra["officer_membership"].pk,
            "note": "",
            **{f"date_{p.pk}": "2026-02-11" for p in tw.extra["planned"]},
        },
        body_ids=lambda tw: {"owner": tw.extra["officer_membership"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "visits:planned_start",
        kwargs=lambda tw: {"pk": tw.extra["planned"][0].pk},
        method="post",
        data=lambda tw: {"visit_type": tw.extra["visit_type"].pk},
        ignored_body_ids=lambda tw: {"visit_type": tw.extra["visit_type"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.EXTERNAL_PARTNER,
    ),
    Case(
        "visits:calendar",
        data=lambda tw: {"month": "2026-1"},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case("visits:types", allowed_role=OFFICER, forbidden_role=Role.GOVERNOR, shows_sentinel=True),
    Case(
        "visits:types",
        method="post",
        data=lambda tw: {"name": "Reading review"},
        allowed_role=Role.TRUST_ADMIN,
        forbidden_role=OFFICER,
    ),
    Case(
        "visits:create",
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
        shows_sentinel=True,
    ),
    Case(
        "visits:create",
        method="post",
        data=_new_visit,
        body_ids=lambda tw: {
            "academy": tw.academies[0].pk,
            "visit_type": tw.extra["visit_type"].pk,
        },
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "visits:detail",
        kwargs=visit_pk,
        allowed_role=OFFICER,
        shows_sentinel=True,
    ),
    Case(
        "visits:edit",
        kwargs=visit_pk,
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
        shows_sentinel=True,
    ),
    Case(
        "visits:edit",
        kwargs=visit_pk,
        method="post",
        data=lambda tw: {"date": "2026-01-10", "strengths": "Edited"},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
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
        # A complete action: a refused one now answers 400 with the form (what was typed kept).
        data=lambda tw: {
            "description": "Phonics catch-up",
            "owner": "Ms Reid",
            "due_on": "2026-02-01",
        },
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    # Responses are read only for the visit's own actions: another trust's action is ignored.
    Case(
        "visits:respond",
        kwargs=visit_pk,
        method="post",
        data=lambda tw: {"response": "ok"},
        ignored_body_ids=lambda tw: {f"action_{tw.extra['action'].pk}": "Forged reply"},
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=OFFICER,
    ),
    Case(
        "visits:pdf",
        kwargs=visit_pk,
        allowed_role=OFFICER,
        shows_sentinel=True,
    ),
    Case(
        "visits:action_status",
        kwargs=action_pk,
        method="post",
        data=lambda tw: {"status": "done"},
        body_ids=lambda tw: {"at_visit": tw.extra["visit"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "visits_api:visit-list",
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        query_ids=lambda tw: {"urn": tw.academies[0].urn},
        shows_sentinel=True,
    ),
    Case(
        "visits_api:visit-list",
        method="post",
        data=_new_visit_api,
        body_ids=lambda tw: {
            "academy": tw.academies[0].urn,
            "visit_type": tw.extra["visit_type"].code,
        },
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "visits_api:visit-detail",
        kwargs=visit_pk,
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "visits_api:visit-detail",
        kwargs=visit_pk,
        method="patch",
        data=lambda tw: {"strengths": "x"},
        # A visit keeps its academy and type: the fields are read on create only.
        ignored_body_ids=lambda tw: {
            "academy": tw.academies[0].urn,
            "visit_type": tw.extra["visit_type"].code,
        },
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "visits_api:action-list",
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "visits_api:action-detail",
        kwargs=action_pk,
        method="patch",
        data=lambda tw: {"status": "done"},
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "visits_api:programme-list",
        data=lambda tw: {"year": "2025-26"},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
]
