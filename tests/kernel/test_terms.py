"""The one term type: parsing, the census boundaries, order, labels and form choices."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_si.terms import (
    AcademicYear,
    Season,
    TermCode,
    TermError,
    easter_sunday,
    term_choices,
    term_label,
)

terms = st.builds(TermCode, st.integers(2010, 2090), st.sampled_from(list(Season)))
days = st.dates(dt.date(2001, 8, 1), dt.date(2098, 7, 31))


def test_parse_and_label() -> None:
    term = TermCode.parse("2025-26-summer")
    assert (term.start, term.season) == (2025, Season.SUMMER)
    assert term.code == "2025-26-summer"
    assert term.label == "Summer term 2025-26"
    assert term.short_label == "Summer 2025-26"
    assert term.academic_year == "2025-26"
    assert term_label("2024-25-autumn") == "Autumn term 2024-25"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "2025-27-summer",
        "2025-26-winter",
        "2025-26",
        "25-26-summer",
        "9999-00-autumn",
        "1025-26-spring",
    ],
)
def test_parse_refuses_what_is_not_a_term(bad: str) -> None:
    with pytest.raises(TermError):
        TermCode.parse(bad)
    assert TermCode.parse_or_none(bad) is None


def test_easter_dates() -> None:
    # Known Easter Sundays.
    assert easter_sunday(2024) == dt.date(2024, 3, 31)
    assert easter_sunday(2025) == dt.date(2025, 4, 20)
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    assert easter_sunday(2038) == dt.date(2038, 4, 25)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2025, 8, 1), "2025-26-autumn"),  # August leads into the new year (census)
        (dt.date(2025, 7, 31), "2024-25-summer"),
        (dt.date(2025, 12, 31), "2025-26-autumn"),
        (dt.date(2026, 1, 1), "2025-26-spring"),
        (dt.date(2026, 4, 5), "2025-26-spring"),  # Easter Sunday 2026 ends spring
        (dt.date(2026, 4, 6), "2025-26-summer"),  # Easter Monday starts summer
        (dt.date(2026, 4, 10), "2025-26-summer"),
        (dt.date(2025, 4, 10), "2024-25-spring"),  # Easter 2025 was 20 April
        (dt.date(2027, 9, 15), "2027-28-autumn"),  # no fixed list of years
    ],
)
def test_term_for_a_date_follows_the_census(day: dt.date, code: str) -> None:
    assert TermCode.for_date(day).code == code


@given(days)
def test_every_day_is_inside_its_own_term(day: dt.date) -> None:
    term = TermCode.for_date(day)
    assert term.first_day <= day <= term.last_day
    assert term.contains(day)


@given(terms)
def test_terms_tile_the_calendar(term: TermCode) -> None:
    assert term.next().first_day == term.last_day + dt.timedelta(days=1)
    assert TermCode.parse(term.code) == term
    assert term.previous().next() == term
    assert term.previous() < term < term.next()


@given(terms, st.integers(0, 12))
def test_window_is_oldest_first_and_ends_with_the_term(term: TermCode, count: int) -> None:
    window = term.window(count)
    assert len(window) == count
    assert window == sorted(window)
    if count:
        assert window[-1] == term


def test_academic_year() -> None:
    year = AcademicYear.parse("2025-26")
    assert year.previous().code == "2024-25"
    assert AcademicYear.ending_in(2019).code == "2018-19"
    assert [t.code for t in year.terms()] == ["2025-26-autumn", "2025-26-spring", "2025-26-summer"]
    with pytest.raises(TermError):
        AcademicYear.parse("2025-2026")


def test_choices_come_from_today_not_a_fixed_list() -> None:
    choices = term_choices(dt.date(2027, 9, 20), years_back=1)
    assert choices[0] == ("2027-28-autumn", "Autumn term 2027-28")
    assert choices[-1] == ("2026-27-autumn", "Autumn term 2026-27")
    assert len(choices) == 4
    ahead = term_choices(dt.date(2027, 9, 20), years_back=0, terms_ahead=1)
    assert ahead[0][0] == "2027-28-spring"
