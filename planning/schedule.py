"""Half-termly review scheduling. Pure: no Django.

Seed 004: "a targeted action plan reviewed every half term". A priority is due one review in
every half term from the one it started in; a half term that has ended with no review of the
priority is an overdue review.

1. Half terms split each term (trust_si.terms, the census definition) at its midpoint; autumn
   counts from 1 September (August is the holiday), so its halves end on 31 October and 31
   December, near the real half-term breaks.
2. The half terms owed are those that ended before today, from the one containing the
   priority's start date.
3. A half term is met when a review is dated within it; the rest are overdue, oldest first.
4. The next review is due by the end of the half term containing today (if none yet in it).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from trust_si.terms import Season, TermCode


@dataclass(frozen=True)
class HalfTerm:
    term: TermCode
    half: int  # 1 or 2
    first_day: dt.date
    last_day: dt.date

    @property
    def label(self) -> str:
        return f"{self.term.season.label} {self.half} {self.term.academic_year}"

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


# Pure, immutable results: memoised, as the dashboard asks for the same few hundred times.
@functools.cache
def halves(term: TermCode) -> tuple[HalfTerm, HalfTerm]:
    first = term.first_day
    if term.season is Season.AUTUMN:
        first = dt.date(first.year, 9, 1)
    mid = first + (term.last_day - first) // 2
    return (
        HalfTerm(term, 1, first, mid),
        HalfTerm(term, 2, mid + dt.timedelta(days=1), term.last_day),
    )


@functools.lru_cache(maxsize=4096)
def half_term_of(day: dt.date) -> HalfTerm:
    term = TermCode.for_date(day)
    first, second = halves(term)
    # 1-31 August belongs to the autumn census term but to no half term: it counts as autumn 1.
    return second if second.contains(day) else first


@dataclass(frozen=True)
class ReviewSchedule:
    owed: list[HalfTerm]
    overdue: list[HalfTerm]
    next_due: dt.date | None

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue)


def review_schedule(
    *,
    starts_on: dt.date,
    reviews: Iterable[dt.date],
    today: dt.date,
    ends_on: dt.date | None = None,
) -> ReviewSchedule:
    """Steps 2-4 of the module doc; a plan that ended (`ends_on`, its year's last day) owes
    nothing after it."""
    dates = sorted(reviews)
    owed: list[HalfTerm] = []
    limit = today if ends_on is None else min(today, ends_on + dt.timedelta(days=1))
    half = half_term_of(starts_on)
    while half.last_day < limit:
        owed.append(half)
        half = half_term_of(half.last_day + dt.timedelta(days=1))
    overdue = [h for h in owed if not any(h.contains(d) for d in dates)]
    current = half_term_of(today)
    reviewed_now = any(current.contains(d) for d in dates)
    ended = ends_on is not None and today > ends_on
    next_due = None if ended or reviewed_now or starts_on > current.last_day else current.last_day
    return ReviewSchedule(owed, overdue, next_due)
