from cpd.models import Priority as TrustPriority
from cpd.models import Programme
from planning import services
from tests.isolation import Case, sentinel
from trust_si.accounts.roles import Role

from .helpers import START, make_plan, make_visit_action


def setup(world):
    for tw in (world.a, world.b):
        plan, priority, risk = make_plan(tw, title=sentinel(tw, "Priority"))
        with tw.scope():
            suggested = services.risk_add(
                actor=None,
                trust=tw.trust,
                academy=tw.academies[0],
                category="finance",
                title=sentinel(tw, "Risk"),
                likelihood=2,
                impact=2,
            )
            services.trust_statement_add(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-autumn",
                pillar="governance",
                statement=sentinel(tw, "Statement"),
                rating="strong",
            )
            trust_priority = TrustPriority.objects.create(
                trust=tw.trust, title=sentinel(tw, "Trust priority")
            )
            # A CPD programme a priority's support can be allocated from (the trust's own only).
            programme = Programme.objects.create(
                trust=tw.trust,
                title=sentinel(tw, "Programme"),
                domain="applying",
                format="coaching",
            )
        visit, visit_action = make_visit_action(tw)
        with tw.scope():
            action = services.plan_action_add(
                actor=None,
                priority=priority,
                description=sentinel(tw, "Action"),
                owner="Head",
                due_on=START,
                visit_action=visit_action,
            )
        tw.extra.update(
            plan=plan,
            priority=priority,
            risk=risk,
            risk2=suggested,
            trust_priority=trust_priority,
            support_programme=programme,
            plan_action=action,
            plan_visit=visit,
            plan_visit_action=visit_action,
        )


def _urn(tw) -> dict:
    return {"urn": tw.academies[0].urn}


def _priority(tw) -> dict:
    return {"pk": tw.extra["priority"].pk}


def _risk(tw) -> dict:
    return {"pk": tw.extra["risk"].pk}


def _plan(tw) -> dict:
    return {"pk": tw.extra["plan"].pk}


def _review(tw) -> dict:
    return {"reviewed_on": "2025-10-20", "rag": "on_track", "evidence": "Pupil voice"}


def _sef(tw) -> dict:
    return {"achievement-grade": "expected_standard", "achievement-narrative": "Updated"}


def _sef_link(tw) -> dict:
    return {"achievement-links": f"visit:{tw.extra['plan_visit'].pk}"}


def _risk_form(tw) -> dict:
    return {
        "academy": tw.academies[0].pk,
        "category": "staffing",
        "title": "Vacancies",
        "likelihood": "3",
        "impact": "3",
    }


def _academy_id(tw) -> dict:
    return {"academy": tw.academies[0].pk}


def _action(tw) -> dict:
    return {"pk": tw.extra["plan_action"].pk}


def _action_form(tw) -> dict:
    return {"description": "Catch-up groups", "owner": "Head", "due_on": "2026-02-13"}


def _visit_action_id(tw) -> dict:
    return {"visit_action": tw.extra["plan_visit_action"].pk}


G, L, OFFICER, S = Role.GOVERNOR, Role.TRUST_LEADER, Role.IMPROVEMENT_OFFICER, Role.SCHOOL_STAFF
CASES = [
    Case("planning:overview", forbidden_role=G, shows_sentinel=True),
    Case("planning:academy", kwargs=_urn, forbidden_role=G, shows_sentinel=True),
    Case("planning:sef_edit", kwargs=_urn, allowed_role=S, forbidden_role=OFFICER),
    Case(
        "planning:sef_edit",
        kwargs=_urn,
        method="post",
        data=_sef,
        body_ids=_sef_link,
        allowed_role=S,
        forbidden_role=OFFICER,
    ),
    Case("planning:priority_add", kwargs=_urn, allowed_role=S, forbidden_role=G),
    Case(
        "planning:priority_add",
        kwargs=_urn,
        method="post",
        data=lambda tw: {
            "title": "Writing",
            "departure": "Below",
            "arrival": "At national",
            "starts_on": "2025-09-08",
        },
        body_ids=lambda tw: {"trust_priority": tw.extra["trust_priority"].pk},
        allowed_role=S,
        forbidden_role=G,
    ),
    Case(
        "planning:priority_add",
        kwargs=_urn,
        method="post",
        data=lambda tw: {
            "title": "Writing",
            "departure": "Below",
            "arrival": "At national",
            "starts_on": "2025-09-08",
            "support_refs": f"programme:{tw.extra['support_programme'].pk}",
        },
        body_ids=lambda tw: {"support_refs": f"programme:{tw.extra['support_programme'].pk}"},
        allowed_role=S,
        forbidden_role=G,
        label="support",
    ),
    Case(
        "planning:review_add",
        kwargs=_priority,
        method="post",
        data=_review,
        allowed_role=OFFICER,
        forbidden_role=G,
    ),
    Case("planning:action_add", kwargs=_priority, allowed_role=S, forbidden_role=G),
    Case(
        "planning:action_add",
        kwargs=_priority,
        method="post",
        data=_action_form,
        body_ids=_visit_action_id,
        allowed_role=S,
        forbidden_role=G,
    ),
    Case("planning:action_edit", kwargs=_action, allowed_role=OFFICER, forbidden_role=G),
    Case(
        "planning:action_edit",
        kwargs=_action,
        method="post",
        data=_action_form,
        body_ids=_visit_action_id,
        allowed_role=OFFICER,
        forbidden_role=G,
    ),
    Case(
        "planning:action_complete",
        kwargs=_action,
        method="post",
        data=lambda tw: {"done": "1"},
        allowed_role=S,
        forbidden_role=G,
    ),
    Case("planning:risks", forbidden_role=S, shows_sentinel=True),
    Case(
        "planning:risks",
        method="post",
        data=_risk_form,
        body_ids=_academy_id,
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case(
        "planning:risk_decide",
        kwargs=_risk,
        method="post",
        data=lambda tw: {"decision": "close", "note": "Done"},
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case("planning:trust_assessment", forbidden_role=S, shows_sentinel=True),
    Case(
        "planning:trust_assessment",
        method="post",
        data=lambda tw: {
            "pillar": "workforce",
            "statement": "We grow leaders",
            "rating": "developing",
        },
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case("planning_api:sef-list", forbidden_role=G),
    Case(
        "planning_api:plan-list",
        method="post",
        data=lambda tw: {"academy_urn": tw.academies[0].urn, "academic_year": "2026-27"},
        body_ids=lambda tw: {"academy_urn": tw.academies[0].urn},
        allowed_role=S,
        forbidden_role=G,
    ),
    Case(
        "planning_api:plan-priorities",
        kwargs=_plan,
        method="post",
        data=lambda tw: {
            "title": "Writing",
            "departure": "Below",
            "arrival": "At national",
            "starts_on": "2025-09-08",
            "kpi_code": "ks2_writing_exp",
        },
        body_ids=lambda tw: {"trust_priority": tw.extra["trust_priority"].pk},
        allowed_role=S,
        forbidden_role=G,
    ),
    Case("planning_api:priority-detail", kwargs=_priority, forbidden_role=G, shows_sentinel=True),
    Case(
        "planning_api:priority-detail",
        kwargs=_priority,
        method="patch",
        data=lambda tw: {"owner": "Deputy head"},
        body_ids=lambda tw: {"trust_priority": tw.extra["trust_priority"].pk},
        allowed_role=OFFICER,
        forbidden_role=G,
    ),
    Case("planning_api:priority-reviews", kwargs=_priority, forbidden_role=G),
    Case(
        "planning_api:priority-reviews",
        kwargs=_priority,
        method="post",
        data=_review,
        allowed_role=OFFICER,
        forbidden_role=G,
    ),
    Case(
        "planning_api:risk-list",
        method="post",
        data=lambda tw: {
            "academy_urn": tw.academies[0].urn,
            "category": "estates",
            "title": "Boiler",
            "likelihood": 2,
            "impact": 3,
        },
        body_ids=lambda tw: {"academy_urn": tw.academies[0].urn},
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case(
        "planning_api:risk-detail",
        kwargs=_risk,
        method="patch",
        data=lambda tw: {"decision": "review", "likelihood": 2, "note": "Rescored"},
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case("planning_api:plan-list", forbidden_role=G, shows_sentinel=True),
    Case("planning_api:plan-detail", kwargs=_plan, forbidden_role=G, shows_sentinel=True),
    Case("planning_api:risk-list", forbidden_role=S, shows_sentinel=True),
    Case("planning_api:risk-detail", kwargs=_risk, forbidden_role=S, shows_sentinel=True),
]
