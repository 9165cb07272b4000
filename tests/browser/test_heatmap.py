"""The heat map in a browser: filter, compare two terms, move across cells by keyboard; axe clean."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_axe_violations
from tests.phases.helpers import map_two_terms
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_heatmap_filter_compare_keyboard_and_axe(world, page, login_as):
    map_two_terms(world)
    a = world.a
    login_as(a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{a.slug}/heatmap/")
    assert "Summer term 2025-26" in page.locator("h1").inner_text()
    assert_no_axe_violations(page)

    # Filter to the disadvantaged pupils and compare with spring, using the form.
    page.get_by_label("Pupil group").select_option("disadvantaged")
    page.get_by_label("Compare with").select_option("2025-26-spring")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**group=disadvantaged**")
    assert page.get_by_text(
        "Suppressed (5 or fewer pupils, or would reveal them)"
    ).first.is_visible()
    assert "compared with Spring term 2025-26" in page.locator("caption").last.inner_text()
    assert_no_axe_violations(page)

    # Keyboard: one tab stop into the grid, then arrows move between cells.
    page.goto(f"/t/{a.slug}/heatmap/?group=all")
    first = page.locator("[data-heat-cell]").first
    first.focus()
    assert page.evaluate("document.activeElement.textContent").strip() == a.academies[0].name
    page.keyboard.press("ArrowRight")
    first_cell = page.evaluate("document.activeElement.closest('td').cellIndex")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.closest('td').cellIndex") == first_cell + 1
    page.keyboard.press("End")
    last = page.evaluate("document.activeElement.closest('td').cellIndex")
    assert (
        last == page.locator(".app-heatmap").first.locator("thead th").count() - 1
        and last > first_cell
    )
    page.keyboard.press("Home")
    assert page.evaluate("document.activeElement.textContent").strip() == a.academies[0].name
    # Only the focused cell is in the tab order (roving tabindex).
    assert page.locator("[data-heat-cell][tabindex='0']").count() == 1
    page.keyboard.press("ArrowRight")
    # The tip (trend, cohort) shows on keyboard focus, not only on hover.
    tip = page.locator("[data-heat-cell]:focus .app-heat__tip")
    assert tip.count() == 0 or tip.first.bounding_box()["width"] > 10
    # Enter opens the cell's detail panel (htmx into a dialog); focus moves into it.
    page.keyboard.press("Enter")
    panel = page.locator("#heat-panel")
    panel.locator("#heat-panel-title").wait_for()
    assert panel.evaluate("el => el.open")
    assert "How it is rated" in panel.inner_text()
    assert page.evaluate("document.activeElement.id") == "heat-panel-title"
    assert page.url.endswith("/heatmap/?group=all")  # a panel, not another page
    assert_no_axe_violations(page)
    # Escape closes it and focus returns to the cell.
    page.keyboard.press("Escape")
    page.wait_for_function("!document.getElementById('heat-panel').open")
    assert page.evaluate("document.activeElement.hasAttribute('data-heat-cell')")
    # Its link to the KPI page is in the panel.
    page.keyboard.press("Enter")
    panel.get_by_role("link", name="every outcome").click()
    page.wait_for_url("**/kpis/**")
    assert_no_axe_violations(page)


def test_matching_and_settings_pages_are_axe_clean(world, page, login_as):
    map_two_terms(world)
    login_as(world.a.user(Role.TRUST_ADMIN))
    page.goto(f"/t/{world.a.slug}/support-matching/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{world.a.slug}/phases/settings/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{world.a.slug}/placements/")
    assert_no_axe_violations(page)
