"""One heat-map cell in full, for the detail panel: the figure, its cohort, what it is compared
with (and whose figure that is), its trend over the kept terms, and the rule that rated it.

1. The academy is read in the membership's scope (another trust's, or a head's neighbour, is a
   404), the column from the column list (any column the map has: generic over columns).
2. The academy's kept rows for the pupil group, every term, one query; the asked term's cell is
   the one shown, the others give the trend, oldest first.
3. Nothing here can show a suppressed figure or cohort: the kept `Cell` refuses them, and the
   cohort is only given for a cell with a value.
4. The rule is the one `phases.heatmap` applied, in words with the trust's own thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from academies.models import Academy
from academies.selectors import academy_get_for
from assessment.kpis.catalogue import DEFINITIONS
from assessment.kpis.disclosure import threshold
from trust_si.accounts.models import Membership
from trust_si.terms import term_sort_key
from trust_si.vocab import words

from .config import placement_settings
from .heatmap import (
    GROUP_LABELS,
    OFSTED_SOURCE,
    READING_ACCURACY_COLUMN,
    Cell,
    CellKind,
    CellState,
    Column,
    columns,
)
from .heatmap import term_label as heatmap_term_label
from .heatmap_rules import ACCURACY_BANDS, ACCURACY_SMALL_SAMPLE, ACCURACY_WORDS
from .models import HeatmapRow
from .rules import RELATIVE_GAP_KPIS, RELATIVE_GAP_SCORES


@dataclass(frozen=True)
class TrendPoint:
    term_label: str
    figure: str  # the value as shown, "suppressed" or "" (judgements have none)
    rating: str
    current: bool


@dataclass(frozen=True)
class CellDetail:
    academy: Academy
    column: Column
    cell: Cell
    term: str
    term_label: str
    group: str
    group_label: str
    cohort: int | None  # only for a cell with a value; never for a suppressed one
    comparison: list[tuple[str, str]]  # (what it is compared with, the figure and its source)
    trend: list[TrendPoint]  # oldest first
    rule: str


def _column(code: str) -> Column:
    for column in columns():
        if column.code == code:
            return column
    raise Http404("No such heat-map column.")


def _signed(value: float, unit: str) -> str:
    suffix = " pts" if unit == "%" else (" points" if unit == "points" else "")
    return f"{value:+.1f}{suffix}"


def rating_rule(column: Column, cell: Cell, settings: dict[str, object]) -> str:
    """The rule that rated the cell, in words, with the trust's thresholds."""
    if cell.kind is CellKind.JUDGEMENT:
        days = settings.get("judgement_stale_days", 365)
        text = (
            "The latest judgement of this area, from a visit, review or inspection, in its own "
            f"words; older than {days} days it is marked stale."
        )
        if column.code == "safeguarding":
            text += (
                f" A “not met” from an {OFSTED_SOURCE.lower()} stands until Ofsted re-judges it, "
                "whatever the trust records later."
            )
        return text
    if cell.kind is CellKind.ACCURACY:
        bands = ", ".join(
            f"{ACCURACY_WORDS[level].lower()} from {floor:.0f}%" for floor, level in ACCURACY_BANDS
        )
        subject = "reading" if column.code == READING_ACCURACY_COLUMN else "writing"
        return (
            f"The share of the school's moderated {subject} judgements that the moderators agreed "
            "with exactly, in the school's latest closed blind moderation round (the agreed "
            "judgement where a second moderator or the leader settled a disagreement). Bands: "
            f"{bands} (trust-si's defaults: there is no national standard for moderation "
            f"agreement). Fewer than {ACCURACY_SMALL_SAMPLE} pieces is a small sample."
        )
    if cell.kind is CellKind.P8:
        return (
            "DfE's Progress 8 band, from the score and its 95% confidence interval; "
            "never guessed when DfE suppresses it."
        )
    if cell.state is CellState.SUPPRESSED:
        return (
            f"Figures from {settings.get('min_cohort', 5)} or fewer pupils, or that would reveal "
            "them by subtraction, are not shown."
        )
    against = "the trust's target" if cell.target is not None else "the national figure"
    if column.code in RELATIVE_GAP_KPIS:
        word = "figure" if column.code in RELATIVE_GAP_SCORES else "rate"
        prefix, unit, how = "relative", "%", f"the gap in per cent of the national {word}"
    elif cell.unit == "points":
        prefix, unit, how = "points", "points", "the gap in points"
    else:
        prefix, unit, how = "kpi", "%", "the gap in percentage points"

    def cut(name: str) -> str:
        value = float(str(settings.get(f"{prefix}_{name}_gap", 0)))
        return f"{value:+.1f}% of national" if prefix == "relative" else _signed(value, unit)

    better = "lower" if cell.kind is CellKind.KPI and "(better)" in cell.rating else "higher"
    return (
        f"Rated by {how} to {against} (positive when {better} is better): "
        f"at least {cut('sustain')} is well above, at least {cut('improve')} in line, "
        f"at least {cut('repair')} below, and less than that well below."
    )


def _comparison(column: Column, cell: Cell) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if cell.kind is not CellKind.KPI or cell.state is not CellState.VALUE:
        if cell.kind is CellKind.P8 and cell.note:
            out.append(("Published", f"DfE Progress 8, {cell.note}"))
        return out
    unit = cell.unit
    shown = (lambda v: f"{v:.1f}%") if unit == "%" else (lambda v: f"{v:.1f}")
    if cell.national is not None:
        whose = (
            "National, other pupils (not disadvantaged)"
            if cell.national_group == "non_disadvantaged"
            else "National"
        )
        source = DEFINITIONS.get(column.code, ("", ""))[1] or "DfE national statistics"
        year = cell.national_year or "year not given"
        basis = f"; {cell.national_basis}" if cell.national_basis else ""
        out.append((f"{whose} ({year})", f"{shown(cell.national)}: source {source}{basis}"))
    if cell.target is not None:
        out.append(("The trust's target", f"{shown(cell.target)}: set by the trust"))
    if cell.gap is not None:
        out.append(("Gap (positive is better)", _signed(cell.gap, unit)))
    return out


def cell_detail_for(
    membership: Membership, *, urn: str, column_code: str, term: str | None, group: str
) -> CellDetail:
    """The cell of `urn` in `column_code` for the term and group (steps above); 404 outside the
    membership's scope or for a term the academy has no kept row in."""
    academy = academy_get_for(membership, urn)
    column = _column(column_code)
    group = group if group in GROUP_LABELS else "all"
    rows = sorted(
        HeatmapRow.objects.filter(trust_id=membership.trust_id, academy=academy, group=group),
        key=lambda r: term_sort_key(r.term_code),
    )
    if not rows:
        raise Http404("No heat map for this academy yet.")
    current = next((r for r in rows if r.term_code == term), rows[-1])
    cells = {r.term_code: {c.column: c for c in r.cell_list()} for r in rows}
    cell = cells[current.term_code].get(column.code) or Cell.no_data(column.code)
    trend = []
    for r in rows:
        c = cells[r.term_code].get(column.code)
        if c is None or c.empty or (c.carried and r.term_code != current.term_code):
            continue  # a summer result carried into autumn is the same figure, not a new point
        figure = "suppressed" if c.suppressed else c.display
        trend.append(
            TrendPoint(
                heatmap_term_label(r.term_code),
                figure,
                c.rating,
                r.term_code == current.term_code,
            )
        )
    settings = {
        **placement_settings(membership.trust.config),
        "min_cohort": threshold(membership.trust.min_cohort),
    }
    return CellDetail(
        academy=academy,
        column=column,
        cell=cell,
        term=current.term_code,
        term_label=heatmap_term_label(current.term_code),
        group=group,
        group_label=words(GROUP_LABELS[group]),
        cohort=cell.cohort if cell.state is CellState.VALUE and not cell.suppressed else None,
        comparison=_comparison(column, cell),
        trend=trend,
        rule=rating_rule(column, cell, settings),
    )
