import datetime as dt

from phases.models import Placement
from tests.isolation import Case
from trust_si.accounts.roles import Role


def setup(world):
    for tw in (world.a, world.b):
        with tw.scope():
            tw.extra["placement"] = Placement.objects.create(
                trust=tw.trust,
                academy=tw.academies[0],
                term_code="2025-26-summer",
                proposed_phase="improve",
                reasons=[{"rule": "kpi", "text": "x", "level": 3}],
            )
            tw.extra["judged_on"] = dt.date(2026, 1, 1)


def urn(tw):
    return {"urn": tw.academies[0].urn}


CASES = [
    Case(
        "phases:recompute_status",
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case("phases:heatmap", allowed_role=Role.TRUST_LEADER, forbidden_role=Role.GOVERNOR),
    Case(
        "phases:matching", allowed_role=Role.IMPROVEMENT_OFFICER, forbidden_role=Role.SCHOOL_STAFF
    ),
    Case("phases:settings", allowed_role=Role.TRUST_ADMIN, forbidden_role=Role.TRUST_LEADER),
    Case(
        "phases_api:heatmap", allowed_role=Role.TRUST_LEADER, forbidden_role=Role.EXTERNAL_PARTNER
    ),
    Case("phases:list", allowed_role=Role.TRUST_LEADER, forbidden_role=Role.GOVERNOR),
    Case(
        "phases:recompute",
        method="post",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "phases:detail",
        kwargs=urn,
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "phases:decide",
        kwargs=lambda tw: {"pk": tw.extra["placement"].pk},
        method="post",
        data=lambda tw: {},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case("phases_api:placement-list", allowed_role=Role.TRUST_LEADER, forbidden_role=Role.GOVERNOR),
    Case(
        "phases_api:placement-history",
        kwargs=urn,
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("phases_api:judgement-list", allowed_role=Role.TRUST_LEADER, forbidden_role=Role.GOVERNOR),
    Case(
        "phases_api:judgement-list",
        method="post",
        data=lambda tw: {
            "urn": tw.academies[0].urn,
            "area": "safeguarding",
            "grade": "met",
            "judged_on": "2026-01-05",
        },
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
]
