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


RATINGS = (
    (1, "Well below national"),
    (2, "Below national"),
    (3, "In line with national"),
    (4, "Well above national"),
)


def _wide_first_schools(world, count=30):
    """First schools (ages 4-9) with a figure in every KPI column outside KS4: the 20-odd
    columns the new primary measures make, each rated in its longest words."""
    from phases.heatmap import Cell as HeatCell
    from phases.heatmap import CellKind, CellState, columns
    from trust_si.terms import TermCode

    map_two_terms(world)
    a = world.a
    term_code = "2025-26-summer"  # the later of the two mapped terms
    kpi_columns = [c for c in columns() if c.kind is CellKind.KPI and c.key_stage != "KS4"]
    with a.scope():
        for i in range(count):
            academy = Academy.objects.create(
                trust=a.trust,
                urn=f"96{i:04d}",
                name=f"Hollins Wood First School {i:02d}",
                phase_of_education="first",
                age_low=4,
                age_high=9,
            )
            cells = {}
            for j, c in enumerate(kpi_columns):
                level, words = RATINGS[(i + j) % 4]
                cell = HeatCell(
                    c.code,
                    CellKind.KPI,
                    CellState.VALUE,
                    words,
                    level=level,
                    value=48.5,
                    display="48.5%",
                    unit="%",
                    cohort=28,
                    term=TermCode.parse(term_code),
                )
                cells[c.code] = cell.to_dict()
            HeatmapRow.objects.create(
                trust=a.trust,
                academy=academy,
                term_code=term_code,
                group="all",
                phase="improve",
                phase_status="confirmed",
                cells=cells,
            )
    return a, len(kpi_columns)


def _printed_a4_text(page):
    page.emulate_media(media="print")
    # The page's own @page rule decides the layout width, as the browser's print dialog does.
    pdf = PdfReader(
        io.BytesIO(
            page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
        )
    )
    box = pdf.pages[0].mediabox
    # A4 landscape is 842 x 595 points (297 x 210 mm).
    assert abs(float(box.width) - 842) < 2 and abs(float(box.height) - 595) < 2, box
    return " ".join(" ".join(p.extract_text() for p in pdf.pages).split())


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


def test_heatmap_printed_on_a4_landscape_keeps_every_column(world, page, login_as):
    """A4 is what most offices print on: the same columns as on A3, none cut at the page edge."""
    a = _sixty_academies(world)
    page.set_viewport_size({"width": 1366, "height": 768})
    login_as(a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{a.slug}/heatmap/")
    labels = [
        " ".join(h.split())
        for h in page.locator(".app-heatmap thead th").all_inner_texts()
        if h.strip()
    ]
    assert len(labels) > 3
    page.emulate_media(media="print")
    # The page's own @page rule decides the layout width, as the browser's print dialog does.
    pdf = PdfReader(
        io.BytesIO(
            page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
        )
    )
    box = pdf.pages[0].mediabox
    # A4 landscape is 842 x 595 points (297 x 210 mm).
    assert abs(float(box.width) - 842) < 2 and abs(float(box.height) - 595) < 2, box
    flat = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    for label in labels:
        assert label in flat, f"{label!r} missing from the heat map printed on A4"
    assert "Copse Lane Primary 57" in flat


def test_overview_of_sixty_academies_reads_in_one_screen_height(world, page, login_as):
    """At 1366 x 768 the overview (the chart of phases now against last term and its table of
    counts) fits one screen height, and the chart's words are legible and do not overlap."""
    a = _sixty_academies(world)
    page.set_viewport_size({"width": 1366, "height": 768})
    login_as(a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{a.slug}/heatmap/")
    chart = page.locator(".app-overview-chart").bounding_box()
    table = page.locator("table.app-overview").bounding_box()
    assert chart and table
    overview = table["y"] + table["height"] - chart["y"]
    assert overview <= 768, f"the overview is {overview:.0f} px tall"
    texts = page.evaluate(
        "Array.from(document.querySelectorAll('svg.app-chart text')).map(t => {"
        " const b = t.getBoundingClientRect();"
        " return [b.left, b.top, b.right, b.bottom, parseFloat(getComputedStyle(t).fontSize)]; })"
    )
    assert texts and min(t[4] for t in texts) >= 12, "chart words smaller than 12 px"
    for i, (l1, t1, r1, b1, _) in enumerate(texts):
        for l2, t2, r2, b2, _ in texts[i + 1 :]:
            assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, "chart labels overlap"


def test_first_schools_twenty_columns_print_on_a4_and_read_in_full(world, page, login_as):
    """A first school's row with 20+ columns: on screen at 1366 px every cell's words are whole
    (wrapped, never cut with an ellipsis) in a row of at most 48 px, and printed on A4
    landscape every column is still there."""
    a, wide = _wide_first_schools(world)
    assert wide >= 20
    page.set_viewport_size({"width": 1366, "height": 768})
    login_as(a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{a.slug}/heatmap/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    cut = page.evaluate(
        "Array.from(document.querySelectorAll('.app-heat .app-heat__link'))"
        ".filter(l => l.scrollHeight > l.clientHeight + 1 || l.scrollWidth > l.clientWidth + 1)"
        ".map(l => l.innerText)"
    )
    assert not cut, f"{len(cut)} cells cut, e.g. {cut[:3]}"
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('.app-heatmap tbody tr'))"
        ".map(r => r.getBoundingClientRect().height)"
    )
    assert max(heights) <= 48, max(heights)
    labels = [
        " ".join(h.split())
        for h in page.locator(".app-heatmap thead th").all_inner_texts()
        if h.strip()
    ]
    flat = _printed_a4_text(page)
    for label in labels:
        assert label in flat, f"{label!r} missing from the heat map printed on A4"
    assert "Hollins Wood First School 29" in flat
