"""Sign in with a TOTP code, switch trust, keyboard basics, and axe on the foundation pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_axe_violations
from tests.factories import MembershipFactory
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_has_no_axe_violations(page):
    page.goto("/accounts/login/")
    assert_no_axe_violations(page)


def test_skip_link_is_the_first_tab_stop_and_moves_to_main(page):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_leader_signs_in_with_totp_and_sees_only_their_trust(world, page, login_as):
    leader = world.a.user(Role.TRUST_LEADER)
    login_as(leader)
    assert page.url.endswith(f"/t/{world.a.slug}/")
    assert world.a.trust.name in page.content()
    assert_no_axe_violations(page)

    page.goto(f"/t/{world.a.slug}/academies/")
    assert world.a.academies[0].name in page.content()
    assert world.b.academies[0].name not in page.content()
    assert_no_axe_violations(page)

    page.get_by_role("link", name=world.a.academies[0].name).click()
    page.wait_for_load_state()
    assert world.a.academies[0].urn in page.content()
    assert_no_axe_violations(page)

    response = page.goto(f"/t/{world.b.slug}/")
    assert response.status == 404


def test_user_of_two_trusts_switches_between_them(world, page, login_as):
    officer = world.a.user(Role.IMPROVEMENT_OFFICER)
    MembershipFactory(
        trust=world.b.trust,
        user=officer,
        role=Role.IMPROVEMENT_OFFICER,
        academies=[world.b.academies[1]],
    )
    login_as(officer)
    page.get_by_role("link", name="Switch trust").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=world.b.trust.name).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/t/{world.b.slug}/")
    page.goto(f"/t/{world.b.slug}/academies/")
    content = page.content()
    assert world.b.academies[1].name in content
    assert world.b.academies[0].name not in content  # not in the officer's scope there
