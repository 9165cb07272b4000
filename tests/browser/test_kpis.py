"""The academy KPI page and the transition matrix in a browser: content in words; axe is clean."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_axe_violations
from tests.kpis.data import attendance, pupils, writing
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_academy_kpis_and_transition_matrix(world, page, login_as):
    tw = world.a
    pupils(tw, [(n, "4", n % 3 == 0, "F" if n % 2 else "M", "middle") for n in range(12)])
    writing(tw, {n: ("WTS", "EXS", "GDS")[n % 3] for n in range(12)}, "2025-26-autumn")
    writing(tw, {n: ("EXS", "EXS", "GDS", "WTS")[n % 4] for n in range(12)}, "2025-26-summer")
    attendance(tw, {n: n for n in range(12)}, "2025-26-summer")
    urn = tw.academies[0].urn
    login_as(tw.user(Role.TRUST_LEADER))
    page.goto(f"/t/{tw.slug}/kpis/")
    page.get_by_role("link", name=tw.academies[0].name).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/kpis/{urn}/?term=2025-26-summer")
    assert page.get_by_role(
        "heading", name="Writing at age-related expectations (TA, all year groups)"
    ).is_visible()
    assert "since Autumn term 2025-26" in page.content()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Attainer-band transitions").click()
    page.wait_for_load_state()
    page.get_by_label("Subject").select_option("writing")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="From: low attainers").is_visible()
    assert page.get_by_role("columnheader", name="To: high attainers").is_visible()
    assert page.get_by_role("rowheader", name="Double positive (low to high)").is_visible()
    # Seed 003's progress benchmarks: 4 disadvantaged pupils are suppressed (and so the 8 others,
    # their complement), so that comparison cannot be made; boys and girls (6 each) can.
    assert page.get_by_role("heading", name="Progress markers").is_visible()
    markers = page.get_by_role("region", name="Progress markers by pupil group")
    assert markers.get_by_role("rowheader", name="Boys").is_visible()
    assert "Cannot be said" in page.content()
    assert_no_axe_violations(page)
