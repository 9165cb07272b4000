"""Forecasts of end-of-key-stage outcomes from in-year teacher assessment. Pure: no Django.

Any key stage: a band is whatever label the caller gives a pupil's in-year assessment (KS2: the
lowest TA of reading, writing and maths; KS4: the lower of the English and maths working-at
grades) and "expected" / "higher" are two outcomes, the second harder than the first (KS2: the
expected and higher standards; KS4: grade 4+ and grade 5+ in English and maths).

The method (a transition model fitted on the trust's own past cohorts):

1. History: every pupil of a past cohort (one academy's year group in one year) who had an
   in-year teacher assessment at the same point of the year (e.g. spring of Year 6) and a final
   outcome (expected standard yes/no, higher standard yes/no), with that assessment's band.
2. Fit: for each band, the share of past pupils who reached each outcome, with Jeffreys'
   estimate p = (k + 0.5) / (n + 1) and its variance p (1 - p) / (n + 2). A band never seen in
   the history uses the whole history's rate.
3. Cohort-to-cohort spread: each past cohort's actual rate is compared with the rate the model
   gives it; the part of the squared differences beyond what pupil-level chance explains is
   tau^2, the variance that cohorts (teachers, tests, years) add. Never below zero.
4. Forecast for a current cohort: the mean of its pupils' band rates. Its variance adds pupil
   chance (sum p (1 - p) / N^2), the uncertainty of the fitted rates (sum (n_b / N)^2 var p_b)
   and tau^2; the interval is the forecast +/- z sd (z = 1.645: a 90% interval), kept in 0-100.
5. Refusals: fewer than `min_cohorts` past cohorts, or a current cohort of `min_n` pupils or
   fewer (the suppression threshold), gives no forecast and says why.

`backtest` re-forecasts each past cohort from the others (leave one cohort out) and reports how
far the forecasts were from what happened and how often the interval held the actual outcome.

A mean (KS4 Attainment 8, in points) is forecast the same way, as a regression of the pupil's
score on their band (one mean per band, which is the least-squares fit of score on the band):
each band's mean score in the history; the pooled within-band variance s^2; tau^2 the part of
the past cohorts' squared errors beyond s^2 / n; the forecast is the mean of its pupils' band
means, its variance s^2 / N (pupil chance) + sum (n_b / N)^2 s^2 / h_b (the fitted means, h_b
past pupils in band b) + tau^2, the interval +/- z sd. `fit_mean`, `forecast_mean`; `backtest`
adds the "mean" rows when the history has scores.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Z90 = 1.644854
MEASURES = ("expected", "higher")
MEAN = "mean"  # the back-test's rows for a mean score (points, not a percentage)


@dataclass(frozen=True)
class PastPupil:
    cohort: str
    band: str
    expected: bool
    higher: bool
    score: float | None = None  # a mean measure's points (KS4: Attainment 8), where recorded


@dataclass(frozen=True)
class Rate:
    n: int
    k: int

    @property
    def p(self) -> float:
        return (self.k + 0.5) / (self.n + 1)

    @property
    def var(self) -> float:
        return self.p * (1 - self.p) / (self.n + 2)


@dataclass(frozen=True)
class Model:
    rates: dict[str, dict[str, Rate]]  # measure -> band -> rate
    overall: dict[str, Rate]
    tau2: dict[str, float]
    n_cohorts: int
    n_pupils: int

    def rate(self, measure: str, band: str) -> Rate:
        return self.rates[measure].get(band, self.overall[measure])


def _outcome(p: PastPupil, measure: str) -> bool:
    return p.expected if measure == "expected" else p.higher


def _rates(pupils: Sequence[PastPupil]) -> tuple[dict[str, dict[str, Rate]], dict[str, Rate]]:
    rates: dict[str, dict[str, Rate]] = {}
    overall: dict[str, Rate] = {}
    for measure in MEASURES:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p in pupils:
            c = counts[p.band]
            c[0] += 1
            c[1] += int(_outcome(p, measure))
        rates[measure] = {band: Rate(n, k) for band, (n, k) in counts.items()}
        overall[measure] = Rate(len(pupils), sum(int(_outcome(p, measure)) for p in pupils))
    return rates, overall


def fit(history: Iterable[PastPupil]) -> Model:
    """Steps 1-3 of the module doc."""
    pupils = list(history)
    rates, overall = _rates(pupils)
    by_cohort: dict[str, list[PastPupil]] = defaultdict(list)
    for p in pupils:
        by_cohort[p.cohort].append(p)
    tau2: dict[str, float] = {}
    for measure in MEASURES:
        excess = []
        for members in by_cohort.values():
            n = len(members)
            ps = [rates[measure][m.band].p for m in members]
            predicted = sum(ps) / n
            actual = sum(int(_outcome(m, measure)) for m in members) / n
            chance = sum(p * (1 - p) for p in ps) / (n * n)
            excess.append((actual - predicted) ** 2 - chance)
        tau2[measure] = max(0.0, sum(excess) / len(excess)) if excess else 0.0
    return Model(rates, overall, tau2, len(by_cohort), len(pupils))


@dataclass(frozen=True)
class Interval:
    value: float  # percent
    low: float
    high: float

    @property
    def display(self) -> str:
        return f"{self.value:.0f}% (likely range {self.low:.0f}% to {self.high:.0f}%)"


@dataclass(frozen=True)
class Points:
    """A forecast mean score (points) with its 90% range."""

    value: float
    low: float
    high: float

    @property
    def display(self) -> str:
        return f"{self.value:.1f} points (likely range {self.low:.1f} to {self.high:.1f})"


@dataclass(frozen=True)
class MeanModel:
    means: dict[str, tuple[int, float]]  # band -> (past pupils, mean score)
    overall: tuple[int, float]
    s2: float  # pooled within-band variance of a pupil's score
    tau2: float
    n_cohorts: int
    n_pupils: int

    def band(self, band: str) -> tuple[int, float]:
        return self.means.get(band, self.overall)


def fit_mean(history: Iterable[PastPupil]) -> MeanModel | None:
    """The mean-score model of the module doc (None without two scored pupils)."""
    pupils = [p for p in history if p.score is not None]
    if len(pupils) < 2:
        return None
    by_band: dict[str, list[float]] = defaultdict(list)
    for p in pupils:
        assert p.score is not None
        by_band[p.band].append(p.score)
    means = {b: (len(v), sum(v) / len(v)) for b, v in by_band.items()}
    scores = [p.score for p in pupils if p.score is not None]
    overall = (len(scores), sum(scores) / len(scores))
    dof = max(1, len(scores) - len(by_band))
    s2 = sum((x - means[b][1]) ** 2 for b, v in by_band.items() for x in v) / dof
    by_cohort: dict[str, list[PastPupil]] = defaultdict(list)
    for p in pupils:
        by_cohort[p.cohort].append(p)
    excess = []
    for members in by_cohort.values():
        n = len(members)
        predicted = sum(means[m.band][1] for m in members) / n
        actual = sum(m.score for m in members if m.score is not None) / n
        excess.append((actual - predicted) ** 2 - s2 / n)
    tau2 = max(0.0, sum(excess) / len(excess))
    return MeanModel(means, overall, s2, tau2, len(by_cohort), len(pupils))


def forecast_mean(
    model: MeanModel | None,
    bands: Sequence[str],
    *,
    min_n: int = 5,
    min_cohorts: int = 3,
    z: float = Z90,
) -> Points | None:
    """The forecast mean score with its interval; None where `forecast` would refuse."""
    if model is None or model.n_cohorts < min_cohorts or len(bands) <= min_n:
        return None
    n = len(bands)
    counts: dict[str, int] = defaultdict(int)
    for b in bands:
        counts[b] += 1
    mean = sum(model.band(b)[1] * c for b, c in counts.items()) / n
    fitted = sum((c / n) ** 2 * model.s2 / max(1, model.band(b)[0]) for b, c in counts.items())
    sd = math.sqrt(model.s2 / n + fitted + model.tau2)
    return Points(round(mean, 1), round(mean - z * sd, 1), round(mean + z * sd, 1))


@dataclass(frozen=True)
class Forecast:
    n_pupils: int
    n_cohorts: int
    n_history_pupils: int
    expected: Interval | None
    higher: Interval | None
    note: str = ""
    mean: Points | None = None  # a mean measure's forecast, for a key stage that has one

    @property
    def available(self) -> bool:
        return self.expected is not None


def _interval(model: Model, measure: str, bands: Sequence[str], z: float) -> Interval:
    n = len(bands)
    counts: dict[str, int] = defaultdict(int)
    for b in bands:
        counts[b] += 1
    mean = sum(model.rate(measure, b).p * c for b, c in counts.items()) / n
    chance = sum(
        model.rate(measure, b).p * (1 - model.rate(measure, b).p) * c for b, c in counts.items()
    )
    fitted = sum((c / n) ** 2 * model.rate(measure, b).var for b, c in counts.items())
    sd = math.sqrt(chance / (n * n) + fitted + model.tau2[measure])
    low, high = max(0.0, mean - z * sd), min(1.0, mean + z * sd)
    return Interval(round(100 * mean, 1), round(100 * low, 1), round(100 * high, 1))


def forecast(
    model: Model | None,
    bands: Sequence[str],
    *,
    min_n: int = 5,
    min_cohorts: int = 3,
    z: float = Z90,
) -> Forecast:
    """Steps 4-5 of the module doc: the forecast % expected and % higher with 90% intervals."""
    n_cohorts = model.n_cohorts if model else 0
    n_hist = model.n_pupils if model else 0
    if model is None or n_cohorts < min_cohorts:
        return Forecast(
            len(bands),
            n_cohorts,
            n_hist,
            None,
            None,
            f"Not enough past cohorts to fit the method: {n_cohorts} (it needs {min_cohorts}).",
        )
    if len(bands) <= min_n:
        return Forecast(
            len(bands),
            n_cohorts,
            n_hist,
            None,
            None,
            f"Suppressed: {len(bands)} pupils (a forecast needs more than {min_n}).",
        )
    return Forecast(
        len(bands),
        n_cohorts,
        n_hist,
        _interval(model, "expected", bands, z),
        _interval(model, "higher", bands, z),
    )


@dataclass(frozen=True)
class BacktestRow:
    cohort: str
    n_pupils: int
    measure: str
    forecast: Interval | Points
    actual: float

    @property
    def inside(self) -> bool:
        return self.forecast.low <= self.actual <= self.forecast.high

    @property
    def error(self) -> float:
        return self.forecast.value - self.actual


@dataclass
class Backtest:
    rows: list[BacktestRow] = field(default_factory=list)

    def coverage(self, measure: str) -> float | None:
        rows = [r for r in self.rows if r.measure == measure]
        return sum(r.inside for r in rows) / len(rows) if rows else None

    def mean_abs_error(self, measure: str) -> float | None:
        rows = [r for r in self.rows if r.measure == measure]
        return sum(abs(r.error) for r in rows) / len(rows) if rows else None

    def lines(self, labels: dict[str, str] | None = None) -> list[str]:
        """One line per measure (and the mean's, when back-tested); `labels` names the
        measures in words (a key stage's own)."""
        out = []
        has_mean = any(r.measure == MEAN for r in self.rows)
        for measure in (*MEASURES, MEAN) if has_mean else MEASURES:
            cov, mae = self.coverage(measure), self.mean_abs_error(measure)
            n = len([r for r in self.rows if r.measure == measure])
            name = (labels or {}).get(measure, measure)
            if cov is None or mae is None:
                out.append(f"{name}: no cohort could be back-tested")
                continue
            out.append(
                f"{name}: {n} cohorts, mean absolute error {mae:.1f} "
                f"{'points of score' if measure == MEAN else 'points'}, "
                f"90% interval held the outcome in {100 * cov:.0f}%"
            )
        return out


def backtest(
    history: Iterable[PastPupil], *, min_n: int = 5, min_cohorts: int = 3, z: float = Z90
) -> Backtest:
    """Leave each past cohort out, fit on the rest, forecast it, compare with what happened."""
    pupils = list(history)
    by_cohort: dict[str, list[PastPupil]] = defaultdict(list)
    for p in pupils:
        by_cohort[p.cohort].append(p)
    result = Backtest()
    for cohort, members in sorted(by_cohort.items()):
        rest = [p for p in pupils if p.cohort != cohort]
        model = fit(rest)
        f = forecast(model, [m.band for m in members], min_n=min_n, min_cohorts=min_cohorts, z=z)
        if not f.available:
            continue
        for measure, interval in (("expected", f.expected), ("higher", f.higher)):
            assert interval is not None
            actual = 100 * sum(int(_outcome(m, measure)) for m in members) / len(members)
            result.rows.append(BacktestRow(cohort, len(members), measure, interval, actual))
        scored = [m for m in members if m.score is not None]
        points = forecast_mean(
            fit_mean(rest), [m.band for m in scored], min_n=min_n, min_cohorts=min_cohorts, z=z
        )
        if points is not None:
            actual = sum(m.score for m in scored if m.score is not None) / len(scored)
            result.rows.append(BacktestRow(cohort, len(scored), MEAN, points, actual))
    return result
