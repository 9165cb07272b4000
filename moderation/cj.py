"""Comparative judgement: a Bradley-Terry scale from pairwise choices. Pure: no ORM import.

Moderators see two pieces and pick the better. Under Bradley-Terry, piece i beats piece j with
probability 1 / (1 + exp(-(theta_i - theta_j))). The fit and its standard errors use scipy (the
optimiser is scipy's, not ours); the scale's reliability is the scale separation reliability
used in comparative judgement (Pollitt 2012): the share of the observed variance of the scores
that is not measurement error.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit

# A weak normal prior on each score (sd 3 logits) keeps a piece that won (or lost) every time
# finite, and fixes the scale's origin at 0; it barely moves pieces with a mixed record.
PRIOR_SD = 3.0


@dataclass(frozen=True)
class Scale:
    scores: list[float]  # logits, one per piece, in the input order
    standard_errors: list[float]
    reliability: float | None  # scale separation reliability; None with under 3 pieces


def fit(n_items: int, comparisons: Sequence[tuple[int, int]]) -> Scale:
    """Fit scores to (winner index, loser index) comparisons.

    1. Minimise the negative log-likelihood plus the prior with scipy's L-BFGS-B, using the
       analytic gradient.
    2. Standard errors: the square roots of the diagonal of the inverse of the information
       matrix (the Hessian of the same objective at the optimum).
    3. Reliability: (variance of the scores - mean squared error) / variance of the scores,
       floored at 0.
    """
    if n_items == 0:
        return Scale([], [], None)
    winners = np.array([w for w, _ in comparisons], dtype=np.int64)
    losers = np.array([lo for _, lo in comparisons], dtype=np.int64)
    precision = 1 / PRIOR_SD**2

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        diff = theta[winners] - theta[losers]
        value = -float(np.sum(log_expit(diff))) + 0.5 * precision * float(theta @ theta)
        push = expit(-diff)  # d(-log p)/d(diff) = -(1 - p)
        grad = precision * theta
        np.add.at(grad, winners, -push)
        np.add.at(grad, losers, push)
        return value, grad

    result = minimize(objective, np.zeros(n_items), jac=True, method="L-BFGS-B")
    theta = result.x
    p = expit(theta[winners] - theta[losers])
    weight = p * (1 - p)
    info = np.diag(np.full(n_items, precision))
    np.add.at(info, (winners, winners), weight)
    np.add.at(info, (losers, losers), weight)
    np.add.at(info, (winners, losers), -weight)
    np.add.at(info, (losers, winners), -weight)
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    reliability = None
    if n_items >= 3:
        observed = float(np.var(theta, ddof=1))
        error = float(np.mean(se**2))
        reliability = max(0.0, (observed - error) / observed) if observed > 0 else 0.0
    return Scale(theta.tolist(), se.tolist(), reliability)


def next_pair(
    n_items: int,
    comparisons: Sequence[tuple[int, int]],
    *,
    seed: int,
    exclude: set[tuple[int, int]] | None = None,
) -> tuple[int, int] | None:
    """An informative next pair: the piece seen least, against the piece nearest it on the
    current scale that it has met least (a close pair tells most). Reproducible from the seed
    and the comparisons so far. None with under two pieces."""
    if n_items < 2:
        return None
    rng = random.Random(f"{seed}:{len(comparisons)}")
    seen: Counter[int] = Counter()
    met: Counter[tuple[int, int]] = Counter()
    for w, lo in comparisons:
        seen[w] += 1
        seen[lo] += 1
        met[(min(w, lo), max(w, lo))] += 1
    avoid = exclude or set()
    scores = fit(n_items, comparisons).scores if comparisons else [0.0] * n_items
    order = sorted(range(n_items), key=lambda i: (seen[i], rng.random()))
    for first in order:
        partners = [
            j for j in range(n_items) if j != first and (min(first, j), max(first, j)) not in avoid
        ]
        if not partners:
            continue
        partner = min(
            partners,
            key=lambda j: (
                met[(min(first, j), max(first, j))],
                abs(scores[first] - scores[j]),
                rng.random(),
            ),
        )
        return (first, partner) if rng.random() < 0.5 else (partner, first)
    return None


LEVELS = ("WTS", "EXS", "GDS")


def levels_from_anchors(scores: Sequence[float], anchors: Mapping[int, str]) -> list[str | None]:
    """Each piece's standard from anchor pieces of known standard.

    The boundary between two adjacent standards is the midpoint of their anchors' mean scores;
    a piece takes the standard whose band holds its score. None for every piece when the
    anchors do not cover at least two adjacent standards in order.
    """
    means = {}
    for level in LEVELS:
        values = [scores[i] for i, lvl in anchors.items() if lvl == level]
        if values:
            means[level] = float(np.mean(values))
    present = [lvl for lvl in LEVELS if lvl in means]
    ordered = all(means[a] < means[b] for a, b in itertools.pairwise(present))
    if len(present) < 2 or not ordered:
        return [None] * len(scores)
    cuts = [((means[a] + means[b]) / 2, b) for a, b in itertools.pairwise(present)]
    out: list[str | None] = []
    for s in scores:
        level = present[0]
        for cut, above in cuts:
            if s >= cut:
                level = above
        out.append(level)
    return out
