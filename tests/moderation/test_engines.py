"""The moderation engines alone: sampling, agreement statistics (against hand-computed values),
and comparative-judgement recovery on simulated rounds where the true order is known."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.stats import spearmanr

from moderation.agreement import agreement, agreement_by, kappa
from moderation.cj import fit, levels_from_anchors, next_pair
from moderation.sampling import Candidate, draw


def _school(school: int, wts: int, exs: int, gds: int, start: int = 0) -> list[Candidate]:
    levels = ["WTS"] * wts + ["EXS"] * exs + ["GDS"] * gds
    return [Candidate(start + i, school, lvl) for i, lvl in enumerate(levels)]


def test_sample_share_minimum_and_strata():
    big = _school(1, 20, 60, 20)  # 100 judgements: 15%
    small = _school(2, 2, 5, 1, start=1000)  # 8 judgements: at least 3
    chosen = draw(big + small, seed=7)
    level = {c.id: c.level for c in big + small}
    from_big = [i for i in chosen if i < 1000]
    from_small = [i for i in chosen if i >= 1000]
    assert len(from_big) == 15 and len(from_small) == 3
    assert {level[i] for i in from_small} == {"WTS", "EXS", "GDS"}  # every level present
    # GDS is a fifth of the school's judgements but, weighted x2, a third of its sample.
    gds = sum(level[i] == "GDS" for i in from_big)
    assert gds == 5 and gds / 15 > 20 / 100


def test_sample_reproducible_whatever_the_order_and_changes_with_the_seed():
    pool = _school(1, 30, 50, 20) + _school(2, 10, 20, 5, start=500)
    shuffled = pool[:]
    random.Random(3).shuffle(shuffled)
    assert draw(pool, seed=42) == draw(shuffled, seed=42)
    assert draw(pool, seed=42) != draw(pool, seed=43)


def test_sample_never_more_than_the_school_has():
    assert len(draw(_school(1, 1, 1, 0), seed=1)) == 2


def test_agreement_against_hand_computed_values():
    # 10 pupils. School vs moderator:
    pairs = (
        [("EXS", "EXS")] * 5
        + [("GDS", "GDS")] * 1
        + [("WTS", "WTS")] * 1
        + [("GDS", "EXS")] * 2  # generous
        + [("EXS", "WTS")] * 1  # generous
    )
    a = agreement(pairs)
    assert (a.n, a.agreed, a.exact_pct) == (10, 7, 70.0)
    # school marginals: WTS 1, EXS 6, GDS 3; moderator: WTS 2, EXS 7, GDS 1
    # p_e = (1*2 + 6*7 + 3*1) / 100 = 0.47; kappa = (0.7 - 0.47) / 0.53 = 0.43396...
    assert a.kappa == pytest.approx(0.23 / 0.53)
    assert (a.generous, a.severe, a.direction) == (3, 0, "generous")
    assert not a.small_sample
    assert agreement(pairs[:4]).small_sample


def test_kappa_edge_cases():
    assert kappa([]) is None
    assert kappa([("EXS", "EXS")] * 4) is None  # chance agreement is certain: undefined
    assert kappa([("EXS", "WTS"), ("WTS", "EXS")]) == pytest.approx(-1.0)


def test_agreement_by_group():
    rows = [("A", "EXS", "EXS"), ("A", "GDS", "EXS"), ("B", "WTS", "EXS")]
    got = agreement_by(rows)
    assert got["A"].exact_pct == 50.0 and got["B"].severe == 1


def _simulate(n: int, per_item: int, seed: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    truth = rng.normal(0, 1.5, n)
    comparisons: list[tuple[int, int]] = []
    for _ in range(n * per_item // 2):
        pair = next_pair(n, comparisons, seed=seed)
        assert pair is not None
        i, j = pair
        p = 1 / (1 + np.exp(-(truth[i] - truth[j])))
        comparisons.append((i, j) if rng.random() < p else (j, i))
    return truth, comparisons


@pytest.mark.parametrize("seed", [1, 2])
def test_cj_recovers_the_true_order_on_simulated_rounds(seed):
    truth, comparisons = _simulate(30, 16, seed)
    scale = fit(30, comparisons)
    rho = spearmanr(truth, scale.scores).statistic
    print(
        f"\nCJ simulated round seed={seed}: 30 pieces, {len(comparisons)} judgements, "
        f"Spearman rho={rho:.3f}, reliability={scale.reliability:.3f}"
    )
    assert rho > 0.8
    assert scale.reliability is not None and scale.reliability > 0.7
    assert all(se > 0 for se in scale.standard_errors)


def test_cj_more_judgements_make_a_more_reliable_scale():
    _, few = _simulate(20, 4, 9)
    _, many = _simulate(20, 20, 9)
    assert fit(20, many).reliability > fit(20, few).reliability


def test_cj_anchor_levels():
    scores = [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
    anchors = {0: "WTS", 2: "EXS", 4: "GDS"}
    assert levels_from_anchors(scores, anchors) == ["WTS", "EXS", "EXS", "GDS", "GDS", "GDS"]
    assert levels_from_anchors(scores, {0: "GDS", 4: "WTS"}) == [None] * 6


def test_cj_pairs_are_informative():
    # After each piece has been seen, the next pair is two pieces close on the scale.
    comparisons = [(0, 1), (2, 3), (4, 5), (0, 2), (2, 4), (0, 4)]
    pair = next_pair(6, comparisons, seed=1)
    assert pair is not None and len(set(pair)) == 2
    assert fit(1, []).reliability is None
