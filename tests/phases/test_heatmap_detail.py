"""The heat map's cell detail panel, the phase overview chart, and a head's own row.

The panel gives the figure, cohort (never for a suppressed cell), what it is compared with and
whose figure that is, the trend over the kept terms and the rule; a head reads their own school's
row and cells and nothing of another academy, nor the trust's phase counts."""

from __future__ import annotations

import pytest

from phases.models import Placement
from phases.services import placement_decide
from tests.phases.helpers import map_two_terms
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(world):
    return map_two_terms(world)


def _cell_url(a, urn, column, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/t/{a.slug}/heatmap/cells/{urn}/{column}/?{q}"


def test_cell_detail_gives_figure_cohort_comparison_trend_and_rule(mapped, client_for):
    a = mapped.a
    leader = client_for(a.user(Role.TRUST_LEADER))
    url = _cell_url(a, a.academies[0].urn, "persistent_absence", term="2025-26-summer", group="all")
    partial = leader.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "<html" not in html  # the htmx partial, not a page
    assert 'id="heat-panel-title"' in html and "Persistent absence" in html
    assert "100.0%" in html and "Pupils in the figure" in html and ">10<" in html
    # National with its year and its source, the gap, the trend table and the rule in words.
    assert "National (2024-25)" in html and "source DfE" in html
    assert "Spring term 2025-26" in html and "0.0%" in html and "Summer term 2025-26" in html
    assert "Rated by the gap in per cent of the national rate" in html
    # Without htmx the same link is a page of its own, with the site's layout.
    page = leader.get(url).content.decode()
    assert "<main" in page and "Back to the heat map" in page and "100.0%" in page


def test_cell_detail_never_shows_a_suppressed_figure_or_cohort(mapped, client_for):
    a = mapped.a
    leader = client_for(a.user(Role.TRUST_LEADER))
    html = leader.get(
        _cell_url(a, a.academies[0].urn, "persistent_absence", group="disadvantaged"),
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Not shown: too few pupils" in html
    assert "Pupils in the figure" not in html and "n=3" not in html and ">3<" not in html
    assert "suppressed" in html  # the trend says so in words, without a figure


def test_cell_detail_is_scoped_to_the_members_academies(mapped, client_for):
    a, b = mapped.a, mapped.b
    leader = client_for(a.user(Role.TRUST_LEADER))
    # Another trust's academy, an unknown column: 404.
    assert leader.get(_cell_url(a, b.academies[0].urn, "persistent_absence")).status_code == 404
    assert leader.get(_cell_url(a, a.academies[0].urn, "nope")).status_code == 404
    # A head reads their own school's cell, never a neighbour's.
    head = client_for(a.user(Role.SCHOOL_STAFF))
    assert head.get(_cell_url(a, a.academies[0].urn, "persistent_absence")).status_code == 200
    assert head.get(_cell_url(a, a.academies[1].urn, "persistent_absence")).status_code == 404
    # A partner has no outcomes at all.
    partner = client_for(a.user(Role.EXTERNAL_PARTNER))
    assert partner.get(_cell_url(a, a.academies[0].urn, "persistent_absence")).status_code == 403


def test_every_cell_opens_its_detail_panel(mapped, client_for):
    a = mapped.a
    page = client_for(a.user(Role.TRUST_LEADER)).get(f"/t/{a.slug}/heatmap/").content.decode()
    assert 'hx-target="#heat-panel-body"' in page and '<dialog class="app-heat-panel"' in page
    assert f"/heatmap/cells/{a.academies[0].urn}/persistent_absence/" in page
    # The tip (trend, cohort) is inside the link: read out with it.
    assert 'class="app-heat__tip"' in page and "n=10" in page


def test_overview_chart_counts_match_the_placements_page_after_an_override(mapped, client_for):
    a = mapped.a
    leader = client_for(a.user(Role.TRUST_LEADER))
    with a.scope():
        placement = (
            Placement.objects.filter(academy=a.academies[0], subject="")
            .order_by("-computed_at")
            .first()
        )
        new = next(p for p in ("repair", "sustain") if p != placement.phase)
        placement_decide(
            actor=a.user(Role.TRUST_LEADER), placement=placement, phase=new, rationale="Board"
        )
    heat = leader.get(f"/t/{a.slug}/heatmap/")
    placements = leader.get(f"/t/{a.slug}/placements/")
    overview = {o.code: o.now for o in heat.context["overview"]}
    listed = {o["phase"]: o["count"] for o in placements.context["overview"]}
    names = heat.context["phase_names"]
    assert {names[c]: n for c, n in overview.items()} == listed
    assert overview[new] >= 1
    html = heat.content.decode()
    # The chart: SVG with a title and description, bars labelled in words, not colour only.
    assert '<svg class="app-chart" role="img"' in html and "<desc" in html
    assert f"Now: {overview[new]} (" in html and "Last term: " in html


def test_head_sees_their_own_row_and_no_trust_counts(mapped, client_for):
    a = mapped.a
    head = client_for(a.user(Role.SCHOOL_STAFF))
    assert head.get(f"/t/{a.slug}/heatmap/").status_code == 403  # the trust's map stays closed
    dashboard = head.get(f"/t/{a.slug}/").content.decode()
    assert f"/t/{a.slug}/heatmap/my-school/" in dashboard
    page = head.get(f"/t/{a.slug}/heatmap/my-school/")
    assert page.status_code == 200
    html = page.content.decode()
    assert a.academies[0].name in html and a.academies[1].name not in html
    assert "Why this phase" in html and "Persistent absence" in html
    assert "Academies per phase" not in html and "app-chart" not in html
    assert "overview" not in page.context
    # A leader asking for it goes to the trust's heat map.
    leader = client_for(a.user(Role.TRUST_LEADER))
    assert leader.get(f"/t/{a.slug}/heatmap/my-school/").status_code == 302


def test_heatmap_exports_and_the_report_csv_hold_words_not_codes(mapped, client_for):
    import io

    from openpyxl import load_workbook

    from reporting.reports import report_class_for
    from reporting.services import report_generate, report_request
    from trust_si.vocab import raw_codes_in

    a = mapped.a
    leader = client_for(a.user(Role.TRUST_LEADER))
    text = leader.get(f"/t/{a.slug}/heatmap/?format=csv").content.decode("utf-8-sig")
    assert "Persistent absence (10% or more): rating" in text
    assert not raw_codes_in(text), raw_codes_in(text)
    book = load_workbook(io.BytesIO(leader.get(f"/t/{a.slug}/heatmap/?format=xlsx").content))
    cells = " ".join(
        str(c.value) for row in book.active.iter_rows() for c in row if isinstance(c.value, str)
    )
    assert not raw_codes_in(cells), raw_codes_in(cells)
    with a.scope():
        report = report_generate(
            report=report_request(
                actor=None, trust=a.trust, term_code="2025-26-summer", enqueue=False
            )
        )
    csv = report_class_for(report.kind).render_csv(report.snapshot)
    assert csv.startswith("Academy or trust,Measure,Pupil group,Term")
    assert not raw_codes_in(csv), raw_codes_in(csv)
