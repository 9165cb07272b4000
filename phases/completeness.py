"""Is a term's data complete for an academy? Pure: no ORM import.

A term is complete for an academy when its uploads cover the cohorts expected from its roll and
key stages: pupils with data in every key stage it teaches that is assessed, and at least
`share` of the pupils on roll (its enrolments that year or the year before, whichever is more;
else the academy record's pupils on roll).
A leader can also mark a term complete. A partial term is shown as partial and never moves a
phase on its own: placements, the heat map's default and the CPD impact table use complete terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trust_si.terms import term_sort_key

COMPLETE, MARKED, PARTIAL, NONE = "complete", "marked", "partial", "none"
WORDS = {
    COMPLETE: "complete",
    MARKED: "marked complete by a leader",
    PARTIAL: "partial",
    NONE: "not yet uploaded",
}
# Key stages whose pupils are assessed termly in the trust's uploads (EYFS is reported once,
# so an upload without Reception pupils is not short of a cohort).
ASSESSED_STAGES = ("KS1", "KS2", "KS3", "KS4", "KS5")
DEFAULT_SHARE = 0.8


@dataclass(frozen=True)
class Coverage:
    term: str
    status: str
    pupils: int  # pupils with results or attendance in the term
    expected: int  # pupils on roll (0 when unknown)
    missing_stages: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.status in (COMPLETE, MARKED)

    @property
    def words(self) -> str:
        if self.status == PARTIAL:
            text = f"partial: {self.pupils} of {self.expected or 'unknown'} pupils uploaded"
            if self.missing_stages:
                text += ", nothing yet for " + ", ".join(self.missing_stages)
            return text
        return WORDS[self.status]


def coverage(
    *,
    term: str,
    pupils: int,
    expected: int,
    stages_expected: Iterable[str],
    stages_covered: Iterable[str],
    marked: bool = False,
    share: float = DEFAULT_SHARE,
) -> Coverage:
    """The status of one academy's term.

    1. A leader's mark makes it complete ("marked").
    2. No pupil with data: not yet uploaded.
    3. Complete when every assessed key stage taught has pupils with data and the pupils with
       data are at least `share` of the roll; otherwise partial, saying what is short.
    """
    covered = set(stages_covered)
    short = tuple(s for s in stages_expected if s in ASSESSED_STAGES and s not in covered)
    if marked:
        return Coverage(term, MARKED, pupils, expected, short)
    if pupils == 0:
        return Coverage(term, NONE, 0, expected, short)
    enough = expected <= 0 or pupils >= share * expected
    status = COMPLETE if enough and not short else PARTIAL
    return Coverage(term, status, pupils, expected, short)


def latest_usable(statuses: dict[str, Coverage], before_or_at: str | None = None) -> str | None:
    """The latest complete term (term codes sort by time), at or before `before_or_at`."""
    limit = term_sort_key(before_or_at) if before_or_at else None
    terms = sorted(
        (
            t
            for t, c in statuses.items()
            if c.usable and (limit is None or term_sort_key(t) <= limit)
        ),
        key=term_sort_key,
        reverse=True,
    )
    return terms[0] if terms else None


def trust_default(by_academy: dict[int, dict[str, Coverage]], terms: Iterable[str]) -> str | None:
    """The latest term complete for most academies (more than half), else the latest term
    complete for any; None when no term is complete anywhere."""
    ordered = sorted(set(terms), key=term_sort_key, reverse=True)
    count = len(by_academy)
    for term in ordered:
        done = sum(1 for s in by_academy.values() if term in s and s[term].usable)
        if count and done * 2 > count:
            return term
    for term in ordered:
        if any(term in s and s[term].usable for s in by_academy.values()):
            return term
    return None
