"""The pure engines: effect sizes against hand-computed values, and the forecast's back-test on
simulated cohorts whose outcomes are known."""

import math
import random

import pytest

from assessment import effects, forecasts


def test_hedges_g_matches_hand_computation() -> None:
    treated = [3, 4, 5, 6, 7, 8]  # mean 5.5, var 3.5
    comparison = [1, 2, 3, 4, 5, 6, 7]  # mean 4, var 4.6667
    es = effects.compare_groups(treated, comparison)
    pooled = math.sqrt((5 * 3.5 + 6 * (28 / 6)) / 11)
    d = 1.5 / pooled
    g = d * (1 - 3 / (4 * 13 - 9))
    se = math.sqrt(13 / 42 + g * g / 26)
    assert es.d == pytest.approx(d, abs=1e-3)
    assert es.g == pytest.approx(g, abs=1e-3)
    assert es.ci_low == pytest.approx(g - 1.959964 * se, abs=1e-3)
    assert es.ci_high == pytest.approx(g + 1.959964 * se, abs=1e-3)
    assert (es.n_treated, es.n_comparison, es.n) == (6, 7, 13)
    assert es.magnitude == "no clear association"  # the interval spans zero
    assert "6 participating and 7 comparison pupils" in es.summary


def test_paired_change_matches_hand_computation() -> None:
    before = [1, 2, 2, 3, 1, 2, 2, 1]
    after = [2, 3, 2, 3, 2, 3, 3, 2]
    es = effects.paired_change(before, after)
    mb, ma = sum(before) / 8, sum(after) / 8
    vb = sum((x - mb) ** 2 for x in before) / 7
    va = sum((x - ma) ** 2 for x in after) / 7
    r = sum((b - mb) * (a - ma) for b, a in zip(before, after)) / 7 / math.sqrt(vb * va)
    d = (ma - mb) / math.sqrt((vb + va) / 2)
    g = d * (1 - 3 / (4 * 7 - 1))
    se = math.sqrt((1 / 8 + d * d / 16) * 2 * (1 - r))
    assert es.g == pytest.approx(g, abs=1e-3)
    assert es.ci_low == pytest.approx(g - 1.959964 * se, abs=1e-3)
    assert es.magnitude.endswith("positive association")


def test_small_groups_are_suppressed_with_their_numbers() -> None:
    es = effects.compare_groups([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7])
    assert es.suppressed and es.g is None
    assert "5 participating and 7 comparison" in es.summary
    assert effects.paired_change([1, 2], [2, 3]).suppressed


def _simulate(cohorts: int, seed: int) -> list[forecasts.PastPupil]:
    rng = random.Random(seed)
    truth = {"WTS": (0.15, 0.0), "EXS": (0.7, 0.08), "GDS": (0.97, 0.6)}
    pupils = []
    for c in range(cohorts):
        shift = rng.gauss(0, 0.05)  # a cohort's teaching, test and year
        for _ in range(rng.randint(20, 40)):
            band = rng.choices(["WTS", "EXS", "GDS"], [0.3, 0.5, 0.2])[0]
            p_exp, p_high = truth[band]
            pupils.append(
                forecasts.PastPupil(
                    f"c{c}",
                    band,
                    rng.random() < min(1, max(0, p_exp + shift)),
                    rng.random() < min(1, max(0, p_high + shift)),
                )
            )
    return pupils


def test_backtest_on_simulated_cohorts_reports_honest_coverage() -> None:
    result = forecasts.backtest(_simulate(60, seed=7))
    assert len([r for r in result.rows if r.measure == "expected"]) == 60
    coverage = result.coverage("expected")
    assert coverage is not None and 0.8 <= coverage <= 0.98, coverage
    higher = result.coverage("higher")
    assert higher is not None and 0.8 <= higher <= 0.99, higher
    mae = result.mean_abs_error("expected")
    assert mae is not None and mae < 10
    assert any("90% interval held the outcome" in line for line in result.lines())


def test_forecast_refuses_without_history_or_pupils() -> None:
    assert not forecasts.forecast(None, ["EXS"] * 30).available
    model = forecasts.fit(_simulate(2, seed=1))
    f = forecasts.forecast(model, ["EXS"] * 30)
    assert not f.available and "2 (it needs 3)" in f.note
    model = forecasts.fit(_simulate(5, seed=1))
    f = forecasts.forecast(model, ["EXS"] * 5)
    assert not f.available and f.note.startswith("Suppressed")
    f = forecasts.forecast(model, ["EXS"] * 20 + ["GDS"] * 10)
    assert f.available and f.expected is not None
    assert f.expected.low <= f.expected.value <= f.expected.high
    assert f.n_cohorts == 5
