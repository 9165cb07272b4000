"""Planning in the governor and board reports, read back from the PDF text, and the KS2
forecast fitted on past cohorts (its page and its backtest command)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from reporting.services import report_generate, report_request
from trust_si.accounts.roles import Role

from .helpers import make_plan

pytestmark = pytest.mark.django_db


def _text(report) -> str:
    with report.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_governor_and_board_reports_carry_the_planning_sections(world) -> None:
    tw = world.a
    make_plan(tw, reviews=[dt.date(2025, 10, 15)])
    with tw.scope():
        academy_report = report_generate(
            report=report_request(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-summer",
                academy=tw.academies[0],
                enqueue=False,
            )
        )
        board_report = report_generate(
            report=report_request(
                actor=None, trust=tw.trust, term_code="2025-26-summer", academy=None, enqueue=False
            )
        )
    text = _text(academy_report)
    assert "Self-evaluation and improvement plan" in text
    assert "Reading fluency" in text and "At risk (15 Oct 2025)" in text
    assert "Strong standard" in text
    assert "Forecast: end of key stage 2" in text
    assert "No forecast for Year 6: no past Year 6 cohort in the trust's data has reached" in text
    board = _text(board_report)
    assert "Risk register" in board and "Reading fluency risk" in board
    assert "High (12)" in board
    assert "What the trust's programmes added: effect sizes" in board


def _cohort(academy, year: str, bands: list[str], *, outcomes: bool) -> None:
    """Year 6 pupils of one year: spring teacher assessments in the band (all three subjects),
    and (with outcomes) KS2 tests and writing TA in summer that follow the band."""
    import hashlib

    from assessment.models import Enrolment, Pupil, Result
    from assessment.services import term_get_or_create

    spring = term_get_or_create(trust=academy.trust, code=f"{year}-spring")
    summer = term_get_or_create(trust=academy.trust, code=f"{year}-summer")
    for n, band in enumerate(bands):
        key = hashlib.sha256(f"{academy.pk}-{year}-{n}".encode()).hexdigest()
        pupil = Pupil.objects.create(trust=academy.trust, key=key)
        Enrolment.objects.create(
            trust=academy.trust,
            pupil=pupil,
            academy=academy,
            academic_year=year,
            year_group="6",
            sex="F",
        )
        for subject in ("reading", "writing", "maths"):
            Result.objects.create(
                trust=academy.trust,
                pupil=pupil,
                academy=academy,
                term=spring,
                subject=subject,
                measure="ta",
                value=band,
            )
        if outcomes:
            score = {"WTS": 95, "EXS": 104, "GDS": 112}[band]
            for subject in ("reading", "maths"):
                Result.objects.create(
                    trust=academy.trust,
                    pupil=pupil,
                    academy=academy,
                    term=summer,
                    subject=subject,
                    measure="scaled_score",
                    value=str(score),
                    numeric=score,
                )
            Result.objects.create(
                trust=academy.trust,
                pupil=pupil,
                academy=academy,
                term=summer,
                subject="writing",
                measure="ta",
                value=band,
            )


def test_ks2_forecast_is_fitted_on_past_cohorts_and_shown_on_the_kpi_page(world, client_for):
    from assessment.outcomes import ks2_backtest, ks2_forecast_for

    tw = world.a
    academy = tw.academies[0]
    bands = ["WTS"] * 3 + ["EXS"] * 5 + ["GDS"] * 2
    with tw.scope():
        for year in ("2021-22", "2022-23", "2023-24", "2024-25"):
            _cohort(academy, year, bands, outcomes=True)
        _cohort(academy, "2025-26", ["EXS"] * 8 + ["GDS"] * 2, outcomes=False)
        data = ks2_forecast_for(
            trust_id=tw.trust.pk, academy_id=academy.pk, term_code="2025-26-spring", min_n=5
        )
        backtest = ks2_backtest(tw.trust.pk, "spring")
    f = data["forecast"]
    assert f.available and f.n_cohorts == 4 and f.n_pupils == 10 and f.n_history_pupils == 40
    # Past EXS and GDS pupils all reached the expected standard: the forecast is high, its
    # range below 100 by the Jeffreys estimate, never above it.
    assert 85 <= f.expected.value <= 100 and f.expected.high <= 100
    # Leave one out: each past cohort forecast from the other three, which hold it (same mix).
    assert len(backtest.rows) == 8 and backtest.coverage("expected") == 1.0
    page = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/{tw.slug}/kpis/{academy.urn}/?term=2025-26-spring"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Forecast: end of key stage 2" in html and "fitted on 4 past cohorts" in html


def test_backtest_command_prints_error_and_coverage(world) -> None:
    from django.core.management import call_command

    tw = world.a
    with tw.scope():
        for n, year in enumerate(("2021-22", "2022-23", "2023-24", "2024-25")):
            bands = ["WTS"] * (2 + n) + ["EXS"] * 6 + ["GDS"] * 2
            _cohort(tw.academies[0], year, bands, outcomes=True)
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, stdout=out)
    text = out.getvalue()
    assert "Expected standard: 4 cohorts, mean absolute error" in text
    assert "90% interval held the outcome in" in text
