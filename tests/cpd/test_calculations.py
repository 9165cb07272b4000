"""Pure CPD calculations: attendance breakdowns, evaluations, KPI movement."""

import datetime as dt
from types import SimpleNamespace

from cpd import calculations as calc


def test_attendance_by_dimension_ignores_cancelled_and_unmarked_in_rate():
    rows = [
        {"academy": "Ash", "role": "Teacher", "status": "attended"},
        {"academy": "Ash", "role": "Teacher", "status": "absent"},
        {"academy": "Ash", "role": "Head", "status": "booked"},
        {"academy": "Birch", "role": "Teacher", "status": "cancelled"},
        {"academy": "Birch", "role": "Teacher", "status": "attended"},
    ]
    ash, birch = calc.attendance_by(rows, "academy")
    assert (ash.booked, ash.attended, ash.absent, ash.rate) == (3, 1, 1, 50)
    assert (birch.booked, birch.attended, birch.rate) == (1, 1, 100)
    head, teacher = calc.attendance_by(rows, "role")
    assert head.rate is None and teacher.attended == 2


def test_evaluation_summary():
    summary = calc.evaluation_summary([5, 4, 4, 3])
    assert summary.count == 4 and summary.mean == 4.0
    assert summary.distribution == {1: 0, 2: 0, 3: 1, 4: 2, 5: 1}
    assert calc.evaluation_summary([]).mean is None


def fig(academy_id, term, value, code="ks2_rwm_exp"):
    return SimpleNamespace(
        academy_id=academy_id,
        kpi_code=code,
        label="RWM expected",
        unit="%",
        term_code=term,
        value=value,
    )


def test_kpi_movement_takes_last_term_before_and_last_term_after():
    figures = [
        fig(1, "2024-25-spring", 50.0),
        fig(1, "2024-25-summer", 55.0),
        fig(1, "2025-26-autumn", 57.0),  # during the programme: neither before nor after
        fig(1, "2025-26-summer", 61.5),
        fig(1, "2025-26-spring", 60.0),
        fig(2, "2024-25-summer", None),  # suppressed
        fig(2, "2025-26-summer", 40.0),
    ]
    one, two = calc.kpi_movement(figures, starts=dt.date(2025, 10, 1), ends=dt.date(2026, 2, 1))
    assert (one.before_term, one.before, one.after_term, one.after) == (
        "2024-25-summer",
        55.0,
        "2025-26-summer",
        61.5,
    )
    assert one.delta == 6.5
    assert two.before is None and two.after == 40.0 and two.delta is None


def test_capacity_given_counts_sustain_leaders_only():
    lines = calc.capacity_given(
        [(1, "Ash", 12), (1, "Ash", 8), (2, "Birch", 5), (3, "Cedar", 4)],
        {1: "sustain", 2: "repair"},
    )
    ash, birch, cedar = lines
    assert (ash.sessions_led, ash.participants, ash.counts_as_given) == (2, 20, True)
    assert not birch.counts_as_given and cedar.phase == "unknown"


def test_kpi_movement_uses_the_census_terms():
    """Terms are the school census ones: 2 April 2026 is before Easter (5 April), so still
    spring; 20 August 2026 is already the autumn term of 2026-27. Figures of a term the
    programme ran in count neither before nor after; a term that is not one sorts first."""
    figures = [
        fig(1, "nonsense", 10.0),
        fig(1, "2025-26-autumn", 50.0),
        fig(1, "2025-26-spring", 52.0),
        fig(1, "2025-26-summer", 54.0),
        fig(1, "2026-27-autumn", 58.0),
    ]
    (one,) = calc.kpi_movement(figures, starts=dt.date(2026, 4, 2), ends=dt.date(2026, 8, 20))
    assert (one.before_term, one.before) == ("2025-26-autumn", 50.0)
    assert (one.after_term, one.after) == ("2026-27-autumn", 58.0)
    (late,) = calc.kpi_movement(figures, starts=dt.date(2026, 4, 6), ends=dt.date(2026, 7, 31))
    assert late.before_term == "2025-26-spring"  # Easter Monday starts the summer term
