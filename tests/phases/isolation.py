import datetime as dt

from phases.models import Placement
from phases.pipeline import recompute_run
from phases.services import arrangement_create, judgement_record
from tests.isolation import Case, sentinel
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role

from .helpers import pupils_and_absence


def setup(world):
    for tw in (world.a, world.b):
        # A term of attendance, recomputed: placements and heat-map rows naming the academies.
        pupils_and_absence(tw, tw.academies[0], "2025-26-summer", tw.slug[0].upper(), missed=5)
        with tw.scope():
            judgement_record(
                actor=tw.user(Role.IMPROVEMENT_OFFICER),
                academy=tw.academies[0],
                area="curriculum_teaching",
                grade="expected_standard",
                judged_on=dt.date(2025, 12, 1),
                source="direct",
            )
            recompute_run(trust=tw.trust)
            tw.extra["placement"] = Placement.objects.create(
                trust=tw.trust,
                academy=tw.academies[0],
                term_code="2025-26-summer",
                proposed_phase="improve",
                reasons=[{"rule": "kpi", "text": "x", "level": 3}],
            )
            tw.extra["judged_on"] = dt.date(2026, 1, 1)
            tw.extra["arrangement"] = arrangement_create(
                actor=tw.user(Role.TRUST_LEADER),
                giver=tw.academies[0],
                taker=tw.academies[1],
                subject="maths",
                days=4,
                start_on=dt.date(2026, 1, 5),
                end_on=dt.date(2030, 3, 27),
                notes=sentinel(tw, "Arrangement"),
            )


def urn(tw):
    return {"urn": tw.academies[0].urn}


def _arrangement(tw, **academies):
    return {
        **academies,
        "subject": "reading",
        "days": "2",
        "start_on": "2026-02-02",
        "end_on": "2026-03-27",
    }


def _officer(tw):
    with tw.scope():
        return Membership.objects.get(user=tw.user(Role.IMPROVEMENT_OFFICER))


CASES = [
    Case(
        "phases:recompute_status",
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "phases:heatmap",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.GOVERNOR,
        query_ids=lambda tw: {"officer": _officer(tw).pk},
        shows_sentinel=True,
    ),
    *[
        Case(
            "phases:heatmap",
            data=lambda tw, fmt=fmt: {"format": fmt},
            allowed_role=Role.TRUST_LEADER,
            forbidden_role=Role.GOVERNOR,
            shows_sentinel=True,
            label=fmt,
        )
        for fmt in ("csv", "xlsx")
    ],
    Case(
        "phases:matching",
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
        shows_sentinel=True,
    ),
    Case(
        "phases:arrangement_create",
        method="post",
        data=lambda tw: _arrangement(tw, giver=tw.academies[0].pk, taker=tw.academies[1].pk),
        body_ids=lambda tw: {"giver": tw.academies[0].pk, "taker": tw.academies[1].pk},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "phases:arrangement_end",
        kwargs=lambda tw: {"pk": tw.extra["arrangement"].pk},
        method="post",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "phases_api:arrangement-list",
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
        query_ids=urn,
        shows_sentinel=True,
    ),
    Case(
        "phases_api:arrangement-list",
        method="post",
        data=lambda tw: _arrangement(
            tw, giver_urn=tw.academies[0].urn, taker_urn=tw.academies[1].urn
        ),
        body_ids=lambda tw: {"giver_urn": tw.academies[0].urn, "taker_urn": tw.academies[1].urn},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "phases:cell",
        kwargs=lambda tw: {"urn": tw.academies[0].urn, "column": "persistent_absence"},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "phases:own",
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case("phases:settings", allowed_role=Role.TRUST_ADMIN, forbidden_role=Role.TRUST_LEADER),
    Case("phases:casebook", allowed_role=Role.GOVERNOR),
    # Blank: the form re-renders with its errors; who may post is what counts.
    Case(
        "phases:settings",
        method="post",
        data=lambda tw: {},
        allowed_role=Role.TRUST_ADMIN,
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case(
        "phases_api:heatmap",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.EXTERNAL_PARTNER,
        query_ids=urn,
        shows_sentinel=True,
    ),
    Case(
        "phases:list",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
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
        shows_sentinel=True,
    ),
    Case(
        "phases:decide",
        kwargs=lambda tw: {"pk": tw.extra["placement"].pk},
        method="post",
        data=lambda tw: {},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "phases:term_complete",
        kwargs=lambda tw: {"urn": tw.academies[0].urn, "term": "2025-26-summer"},
        method="post",
        data=lambda tw: {"complete": "yes"},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "phases_api:placement-list",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "phases_api:placement-history",
        kwargs=urn,
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "phases_api:judgement-list",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.GOVERNOR,
        query_ids=urn,
        shows_sentinel=True,
    ),
    Case(
        "phases_api:judgement-list",
        method="post",
        data=lambda tw: {
            "urn": tw.academies[0].urn,
            "area": "safeguarding",
            "grade": "met",
            "judged_on": "2026-01-05",
        },
        body_ids=lambda tw: {"urn": tw.academies[0].urn},
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
]
