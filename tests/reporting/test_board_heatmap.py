"""The board report carries the heat map as a picture: A3 landscape pages, one table per phase
of education and column group, every column the map shows, the ratings in words, no suppressed
figure. Read back with pypdf (text and page sizes)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from phases.heatmap_page import HeatmapFilters, heatmap_page_for
from reporting.services import report_generate, report_request
from tests.phases.helpers import map_two_terms
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.vocab import raw_codes_in

pytestmark = pytest.mark.django_db

TERM = "2025-26-summer"


def test_board_report_has_the_heat_map_on_landscape_pages(world):
    tw = map_two_terms(world).a
    with tw.scope():
        report = report_generate(
            report=report_request(actor=None, trust=tw.trust, term_code=TERM, enqueue=False)
        )
        with report.pdf.open("rb") as fh:
            reader = PdfReader(io.BytesIO(fh.read()))
        leader = Membership.objects.get(user=tw.user(Role.TRUST_LEADER))
        page = heatmap_page_for(leader, HeatmapFilters(term=TERM))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    heat = [i for i, text in enumerate(pages) if f"The heat map, Summer term {TERM[:7]}" in text]
    assert heat, "no heat-map page in the board report"
    box = reader.pages[heat[0]].mediabox
    assert float(box.width) > float(box.height), "the heat map's page is not landscape"
    assert float(box.width) > 1100  # A3 (1191 pt wide), not A4 (842)
    text = " ".join(pages[i] for i in range(heat[0], len(pages)))
    # Every column the trust's heat map shows, and each academy, are in the picture.
    for t in page.tables:
        for c in t.columns:
            assert " ".join(c.label.split()) in text, f"{c.label!r} missing from the picture"
        for row in t.rows:
            assert row.academy.name in text
    # Ratings in words with the figure; words, not codes.
    assert "Needs attention" in text and "100.0%" in text
    assert not raw_codes_in(" ".join(pages[i] for i in heat))
    tables = report.snapshot["heatmap"]
    assert {t["group"].split(" (")[0] for t in tables} == {"Outcomes", "Judged areas"}
    for t in tables:
        for r in t["rows"]:
            for c in r["cells"]:
                assert not (c["rating"] == "Suppressed" and c["display"])
