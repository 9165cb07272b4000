"""The governor and board reports as a governor reads them: a plain-English summary first, the
commentary the head and officer wrote, a glossary, academies by phase, and charts whose labels
do not overlap (label boxes measured from the SVG).

The PDF's text is read back with pypdf page by page, so "first" means page 1 of the PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from phases.pipeline import recompute_run
from phases.services import judgement_record
from reporting.charts import Series, line_chart
from reporting.reports import report_class_for
from reporting.services import report_generate, report_request
from reporting.summary import direction_of_travel
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db

TERM = "2025-26-summer"
HEAD = "Reading has improved in every year group; attendance is our priority this year."
OFFICER = "The school acted on every action from the spring visit within the half term."
SVG = "{http://www.w3.org/2000/svg}"


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _label_boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """Each <text>'s box (text, x0, y0, x1, y1), from its position, anchor and font size.

    Width is estimated at 0.62 em a character, which is wider than DejaVu Sans's average
    (about 0.55 em) and as wide as its digits (0.64 em), so a pass here is a pass on paper.
    """
    root = ET.fromstring(svg)
    group_size = 10.0
    boxes = []
    for g in root.iter(f"{SVG}g"):
        group_size = float(g.get("font-size", group_size))
    for t in root.iter(f"{SVG}text"):
        size = float(t.get("font-size", group_size))
        text = t.text or ""
        width = len(text) * size * 0.62
        x, y = float(t.get("x", 0)), float(t.get("y", 0))
        anchor = t.get("text-anchor", "start")
        x0 = x - width / 2 if anchor == "middle" else (x - width if anchor == "end" else x)
        boxes.append((text, x0, y - size * 0.8, x0 + width, y + size * 0.2))
    return boxes


def _overlaps(svg: str) -> list[tuple[str, str]]:
    boxes = _label_boxes(svg)
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
                found.append((a[0], b[0]))
    return found


SIX_TERMS = [
    "Autumn 2024-25",
    "Spring 2024-25",
    "Summer 2024-25",
    "Autumn 2025-26",
    "Spring 2025-26",
    "Summer 2025-26",
]


def test_chart_labels_do_not_overlap_at_six_terms_in_a_half_page_chart():
    svg = line_chart(
        "Persistent absence (10% or more)",
        SIX_TERMS,
        [
            Series("St Aidan's CE First School", [24.2, 22.0, None, 19.5, 18.1, 17.7]),
            Series("National", [21.2, 20.1, 19.4, 18.7, 18.7, 18.7]),
        ],
        unit="%",
        width=320,
    )
    assert _label_boxes(svg), "the chart must have labels to measure"
    assert _overlaps(svg) == []
    # The check can fail: the same six terms on one line each in a narrow chart collide.
    cramped = line_chart("x", [t.replace(" ", "\u00a0") for t in SIX_TERMS], [], width=200)
    assert _overlaps(cramped)


def test_percent_charts_start_at_zero_with_round_ticks():
    svg = line_chart("Attendance", SIX_TERMS[:3], [Series("A", [95.1, 94.0, 96.2])], unit="%")
    ticks = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if (t.text or "").endswith("%")]
    assert ticks == ["0%", "25%", "50%", "75%", "100%"]


def _y_tick_labels(svg: str) -> list[str]:
    """The y-axis labels: the texts right-aligned against the axis."""
    return [
        t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("text-anchor") == "end"
    ]


@pytest.mark.parametrize(
    "values",
    [[41.3, 44.8, 47.9], [46.2, 52.8], [3.1, 3.9], [-0.42, 0.31], [44.0, 44.0]],
)
def test_score_charts_have_evenly_spaced_round_ticks(values):
    # Attainment 8 points, a scaled score, Progress 8: the axis steps by 1, 2, 2.5 or 5 times a
    # power of ten and every label prints that step exactly (no "41.3, 44.1, 46.9").
    svg = line_chart("Attainment 8", SIX_TERMS[: len(values)], [Series("A", values)])
    ticks = [float(t) for t in _y_tick_labels(svg)]
    assert len(ticks) == 5
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1, ticks
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5), step
    assert all(round(t / step, 6) % 1 == 0 for t in ticks), ticks
    assert ticks[0] <= min(values) and ticks[-1] >= max(values)


def test_a_summer_only_measure_has_one_point_a_year_labelled_by_year():
    # KS4 results exist only in summer: the chart must not space its points over empty autumn
    # and spring terms (dots, no line), and its x axis names the years.
    terms = [
        f"{y}-{s}"
        for y in ("2023-24", "2024-25", "2025-26")
        for s in ("autumn", "spring", "summer")
    ]
    figures = {"2023-24-summer": 44.1, "2024-25-summer": 45.6, "2025-26-summer": 47.2}
    trend = [
        {
            "term": t,
            "term_label": t,
            "value": figures.get(t),
            "national": 45.9 if t in figures else None,
        }
        for t in terms
    ]
    snapshot = {
        "subject_name": "Bleakridge High",
        "kpis": [{"code": "ks4_att8", "label": "Attainment 8", "unit_suffix": "", "trend": trend}],
    }
    (chart,) = report_class_for("academy").charts(snapshot)
    root = ET.fromstring(chart["svg"])
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"2023-24", "2024-25", "2025-26"} <= set(texts)
    assert not {"Autumn", "Spring", "Summer"} & set(texts)
    lines = [p.get("points", "").split() for p in root.iter(f"{SVG}polyline")]
    assert [len(points) for points in lines] == [3, 3]  # the academy and national: one line each
    assert not _overlaps(chart["svg"])
    assert chart["period"] == "recent years (summer results)"


def test_a_termly_measure_keeps_every_term():
    trend = [
        {"term": t, "term_label": t, "value": v, "national": None}
        for t, v in [("2025-26-autumn", 94.1), ("2025-26-spring", 93.0), ("2025-26-summer", 95.2)]
    ]
    snapshot = {
        "kpis": [{"code": "attendance", "label": "Attendance", "unit_suffix": "%", "trend": trend}]
    }
    (chart,) = report_class_for("academy").charts(snapshot)
    assert [
        len(p.get("points", "").split()) for p in ET.fromstring(chart["svg"]).iter(f"{SVG}polyline")
    ] == [3]


def test_direction_of_travel_in_words():
    order = ["Stabilise", "Repair", "Improve", "Sustain"]
    history = [{"phase": "Improve"}, {"phase": "Repair"}]
    assert direction_of_travel(history, order) == (
        "Moving the right way: from Repair last term to Improve."
    )
    assert "more support" in direction_of_travel(history[::-1], order)
    assert "same phase" in direction_of_travel([{"phase": "Repair"}] * 2, order)


@pytest.fixture
def academy_report(world):
    tw = world.a
    academy = tw.academies[0]
    with tw.scope():
        for term, extra in (("2025-26-spring", 4), (TERM, 0)):  # two terms: a trend chart
            seed_attendance(
                academy=academy,
                term_code=term,
                pupils=[
                    {"upn": f"B{n:012d}", "possible": 100, "missed": m + extra}
                    for n, m in enumerate([3, 4, 5, 25, 30, 2, 1, 6, 8, 12], start=1)
                ],
            )
        officer = tw.user(Role.IMPROVEMENT_OFFICER)
        judgement_record(
            actor=officer,
            academy=academy,
            area="achievement",
            grade="needs_attention",
            judged_on=dt.date.today() - dt.timedelta(days=10),
            source="direct",
        )
        recompute_run(trust=tw.trust)
        report = report_generate(
            report=report_request(
                actor=None,
                trust=tw.trust,
                term_code=TERM,
                academy=academy,
                enqueue=False,
                commentary={"head": HEAD, "officer": OFFICER},
            )
        )
        with report.pdf.open("rb") as fh:
            pdf = fh.read()
    return report, _pages(pdf)


def test_first_page_is_a_plain_english_summary(academy_report):
    report, pages = academy_report
    first = pages[0]
    assert "Summary for governors" in first
    assert f"{report.academy.name} is in the " in first and " phase" in first
    assert "Direction of travel:" in first
    assert "The three things that matter" in first
    for heading in ("What went well", "What needs attention", "What the trust is doing"):
        assert heading in first
    # Overall absence (about 9.6%) against national: said in a sentence, not a figure dump.
    assert "Overall absence is" in first and "national" in first
    assert TERM not in " ".join(pages)  # term codes never reach the page


def test_commentary_is_printed_and_stored_with_the_report(academy_report):
    report, pages = academy_report
    text = " ".join(pages)
    assert "From the head teacher" in text and HEAD in text
    assert "From the school improvement officer" in text and OFFICER in text
    assert report.commentary == {"head": HEAD, "officer": OFFICER}
    assert report.snapshot["commentary"] == report.commentary
    # The summary comes before the commentary, which comes before the detail.
    assert text.index("Summary for governors") < text.index(HEAD) < text.index("Outcomes")


def test_glossary_defines_the_phases_and_each_figure(academy_report):
    report, pages = academy_report
    glossary_page = next(i for i, p in enumerate(pages) if "The four phases" in p)
    assert glossary_page > 0
    text = " ".join(pages[glossary_page:])
    for phase in report.snapshot["phases"]:
        assert phase["name"] in text and " ".join(phase["summary"].split()) in text
    assert "Sessions missed for any reason as a share of possible sessions, for pupils of" in text
    for word in ("National", "Suppressed", "Disadvantaged", "SEND"):
        assert word in text


def test_generated_report_charts_have_no_overlapping_labels(academy_report):
    report, _ = academy_report
    charts = report_class_for("academy").charts(report.snapshot)
    assert charts, "the fixture's absence figures must draw a chart"
    for chart in charts:
        assert _overlaps(chart["svg"]) == [], chart["title"]
        assert "dashed" not in chart["key"] or "National" in chart["key"]


def test_board_report_orders_academies_by_phase_most_support_first(world):
    tw = world.a
    with tw.scope():
        recompute_run(trust=tw.trust)
        report = report_generate(
            report=report_request(actor=None, trust=tw.trust, term_code=TERM, enqueue=False)
        )
        with report.pdf.open("rb") as fh:
            pages = _pages(fh.read())
    assert "Summary for the board" in pages[0] and "The three things that matter" in pages[0]
    order = [p["name"] for p in report.snapshot["phases"]]
    rank = {name: i for i, name in enumerate(order)}
    rows = report.snapshot["academies"]
    assert [rank.get(r["phase"], 9) for r in rows] == sorted(rank.get(r["phase"], 9) for r in rows)
    text = " ".join(pages)
    assert "Academies by phase, most support first" in text and "Glossary" in text


def test_a_summer_only_measure_prints_by_year_with_round_ticks_in_the_pdf(academy_report):
    # The printed chart, read back with pypdf: an Attainment 8 trend that has figures only in
    # summer is drawn over the years (no "Autumn"/"Spring" under it) with round score ticks.
    report, _ = academy_report
    terms = [f"{y}-{s}" for y in ("2024-25", "2025-26") for s in ("autumn", "spring", "summer")]
    figures = {"2024-25-summer": 41.3, "2025-26-summer": 47.9}
    kpi = {
        **report.snapshot["kpis"][0],
        "code": "ks4_att8",
        "label": "KS4 Attainment 8",
        "unit_suffix": "",
        "trend": [
            {"term": t, "term_label": t, "value": figures.get(t), "national": None} for t in terms
        ],
    }
    snapshot = {**report.snapshot, "kpis": [kpi]}
    pdf, _ = report_class_for("academy").render_pdf(snapshot, title="t")
    page = next(p for p in _pages(pdf) if "Figure: KS4 Attainment 8" in p)
    # The SVG's texts come out after the page's flowing text: the y ticks, then the x labels.
    assert "over recent years (summer results)" in page
    assert "Autumn" not in page and "Spring" not in page
    assert "40 42.5 45 47.5 50 2024-25 2025-26" in page, page
