"""The casebook and the Ofsted import page in a browser: axe clean (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_axe_violations
from trust_si.accounts.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_casebook_and_ofsted_import_pages_are_axe_clean(world, page, login_as):
    login_as(world.a.user(Role.TRUST_ADMIN))
    page.goto(f"/t/{world.a.slug}/how-placements-are-decided/")
    assert page.get_by_role("heading", name="How placements are decided").is_visible()
    assert_no_axe_violations(page)
    page.goto(f"/t/{world.a.slug}/academies/import-ofsted/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{world.a.slug}/academies/{world.a.academies[0].urn}/inspections/new/")
    assert_no_axe_violations(page)
