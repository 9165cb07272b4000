"""Day accounting for commissions. Pure functions over plain values: no ORM, easy to test.

Selectors gather the numbers (allocations, activities) and pass them here, so the rules for
"days used", "overspent" and "near the end unspent" live in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
# A commission within this many days of its end with less than this share used is flagged:
# unspent days are usually lost when a package ends, so leaders need time to book them.
NEAR_END_DAYS = 30
LOW_USE_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class DaysLine:
    key: object  # an academy id, a partner name, a key area...
    label: str
    allocated: Decimal
    used: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.used

    @property
    def over(self) -> bool:
        return self.used > self.allocated

    @property
    def percent_used(self) -> int:
        if self.allocated <= 0:
            return 100 if self.used > 0 else 0
        return int((self.used / self.allocated * 100).quantize(Decimal("1"), ROUND_HALF_UP))

    @property
    def meter_value(self) -> Decimal:
        # <meter> cannot exceed max; the text next to it carries the overspend.
        return min(self.used, self.allocated)


def allocated_for(
    academy_id: int, default_days: Decimal, overrides: Mapping[int, Decimal]
) -> Decimal:
    """Days for one academy: its override if the commission has one, else the default."""
    return Decimal(overrides.get(academy_id, default_days))


def used_by_academy(activities: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Sum (academy_id, days) pairs. Each activity row counts once; visits update theirs."""
    totals: dict[int, Decimal] = {}
    for academy_id, days in activities:
        totals[academy_id] = totals.get(academy_id, ZERO) + Decimal(days)
    return totals


def days_by_academy(
    *,
    academies: Iterable[tuple[int, str]],
    default_days: Decimal,
    overrides: Mapping[int, Decimal],
    used: Mapping[int, Decimal],
) -> list[DaysLine]:
    return [
        DaysLine(
            key=academy_id,
            label=label,
            allocated=allocated_for(academy_id, default_days, overrides),
            used=Decimal(used.get(academy_id, ZERO)),
        )
        for academy_id, label in academies
    ]


def total(lines: Iterable[DaysLine], key: object = "total", label: str = "Total") -> DaysLine:
    lines = list(lines)
    return DaysLine(
        key=key,
        label=label,
        allocated=sum((line.allocated for line in lines), ZERO),
        used=sum((line.used for line in lines), ZERO),
    )


def commission_warnings(
    *, lines: Iterable[DaysLine], ends_on: dt.date, today: dt.date
) -> list[str]:
    """Human-readable warnings for one commission (empty when all is well)."""
    lines = list(lines)
    warnings = [
        f"{line.label}: {line.used} days used of {line.allocated} allocated "
        f"({line.used - line.allocated} over)"
        for line in lines
        if line.over
    ]
    whole = total(lines)
    days_left = (ends_on - today).days
    near_end = 0 <= days_left <= NEAR_END_DAYS
    if near_end and whole.allocated > 0 and whole.used < whole.allocated * LOW_USE_SHARE:
        warnings.append(
            f"Ends in {days_left} days with only {whole.used} of {whole.allocated} days "
            f"used ({whole.percent_used}%)"
        )
    return warnings


def group_lines(rows: Iterable[tuple[object, str, Decimal, Decimal]]) -> list[DaysLine]:
    """Aggregate (key, label, allocated, used) rows by key, keeping first-seen order."""
    grouped: dict[object, list[object]] = {}
    for key, label, allocated, used in rows:
        entry = grouped.setdefault(key, [label, ZERO, ZERO])
        entry[1] = entry[1] + Decimal(allocated)  # type: ignore[operator]
        entry[2] = entry[2] + Decimal(used)  # type: ignore[operator]
    return [
        DaysLine(key=key, label=str(v[0]), allocated=v[1], used=v[2])  # type: ignore[arg-type]
        for key, v in grouped.items()
    ]


def cost_per_academy(cost: Decimal, lines: Iterable[DaysLine]) -> dict[object, Decimal]:
    """Share a commission's cost between its academies in proportion to days allocated.

    Allocated rather than used: the trust pays for the package it bought, whether or not an
    academy took up its days; an equal split is used when no days are allocated at all.
    """
    lines = list(lines)
    if not lines:
        return {}
    whole = sum((line.allocated for line in lines), ZERO)
    cents = Decimal("0.01")
    if whole <= 0:
        share = (Decimal(cost) / len(lines)).quantize(cents, ROUND_HALF_UP)
        return {line.key: share for line in lines}
    return {
        line.key: (Decimal(cost) * line.allocated / whole).quantize(cents, ROUND_HALF_UP)
        for line in lines
    }
