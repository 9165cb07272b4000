"""The upload journey in a browser: problems reported by row, a clean file confirmed, a newer
one confirmed and rolled back to the first; axe."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_axe_violations
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_journey_with_error_report_then_confirm(world, page, login_as, tmp_path):
    login_as(world.a.user(Role.SCHOOL_STAFF))
    page.goto(f"/t/{world.a.slug}/uploads/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Upload a file").click()
    assert_no_axe_violations(page)
    bad = tmp_path / "attendance.csv"
    bad.write_text("upn,sessions_possible,sessions_missed\nA123456789012,100,120\nnope,100,3\n")
    page.get_by_label("Term").select_option("2025-26-autumn")
    page.get_by_label("What the file contains").select_option("attendance")
    page.get_by_label("File (CSV or XLSX, up to 20 MB)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("text=Problems to fix")
    assert page.locator("progress").get_attribute("value") == "100"
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert "More sessions missed than possible." in page.content()
    assert_no_axe_violations(page)

    good = tmp_path / "attendance-fixed.csv"
    good.write_text(
        "upn,sessions_possible,sessions_missed\nA123456789012,100,12\nB123456789013,100,3\n"
    )
    page.goto(f"/t/{world.a.slug}/uploads/new/")
    page.get_by_label("Term").select_option("2025-26-autumn")
    page.get_by_label("What the file contains").select_option("attendance")
    page.get_by_label("File (CSV or XLSX, up to 20 MB)").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Confirm and replace this term's data").click()
    page.wait_for_selector("text=2 rows confirmed.")
    assert "there is no earlier version to restore" in page.content()
    assert_no_axe_violations(page)

    newer = tmp_path / "attendance-newer.csv"
    newer.write_text(
        "upn,sessions_possible,sessions_missed\nA123456789012,100,10\nB123456789013,100,3\n"
    )
    page.goto(f"/t/{world.a.slug}/uploads/new/")
    page.get_by_label("Term").select_option("2025-26-autumn")
    page.get_by_label("What the file contains").select_option("attendance")
    page.get_by_label("File (CSV or XLSX, up to 20 MB)").set_input_files(str(newer))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Confirm and replace this term's data").click()
    page.wait_for_selector("text=2 rows confirmed.")
    page.get_by_text("Restore the previous version", exact=True).click()  # opens the confirm step
    page.get_by_role("button", name="Yes, restore the previous version").click()
    page.wait_for_selector("text=Restored: 2 rows confirmed.")  # the first file, saved again
    assert page.get_by_role("heading", level=1).inner_text() == "attendance-fixed.csv"
    assert_no_axe_violations(page)


def test_kpi_pages_have_no_axe_violations(world, page, login_as):
    login_as(world.a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{world.a.slug}/kpis/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{world.a.slug}/published-results/")
    assert_no_axe_violations(page)
