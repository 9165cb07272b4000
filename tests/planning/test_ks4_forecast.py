"""The KS4 forecast (% grade 4+ and 5+ in English and maths from Year 11 working-at grades): the
same transition method as KS2, checked by hand, back-tested on simulated cohorts whose outcomes
are known, suppressed for small cohorts, and shown beside the KS2 forecast on the KPI page and
in the governor report."""

from __future__ import annotations

import hashlib
import io
import random

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from academies.models import Academy
from assessment import forecasts
from assessment.models import Enrolment, Pupil, Result
from assessment.outcomes import (
    KS1_NO_FORECAST,
    KS4,
    backtest_for,
    forecast_for,
    forecasts_for_academy,
)
from assessment.services import term_get_or_create
from reporting.services import report_generate, report_request
from tests.factories import AcademyFactory
from trust_si.accounts.roles import Role

# (English language, English literature, maths) working-at grades in spring and GCSE grades in
# summer, per pupil. None: no result in that subject.
Grades = tuple[int | None, int | None, int | None]


def _year11(academy: Academy, year: str, pupils: list[tuple[Grades, Grades | None]]) -> None:
    spring = term_get_or_create(trust=academy.trust, code=f"{year}-spring")
    summer = term_get_or_create(trust=academy.trust, code=f"{year}-summer")
    for n, (working, gcse) in enumerate(pupils):
        key = hashlib.sha256(f"{academy.pk}-{year}-y11-{n}".encode()).hexdigest()
        pupil = Pupil.objects.create(trust=academy.trust, key=key)
        Enrolment.objects.create(
            trust=academy.trust,
            pupil=pupil,
            academy=academy,
            academic_year=year,
            year_group="11",
            sex="M",
        )
        for term, measure, grades in (
            (spring, "working_grade", working),
            (summer, "gcse_grade", gcse),
        ):
            if grades is None:
                continue
            for subject, grade in zip(
                ("english_language", "english_literature", "maths"), grades, strict=True
            ):
                if grade is None:
                    continue
                Result.objects.create(
                    trust=academy.trust,
                    pupil=pupil,
                    academy=academy,
                    term=term,
                    subject=subject,
                    measure=measure,
                    value=str(grade),
                    numeric=grade,
                )


FIVE: tuple[Grades, Grades] = ((5, None, 5), (5, None, 5))  # working 5, got 5 in both
THREE: tuple[Grades, Grades] = ((3, None, 3), (3, None, 3))  # working 3, got 3 in both


def _history(academy: Academy) -> None:
    for year in ("2022-23", "2023-24", "2024-25"):
        _year11(academy, year, [FIVE] * 5 + [THREE] * 5)


def test_ks4_forecast_matches_a_hand_computation(world) -> None:
    tw = world.a
    secondary = tw.academies[1]
    with tw.scope():
        _history(secondary)
        # The current Year 11: six at grade 5 (one of them by English literature, the better of
        # the two English grades counting, as DfE's measure does) and four at grade 3.
        current = [((5, None, 5), None)] * 5 + [((3, 5, 5), None)] + [((3, None, 3), None)] * 4
        _year11(secondary, "2025-26", current)
        data = forecast_for(
            KS4, trust_id=tw.trust.pk, academy_id=secondary.pk, term_code="2025-26-spring", min_n=5
        )
    f = data["forecast"]
    # By hand: band "grade 5" 15 past pupils, all reached 4+ and 5+: p = 15.5 / 16 = 0.96875;
    # band "grade 3" 15, none: p = 0.5 / 16 = 0.03125; each past cohort's actual equals its
    # prediction, so no cohort spread (tau^2 = 0).
    # Forecast = (6 x 0.96875 + 4 x 0.03125) / 10 = 59.4%.
    # Variance = chance 10 x 0.96875 x 0.03125 / 100 = 0.0030273
    #          + fitted (0.6^2 + 0.4^2) x 0.96875 x 0.03125 / 17 = 0.0009260
    # sd = 0.062876; 90%: +/- 1.644854 x sd = 0.10342 -> 49.0% to 69.7%.
    assert (f.n_pupils, f.n_cohorts, f.n_history_pupils) == (10, 3, 30)
    for interval in (f.expected, f.higher):
        assert interval is not None
        assert (interval.value, interval.low, interval.high) == (59.4, 49.0, 69.7)
    assert data["labels"]["expected"] == "Grade 4 or above in English and maths"
    assert "past Year 11 cohorts" in data["method"]


def _simulate_ks4(cohorts: int, seed: int) -> list[forecasts.PastPupil]:
    """Year 11 cohorts whose outcomes are known: each band's true chance of grade 4+ and 5+
    in English and maths, shifted per cohort (teaching, papers, year)."""
    rng = random.Random(seed)
    truth = {
        "grade 2 or below": (0.03, 0.0),
        "grade 3": (0.3, 0.05),
        "grade 4": (0.7, 0.25),
        "grade 5": (0.9, 0.65),
        "grade 6": (0.97, 0.88),
        "grade 7 or above": (0.99, 0.97),
    }
    pupils = []
    for c in range(cohorts):
        shift = rng.gauss(0, 0.05)
        for _ in range(rng.randint(60, 180)):
            band = rng.choices(list(truth), [0.12, 0.18, 0.22, 0.2, 0.16, 0.12])[0]
            p4, p5 = truth[band]
            pupils.append(
                forecasts.PastPupil(
                    f"c{c}",
                    band,
                    rng.random() < min(1, max(0, p4 + shift)),
                    rng.random() < min(1, max(0, p5 + shift)),
                )
            )
    return pupils


def test_ks4_backtest_on_simulated_cohorts_reports_honest_coverage() -> None:
    result = forecasts.backtest(_simulate_ks4(60, seed=11))
    assert len([r for r in result.rows if r.measure == "expected"]) == 60
    for measure in ("expected", "higher"):
        coverage = result.coverage(measure)
        assert coverage is not None and 0.8 <= coverage <= 0.98, (measure, coverage)
        mae = result.mean_abs_error(measure)
        assert mae is not None and mae < 8, (measure, mae)
    lines = result.lines(KS4.labels)
    assert lines[0].startswith("Grade 4 or above in English and maths: 60 cohorts")


def test_backtest_command_covers_ks4(world) -> None:
    tw = world.a
    with tw.scope():
        for n, year in enumerate(("2021-22", "2022-23", "2023-24", "2024-25")):
            _year11(tw.academies[1], year, [FIVE] * (5 + n) + [THREE] * 5)
        backtest = backtest_for(KS4, tw.trust.pk, "spring")
    assert len(backtest.rows) == 8 and backtest.coverage("expected") == 1.0
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, key_stage="ks4", stdout=out)
    text = out.getvalue()
    assert "forecast of the end of key stage 4, English and maths from Year 11" in text
    assert "Grade 4 or above in English and maths: 4 cohorts, mean absolute error" in text
    assert "Grade 5 or above in English and maths: 4 cohorts" in text
    assert "90% interval held the outcome in 100%" in text
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, stdout=out)  # both key stages by default
    text = out.getvalue()
    assert "end of key stage 2" in text and "end of key stage 4" in text


@pytest.mark.parametrize(("pupils", "shown"), [(5, False), (6, True)])
def test_a_cohort_of_five_or_fewer_has_no_ks4_figure(world, client_for, pupils, shown) -> None:
    tw = world.a
    secondary = tw.academies[1]
    with tw.scope():
        _history(secondary)
        _year11(secondary, "2025-26", [((4, None, 4), None)] * pupils)
        data = forecast_for(
            KS4, trust_id=tw.trust.pk, academy_id=secondary.pk, term_code="2025-26-spring", min_n=5
        )
    f = data["forecast"]
    assert f.available is shown
    page = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/{tw.slug}/kpis/{secondary.urn}/?term=2025-26-spring"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Forecast: end of key stage 4, English and maths" in html
    assert "past Year 11 cohorts" in html  # the method, named
    if shown:
        assert "Grade 4 or above in English and maths" in html
        assert f.expected is not None and f.expected.display in html
        assert "6 Year 11 pupils' working-at grades in Spring term 2025-26" in html
    else:
        assert f.note == "Suppressed: 5 pupils (a forecast needs more than 5)."
        start = html.index('data-forecast="ks4"')
        card = html[start : html.index("Method:", start)]
        assert f.note in card and "%" not in card


def test_an_all_through_academy_shows_both_forecasts_and_a_first_school_the_ks1_reason(
    world, client_for
) -> None:
    tw = world.a
    with tw.scope():
        through = AcademyFactory(trust=tw.trust, name="Through School", age_low=4, age_high=18)
        first = AcademyFactory(trust=tw.trust, name="First School", age_low=4, age_high=9)
        term_get_or_create(trust=tw.trust, code="2025-26-spring")
    client = client_for(tw.user(Role.TRUST_LEADER))
    html = client.get(f"/t/{tw.slug}/kpis/{through.urn}/?term=2025-26-spring").content.decode()
    ks2 = html.index("Forecast: end of key stage 2")
    ks4 = html.index("Forecast: end of key stage 4")
    assert ks2 < ks4  # side by side, KS2 first
    # No past cohort at all: said in words, year group by year group.
    assert (
        "No forecast for Year 11: no past Year 11 cohort in the trust&#x27;s data has reached "
        "its KS4 results yet." in html
    )
    assert "No forecast for Year 7: no past Year 7 cohort" in html
    assert KS1_NO_FORECAST not in html
    page = client.get(f"/t/{tw.slug}/kpis/{first.urn}/?term=2025-26-spring")
    html = page.content.decode()
    assert page.status_code == 200
    # A first school has no Year 6 card, but its Years 3 and 4 are forecast towards KS2 (their
    # results come at a middle school), and it is told why there is no KS1 forecast.
    assert 'data-forecast="ks2"' not in html
    assert 'data-forecast="ks2_year4"' in html and 'data-forecast="ks2_year3"' in html
    assert "No forecast for Year 4: no past Year 4 cohort" in html
    assert "optional since 2023-24" in html


def _text(report) -> str:
    with report.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_governor_report_carries_the_ks4_forecast(world) -> None:
    tw = world.a
    secondary = tw.academies[1]
    with tw.scope():
        _history(secondary)
        current = [((5, None, 5), None)] * 6 + [((3, None, 3), None)] * 4
        _year11(secondary, "2025-26", current)
        report = report_generate(
            report=report_request(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-spring",
                academy=secondary,
                enqueue=False,
            )
        )
        primary = report_generate(
            report=report_request(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-spring",
                academy=tw.academies[0],
                enqueue=False,
            )
        )
    text = _text(report)
    assert "Forecast: end of key stage 4" in text
    assert "Grade 4 or above in English and maths" in text
    assert "Forecast (not a result) for Year 11" in text
    assert "from 10 pupils' working-at grades in spring term 2025-26" in text.lower()
    assert "past Year 11 cohorts" in text  # the method, named
    assert "Forecast: end of key stage 2" not in text  # a secondary has no Year 6
    assert "Forecast: end of key stage 4 for this Year 10 (a year ahead)" in text
    assert (
        "No forecast for Year 10: no past Year 10 cohort in the trust's data has reached its KS4 "
        "results yet." in text
    )
    # The other year groups' section: each in words, none fitted (no past Year 7-9 cohort).
    assert "Forecasts for the other year groups" in text
    for year in ("9", "8", "7"):
        assert f"No forecast for Year {year}: no past Year {year} cohort" in text
    assert "end of key stage 4" not in _text(primary)


def test_forecasts_api_labels_and_suppresses(world, client_for) -> None:
    tw = world.a
    secondary = tw.academies[1]
    with tw.scope():
        _history(secondary)
        _year11(secondary, "2025-26", [(FIVE[0], None)] * 6 + [(THREE[0], None)] * 4)
    client = client_for(tw.user(Role.TRUST_LEADER))
    url = f"/api/v1/t/{tw.slug}/kpis/{secondary.urn}/forecasts/"
    body = client.get(url, {"term": "2025-26-spring"}).json()
    assert [f["key"] for f in body["forecasts"]] == [
        "ks4",
        "ks4_year10",
        "ks4_year9",
        "ks4_year8",
        "ks4_year7",
    ]
    ks4 = body["forecasts"][0]
    assert ks4["key_stage"] == "KS4" and ks4["shown_as"] == "Forecast" and ks4["available"]
    assert "past Year 11 cohorts" in ks4["method"]
    expected = ks4["measures"][0]
    assert expected["name"] == "Grade 4 or above in English and maths"
    assert (expected["value"], expected["low"], expected["high"]) == (59.4, 49.0, 69.7)
    assert client.get(url, {"term": "spring"}).status_code == 400
    with tw.scope():
        small = AcademyFactory(trust=tw.trust, name="Small High", age_low=11, age_high=16)
        _year11(small, "2025-26", [(FIVE[0], None)] * 5)
    body = client.get(
        f"/api/v1/t/{tw.slug}/kpis/{small.urn}/forecasts/", {"term": "2025-26-spring"}
    ).json()
    ks4 = body["forecasts"][0]
    assert not ks4["available"] and ks4["measures"][0]["value"] is None
    assert ks4["note"].startswith("Suppressed: 5 pupils")


def _year10_then_11(
    academy: Academy, year: str, pupils: list[tuple[Grades, Grades | None]]
) -> None:
    """Pupils in Year 10 in `year` (spring working-at grades) and in Year 11 the year after
    (summer GCSE grades, when given): the Year 10 forecast's history."""
    from trust_si.terms import AcademicYear

    later = AcademicYear.parse(year).next().code
    spring = term_get_or_create(trust=academy.trust, code=f"{year}-spring")
    summer = term_get_or_create(trust=academy.trust, code=f"{later}-summer")
    for n, (working, gcse) in enumerate(pupils):
        key = hashlib.sha256(f"{academy.pk}-{year}-y10-{n}".encode()).hexdigest()
        pupil = Pupil.objects.create(trust=academy.trust, key=key)
        for academic_year, group in ((year, "10"), (later, "11")):
            Enrolment.objects.create(
                trust=academy.trust,
                pupil=pupil,
                academy=academy,
                academic_year=academic_year,
                year_group=group,
                sex="F",
            )
        for term, measure, grades in (
            (spring, "working_grade", working),
            (summer, "gcse_grade", gcse),
        ):
            for subject, grade in zip(
                ("english_language", "english_literature", "maths"), grades or (), strict=False
            ):
                if grade is not None:
                    Result.objects.create(
                        trust=academy.trust,
                        pupil=pupil,
                        academy=academy,
                        term=term,
                        subject=subject,
                        measure=measure,
                        value=str(grade),
                        numeric=grade,
                    )


def test_year10_forecast_is_a_year_ahead_and_fitted_only_on_known_outcomes(
    world, client_for
) -> None:
    from assessment.outcomes import KS4_YEAR10

    tw = world.a
    secondary = tw.academies[1]
    with tw.scope():
        for year in ("2021-22", "2022-23", "2023-24"):
            _year10_then_11(secondary, year, [FIVE] * 5 + [THREE] * 5)
        # Year 10 in 2024-25: its GCSEs (summer 2025-26) are not known in spring 2025-26, so
        # this cohort, all of whom would have failed, must not move the forecast.
        _year10_then_11(secondary, "2024-25", [((5, None, 5), (1, None, 1))] * 10)
        _year10_then_11(
            secondary, "2025-26", [((5, None, 5), None)] * 6 + [((3, None, 3), None)] * 4
        )
        data = forecast_for(
            KS4_YEAR10,
            trust_id=tw.trust.pk,
            academy_id=secondary.pk,
            term_code="2025-26-spring",
            min_n=5,
        )
        backtest = backtest_for(KS4_YEAR10, tw.trust.pk, "spring")
    f = data["forecast"]
    # The same hand computation as the Year 11 test: the same bands and outcomes.
    assert (f.n_pupils, f.n_cohorts, f.n_history_pupils) == (10, 3, 30)
    assert f.expected is not None
    assert (f.expected.value, f.expected.low, f.expected.high) == (59.4, 49.0, 69.7)
    assert "a year ahead" in data["title"] and "Year 10" in data["method"]
    assert len(backtest.rows) == 8  # all four past Year 10 cohorts, two measures each
    html = (
        client_for(tw.user(Role.TRUST_LEADER))
        .get(f"/t/{tw.slug}/kpis/{secondary.urn}/?term=2025-26-spring")
        .content.decode()
    )
    assert html.index("Forecast: end of key stage 4, English and maths</h2>") < html.index(
        "for this Year 10 (a year ahead)"
    )
    assert "10 Year 10 pupils' working-at grades in Spring term 2025-26" in html


def test_a_special_school_has_no_forecast_says_why_and_is_not_in_the_history(world, client_for):
    """Forecasts are fitted on the trust's mainstream cohorts: a special school gets none (its
    page says why), and its pupils do not move the mainstream schools' forecast."""
    from assessment.outcomes import SPECIAL_NO_FORECAST, history_for

    tw = world.a
    with tw.scope():
        mainstream = AcademyFactory(trust=tw.trust, name="High School", age_low=11, age_high=16)
        special = AcademyFactory(
            trust=tw.trust,
            name="Special School",
            age_low=4,
            age_high=18,
            phase_of_education="special",
        )
        _history(mainstream)
        before = len(history_for(KS4, tw.trust.pk, "spring"))
        _year11(special, "2024-25", [THREE] * 8)
        assert len(history_for(KS4, tw.trust.pk, "spring")) == before == 30
        term_get_or_create(trust=tw.trust, code="2025-26-spring")
    client = client_for(tw.user(Role.TRUST_LEADER))
    html = client.get(f"/t/{tw.slug}/kpis/{special.urn}/?term=2025-26-spring").content.decode()
    assert "Forecast: end of key stage" not in html and "Forecasts of end-of-key-stage" in html
    assert SPECIAL_NO_FORECAST.split(":")[0] in html and "trust performance measures" in html
    api = client.get(f"/api/v1/t/{tw.slug}/kpis/{special.urn}/forecasts/").json()
    assert "mainstream" in str(api)


def test_a_fit_is_kept_only_while_the_pupil_data_stays_the_same(world) -> None:
    """The academy KPI page reads the fitted history from the cache; a change to pupil data
    (which marks the stored figures out of date, as every upload's commit does) makes the next
    forecast fit afresh, and the rebuilt figures give the cache a new key."""
    from assessment.kpis.store import data_version, kpi_figures_invalidate, kpi_figures_rebuild

    tw = world.a
    secondary = tw.academies[1]

    def history_pupils() -> int:
        data = forecast_for(
            KS4, trust_id=tw.trust.pk, academy_id=secondary.pk, term_code="2025-26-spring", min_n=5
        )
        return data["forecast"].n_history_pupils

    with tw.scope():
        _history(secondary)
        _year11(secondary, "2025-26", [((5, None, 5), None)] * 10)
        kpi_figures_rebuild(trust_id=tw.trust.pk)
        first = data_version(tw.trust.pk)
        assert first
        assert history_pupils() == 30
        # Rows written behind the figures' back are not seen: the fit is the cached one.
        _year11(secondary, "2021-22", [FIVE] * 5 + [THREE] * 5)
        assert history_pupils() == 30
        # What a commit does: the figures are out of date, nothing is read from the cache.
        kpi_figures_invalidate(trust_id=tw.trust.pk)
        assert data_version(tw.trust.pk) is None
        assert history_pupils() == 40
        kpi_figures_rebuild(trust_id=tw.trust.pk)
        assert data_version(tw.trust.pk) not in (None, first)
        assert history_pupils() == 40


def test_a_committed_upload_makes_the_next_forecast_fit_afresh(world) -> None:
    """The cached fit lasts only until new data is committed: a real upload's commit (any file of
    the trust's) gives the next academy KPI page a fit on the data as it now is."""
    from assessment.kpis.store import data_version, kpi_figures_rebuild
    from tests.assessment.test_uploads import PUPILS, _confirm, _upload

    tw = world.a
    secondary = tw.academies[1]

    def history_pupils() -> int:
        data = forecast_for(
            KS4, trust_id=tw.trust.pk, academy_id=secondary.pk, term_code="2025-26-spring", min_n=5
        )
        return data["forecast"].n_history_pupils

    def page_history_pupils() -> int:
        """What the academy KPI page shows (its forecasts are cached whole)."""
        shown = forecasts_for_academy(
            secondary, trust_id=tw.trust.pk, term_code="2025-26-spring", min_n=5
        )
        return next(f["forecast"].n_history_pupils for f in shown if f["key"] == KS4.key)

    with tw.scope():
        _history(secondary)
        _year11(secondary, "2025-26", [((5, None, 5), None)] * 10)
        kpi_figures_rebuild(trust_id=tw.trust.pk)
        assert data_version(tw.trust.pk)
        assert history_pupils() == page_history_pupils() == 30
        _year11(secondary, "2021-22", [FIVE] * 5 + [THREE] * 5)
        assert history_pupils() == page_history_pupils() == 30  # the cached fit
    upload = _confirm(tw, _upload(tw, "pupils", PUPILS, "pupils.csv"))
    assert upload.status == "committed", upload.errors[:3]
    with tw.scope():
        assert history_pupils() == page_history_pupils() == 40


def test_a_fit_cached_for_one_trust_is_never_read_for_another(world) -> None:
    """Two trusts whose data versions happen to read the same still fit on their own history:
    the trust is part of the cache key."""
    import uuid

    version = f"same-{uuid.uuid4().hex}"

    def history_pupils(tw) -> int:
        with tw.scope():
            data = forecast_for(
                KS4,
                trust_id=tw.trust.pk,
                academy_id=tw.academies[1].pk,
                term_code="2025-26-spring",
                min_n=5,
                version=version,
            )
        return data["forecast"].n_history_pupils

    with world.a.scope():
        _history(world.a.academies[1])
        _year11(world.a.academies[1], "2025-26", [((5, None, 5), None)] * 10)
    with world.b.scope():
        _year11(world.b.academies[1], "2023-24", [FIVE] * 5 + [THREE] * 5)
        _year11(world.b.academies[1], "2025-26", [((5, None, 5), None)] * 10)
    assert history_pupils(world.a) == 30  # cached under the shared version
    assert history_pupils(world.b) == 10
