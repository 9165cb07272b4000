"""Renders a heat-map row's cells in Python: 100 academies x 26 areas is 2,600 cells, and the
template language would spend most of the page's time resolving lookups for them."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from phases.heatmap import CellKind, CellState, TrendDirection
from phases.heatmap_page import AcademyRow, PageCell

register = template.Library()

ARROWS = {TrendDirection.UP: "↑", TrendDirection.DOWN: "↓", TrendDirection.LEVEL: "→"}


def _cell(
    page_cell: PageCell, academy_name: str, evidence_url: str, kpi_url: str, compare_label: str
) -> str:
    """A compact cell (one row stays under 48 px): the rating's words and the figure with its
    arrow show; the trend, cohort, note and comparison are in the hover title and read out to
    screen readers, and the evidence is one Enter away."""
    cell, column = page_cell.cell, page_cell.column
    level = cell.level
    classes = f"govuk-table__cell app-heat app-heat--l{level if level is not None else 'none'}"
    if cell.stale:
        classes += " app-heat--stale"
    # Outcomes link to the academy's KPI page; judgements to the visit or inspection behind them.
    href = escape(kpi_url if column.kind is CellKind.KPI else cell.link or evidence_url)
    detail: list[str] = []
    figure = escape(cell.display) if cell.display else ""
    trend = cell.trend
    arrow = ""
    if trend:
        better = (
            ""
            if trend.direction is TrendDirection.LEVEL
            else (" better" if trend.better else " worse")
        )
        arrow = f'<span aria-hidden="true">{ARROWS[trend.direction]}</span>'
        detail.append(f"{trend.text}{',' + better if better else ''}")
    if cell.cohort and cell.state is CellState.VALUE:
        detail.append(f"n={int(cell.cohort)}")
    if cell.note:
        detail.append(cell.note)
    compare = page_cell.compare
    if compare:
        text = f"{compare_label}: {compare.rating}"
        if compare.display:
            text += f" {compare.display}"
        if compare.change:
            text += f" ({'same rating' if compare.change == 'same' else compare.change})"
        detail.append(text)
    title = "; ".join(detail)
    parts = [
        f'<td class="{classes}"><a class="app-heat__link" tabindex="-1" data-heat-cell '
        f'href="{href}"{f" title={chr(34)}{escape(title)}{chr(34)}" if title else ""}>'
        f'<span class="govuk-visually-hidden">{escape(academy_name)}, {escape(column.title)}: </span>'
        f'<span class="app-heat__rating">{escape(cell.rating)}</span>'
    ]
    if figure or arrow:
        parts.append(f'<span class="app-heat__value">{figure} {arrow}</span>')
    if title:
        parts.append(f'<span class="govuk-visually-hidden">; {escape(title)}</span>')
    parts.append("</a></td>")
    return "".join(parts)


@register.simple_tag
def heat_cells(
    row: AcademyRow, evidence_url: str, kpi_url: str, compare_label: str = ""
) -> SafeString:
    """Every cell of one academy's row; each value is escaped here."""
    name = row.academy.name
    cells = "".join(_cell(c, name, evidence_url, kpi_url, compare_label) for c in row.cells)
    return mark_safe(cells)  # noqa: S308 - every part was escaped by _cell
