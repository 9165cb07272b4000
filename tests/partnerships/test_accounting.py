"""Pure day accounting: allocation overrides, overspend and near-end warnings, cost shares."""

import datetime as dt
from decimal import Decimal as D

from partnerships import accounting


def lines(used: dict[int, str], overrides: dict[int, str] | None = None):
    return accounting.days_by_academy(
        academies=[(1, "Ash"), (2, "Birch")],
        default_days=D("3"),
        overrides={k: D(v) for k, v in (overrides or {}).items()},
        used={k: D(v) for k, v in used.items()},
    )


def test_allocation_uses_override_else_default():
    ash, birch = lines({1: "1.5"}, overrides={2: "5"})
    assert (ash.allocated, ash.used, ash.remaining) == (D("3"), D("1.5"), D("1.5"))
    assert (birch.allocated, birch.used) == (D("5"), D("0"))
    assert ash.percent_used == 50


def test_used_sums_half_days_per_academy():
    assert accounting.used_by_academy([(1, D("0.5")), (1, D("1")), (2, D("0.5"))]) == {
        1: D("1.5"),
        2: D("0.5"),
    }


def test_overspend_warns_and_meter_is_capped():
    ash, birch = lines({1: "3.5"})
    assert ash.over and ash.meter_value == D("3")
    warnings = accounting.commission_warnings(
        lines=[ash, birch], ends_on=dt.date(2026, 7, 31), today=dt.date(2026, 1, 1)
    )
    assert warnings == ["Ash: 3.5 days used of 3 allocated (0.5 over)"]


def test_near_end_unspent_warns_only_within_30_days_and_below_half():
    low = lines({1: "1"})  # 1 of 6 days
    end = dt.date(2026, 7, 31)
    assert accounting.commission_warnings(lines=low, ends_on=end, today=dt.date(2026, 6, 1)) == []
    near = accounting.commission_warnings(lines=low, ends_on=end, today=dt.date(2026, 7, 10))
    assert near and "Ends in 21 days" in near[0] and "1 of 6" in near[0]
    half = lines({1: "3"})  # 3 of 6: not below half
    assert accounting.commission_warnings(lines=half, ends_on=end, today=dt.date(2026, 7, 10)) == []
    # An ended commission is history, not a warning.
    assert accounting.commission_warnings(lines=low, ends_on=end, today=dt.date(2026, 8, 2)) == []


def test_group_lines_and_cost_per_academy():
    grouped = accounting.group_lines(
        [
            ("m", "Maths", D("6"), D("2")),
            ("m", "Maths", D("3"), D("1")),
            ("r", "Reading", D("3"), D("3")),
        ]
    )
    assert [(g.key, g.allocated, g.used) for g in grouped] == [
        ("m", D("9"), D("3")),
        ("r", D("3"), D("3")),
    ]
    shares = accounting.cost_per_academy(D("3000"), lines({}, overrides={2: "6"}))
    assert shares == {1: D("1000.00"), 2: D("2000.00")}
    assert accounting.cost_per_academy(D("100"), lines({}, overrides={1: "0", 2: "0"})) == {
        1: D("50.00"),
        2: D("50.00"),
    }
