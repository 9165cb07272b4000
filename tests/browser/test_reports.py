"""Reports as a trust leader: list, HTML preview, generate a batch, follow its progress, download.

Celery is eager in the test settings, so the batch is done by the time the progress page
loads; the page must still render the progress element and show it complete.
"""

from __future__ import annotations

import pytest

from reporting.services import report_generate, report_request
from tests.browser.conftest import assert_no_axe_violations
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

TERM = "2025-26-summer"


def test_preview_generate_progress_and_download_as_trust_leader(world, page, login_as):
    academy = world.a.academies[0]
    with world.a.scope():
        # Two terms of attendance, so the preview draws a trend chart (an inline SVG).
        for term, extra in (("2025-26-spring", 0), (TERM, 4)):
            seed_attendance(
                academy=academy,
                term_code=term,
                pupils=[
                    {"upn": f"B{n:012d}", "possible": 100, "missed": n + extra} for n in range(8)
                ],
            )
        report_generate(
            report=report_request(
                actor=None, trust=world.a.trust, term_code=TERM, academy=academy, enqueue=False
            )
        )
    login_as(world.a.user(Role.TRUST_LEADER))

    # The reports list.
    page.goto(f"/t/{world.a.slug}/reports/")
    assert page.get_by_role("heading", name="Termly reports").is_visible()
    assert_no_axe_violations(page)

    # Preview the academy's report as HTML.
    page.get_by_role("link", name=academy.name, exact=True).click()
    page.get_by_role("link", name="Preview in the browser").click()
    page.wait_for_load_state()
    assert page.get_by_role(
        "heading", name=f"{academy.name}: termly report, Summer term 2025-26"
    ).is_visible()
    assert page.get_by_text("Outcomes against national and target").is_visible()
    assert page.get_by_role("img", name="Overall absence").first.is_visible()
    assert_no_axe_violations(page)

    # Generate every academy's report (and the board's) for the term.
    page.goto(f"/t/{world.a.slug}/reports/")
    page.get_by_label("Term", exact=True).select_option("2025-26-summer")
    page.get_by_label("Report", exact=True).select_option("__all__")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url("**/reports/batches/*/")

    # The progress element renders and reaches done.
    progress = page.locator("progress#batch-bar")
    assert progress.is_visible()
    assert progress.get_attribute("value") == "100"
    status = page.get_by_role("status")
    assert "3 of 3 ready" in status.inner_text() and "Finished" in status.inner_text()
    assert_no_axe_violations(page)

    # Download the academy's PDF through the page's own link.
    with page.expect_download() as info:
        page.get_by_role("link", name=f"download PDF for {academy.name}").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"


def test_logo_settings_errors_are_accessible_and_upload_works(world, page, login_as, tmp_path):
    import io

    from PIL import Image

    login_as(world.a.user(Role.TRUST_ADMIN))
    page.goto(f"/t/{world.a.slug}/reports/settings/")
    assert_no_axe_violations(page)
    bad = tmp_path / "logo.svg"
    bad.write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    page.get_by_label("Logo").set_input_files(str(bad))
    page.get_by_role("button", name="Save logo").click()
    assert (
        page.get_by_role("alert").get_by_text("The logo must be a PNG or JPEG image.").is_visible()
    )
    assert_no_axe_violations(page)
    good = tmp_path / "logo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (200, 60), (29, 112, 184)).save(buffer, format="PNG")
    good.write_bytes(buffer.getvalue())
    page.get_by_label("Logo").set_input_files(str(good))
    page.get_by_role("button", name="Save logo").click()
    assert page.get_by_role("img", name=f"Current logo of {world.a.trust.name}").is_visible()
    assert_no_axe_violations(page)
