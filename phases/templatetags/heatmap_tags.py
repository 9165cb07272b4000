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
    cell, column = page_cell.cell, page_cell.column
    level = cell.level
    classes = f"govuk-table__cell app-heat app-heat--l{level if level is not None else 'none'}"
    if cell.stale:
        classes += " app-heat--stale"
    # Outcomes link to the academy's KPI page; judgements to the visit or inspection behind them.
    href = escape(kpi_url if column.kind is CellKind.KPI else cell.link or evidence_url)
    parts = [
        f'<td class="{classes}"><a class="app-heat__link" tabindex="-1" data-heat-cell href="{href}">'
        f'<span class="govuk-visually-hidden">{escape(academy_name)}, {escape(column.title)}: </span>'
        f'<span class="app-heat__rating">{escape(cell.rating)}</span></a>'
    ]
    if cell.display:
        parts.append(f'<span class="app-heat__value">{escape(cell.display)}</span>')
    trend = cell.trend
    if trend:
        trend_text = escape(trend.text)
        words = (
            ""
            if trend.direction is TrendDirection.LEVEL
            else (f' <span class="app-heat__better">{"better" if trend.better else "worse"}</span>')
        )
        parts.append(
            f'<span class="app-heat__trend" title="{trend_text}"><span aria-hidden="true">'
            f"{ARROWS[trend.direction]}</span>"
            f'<span class="govuk-visually-hidden">{trend_text}</span>{words}</span>'
        )
    if cell.cohort and cell.state is CellState.VALUE:
        parts.append(f'<span class="app-heat__cohort">n={int(cell.cohort)}</span>')
    if cell.note:
        parts.append(f'<span class="app-heat__note">{escape(cell.note)}</span>')
    compare = page_cell.compare
    if compare:
        text = f"{compare_label}: {compare.rating}"
        if compare.display:
            text += f" {compare.display}"
        if compare.change:
            text += f" ({compare.change})"
        parts.append(f'<span class="app-heat__compare">{escape(text)}</span>')
    parts.append("</td>")
    return "".join(parts)


@register.simple_tag
def heat_cells(
    row: AcademyRow, evidence_url: str, kpi_url: str, compare_label: str = ""
) -> SafeString:
    """Every cell of one academy's row; each value is escaped here."""
    name = row.academy.name
    cells = "".join(_cell(c, name, evidence_url, kpi_url, compare_label) for c in row.cells)
    return mark_safe(cells)  # noqa: S308 - every part was escaped by _cell
