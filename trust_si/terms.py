"""School terms and academic years: one small value type each, used by every app. Pure.

A term is written in code as ``"2025-26-summer"`` (what URLs, the API and stored rows carry) and
shown to people as ``"Summer term 2025-26"``. Nothing else in the product parses or builds those
strings: ask this module.

Which term a date falls in follows DfE's school census definition of the three terms (pupil
absence statistics methodology, table 6), so attendance, visits, CPD and reports agree:

1. Autumn: 1 August to 31 December. August belongs to the academic year it leads into.
2. Spring: 1 January to Easter Sunday.
3. Summer: Easter Monday to 31 July.

The academic year therefore runs from 1 August to 31 July, and is written "2025-26".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import IntEnum

CENSUS_SOURCE = "DfE, Pupil absence in schools in England: methodology (school census terms)"

_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
_TERM_RE = re.compile(r"^(\d{4})-(\d{2})-(autumn|spring|summer)$")
EARLIEST_YEAR = 2000  # nothing this product reads is older; a typo like 1025 is refused
LATEST_YEAR = 2100


class TermError(ValueError):
    """A term or academic year that is not one: the message says what a good one looks like."""


class Season(IntEnum):
    AUTUMN = 0
    SPRING = 1
    SUMMER = 2

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @classmethod
    def from_code(cls, code: str) -> Season:
        try:
            return cls[code.strip().upper()]
        except KeyError:
            raise TermError(f"{code!r} is not a term: use autumn, spring or summer.") from None


SEASON_CODES = tuple(s.code for s in Season)


# Pure and called for every term bound a page computes (hundreds a dashboard, issue 17).
@functools.cache
def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def _check_start(start: int) -> int:
    if not EARLIEST_YEAR <= start <= LATEST_YEAR:
        raise TermError(
            f"{start} is outside the years this product knows ({EARLIEST_YEAR}-{LATEST_YEAR})."
        )
    return start


@dataclass(frozen=True, order=True)
class AcademicYear:
    """An academic year, 1 August to 31 July, by the calendar year it starts in."""

    start: int

    def __post_init__(self) -> None:
        _check_start(self.start)

    @classmethod
    def parse(cls, text: str) -> AcademicYear:
        """'2025-26' -> AcademicYear(2025). The second part must be the next year."""
        match = _YEAR_RE.match(str(text).strip())
        if not match:
            raise TermError(f"{text!r} is not an academic year: write it like 2025-26.")
        start = int(match.group(1))
        if int(match.group(2)) != (start + 1) % 100:
            raise TermError(f"{text!r} is not an academic year: 2025-26 is followed by 2026-27.")
        return cls(_check_start(start))

    @classmethod
    def for_date(cls, day: dt.date) -> AcademicYear:
        return cls(day.year if day.month >= 8 else day.year - 1)

    @classmethod
    def ending_in(cls, calendar_year: int) -> AcademicYear:
        """The academic year whose summer falls in this calendar year (DfE files name it so)."""
        return cls(calendar_year - 1)

    @property
    def code(self) -> str:
        return f"{self.start}-{str(self.start + 1)[-2:]}"

    @property
    def label(self) -> str:
        return self.code

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start, 8, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start + 1, 7, 31)

    def previous(self, count: int = 1) -> AcademicYear:
        return AcademicYear(self.start - count)

    def next(self, count: int = 1) -> AcademicYear:
        return AcademicYear(self.start + count)

    def term(self, season: Season | str) -> TermCode:
        return TermCode(
            self.start, season if isinstance(season, Season) else Season.from_code(season)
        )

    def terms(self) -> list[TermCode]:
        return [TermCode(self.start, s) for s in Season]

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, order=True)
class TermCode:
    """One school term. Ordered by time: autumn 2025-26 < spring 2025-26 < summer 2025-26."""

    start: int  # the calendar year the academic year starts in: 2025 for 2025-26
    season: Season

    def __post_init__(self) -> None:
        _check_start(self.start)
        if not isinstance(self.season, Season):
            object.__setattr__(self, "season", Season(self.season))

    # --- making one ---------------------------------------------------------------------
    @classmethod
    def parse(cls, code: str) -> TermCode:
        """'2025-26-summer' -> TermCode(2025, SUMMER); TermError for anything else."""
        if cls is TermCode:
            # Pages parse the same few codes thousands of times (every stored row carries one):
            # a term is immutable, so each code is parsed once per process.
            return _term_parsed(str(code))
        return cls._parse(code)

    @classmethod
    def _parse(cls, code: str) -> TermCode:
        match = _TERM_RE.match(str(code).strip().lower())
        if not match:
            raise TermError(f"{code!r} is not a term: write it like 2025-26-summer.")
        year = AcademicYear.parse(f"{match.group(1)}-{match.group(2)}")
        return cls(year.start, Season.from_code(match.group(3)))

    @classmethod
    def parse_or_none(cls, code: str | None) -> TermCode | None:
        if not code:
            return None
        try:
            return cls.parse(code)
        except TermError:
            return None

    @classmethod
    def of(cls, academic_year: str, season: str) -> TermCode:
        """From the two parts stored separately ('2025-26', 'summer')."""
        if cls is TermCode and isinstance(academic_year, str) and isinstance(season, str):
            return _term_of(academic_year, season)  # once per process, as `parse`
        return AcademicYear.parse(academic_year).term(season)

    @classmethod
    def for_date(cls, day: dt.date) -> TermCode:
        """The term a date falls in, by the school census definition (see the module's docstring)."""
        year = AcademicYear.for_date(day)
        if day.month >= 8:
            return cls(year.start, Season.AUTUMN)
        if day <= easter_sunday(day.year):
            return cls(year.start, Season.SPRING)
        return cls(year.start, Season.SUMMER)

    # --- reading one --------------------------------------------------------------------
    @property
    def year(self) -> AcademicYear:
        return AcademicYear(self.start)

    @property
    def academic_year(self) -> str:
        """'2025-26' (the stored form)."""
        return self.year.code

    # Worked out once per term (terms are immutable, and `parse` shares them): a page shows
    # the same few terms' codes and labels on every row.
    @functools.cached_property
    def code(self) -> str:
        return f"{self.year.code}-{self.season.code}"

    @functools.cached_property
    def label(self) -> str:
        """'Summer term 2025-26': how a term is shown to people, everywhere."""
        return f"{self.season.label} term {self.year.code}"

    @property
    def short_label(self) -> str:
        """'Summer 2025-26': chart axes and table headings, where 'term' is understood."""
        return f"{self.season.label} {self.year.code}"

    @property
    def first_day(self) -> dt.date:
        if self.season is Season.AUTUMN:
            return dt.date(self.start, 8, 1)
        if self.season is Season.SPRING:
            return dt.date(self.start + 1, 1, 1)
        return easter_sunday(self.start + 1) + dt.timedelta(days=1)

    @property
    def last_day(self) -> dt.date:
        if self.season is Season.AUTUMN:
            return dt.date(self.start, 12, 31)
        if self.season is Season.SPRING:
            return easter_sunday(self.start + 1)
        return dt.date(self.start + 1, 7, 31)

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return self.first_day, self.last_day

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    # --- moving -------------------------------------------------------------------------
    def previous(self, count: int = 1) -> TermCode:
        index = self.start * 3 + self.season - count
        return TermCode(index // 3, Season(index % 3))

    def next(self, count: int = 1) -> TermCode:
        return self.previous(-count)

    def window(self, count: int) -> list[TermCode]:
        """This term and the count-1 before it, oldest first."""
        return [self.previous(n) for n in range(count - 1, -1, -1)]

    def same_term_last_year(self) -> TermCode:
        return TermCode(self.start - 1, self.season)

    def __str__(self) -> str:
        return self.code


@functools.lru_cache(maxsize=4096)
def _term_parsed(text: str) -> TermCode:
    return TermCode._parse(text)  # a TermError is raised each time, not kept


@functools.lru_cache(maxsize=4096)
def _term_of(academic_year: str, season: str) -> TermCode:
    return AcademicYear.parse(academic_year).term(season)


def term_label(code: str) -> str:
    """'2025-26-summer' -> 'Summer term 2025-26'; a string that is not a term is shown as it is."""
    term = TermCode.parse_or_none(code)
    return term.label if term else code


def term_sort_key(code: str) -> tuple[int, int]:
    """Sort key of a term code (oldest first); codes that are not terms sort first."""
    term = TermCode.parse_or_none(code)
    return (term.start, int(term.season)) if term else (0, -1)


def term_choices(
    today: dt.date, *, years_back: int = 3, terms_ahead: int = 0
) -> list[tuple[str, str]]:
    """(code, label) pairs for a form, newest first: the current term, `terms_ahead` after it,
    and every term of the `years_back` academic years before this one."""
    current = TermCode.for_date(today)
    oldest = TermCode(current.start - years_back, Season.AUTUMN)
    terms: list[TermCode] = []
    term = current.next(terms_ahead)
    while term >= oldest:
        terms.append(term)
        term = term.previous()
    return [(t.code, t.label) for t in terms]


def academic_year_choices(today: dt.date, *, years_back: int = 3) -> list[tuple[str, str]]:
    current = AcademicYear.for_date(today)
    return [(current.previous(n).code, current.previous(n).label) for n in range(years_back + 1)]
