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
