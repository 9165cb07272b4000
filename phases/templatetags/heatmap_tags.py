"""Renders a heat-map row's cells in Python: 100 academies x 26 areas is 2,600 cells, and the
template language would spend most of the page's time resolving lookups for them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ARROWS = {"up": "↑", "down": "↓", "level": "→"}


def _cell(
    cell: dict[str, Any], academy_name: str, evidence_url: str, kpi_url: str, compare_label: str
) -> str:
    level = cell.get("level")
    classes = f"govuk-table__cell app-heat app-heat--l{level if level is not None else 'none'}"
    if cell.get("stale"):
        classes += " app-heat--stale"
    # Outcomes link to the academy's KPI page; judgements to the visit or inspection behind them.
    href = escape(kpi_url if cell["column"].kind == "kpi" else cell.get("link") or evidence_url)
    parts = [
        f'<td class="{classes}"><a class="app-heat__link" tabindex="-1" data-heat-cell href="{href}">'
        f'<span class="govuk-visually-hidden">{escape(academy_name)}, {escape(cell["column"].title)}: </span>'
        f'<span class="app-heat__rating">{escape(cell.get("rating", ""))}</span></a>'
    ]
    if cell.get("display"):
        parts.append(f'<span class="app-heat__value">{escape(cell["display"])}</span>')
    trend = cell.get("trend")
    if trend:
        trend_text = escape(cell.get("trend_text", ""))
        words = (
            ""
            if trend == "level"
            else (
                f' <span class="app-heat__better">{"better" if cell.get("trend_better") else "worse"}</span>'
            )
        )
        parts.append(
            f'<span class="app-heat__trend" title="{trend_text}"><span aria-hidden="true">{ARROWS[trend]}</span>'
            f'<span class="govuk-visually-hidden">{trend_text}</span>{words}</span>'
        )
    if cell.get("cohort") and cell.get("state") == "value":
        parts.append(f'<span class="app-heat__cohort">n={int(cell["cohort"])}</span>')
    if cell.get("note"):
        parts.append(f'<span class="app-heat__note">{escape(cell["note"])}</span>')
    compare = cell.get("compare")
    if compare:
        text: str = f"{compare_label}: {compare.get('rating', '')}"
        if compare.get("display"):
            text += f" {compare['display']}"
        if compare.get("change"):
            text += f" ({compare['change']})"
        parts.append(f'<span class="app-heat__compare">{escape(text)}</span>')
    parts.append("</td>")
    return "".join(parts)


@register.simple_tag
def heat_cells(
    row: dict[str, Any], evidence_url: str, kpi_url: str, compare_label: str = ""
) -> SafeString:
    """Every cell of one academy's row; each value is escaped here."""
    name = row["academy"].name
    cells = "".join(_cell(c, name, evidence_url, kpi_url, compare_label) for c in row["cells"])
    return mark_safe(cells)  # noqa: S308 - every part was escaped by _cell
