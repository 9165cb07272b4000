"""Standardised effect sizes for the trust's programmes. Pure: no Django, no ORM.

Seed 003 asks the trust to assess "the impact of added value of Trust led inputs and
programmes through effect size". Two designs, one wording: an effect size here is an
*association* between taking part and a change in pupils' scores, never proof that the
programme caused it (the pupils were not randomised).

1. Comparison group (`compare_groups`): the gain of pupils in participating academies against
   the gain of comparable pupils (same subject, same year groups) in academies that did not
   take part. Cohen's d = (mean_t - mean_c) / pooled SD; Hedges' g = d x J with the small-sample
   correction J = 1 - 3 / (4 (n_t + n_c) - 9); standard error
   SE(g) = sqrt((n_t + n_c) / (n_t n_c) + g^2 / (2 (n_t + n_c))) (Hedges and Olkin 1985);
   95% interval g +/- 1.96 SE.
2. No comparison group (`paired_change`): the same pupils before and after. Standardised mean
   change d = mean(after - before) / S_within, S_within = sqrt((SD_before^2 + SD_after^2) / 2)
   (Cumming's d_av); g = d x J with J = 1 - 3 / (4 (n - 1) - 1); variance
   V = (1 / n + d^2 / (2 n)) x 2 (1 - r), r the before/after correlation (Borenstein et al.,
   Introduction to Meta-Analysis, 4.28); 95% interval g +/- 1.96 sqrt(V).

A group of `min_n` pupils or fewer (the DfE suppression threshold the trust uses) gives no
figure: the result says "suppressed" and why, with the numbers of pupils.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959964


@dataclass(frozen=True)
class EffectSize:
    design: str  # "comparison" or "paired"
    n_treated: int
    n_comparison: int  # 0 for a paired design
    mean_change_treated: float | None
    mean_change_comparison: float | None
    d: float | None
    g: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    note: str = ""

    @property
    def n(self) -> int:
        return self.n_treated + self.n_comparison

    @property
    def magnitude(self) -> str:
        """Words for the size, with the interval's honesty: a CI spanning 0 is 'no clear'."""
        if self.suppressed or self.g is None or self.ci_low is None or self.ci_high is None:
            return "not enough pupils to say"
        if self.ci_low <= 0 <= self.ci_high:
            return "no clear association"
        size = abs(self.g)
        word = "very small" if size < 0.1 else "small" if size < 0.3 else "moderate"
        if size >= 0.5:
            word = "large"
        direction = "positive" if self.g > 0 else "negative"
        return f"{word} {direction} association"

    @property
    def summary(self) -> str:
        if self.suppressed:
            return f"Suppressed: {self.note}"
        assert self.g is not None and self.ci_low is not None and self.ci_high is not None
        who = (
            f"{self.n_treated} participating and {self.n_comparison} comparison pupils"
            if self.design == "comparison"
            else f"{self.n_treated} pupils, before and after"
        )
        return (
            f"g = {self.g:+.2f} (95% interval {self.ci_low:+.2f} to {self.ci_high:+.2f}; "
            f"{who}): {self.magnitude}"
        )


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


def _var(xs: Sequence[float]) -> float:
    """Sample variance (n - 1 denominator)."""
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def _suppressed(design: str, n_t: int, n_c: int, min_n: int, why: str) -> EffectSize:
    return EffectSize(design, n_t, n_c, None, None, None, None, None, None, True, why)


def compare_groups(
    treated: Sequence[float], comparison: Sequence[float], *, min_n: int = 5
) -> EffectSize:
    """Hedges' g of the treated gains against the comparison gains (steps in the module doc)."""
    n_t, n_c = len(treated), len(comparison)
    if n_t <= min_n or n_c <= min_n:
        return _suppressed(
            "comparison",
            n_t,
            n_c,
            min_n,
            f"{n_t} participating and {n_c} comparison pupils; each group needs more than {min_n}.",
        )
    m_t, m_c = _mean(treated), _mean(comparison)
    pooled = math.sqrt(((n_t - 1) * _var(treated) + (n_c - 1) * _var(comparison)) / (n_t + n_c - 2))
    if pooled == 0:
        return _suppressed(
            "comparison", n_t, n_c, min_n, "every pupil's change was the same: no spread."
        )
    d = (m_t - m_c) / pooled
    j = 1 - 3 / (4 * (n_t + n_c) - 9)
    g = d * j
    se = math.sqrt((n_t + n_c) / (n_t * n_c) + g * g / (2 * (n_t + n_c)))
    return EffectSize(
        "comparison",
        n_t,
        n_c,
        round(m_t, 3),
        round(m_c, 3),
        round(d, 3),
        round(g, 3),
        round(g - Z95 * se, 3),
        round(g + Z95 * se, 3),
        False,
    )


def paired_change(before: Sequence[float], after: Sequence[float], *, min_n: int = 5) -> EffectSize:
    """Standardised mean change of the same pupils (steps in the module doc)."""
    if len(before) != len(after):
        raise ValueError("before and after must pair the same pupils")
    n = len(before)
    if n <= min_n:
        return _suppressed(
            "paired", n, 0, min_n, f"{n} pupils; the figure needs more than {min_n}."
        )
    v_b, v_a = _var(before), _var(after)
    s_within = math.sqrt((v_b + v_a) / 2)
    if s_within == 0:
        return _suppressed("paired", n, 0, min_n, "every pupil had the same score: no spread.")
    diffs = [a - b for a, b in zip(after, before, strict=True)]
    d = _mean(diffs) / s_within
    m_b, m_a = _mean(before), _mean(after)
    if v_b == 0 or v_a == 0:
        r = 0.0
    else:
        cov = sum((b - m_b) * (a - m_a) for b, a in zip(before, after, strict=True)) / (n - 1)
        r = max(-1.0, min(1.0, cov / math.sqrt(v_b * v_a)))
    j = 1 - 3 / (4 * (n - 1) - 1)
    g = d * j
    se = math.sqrt((1 / n + d * d / (2 * n)) * 2 * (1 - r))
    return EffectSize(
        "paired",
        n,
        0,
        round(_mean(diffs), 3),
        None,
        round(d, 3),
        round(g, 3),
        round(g - Z95 * se, 3),
        round(g + Z95 * se, 3),
        False,
    )


# Teacher-assessment codes on one points scale, so a change can be measured: a step of one
# is one band (working towards -> expected -> greater depth).
TA_POINTS = {"PKF": 0.0, "BLW": 0.0, "HNM": 0.5, "WTS": 1.0, "EXS": 2.0, "ARE": 2.0}
TA_POINTS |= {"GDS": 3.0, "ABV": 3.0}


def ta_points(code: str) -> float | None:
    return TA_POINTS.get(code.upper())
