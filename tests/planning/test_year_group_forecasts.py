"""Forecasts of every year group's end-of-key-stage outcome (Years 3 to 5 towards KS2, Years 7
to 9 towards KS4), the framework writing judgements as the KS2 writing input, and the KS4
Attainment 8 forecast (a mean, in points): checked by hand, back-tested on simulated cohorts
whose outcomes are known (coverage of the interval reported), suppressed at five pupils or
fewer, and shown on the KPI page, in the API, the back-test command and the governor report."""

from __future__ import annotations

import hashlib
import io
import math
import random

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from academies.models import Academy
from assessment import forecasts
from assessment.frameworks.models import Framework, FrameworkVersion, TeacherJudgement
from assessment.models import Enrolment, Pupil, Result
from assessment.outcomes import KS2, SPECS, forecast_for, history_for
from assessment.services import term_get_or_create
from reporting.services import report_generate, report_request
from trust_si.accounts.roles import Role
from trust_si.terms import AcademicYear

YEAR5 = SPECS["ks2_year5"]


def _pupil(academy: Academy, key: str, year: str, group: str) -> Pupil:
    pupil, _ = Pupil.objects.get_or_create(
        trust=academy.trust, key=hashlib.sha256(key.encode()).hexdigest()
    )
    Enrolment.objects.create(
        trust=academy.trust,
        pupil=pupil,
        academy=academy,
        academic_year=year,
        year_group=group,
        sex="F",
    )
    return pupil


def _result(academy, pupil, code, subject, measure, value) -> None:
    numeric = float(value) if str(value).isdigit() else None
    Result.objects.create(
        trust=academy.trust,
        pupil=pupil,
        academy=academy,
        term=term_get_or_create(trust=academy.trust, code=code),
        subject=subject,
        measure=measure,
        value=str(value),
        numeric=numeric,
    )


def _ks2_outcome(academy, pupil, year: str, band: str) -> None:
    """Summer KS2 results following the band: EXS reaches the expected standard, not higher;
    WTS does not; GDS reaches both."""
    score = {"WTS": 95, "EXS": 104, "GDS": 112}[band]
    for subject in ("reading", "maths"):
        _result(academy, pupil, f"{year}-summer", subject, "scaled_score", score)
    _result(academy, pupil, f"{year}-summer", "writing", "ta", band)


def _year5(academy, year: str, bands: list[str], *, outcomes: bool = True, tag: str = "") -> None:
    """Pupils in Year 5 in `year` (spring teacher assessments in the band) and, with outcomes,
    in Year 6 the year after with KS2 results that follow it."""
    later = AcademicYear.parse(year).next().code
    for n, band in enumerate(bands):
        pupil = _pupil(academy, f"{academy.pk}-{year}-y5-{tag}{n}", year, "5")
        for subject in ("reading", "writing", "maths"):
            _result(academy, pupil, f"{year}-spring", subject, "ta", band)
        if outcomes:
            Enrolment.objects.create(
                trust=academy.trust,
                pupil=pupil,
                academy=academy,
                academic_year=later,
                year_group="6",
                sex="F",
            )
            _ks2_outcome(academy, pupil, later, band)


HISTORY = ["EXS"] * 5 + ["WTS"] * 5
CURRENT = ["EXS"] * 6 + ["WTS"] * 4


def _hand_interval() -> tuple[float, float, float]:
    """The module doc's arithmetic for CURRENT on three cohorts of HISTORY: EXS pupils all
    reached the expected standard (15 of 15), WTS none (0 of 15); no spread between cohorts."""
    p_exs, p_wts = 15.5 / 16, 0.5 / 16  # Jeffreys: (k + 0.5) / (n + 1)
    var = p_exs * (1 - p_exs) / 17  # p (1 - p) / (n + 2), the same for both bands
    mean = (6 * p_exs + 4 * p_wts) / 10
    chance = (6 * p_exs * (1 - p_exs) + 4 * p_wts * (1 - p_wts)) / 100
    fitted = 0.6**2 * var + 0.4**2 * var
    sd = math.sqrt(chance + fitted)
    return (
        round(100 * mean, 1),
        round(100 * (mean - 1.644854 * sd), 1),
        round(100 * (mean + 1.644854 * sd), 1),
    )


def test_year5_forecast_matches_a_hand_computation_and_counts_only_known_outcomes(
    world, client_for
) -> None:
    tw = world.a
    primary = tw.academies[0]
    with tw.scope():
        for year in ("2021-22", "2022-23", "2023-24"):
            _year5(primary, year, HISTORY)
        # A 2024-25 Year 5 sits KS2 in summer 2025-26: not known in spring, so not history,
        # even though its summer results are already in the data (they would all be "higher").
        _year5(primary, "2024-25", ["GDS"] * 10)
        _year5(primary, "2025-26", CURRENT, outcomes=False)
        data = forecast_for(
            YEAR5, trust_id=tw.trust.pk, academy_id=primary.pk, term_code="2025-26-spring", min_n=5
        )
    f = data["forecast"]
    assert f.available and f.n_cohorts == 3 and f.n_history_pupils == 30 and f.n_pupils == 10
    assert f.expected is not None
    assert (
        (f.expected.value, f.expected.low, f.expected.high)
        == _hand_interval()
        == (
            59.4,
            49.0,
            69.7,
        )
    )
    assert data["actual"] is None  # the outcome is next year
    html = (
        client_for(tw.user(Role.TRUST_LEADER))
        .get(f"/t/{tw.slug}/kpis/{primary.urn}/?term=2025-26-spring")
        .content.decode()
    )
    assert 'data-forecast="ks2_year5"' in html
    assert "for this Year 5 (a year ahead)" in html
    assert "59% (likely range 49% to 70%)" in html
    assert "fitted on 3 past cohorts (30 pupils)" in html
    # Years 3 and 4: no past cohort of theirs has reached KS2 in this trust, said in words.
    assert (
        "No forecast for Year 4: no past Year 4 cohort in the trust&#x27;s data has reached its "
        "KS2 results yet." in html
    )
    assert "No forecast for Year 3: no past Year 3 cohort" in html
    assert html.index('data-forecast="ks2"') < html.index('data-forecast="ks2_year5"')


@pytest.mark.parametrize(("pupils", "shown"), [(5, False), (6, True)])
def test_a_year5_cohort_of_five_or_fewer_has_no_figure(world, client_for, pupils, shown) -> None:
    tw = world.a
    primary = tw.academies[0]
    with tw.scope():
        for year in ("2021-22", "2022-23", "2023-24"):
            _year5(primary, year, HISTORY)
        _year5(primary, "2025-26", ["EXS"] * pupils, outcomes=False)
    html = (
        client_for(tw.user(Role.TRUST_LEADER))
        .get(f"/t/{tw.slug}/kpis/{primary.urn}/?term=2025-26-spring")
        .content.decode()
    )
    card = html[html.index('data-forecast="ks2_year5"') :]
    card = card[: card.index("Method:")]
    assert ("likely range" in card) is shown
    assert ("Suppressed: 5 pupils" in card) is not shown


def _simulate_ahead(n_cohorts: int, seed: int) -> list[forecasts.PastPupil]:
    """Cohorts whose outcome comes years after the band: a pupil's attainment moves between the
    assessment and the outcome, cohorts differ (teaching, tests), scores (points) follow the
    same attainment. The outcomes are known, so the interval's coverage can be measured."""
    rng = random.Random(seed)
    pupils = []
    for c in range(n_cohorts):
        shift = rng.gauss(0, 0.06)
        for _ in range(rng.randint(20, 40)):
            ability = rng.gauss(0.5, 0.22)
            earlier = ability + rng.gauss(0, 0.12)  # the assessment, two years before
            band = "GDS" if earlier > 0.8 else "EXS" if earlier > 0.42 else "WTS"
            later = ability + shift + rng.gauss(0, 0.1)
            pupils.append(
                forecasts.PastPupil(
                    f"c{c}", band, later > 0.45, later > 0.75, round(15 + 55 * later, 1)
                )
            )
    return pupils


def test_years_ahead_backtest_on_simulated_cohorts_reports_honest_coverage() -> None:
    result = forecasts.backtest(_simulate_ahead(60, seed=11))
    for measure in ("expected", "higher", forecasts.MEAN):
        assert len([r for r in result.rows if r.measure == measure]) == 60
        coverage = result.coverage(measure)
        # Reported, and near the 90% aimed at.
        assert coverage is not None and 0.8 <= coverage <= 0.98, (measure, coverage)
    mae = result.mean_abs_error(forecasts.MEAN)
    assert mae is not None and mae < 4  # points of Attainment 8
    lines = result.lines({"expected": "Expected", "higher": "Higher", "mean": "Attainment 8"})
    assert lines[2].startswith("Attainment 8: 60 cohorts, mean absolute error")
    assert "90% interval held the outcome in" in lines[2]


def test_attainment8_forecast_matches_a_hand_computation() -> None:
    # Three cohorts: two band-A pupils scoring 40 and 50, two band-B pupils 20 and 30.
    history = [
        forecasts.PastPupil(f"c{c}", band, False, False, score)
        for c in range(3)
        for band, score in (("A", 40), ("A", 50), ("B", 20), ("B", 30))
    ]
    model = forecasts.fit_mean(history)
    assert model is not None
    # Band means 45 and 25; pooled within-band variance 300 / (12 - 2) = 30; no cohort spread.
    assert model.band("A") == (6, 45.0) and model.band("B") == (6, 25.0)
    assert model.s2 == pytest.approx(30.0) and model.tau2 == 0.0
    points = forecasts.forecast_mean(model, ["A"] * 3 + ["B"] * 3)
    # Mean 35; variance 30 / 6 + 0.5^2 * 30 / 6 * 2 = 7.5; 90% range 35 -/+ 1.645 * 2.739.
    assert points is not None and (points.value, points.low, points.high) == (35.0, 30.5, 39.5)
    assert points.display == "35.0 points (likely range 30.5 to 39.5)"
    assert forecasts.forecast_mean(model, ["A"] * 5) is None  # suppressed: five pupils
    assert forecasts.forecast_mean(forecasts.fit_mean(history[:8]), ["A"] * 6) is None  # 2 cohorts


def _judgement_version(trust) -> FrameworkVersion:
    framework = Framework.objects.create(trust=trust, subject="writing", year_group="6")
    return FrameworkVersion.objects.create(
        trust=trust, framework=framework, number=1, status="published"
    )


def test_writing_judgements_stand_in_for_the_writing_assessment(world) -> None:
    """A pupil assessed WTS in writing but judged EXS against the framework is banded EXS, in
    the history and in the current cohort; the back-test prints a line on the judgements."""
    tw = world.a
    primary = tw.academies[0]
    with tw.scope():
        version = _judgement_version(tw.trust)
        for year in ("2021-22", "2022-23", "2023-24", "2024-25"):
            for n, judged in enumerate(["EXS"] * 6 + [None] * 4):
                pupil = _pupil(primary, f"{year}-y6-{n}", year, "6")
                for subject, value in (("reading", "EXS"), ("writing", "WTS"), ("maths", "EXS")):
                    _result(primary, pupil, f"{year}-spring", subject, "ta", value)
                if judged:
                    TeacherJudgement.objects.create(
                        trust=tw.trust,
                        pupil=pupil,
                        academy=primary,
                        term=term_get_or_create(trust=tw.trust, code=f"{year}-spring"),
                        subject="writing",
                        year_group="6",
                        version=version,
                        proposed=judged,
                        level=judged,
                    )
                # The judged pupils reached the expected standard; the others did not.
                _ks2_outcome(primary, pupil, year, "EXS" if judged else "WTS")
        with_them = history_for(KS2, tw.trust.pk, "spring")
        without = history_for(KS2, tw.trust.pk, "spring", judgements=False)
    assert sorted({p.band for p in with_them}) == ["EXS", "WTS"]
    assert {p.band for p in without} == {"WTS"}
    assert "framework writing judgement" in KS2.method
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, key_stage="ks2", stdout=out)
    text = out.getvalue()
    assert (
        "Writing judgements: 24 Year 6 pupils had a framework writing judgement in spring" in text
    )
    assert "with teacher assessments alone" in text


def test_backtest_command_covers_the_year_groups(world) -> None:
    tw = world.a
    primary = tw.academies[0]
    with tw.scope():
        for n, year in enumerate(("2020-21", "2021-22", "2022-23", "2023-24")):
            _year5(primary, year, ["WTS"] * (2 + n) + ["EXS"] * 6 + ["GDS"] * 2)
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, key_stage="ks2_year5", stdout=out)
    text = out.getvalue()
    assert "for this Year 5 (a year ahead) from Year 5 teacher assessments in spring" in text
    assert "Expected standard: 4 cohorts, mean absolute error" in text
    assert "90% interval held the outcome in" in text
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, key_stage="ks2_year4", stdout=out)
    assert "No forecast for Year 4: no past Year 4 cohort in the trust's data" in out.getvalue()
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, stdout=out)
    for key in ("Year 3", "Year 7", "Year 8", "Year 9"):
        assert f"No forecast for {key}: no past {key} cohort" in out.getvalue()


def _ks4_history(academy: Academy) -> None:
    """Three past Year 11 cohorts: working 5 got 5s and Attainment 8 of 48 or 52, working 3 got
    3s and 28 or 32; and a current one of ten."""
    for year in ("2022-23", "2023-24", "2024-25", "2025-26"):
        for n in range(10):
            grade, att8 = (5, 50) if n < 5 else (3, 30)
            att8 += 2 if n % 2 else -2
            pupil = _pupil(academy, f"{year}-y11-{n}", year, "11")
            for subject in ("english_language", "maths"):
                _result(academy, pupil, f"{year}-spring", subject, "working_grade", grade)
                if year != "2025-26":
                    _result(academy, pupil, f"{year}-summer", subject, "gcse_grade", grade)
            if year != "2025-26":
                _result(academy, pupil, f"{year}-summer", "attainment8", "att8", att8)


def test_api_and_governor_report_carry_the_year_groups_and_attainment8(world, client_for):
    tw = world.a
    primary, secondary = tw.academies
    with tw.scope():
        for year in ("2021-22", "2022-23", "2023-24"):
            _year5(primary, year, HISTORY)
        _year5(primary, "2025-26", CURRENT, outcomes=False)
        _ks4_history(secondary)
        report = report_generate(
            report=report_request(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-spring",
                academy=primary,
                enqueue=False,
            )
        )
    client = client_for(tw.user(Role.TRUST_LEADER))
    body = client.get(
        f"/api/v1/t/{tw.slug}/kpis/{primary.urn}/forecasts/", {"term": "2025-26-spring"}
    ).json()
    keys = [f["key"] for f in body["forecasts"]]
    assert keys == ["ks2", "ks2_writing", "ks2_year5", "ks2_year4", "ks2_year3"]
    year5 = body["forecasts"][2]
    assert year5["shown_as"] == "Forecast" and year5["cohorts"] == 3 and year5["available"]
    assert (year5["measures"][0]["value"], year5["measures"][0]["low"]) == (59.4, 49.0)
    year4 = body["forecasts"][3]
    assert not year4["available"] and year4["note"].startswith("No forecast for Year 4")
    ks4 = client.get(
        f"/api/v1/t/{tw.slug}/kpis/{secondary.urn}/forecasts/", {"term": "2025-26-spring"}
    ).json()["forecasts"][0]
    att8 = ks4["measures"][2]
    assert att8["measure"] == "attainment8" and att8["name"].startswith("Attainment 8")
    # Working 5 scored 50 on average, working 3 scored 30: five of each forecast 40 points.
    assert att8["value"] == 40.0 and att8["low"] < 40 < att8["high"]
    with report.pdf.open("rb") as fh:
        text = " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages).split()
        )
    assert "Forecasts for the other year groups" in text
    assert "Forecast (not a result) for Year 5" in text
    assert "59% (likely range 49% to 70%)" in text
    assert "No forecast for Year 4: no past Year 4 cohort" in text
    page = client.get(f"/t/{tw.slug}/kpis/{secondary.urn}/?term=2025-26-spring").content.decode()
    assert "Attainment 8 (average points per pupil)" in page and "40.0 points" in page
