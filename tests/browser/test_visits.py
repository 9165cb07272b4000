"""The visit form by keyboard only; the draft autosaves and survives a reload; axe is clean."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import assert_no_axe_violations
from trust_si.accounts.roles import Role
from visits.services import visit_create, visit_types_ensure

pytestmark = pytest.mark.django_db(transaction=True)


def test_visit_form_keyboard_only_autosaves_and_survives_reload(world, page, login_as):
    officer = world.a.user(Role.IMPROVEMENT_OFFICER)
    with world.a.scope():
        types = visit_types_ensure(trust=world.a.trust)
        visit = visit_create(
            actor=officer,
            academy=world.a.academies[0],
            visit_type=types[0],
            date=dt.date(2026, 3, 4),
        )
    login_as(officer)
    page.goto(f"/t/{world.a.slug}/visits/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{world.a.slug}/visits/{visit.pk}/edit/")
    assert_no_axe_violations(page)

    # Keyboard only: focus the first field, tab to "Evidence seen", type, tab on.
    page.get_by_label("Focus areas").focus()
    page.keyboard.type("Reading in Key Stage 1")
    page.keyboard.press("Tab")
    page.keyboard.type("Heard twelve readers; phonics books matched to sounds")
    page.keyboard.press("Tab")
    page.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes('Draft saved')"
    )

    # Choose a judgement with the keyboard too.
    page.get_by_label("Achievement").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(2500)

    page.reload()
    assert page.get_by_label("Focus areas").input_value() == "Reading in Key Stage 1"
    assert "phonics books" in page.get_by_label("Evidence seen").input_value()
    assert page.get_by_label("Achievement").input_value() != ""
    with world.a.scope():
        visit.refresh_from_db()
        assert visit.status == "draft"
        assert visit.judgements.filter(area="achievement").exists()


def test_report_pages_have_no_axe_violations(world, page, login_as):
    login_as(world.a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{world.a.slug}/reports/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{world.a.slug}/people/") if False else None
    page.goto(f"/t/{world.a.slug}/visits/programme/")
    assert_no_axe_violations(page)
