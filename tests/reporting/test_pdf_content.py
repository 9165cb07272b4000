"""The academy report PDF says what the database says: phase and reasons, KPI figures, suppression.

The text is read back from the generated PDF with pypdf and compared with the other apps' own
selectors (phases' placement summary, the KPI engine), not with the report's snapshot, so a
report that drifted from the source data would fail here.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from assessment.kpis.selectors import kpi_figures_for
from phases.pipeline import recompute_run
from phases.selectors import placement_summary_for_report
from phases.services import judgement_record
from reporting.services import report_generate, report_request
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db

TERM = "2025-26-summer"
# Eight Year 6 pupils; the first four are disadvantaged (a group below the minimum cohort of 5).
UPNS = [f"A{n:012d}" for n in range(1, 9)]
MISSED = [11, 13, 17, 20, 1, 2, 3, 4]  # of 100 sessions each
DISADVANTAGED_ABSENCE = 100 * sum(MISSED[:4]) / 400  # 15.25: must never be printed


def _text(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed (table cells and wrapped lines join with spaces)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def generated(world):
    tw = world.a
    academy = tw.academies[0]
    with tw.scope():
        seed_attendance(
            academy=academy,
            term_code=TERM,
            pupils=[
                {"upn": u, "disadvantaged": i < 4, "possible": 100, "missed": m}
                for i, (u, m) in enumerate(zip(UPNS, MISSED, strict=True))
            ],
        )
        officer = tw.user(Role.IMPROVEMENT_OFFICER)
        for area, grade in [
            ("curriculum_teaching", "needs_attention"),
            ("achievement", "needs_attention"),
        ]:
            judgement_record(
                actor=officer,
                academy=academy,
                area=area,
                grade=grade,
                judged_on=dt.date.today() - dt.timedelta(days=10),
                source="direct",
            )
        recompute_run(trust=tw.trust)
        report = report_generate(
            report=report_request(
                actor=None, trust=tw.trust, term_code=TERM, academy=academy, enqueue=False
            )
        )
        with report.pdf.open("rb") as fh:
            pdf = fh.read()
        placement = placement_summary_for_report(trust=tw.trust, academy=academy, term_code=TERM)
        figures = kpi_figures_for(
            trust_id=tw.trust.pk,
            academy_ids=[academy.pk],
            term_codes=[TERM],
            groups=("all", "disadvantaged"),
        )
    return {
        "tw": tw,
        "report": report,
        "pdf": pdf,
        "text": _text(pdf),
        "placement": placement,
        "figures": [f for f in figures if f.academy_id == academy.pk],
    }


def test_pdf_shows_the_current_phase_and_its_reasons(generated):
    placement, text = generated["placement"], generated["text"]
    assert placement is not None and placement["reasons"], "the fixture must produce a placement"
    assert f"Phase: {placement['phase']} ({placement['status_label']})" in text
    for reason in placement["reasons"][:5]:
        assert " ".join(reason["text"].split()) in text
    # The phase history table lists the same placement, its term in words (never the code).
    assert "Phase history" in text and f"Summer term 2025-26 {placement['phase']}" in text
    assert TERM not in text


def test_pdf_kpi_figures_match_the_kpi_engine(generated):
    text = generated["text"]
    shown = [f for f in generated["figures"] if f.group == "all" and not f.suppressed]
    assert {f.kpi_code for f in shown} >= {"absence", "persistent_absence"}
    for figure in shown:
        display = f"{figure.value:.1f}%" if figure.unit == "%" else f"{figure.value:.1f}"
        # The KPI table row: the measure's label, its key stage in words, then its figure.
        pattern = re.escape(figure.label) + r" (?:Whole school|\S+) " + re.escape(display)
        assert re.search(pattern, text), (
            figure.label,
            display,
        )
    absence = next(f for f in shown if f.kpi_code == "absence")
    assert absence.value == pytest.approx(100 * sum(MISSED) / 800, abs=0.05)  # engine rounds to 0.1


def test_pdf_suppresses_a_group_of_fewer_than_five(generated):
    text = generated["text"]
    small = next(
        f for f in generated["figures"] if f.kpi_code == "absence" and f.group == "disadvantaged"
    )
    assert small.suppressed and small.cohort == 0  # the real 4 never leaves the engine
    assert "suppressed (5 or fewer pupils, or would reveal them)" in text
    # Neither way of writing the hidden figure appears anywhere in the report.
    for hidden in (f"{DISADVANTAGED_ABSENCE:.1f}", f"{DISADVANTAGED_ABSENCE:.2f}", "15.3", "15.25"):
        assert hidden not in text
    # Nor in the figures CSV made from the same snapshot.
    from reporting.reports import report_class_for

    csv = report_class_for("academy").render_csv(generated["report"].snapshot)
    assert (
        "suppressed (5 or fewer pupils, or would reveal them)" in csv
        and "15.2" not in csv
        and "15.3" not in csv
    )


def test_pdf_is_identified_as_pdf_ua_1_in_english_and_tagged(generated):
    reader = PdfReader(io.BytesIO(generated["pdf"]))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", xmp), xmp
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] is True or bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == generated["report"].title


def test_pdf_labels_a_national_figure_from_an_earlier_year(generated):
    # DfE has published absence for 2024-25 (6.9%, a full year), not 2025-26: the report
    # compares with it and says so, never printing it as the term's own year.
    text = generated["text"]
    assert "6.9%" in text
    assert "latest published: 2024-25, full year, against one term" in text
