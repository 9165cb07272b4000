"""Attainer-band transitions (seed 003): how pupils move between low, middle and high attainment
bands from one point to another. Pure: no ORM import.

Where a pupil's band comes from (the selector reads it, this module states it):

1. A term's band is the pupil's teacher assessment (measure "ta") in the chosen subject that term:
   PKF, BLW, HNM and WTS (working towards or below age-related expectations) are **low**;
   EXS and ARE (at expectations) are **middle**; GDS and ABV (greater depth, above) are **high**.
2. The starting point may instead be the prior-attainment band the school uploads with each
   year's pupils (low / middle / high), so a cohort's movement from its starting point shows.
3. A pupil counts only with a band at both points; pupils who joined or left in between, or
   have no assessment in the subject, are left out (and counted as "not matched").

Movement between the two bands (seed 003's table):

1. Low to high is **double positive**; low to middle and middle to high are **positive**.
2. Staying in the same band is **no change** ("no gain").
3. Middle to low and high to middle are **negative**; high to low is **double negative**.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

BANDS = ("low", "middle", "high")
BAND_LABELS = {"low": "Low attainers", "middle": "Middle attainers", "high": "High attainers"}
TA_BANDS = {
    "PKF": "low",
    "BLW": "low",
    "HNM": "low",
    "WTS": "low",
    "EXS": "middle",
    "ARE": "middle",
    "GDS": "high",
    "ABV": "high",
}
CATEGORIES = ("double_positive", "positive", "no_change", "negative", "double_negative")
CATEGORY_LABELS = {
    "double_positive": "Double positive (low to high)",
    "positive": "Positive (up one band)",
    "no_change": "No change (same band)",
    "negative": "Negative (down one band)",
    "double_negative": "Double negative (high to low)",
}
_BY_STEPS = {
    2: "double_positive",
    1: "positive",
    0: "no_change",
    -1: "negative",
    -2: "double_negative",
}


def band_from_ta(value: str | None) -> str | None:
    """A teacher assessment as an attainer band; None when it is not a band (blank, unknown)."""
    return TA_BANDS.get((value or "").strip().upper())


def band_from_prior(value: str | None) -> str | None:
    band = (value or "").strip().lower()
    return band if band in BANDS else None


def movement(from_band: str, to_band: str) -> str:
    return _BY_STEPS[BANDS.index(to_band) - BANDS.index(from_band)]


@dataclass(frozen=True)
class Count:
    """A count with its share; both None when hidden (fewer pupils than the minimum)."""

    n: int | None
    pct: float | None
    hidden: bool = False


@dataclass
class Matrix:
    cohort: int
    suppressed: bool
    min_cohort: int
    not_matched: int = 0
    # Hidden because a count under the threshold could be worked out from the totals around it.
    small_counts: bool = False
    # Hidden because, beside the matrices around it, it would give a suppressed one away.
    withheld: bool = False
    # (from band, to band) -> count, share of the from-band row
    cells: dict[tuple[str, str], Count] = field(default_factory=dict)
    rows: dict[str, Count] = field(default_factory=dict)  # from band -> pupils, share of cohort
    categories: dict[str, Count] = field(default_factory=dict)  # category -> count, share of cohort


def _count(n: int, total: int, min_cohort: int, hide_small: bool) -> Count:
    if hide_small and 0 < n <= min_cohort:
        return Count(None, None, hidden=True)
    return Count(n, round(100 * n / total, 1) if total else None)


def transition_matrix(
    pairs: Iterable[tuple[str | None, str | None]],
    *,
    min_cohort: int,
    hide_small_counts: bool = False,
    withheld: bool = False,
) -> Matrix:
    """The 3 x 3 matrix and the five movement categories for (from band, to band) pairs.

    1. Pairs missing either band are not matched and do not count.
    2. The cohort is the matched pupils; `min_cohort` or fewer (never below DfE's 5) suppresses
       the whole matrix: no counts, no percentages.
    3. Each cell is a count and its share of the from-band row; each category a count and its
       share of the cohort.
    4. With `hide_small_counts` (readers who may not see pupil-level data, e.g. governors), a
       matrix with any count from 1 to min_cohort is withheld whole: hiding only that cell
       would not do, as row totals, categories and the cohort would give it away.
    5. `withheld` suppresses it whatever its size: the caller's disclosure control found that,
       shown beside the matrices around it (other year groups, the group's complement), it
       would give a suppressed matrix away by subtraction.
    """
    floor = max(min_cohort, 5)
    matched: list[tuple[str, str]] = []
    not_matched = 0
    for a, b in pairs:
        if a in BANDS and b in BANDS:
            matched.append((a, b))  # type: ignore[arg-type]
        else:
            not_matched += 1
    cohort = len(matched)
    result = Matrix(
        cohort=cohort,
        suppressed=withheld or cohort <= floor,
        min_cohort=floor,
        not_matched=not_matched,
        withheld=withheld and cohort > floor,
    )
    if result.suppressed:
        return result
    for a in BANDS:
        row_total = sum(1 for x, _ in matched if x == a)
        result.rows[a] = _count(row_total, cohort, floor, hide_small_counts)
        for b in BANDS:
            n = sum(1 for x, y in matched if (x, y) == (a, b))
            result.cells[(a, b)] = _count(n, row_total, floor, hide_small_counts)
    for category in CATEGORIES:
        n = sum(1 for x, y in matched if movement(x, y) == category)
        result.categories[category] = _count(n, cohort, floor, hide_small_counts)
    counts = [*result.rows.values(), *result.cells.values(), *result.categories.values()]
    if hide_small_counts and any(c.hidden for c in counts):
        return Matrix(
            cohort=cohort,
            suppressed=True,
            min_cohort=floor,
            not_matched=not_matched,
            small_counts=True,
        )
    return result


# Progress markers (seed 003's trust progress benchmarks) ------------------------------------
# "Disadvantaged progress markers + over non-disadvantaged" and "No gender variation in progress
# markers": a group's progress marker is its net movement between bands, the share of its pupils
# who moved up (positive or double positive) minus the share who moved down, in points. The
# benchmark compares the two groups' markers; a group whose matrix is suppressed has none, and
# the comparison then says it cannot be made rather than guess.
MARKER_GROUPS = ("all", "disadvantaged", "non_disadvantaged", "boys", "girls")
# Boys and girls differing by no more than this many points of net movement count as "no
# gender variation": one pupil in a class of 30 moves a share by about 3 points, so a smaller
# tolerance would call single pupils a variation.
NO_VARIATION_POINTS = 5.0


@dataclass(frozen=True)
class Marker:
    """A group's movement: shares of its matched pupils (None when its matrix is suppressed)."""

    up: float | None
    down: float | None

    @property
    def net(self) -> float | None:
        if self.up is None or self.down is None:
            return None
        return round(self.up - self.down, 1)


def marker_of(matrix: Matrix | None) -> Marker:
    if matrix is None or matrix.suppressed or not matrix.cohort:
        return Marker(None, None)
    up = sum(matrix.categories[c].n or 0 for c in ("double_positive", "positive"))
    down = sum(matrix.categories[c].n or 0 for c in ("negative", "double_negative"))
    return Marker(round(100 * up / matrix.cohort, 1), round(100 * down / matrix.cohort, 1))


@dataclass(frozen=True)
class MarkerCheck:
    benchmark: str  # the trust's benchmark, in its words
    verdict: str  # "Met", "Not met" or why it cannot be said
    detail: str


def marker_checks(markers: dict[str, Marker]) -> list[MarkerCheck]:
    """Seed 003's two comparisons of progress markers, each met, not met or not possible."""

    def points(value: float) -> str:
        return f"{value:+.1f} points"

    checks = []
    dis, others = markers["disadvantaged"].net, markers["non_disadvantaged"].net
    benchmark = "Disadvantaged progress markers at or over non-disadvantaged"
    if dis is None or others is None:
        checks.append(
            MarkerCheck(benchmark, "Cannot be said", "a group is suppressed or has no pupils")
        )
    else:
        checks.append(
            MarkerCheck(
                benchmark,
                "Met" if dis >= others else "Not met",
                f"disadvantaged {points(dis)}, non-disadvantaged {points(others)}",
            )
        )
    boys, girls = markers["boys"].net, markers["girls"].net
    benchmark = "No gender variation in progress markers"
    if boys is None or girls is None:
        checks.append(
            MarkerCheck(benchmark, "Cannot be said", "a group is suppressed or has no pupils")
        )
    else:
        gap = abs(boys - girls)
        checks.append(
            MarkerCheck(
                benchmark,
                "Met" if gap <= NO_VARIATION_POINTS else "Not met",
                f"boys {points(boys)}, girls {points(girls)}: {gap:.1f} points apart "
                f"(no variation: {NO_VARIATION_POINTS:.0f} points or fewer)",
            )
        )
    return checks
