"""The heat map at 1366 x 768 with 60 academies: the page is never wider than the viewport, every
column group can be scrolled to inside the grid, rows are compact, the "why" column is filled,
axe is clean, and printing keeps every column (the printed PDF's text)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from academies.models import Academy
from phases.models import HeatmapRow
from tests.browser.conftest import assert_no_axe_violations
from tests.phases.helpers import map_two_terms
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _sixty_academies(world):
    """Alpha's mapped primary, copied to 58 more academies (the rows as kept for the term)."""
    map_two_terms(world)
    a = world.a
    with a.scope():
        source = HeatmapRow.objects.filter(academy=a.academies[0])
        for i in range(58):
            academy = Academy.objects.create(
                trust=a.trust,
                urn=f"97{i:04d}",
                name=f"Copse Lane Primary {i:02d}",
                phase_of_education="primary",
                age_low=4,
                age_high=11,
            )
            for row in source:
                HeatmapRow.objects.create(
                    trust=a.trust,
                    academy=academy,
                    term_code=row.term_code,
                    group=row.group,
                    phase=row.phase,
                    phase_status=row.phase_status,
                    cells=row.cells,
                )
    return a


def test_heatmap_fits_the_viewport_and_prints_every_column(world, page, login_as):
    a = _sixty_academies(world)
    page.set_viewport_size({"width": 1366, "height": 768})
    login_as(a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{a.slug}/heatmap/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"the page is {width} px wide"

    headers = page.locator(".app-heatmap").first.locator("thead th")
    labels = [h.strip() for h in headers.all_inner_texts()]
    assert labels[:2] == ["Academy and phase", "Why this phase"] and len(labels) > 3
    # The last column group is reachable: scroll the grid's own region to its right edge.
    wrapper = page.locator(".app-heat-wrapper")
    wrapper.evaluate("el => el.scrollLeft = el.scrollWidth")
    last = headers.last.bounding_box()
    box = wrapper.bounding_box()
    assert last and box and last["x"] + last["width"] <= box["x"] + box["width"] + 1
    # The academy column stays in view while the grid scrolls sideways (sticky).
    corner = headers.first.bounding_box()
    assert corner and abs(corner["x"] - box["x"]) < 3

    # Rows are compact: 60 academies at no more than 48 px each.
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('.app-heatmap tbody tr'))"
        ".map(r => r.getBoundingClientRect().height)"
    )
    assert len(heights) == 60 and max(heights) <= 48, max(heights)
    # The why column names the reasons that decided the phase (the primary's are scored).
    why = page.locator(".app-heatmap tbody td.app-heatmap__why").first.inner_text()
    assert why and "Not enough" not in why
    assert "(seed 002)" not in page.content() and "1 academies" not in page.content()
    assert_no_axe_violations(page)
    # The overview chart of phases now against last term sits above the grid, within the page.
    chart = page.locator("svg.app-chart").bounding_box()
    assert chart and chart["x"] + chart["width"] <= 1366
    # A cell's detail panel opens by keyboard; the page is still no wider than the viewport and
    # axe is clean with the panel open.
    page.locator(".app-heat [data-heat-cell]").first.focus()
    page.keyboard.press("Enter")
    page.locator("#heat-panel #heat-panel-title").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    page.wait_for_function("!document.getElementById('heat-panel').open")

    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A3", landscape=True, print_background=True)))
    text = " ".join(p.extract_text() for p in pdf.pages)
    flat = " ".join(text.split())
    for label in labels:
        assert " ".join(label.split()) in flat, f"{label!r} missing from the printed heat map"
    assert "Copse Lane Primary 57" in flat
