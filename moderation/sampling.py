"""Drawing a moderation sample. Pure: no ORM import.

Reproducible (the round's seed), stratified by the school's judgement, greater depth
over-sampled: greater-depth judgements are the least reliable and need the most checking.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_SHARE = 0.15
DEFAULT_MINIMUM = 3
GDS_WEIGHT = 2.0  # a GDS judgement is twice as likely to be drawn as its share alone says


@dataclass(frozen=True)
class Candidate:
    id: int
    school: int
    level: str  # the school's judgement: WTS, EXS or GDS (or a trust's own level's code)


def _allocate(
    sizes: dict[str, int], n: int, deep: frozenset[str] = frozenset({"GDS"})
) -> dict[str, int]:
    """Split n across strata by weighted size (largest remainder), never more than a stratum holds.
    `deep`: the greater-depth levels (GDS, or a trust's own level marked greater depth)."""
    weights = {lvl: size * (GDS_WEIGHT if lvl in deep else 1.0) for lvl, size in sizes.items()}
    total = sum(weights.values())
    exact = {lvl: n * w / total for lvl, w in weights.items()}
    taken = {lvl: min(sizes[lvl], math.floor(x)) for lvl, x in exact.items()}
    # Every stratum that exists is represented when there is room for it.
    for lvl in sorted(sizes, key=lambda lvl: -exact[lvl]):
        if sum(taken.values()) < n and taken[lvl] == 0 and sizes[lvl]:
            taken[lvl] = 1
    while sum(taken.values()) < n:
        room = [lvl for lvl in sizes if taken[lvl] < sizes[lvl]]
        if not room:
            break
        best = max(room, key=lambda lvl: (exact[lvl] - taken[lvl], lvl in deep, lvl))
        taken[best] += 1
    return taken


def draw(
    candidates: Sequence[Candidate],
    *,
    seed: int,
    share: float = DEFAULT_SHARE,
    minimum: int = DEFAULT_MINIMUM,
    deep: frozenset[str] = frozenset({"GDS"}),
) -> list[int]:
    """The ids to moderate, in a stable order.

    1. Per school: n = max(minimum, ceil(share x judgements)), at most all of them.
    2. n is split across the school's WTS / EXS / GDS judgements by size, GDS weighted x2, each
       level present getting at least one when n allows (largest remainder).
    3. Within a stratum, ids are drawn by a generator seeded with (seed, school, level) from the
       ids sorted: the same seed and judgements give the same sample, whatever the input order.
    """
    by_school: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for c in candidates:
        by_school[c.school][c.level].append(c.id)
    chosen: list[int] = []
    for school in sorted(by_school):
        strata = by_school[school]
        size = sum(len(ids) for ids in strata.values())
        n = min(size, max(minimum, math.ceil(share * size)))
        for level, k in sorted(
            _allocate({lvl: len(ids) for lvl, ids in strata.items()}, n, deep).items()
        ):
            rng = random.Random(f"{seed}:{school}:{level}")
            chosen.extend(sorted(rng.sample(sorted(strata[level]), k)))
    return chosen
