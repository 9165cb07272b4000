"""Planning's pages and API against the real database: reviews on the dashboard, the trust's
self-assessment, priorities, CPD effect sizes, plan actions, SEF evidence, the write API and
its schema, and the trust support picked from the academy's offer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from phases.models import Placement
from planning import selectors, services
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role

from .helpers import START, make_plan

pytestmark = pytest.mark.django_db


def test_overdue_reviews_are_on_the_dashboard_beside_overdue_actions(world, client_for) -> None:
    make_plan(world.a, reviews=[dt.date(2025, 10, 15)])
    page = client_for(world.a.user(Role.IMPROVEMENT_OFFICER)).get(f"/t/{world.a.slug}/")
    html = page.content.decode()
    assert "Overdue actions" in html and "Overdue half-termly reviews" in html
    assert "Reading fluency" in html and "not reviewed in Autumn 2 2025-26" in html
    governor = client_for(world.a.user(Role.GOVERNOR)).get(f"/t/{world.a.slug}/")
    assert "Overdue half-termly reviews" not in governor.content.decode()


def test_trust_self_assessment_is_twice_yearly_under_the_dfe_pillars(world, client_for) -> None:
    tw = world.a
    with tw.scope():
        with pytest.raises(ValidationError):
            services.trust_statement_add(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-spring",
                pillar="workforce",
                statement="x",
                rating="strong",
            )
        services.trust_statement_add(
            actor=None,
            trust=tw.trust,
            term_code="2025-26-autumn",
            pillar="workforce",
            statement="Leaders grown from within",
            rating="developing",
        )
    page = client_for(tw.user(Role.TRUST_LEADER)).get(f"/t/{tw.slug}/planning/trust-assessment/")
    html = page.content.decode()
    assert "Autumn term 2025-26" in html and "Leaders grown from within" in html
    assert "Developing: met in part, with a plan" in html


def test_head_adds_a_priority_linked_to_a_trust_priority_and_coverage_counts_it(
    world, client_for
) -> None:
    from cpd.models import Priority as TrustPriority

    tw = world.a
    with tw.scope():
        tp = TrustPriority.objects.create(trust=tw.trust, title="Disadvantaged writing")
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    url = f"/t/{tw.slug}/planning/academies/{tw.academies[0].urn}/priorities/new/"
    bad = head.post(url, {"title": "Writing"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    ok = head.post(
        url,
        {
            "title": "Writing stamina",
            "departure": "Writing EXS 58%",
            "arrival": "Writing EXS 72%",
            "kpi_code": "ks2_writing_exp",
            "target": "72",
            "trust_priority": tp.pk,
            "starts_on": "2025-09-08",
        },
    )
    assert ok.status_code == 302
    with tw.scope():
        m = Membership.objects.get(user=tw.user(Role.TRUST_LEADER))
        [coverage] = selectors.trust_priority_coverage(m)
        plan = selectors.plan_list_for(m).get()
    assert plan.academic_year == "2025-26"
    assert coverage["text"] == "1 of 2 academies have a priority on disadvantaged writing"


def test_cpd_programme_page_shows_the_effect_size_with_its_pupils(world, client_for) -> None:
    import hashlib

    from assessment.models import Enrolment, Pupil, Result
    from assessment.services import term_get_or_create
    from tests.cpd.helpers import make_programme

    tw = world.a
    objs = make_programme(tw)
    academy = tw.academies[0]
    before = ["WTS", "WTS", "EXS", "EXS", "WTS", "EXS", "WTS", "EXS"]
    after = ["EXS", "WTS", "GDS", "EXS", "EXS", "GDS", "EXS", "EXS"]
    with tw.scope():
        # A junior school of 8, so both terms' data is complete (effect sizes use complete
        # terms only).
        type(academy).objects.filter(pk=academy.pk).update(age_low=7, age_high=11, pupils_on_roll=8)
        autumn = term_get_or_create(trust=tw.trust, code="2025-26-autumn")
        spring = term_get_or_create(trust=tw.trust, code="2025-26-spring")
        for n, (b, a) in enumerate(zip(before, after, strict=True)):
            pupil = Pupil.objects.create(
                trust=tw.trust, key=hashlib.sha256(f"cpd-{n}".encode()).hexdigest()
            )
            Enrolment.objects.create(
                trust=tw.trust,
                pupil=pupil,
                academy=academy,
                academic_year="2025-26",
                year_group="5",
                sex="M",
            )
            for term, value in ((autumn, b), (spring, a)):
                for subject in ("reading", "writing", "maths"):
                    Result.objects.create(
                        trust=tw.trust,
                        pupil=pupil,
                        academy=academy,
                        term=term,
                        subject=subject,
                        measure="ta",
                        value=value,
                    )
    page = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/{tw.slug}/cpd/programmes/{objs['programme'].pk}/"
    )
    html = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert "Effect size for pupils of the targeted academies" in html
    assert "8 (before and after)" in html
    assert "Autumn term 2025-26 to Spring term 2025-26" in html
    assert "positive association" in html and "not proof" in html


def test_plan_actions_are_added_changed_and_completed_from_the_page(world, client_for) -> None:
    from planning.models import PlanAction

    from .helpers import make_visit_action

    tw = world.a
    _, priority, _ = make_plan(tw)
    visit, visit_action = make_visit_action(tw)
    _, other_academys = make_visit_action(tw, tw.academies[1], description="Other school's")
    _, other_trusts = make_visit_action(world.b, description="Other trust's")
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    base = f"/t/{tw.slug}/planning"
    page = head.get(f"{base}/priorities/{priority.pk}/actions/new/")
    assert page.status_code == 200
    assert "Phonics catch-up groups daily" in page.content.decode()
    assert "Other school" not in page.content.decode()
    form = {"description": "Daily catch-up", "owner": "Phonics lead", "due_on": "2026-02-13"}
    for foreign in (other_academys, other_trusts):
        refused = head.post(
            f"{base}/priorities/{priority.pk}/actions/new/", {**form, "visit_action": foreign.pk}
        )
        assert refused.status_code == 400
    assert (
        head.post(f"{base}/priorities/{priority.pk}/actions/new/", {"owner": ""}).status_code == 400
    )
    ok = head.post(
        f"{base}/priorities/{priority.pk}/actions/new/", {**form, "visit_action": visit_action.pk}
    )
    assert ok.status_code == 302
    with tw.scope():
        action = PlanAction.objects.get(priority=priority)
    assert action.visit_action_id == visit_action.pk and action.owner == "Phonics lead"
    plan_page = head.get(f"{base}/academies/{tw.academies[0].urn}/").content.decode()
    assert "Carries forward" in plan_page and f"/visits/{visit.pk}/" in plan_page
    edited = head.post(
        f"{base}/actions/{action.pk}/edit/",
        {**form, "owner": "Deputy head", "due_on": "2026-03-06", "visit_action": ""},
    )
    assert edited.status_code == 302
    # Another academy's visit action is refused on edit too, and nothing changes.
    assert (
        head.post(
            f"{base}/actions/{action.pk}/edit/", {**form, "visit_action": other_academys.pk}
        ).status_code
        == 400
    )
    assert head.post(f"{base}/actions/{action.pk}/complete/", {"done": "1"}).status_code == 302
    with tw.scope():
        action.refresh_from_db()
    assert (action.owner, action.due_on, action.visit_action_id) == (
        "Deputy head",
        dt.date(2026, 3, 6),
        None,
    )
    assert action.done and action.completed_on == dt.date.today()
    assert "Reopen" in head.get(f"{base}/academies/{tw.academies[0].urn}/").content.decode()
    with tw.scope(), pytest.raises(ValidationError):
        services.plan_action_add(
            actor=None,
            priority=priority,
            description="x",
            owner="y",
            due_on=START,
            visit_action=other_academys,
        )


def test_sef_evidence_links_are_the_academys_own_and_shown_as_links(world, client_for) -> None:
    from planning.models import SefEvidence

    from .helpers import make_visit_action

    tw = world.a
    make_plan(tw)
    visit, _ = make_visit_action(tw)
    other_visit, _ = make_visit_action(tw, tw.academies[1])
    foreign_visit, _ = make_visit_action(world.b)
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    url = f"/t/{tw.slug}/planning/academies/{tw.academies[0].urn}/sef/"
    form = head.get(url).content.decode()
    assert f'value="visit:{visit.pk}"' in form and f'value="visit:{other_visit.pk}"' not in form
    assert 'value="kpi:ks2_reading_exp"' in form
    data = {"achievement-grade": "strong_standard", "achievement-narrative": "Reading up"}
    for bad in (f"visit:{other_visit.pk}", f"visit:{foreign_visit.pk}", "kpi:nope", "upload:x"):
        assert head.post(url, {**data, "achievement-links": [bad]}).status_code == 400
    with tw.scope(), pytest.raises(ValidationError):
        services.sef_save(
            actor=None,
            academy=tw.academies[0],
            term_code="2025-26-autumn",
            entries={"achievement": {"grade": "strong_standard", "links": ["round:999999"]}},
        )
    links = [f"visit:{visit.pk}", "kpi:ks2_reading_exp"]
    assert head.post(url, {**data, "achievement-links": links}).status_code == 302
    with tw.scope():
        saved = sorted(link.ref for link in SefEvidence.objects.all())
    assert saved == sorted(links)
    page = head.get(f"/t/{tw.slug}/planning/academies/{tw.academies[0].urn}/").content.decode()
    assert f'href="/t/{tw.slug}/visits/{visit.pk}/"' in page
    assert f'href="/t/{tw.slug}/kpis/{tw.academies[0].urn}/"' in page
    assert "KS2 reading: expected standard (test)" in page
    # The form shows the saved links chosen.
    assert f'value="visit:{visit.pk}" selected' in head.get(url).content.decode()


def test_planning_write_api_respects_role_and_academy(world, client_for) -> None:
    from cpd.models import Priority as TrustPriority
    from planning.models import PlanPriority, PlanReview

    tw = world.a
    plan, _priority, risk = make_plan(tw)
    with tw.scope():
        tp = TrustPriority.objects.create(trust=tw.trust, title="Reading")
    api = f"/api/v1/t/{tw.slug}"
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    officer = client_for(tw.user(Role.IMPROVEMENT_OFFICER))
    leader = client_for(tw.user(Role.TRUST_LEADER))
    governor = client_for(tw.user(Role.GOVERNOR))
    as_json = {"content_type": "application/json"}
    other_urn = tw.academies[1].urn  # not among the head's academies

    # Plans: the head makes their academy's next plan (201), gets the same one again (200);
    # another academy of the trust is 404 for them, a bad year is 400, a governor is 403.
    body = {"academy_urn": tw.academies[0].urn, "academic_year": "2026-27"}
    made = head.post(f"{api}/plans/", body, **as_json)
    assert made.status_code == 201, made.content
    assert head.post(f"{api}/plans/", body, **as_json).status_code == 200
    assert (
        head.post(f"{api}/plans/", {**body, "academy_urn": other_urn}, **as_json).status_code == 404
    )
    assert (
        head.post(f"{api}/plans/", {**body, "academic_year": "2026-28"}, **as_json).status_code
        == 400
    )
    assert governor.post(f"{api}/plans/", body, **as_json).status_code == 403

    # Priorities: created with a trust priority, changed by PATCH; an unknown KPI is 400.
    new = {
        "title": "Writing",
        "departure": "58%",
        "arrival": "72%",
        "starts_on": "2025-09-08",
        "kpi_code": "ks2_writing_exp",
        "target": 72,
        "trust_priority": tp.pk,
    }
    created = head.post(f"{api}/plans/{plan.pk}/priorities/", new, **as_json)
    assert created.status_code == 201, created.content
    assert created.json()["trust_priority"] == tp.pk
    bad = head.post(f"{api}/plans/{plan.pk}/priorities/", {**new, "kpi_code": "nope"}, **as_json)
    assert bad.status_code == 400
    pk = created.json()["id"]
    changed = officer.patch(f"{api}/priorities/{pk}/", {"owner": "Deputy head"}, **as_json)
    assert changed.status_code == 200 and changed.json()["owner"] == "Deputy head"
    assert officer.patch(f"{api}/priorities/{pk}/", {"title": ""}, **as_json).status_code == 400

    # Reviews: recorded and listed; a future date is refused in words.
    review = {"reviewed_on": "2025-10-20", "rag": "at_risk", "evidence": "Books"}
    assert officer.post(f"{api}/priorities/{pk}/reviews/", review, **as_json).status_code == 201
    future = officer.post(
        f"{api}/priorities/{pk}/reviews/", {**review, "reviewed_on": "2099-01-01"}, **as_json
    )
    assert future.status_code == 400 and "future" in future.content.decode()
    assert [r["rag"] for r in head.get(f"{api}/priorities/{pk}/reviews/").json()["results"]] == [
        "at_risk"
    ]

    # Risks: leaders add (trust-wide too) and decide; an officer (risk.view only) may not.
    risk_body = {"category": "estates", "title": "Boiler", "likelihood": 2, "impact": 3}
    assert officer.post(f"{api}/risks/", risk_body, **as_json).status_code == 403
    trust_wide = leader.post(f"{api}/risks/", risk_body, **as_json)
    assert trust_wide.status_code == 201 and trust_wide.json()["academy_urn"] is None
    assert (
        leader.post(f"{api}/risks/", {**risk_body, "likelihood": 6}, **as_json).status_code == 400
    )
    rescored = leader.patch(
        f"{api}/risks/{risk.pk}/", {"decision": "review", "impact": 5, "note": "Worse"}, **as_json
    )
    assert rescored.status_code == 200 and rescored.json()["score"] == 15
    refused = leader.patch(f"{api}/risks/{risk.pk}/", {"decision": "accept"}, **as_json)
    assert refused.status_code == 400
    assert (
        officer.patch(f"{api}/risks/{risk.pk}/", {"decision": "close"}, **as_json).status_code
        == 403
    )
    with tw.scope():
        assert PlanPriority.objects.filter(plan=plan).count() == 2
        assert PlanReview.objects.filter(priority_id=pk).count() == 1


def test_openapi_schema_documents_the_planning_writes(client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    base = "/api/v1/t/{trust_slug}"
    assert "post" in paths[f"{base}/plans/"]
    assert "post" in paths[f"{base}/plans/{{id}}/priorities/"] or "post" in paths.get(
        f"{base}/plans/{{pk}}/priorities/", {}
    )
    detail = paths.get(f"{base}/priorities/{{pk}}/") or paths[f"{base}/priorities/{{id}}/"]
    assert {"get", "patch"} <= set(detail)
    reviews = (
        paths.get(f"{base}/priorities/{{pk}}/reviews/")
        or paths[f"{base}/priorities/{{id}}/reviews/"]
    )
    assert {"get", "post"} <= set(reviews)
    assert "post" in paths[f"{base}/risks/"]
    risk = paths.get(f"{base}/risks/{{id}}/") or paths[f"{base}/risks/{{pk}}/"]
    assert "patch" in risk
    ref = risk["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("RiskChangeIn") or "RiskChange" in ref


def test_trust_support_is_picked_from_the_academys_offer_cpd_and_partners_days(
    world, client_for
) -> None:
    """The priority form offers the academy's phase offer, the trust's CPD programmes and the
    partners' commissions the academy is in; the plan shows the picks in words; another trust's
    programme, or a commission the academy is not in, is refused (400, nothing saved)."""
    from cpd.models import Programme
    from partnerships.models import Commission, PartnerOrganisation
    from planning.models import PlanPriority

    tw, other = world.a, world.b
    academy = tw.academies[0]
    with tw.scope():
        Placement.objects.create(
            trust=tw.trust,
            academy=academy,
            term_code="2025-26-autumn",
            proposed_phase="repair",
            reasons=[{"text": "Below the floor"}],
        )
        programme = Programme.objects.create(
            trust=tw.trust, title="Writing for meaning", domain="applying", format="coaching"
        )
        partner = PartnerOrganisation.objects.create(
            trust=tw.trust, name="County English hub", kind="english_hub"
        )
        commission = Commission.objects.create(
            trust=tw.trust,
            partner=partner,
            title="Writing moderation support",
            key_area="english",
            nature="support",
            days_per_academy=3,
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 7, 31),
        )
        commission.academies.add(academy)
        elsewhere = Commission.objects.create(
            trust=tw.trust,
            partner=partner,
            title="Maths hub days",
            key_area="english",
            nature="support",
            days_per_academy=2,
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 7, 31),
        )
        elsewhere.academies.add(tw.academies[1])
    with other.scope():
        foreign = Programme.objects.create(
            trust=other.trust, title="Beta coaching", domain="applying", format="coaching"
        )
    client = client_for(tw.user(Role.SCHOOL_STAFF))
    url = f"/t/{tw.slug}/planning/academies/{academy.urn}/priorities/new/"
    form = client.get(url).content.decode()
    assert "Repair offer:" in form and "CPD: Writing for meaning" in form
    assert "County English hub: Writing moderation support (3 days per academy)" in form
    assert "Maths hub days" not in form and "Beta coaching" not in form
    body = {
        "title": "Writing",
        "departure": "Below national",
        "arrival": "At national",
        "starts_on": "2025-09-08",
    }
    offer_ref = "offer:repair:0"
    for refused in (f"programme:{foreign.pk}", f"commission:{elsewhere.pk}", "offer:sustain:0"):
        response = client.post(url, {**body, "support_refs": [offer_ref, refused]})
        assert response.status_code == 400, refused
    with tw.scope():
        assert not PlanPriority.objects.exists()
    response = client.post(
        url,
        {
            **body,
            "support_refs": [offer_ref, f"programme:{programme.pk}", f"commission:{commission.pk}"],
        },
    )
    assert response.status_code == 302
    with tw.scope():
        priority = PlanPriority.objects.get()
        assert priority.support_refs == [
            offer_ref,
            f"programme:{programme.pk}",
            f"commission:{commission.pk}",
        ]
        with pytest.raises(ValidationError):
            services.priority_update(
                actor=None, priority=priority, data={"support_refs": [f"programme:{foreign.pk}"]}
            )
    page = client.get(f"/t/{tw.slug}/planning/academies/{academy.urn}/").content.decode()
    assert "CPD: Writing for meaning" in page
    assert "County English hub: Writing moderation support (3 days per academy)" in page


def test_dashboard_lists_overdue_reviews_as_the_selector_reads_them(world, client_for) -> None:
    make_plan(world.a, reviews=[dt.date(2025, 10, 15)])
    make_plan(world.b, title="Beta priority", reviews=[])
    with world.a.scope():
        m = Membership.objects.get(user=world.a.user(Role.TRUST_LEADER))
        (o,) = selectors.overdue_reviews_for(m, dt.date.today())
    later = len(o["overdue"]) - 1
    more = f" and {later} later half term{'s' if later != 1 else ''}" if later else ""
    page = client_for(world.a.user(Role.TRUST_LEADER)).get("/t/alpha/").content.decode()
    assert (
        f'<a class="govuk-link" href="/t/alpha/planning/academies/{o["academy"].urn}/">'
        f"Reading fluency</a> — {o['academy'].name}, not reviewed in "
        f"{o['overdue'][0].label}{more}</li>"
    ) in page
    assert "Beta priority" not in page
