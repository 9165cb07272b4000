"""Planning in a real browser: the overview, an academy's SEF and plan, the SEF form and the
risk register are axe clean; a review is recorded from the keyboard."""

from __future__ import annotations

import datetime as dt

import pytest

from phases.models import Placement
from planning.models import PlanReview
from tests.browser.conftest import assert_no_axe_violations
from tests.planning.helpers import make_plan
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_planning_pages_are_axe_clean_and_a_review_is_recorded_by_keyboard(world, page, login_as):
    a = world.a
    _plan, priority, _risk = make_plan(a, reviews=[dt.date(2025, 10, 15)])
    with a.scope():
        Placement.objects.create(
            trust=a.trust,
            academy=a.academies[0],
            term_code="2025-26-summer",
            proposed_phase="stabilise",
            reasons=[{"text": "Below the floor"}],
        )
    login_as(a.user(Role.TRUST_ADMIN))
    page.goto(f"/t/{a.slug}/planning/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{a.slug}/planning/academies/{a.academies[0].urn}/")
    assert_no_axe_violations(page)
    page.get_by_text(f"Record a review of “{priority.title}”").click()
    page.get_by_label("On track").check()
    page.get_by_label("Evidence").fill("Work scrutiny shows the strategy in place")
    page.get_by_role("button", name="Save review").focus()
    with page.expect_navigation():  # the review is saved by the form's own submit
        page.keyboard.press("Enter")
    with a.scope():
        assert PlanReview.objects.filter(priority=priority, rag="on_track").exists()
    page.goto(f"/t/{a.slug}/planning/academies/{a.academies[0].urn}/sef/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{a.slug}/planning/risks/")
    with page.expect_navigation():
        page.get_by_role("button", name="Check placements and the heat map for new risks").click()
    assert_no_axe_violations(page)


def test_every_other_planning_page_is_axe_clean_and_an_action_is_added(world, page, login_as):
    from planning import services
    from planning.models import PlanAction
    from tests.planning.helpers import make_visit_action

    a = world.a
    _plan, priority, _risk = make_plan(a, reviews=[dt.date(2025, 10, 15)])
    visit, visit_action = make_visit_action(a)
    with a.scope():
        services.sef_save(
            actor=None,
            academy=a.academies[0],
            term_code="2025-26-spring",
            entries={
                "achievement": {
                    "grade": "strong_standard",
                    "links": [f"visit:{visit.pk}", "kpi:ks2_rwm_exp"],
                }
            },
        )
        services.trust_statement_add(
            actor=None,
            trust=a.trust,
            term_code="2025-26-autumn",
            pillar="governance",
            statement="Local governors challenge on the plan",
            rating="developing",
        )
    login_as(a.user(Role.TRUST_ADMIN))
    base = f"/t/{a.slug}/planning"
    page.goto(f"{base}/academies/{a.academies[0].urn}/")
    assert page.get_by_role("link", name="Learning walk on 12 Nov 2025").count() == 1
    for url in (
        f"{base}/academies/{a.academies[0].urn}/priorities/new/",
        f"{base}/trust-assessment/",
        f"{base}/priorities/{priority.pk}/actions/new/",
    ):
        page.goto(url)
        assert_no_axe_violations(page)
    # The action form by keyboard: the visit action is chosen, then the form is sent with Enter.
    page.get_by_label("What will be done").fill("Daily catch-up groups")
    page.get_by_label("Owner").fill("Phonics lead")
    page.get_by_label("Due by").fill("2026-02-13")
    page.get_by_label("Action from a visit it carries forward").select_option(str(visit_action.pk))
    page.get_by_role("button", name="Add action").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with a.scope():
        action = PlanAction.objects.get(priority=priority)
    assert action.visit_action_id == visit_action.pk
    assert_no_axe_violations(page)  # the plan with the action, its links and buttons
    page.goto(f"{base}/actions/{action.pk}/edit/")
    assert_no_axe_violations(page)
    # A refused form (its error summary) is axe clean too.
    page.get_by_label("Owner").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the action").click()
    assert page.get_by_text("There is a problem").count() >= 1
    assert_no_axe_violations(page)
    page.goto(f"{base}/academies/{a.academies[0].urn}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark done “Daily catch-up groups”").click()
    with a.scope():
        action.refresh_from_db()
    assert action.done
    page.goto(f"/t/{a.slug}/kpis/{a.academies[0].urn}/")
    assert_no_axe_violations(page)


def test_kpi_pages_with_several_forecast_cards_are_axe_clean(world, page, login_as):
    """A primary (Year 6, Year 6 writing, Year 5 a year ahead, Years 4 and 3 in words) and a
    secondary (Years 11 to 7, Attainment 8): every card, two to a row, axe clean."""
    from tests.planning.test_year_group_forecasts import CURRENT, HISTORY, _ks4_history, _year5

    a = world.a
    primary, secondary = a.academies
    with a.scope():
        for year in ("2021-22", "2022-23", "2023-24"):
            _year5(primary, year, HISTORY)
        _year5(primary, "2025-26", CURRENT, outcomes=False)
        _ks4_history(secondary)
    login_as(a.user(Role.TRUST_ADMIN))
    page.goto(f"/t/{a.slug}/kpis/{primary.urn}/?term=2025-26-spring")
    assert page.locator("[data-forecast]").count() == 5
    assert page.get_by_text("59% (likely range 49% to 70%)").count() == 1
    assert_no_axe_violations(page)
    page.goto(f"/t/{a.slug}/kpis/{secondary.urn}/?term=2025-26-spring")
    assert page.locator("[data-forecast]").count() == 5
    assert page.get_by_text("Attainment 8 (average points per pupil)").count() >= 1
    assert_no_axe_violations(page)
