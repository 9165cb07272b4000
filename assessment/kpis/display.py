"""KPI figures in words, as pages and exports show them (never colour alone). Pure."""

from __future__ import annotations

GROUP_LABELS = {
    "all": "All pupils",
    "disadvantaged": "Disadvantaged",
    "non_disadvantaged": "Other pupils (not disadvantaged)",
    "send": "SEND",
    "no_send": "No SEND",
    "eal": "EAL",
    "boys": "Boys",
    "girls": "Girls",
    "prior_low": "Low prior attainers",
    "prior_middle": "Middle prior attainers",
    "prior_high": "High prior attainers",
}
# The comparisons the trust's benchmarks ask for (seed 003): first group against second.
GROUP_PAIRS = [("disadvantaged", "non_disadvantaged"), ("boys", "girls"), ("send", "no_send")]
# How the second group of a pair reads inside a sentence ("... 5.0 points below other pupils").
IN_SENTENCE = {
    "non_disadvantaged": "other pupils",
    "girls": "girls",
    "no_send": "pupils without SEND",
}


def number_text(value: float) -> str:
    """One decimal place, or two for a figure kept to two (EBacc APS 4.06, an exclusion rate
    0.13, as DfE publishes them): a figure kept to one reads as it always has."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:.2f}"


def figure_text(
    value: float | None, unit: str, *, suppressed: bool = False, min_cohort: int = 5
) -> str:
    if suppressed:
        return f"suppressed ({min_cohort} or fewer pupils, or would reveal them)"
    if value is None:
        return "no data"
    return f"{number_text(value)}%" if unit == "%" else number_text(value)


def _points(unit: str) -> str:
    return "percentage points" if unit == "%" else "points"


def trend_step(
    previous: float | None, current: float | None, *, unit: str, direction: str, since: str
) -> tuple[str, str]:
    """(arrow, words) for the change from the previous figure, e.g. ("↑", "up 3.0 percentage
    points since Spring term 2025-26: better"). Better or worse follows the KPI's direction."""
    if previous is None or current is None:
        return "", "no earlier figure to compare"
    change = round(current - previous, 1)
    if change == 0:
        return "→", f"no change since {since}"
    better = (change > 0) == (direction == "higher")
    return (
        "↑" if change > 0 else "↓",
        f"{'up' if change > 0 else 'down'} {abs(change):.1f} {_points(unit)} since {since}: "
        f"{'better' if better else 'worse'}",
    )


def compare_text(
    value: float | None, other: float | None, *, unit: str, direction: str, what: str
) -> str:
    """'2.5 percentage points above national (better)' and the like; '' when either is missing."""
    if value is None or other is None:
        return ""
    diff = round(value - other, 1)
    if diff == 0:
        return f"in line with {what}"
    better = (diff > 0) == (direction == "higher")
    return (
        f"{abs(diff):.1f} {_points(unit)} {'above' if diff > 0 else 'below'} {what} "
        f"({'better' if better else 'worse'})"
    )


def gap_text(
    first: float | None,
    second: float | None,
    *,
    unit: str,
    first_label: str,
    second_label: str,
    suppressed: bool,
    min_cohort: int,
) -> tuple[float | None, str]:
    """The gap first - second, signed, and in words; not given when either side is suppressed."""
    if suppressed:
        return None, f"not shown: a group has {min_cohort} or fewer pupils, or would reveal one"
    if first is None or second is None:
        return None, "no data for one of the groups"
    gap = round(first - second, 1)
    if gap == 0:
        return 0.0, "no gap"
    return gap, (
        f"{first_label} {abs(gap):.1f} {_points(unit)} "
        f"{'above' if gap > 0 else 'below'} {second_label}"
    )


# Whose national figure a comparison is against, in words (KpiFigure.national_group).
NATIONAL_GROUP_LABELS = {
    "all": "national, all pupils",
    "non_disadvantaged": "national, other pupils (not disadvantaged)",
}


def national_label(national_group: str) -> str:
    return NATIONAL_GROUP_LABELS.get(national_group, NATIONAL_GROUP_LABELS["all"])
