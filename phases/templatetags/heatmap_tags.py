"""Renders a heat-map row's cells in Python: 100 academies x 26 areas is 2,600 cells, and the
template language would spend most of the page's time resolving lookups for them."""

from __future__ import annotations

from html import escape as _escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from phases.heatmap import CellState, TrendDirection
from phases.heatmap_page import AcademyRow, PageCell, PhaseCount

register = template.Library()


def escape(value: object) -> str:
    """Django's `escape` without its lazy-string wrapper (the same output: it is the standard
    library's `html.escape`): a heat map escapes some 2,500 strings a page, and the wrapper
    was a fifth of the tag's time."""
    return _escape(str(value))


ARROWS = {TrendDirection.UP: "↑", TrendDirection.DOWN: "↓", TrendDirection.LEVEL: "→"}


def _cell(page_cell: PageCell, row_label: str, cell_url: str, compare_label: str) -> str:
    """A compact cell (one row stays under 48 px): the rating's words and the figure with its
    arrow show; the trend, cohort, note and comparison are in the hover title and read out to
    screen readers, and the evidence is one Enter away. `row_label` is the academy's name,
    already escaped (once per row, not once per cell)."""
    cell, column = page_cell.cell, page_cell.column
    level = cell.level
    classes = f"govuk-table__cell app-heat app-heat--l{level if level is not None else 'none'}"
    if cell.stale:
        classes += " app-heat--stale"
    # Every cell opens its detail panel (htmx, from the page itself); without script the same
    # link is a page of its own. The KPI page and the visit behind a judgement are linked there.
    href = escape(cell_url.replace(COLUMN_SLOT, column.code))
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
    # The rating shows whole (never cut with an ellipsis); a qualifier after it ("; latest
    # published: 2024-25, ...") goes with the tip, still read out as part of the link.
    rating, _, qualifier = cell.rating.partition("; ")
    if qualifier:
        detail.insert(0, qualifier)
    title = "; ".join(detail)
    parts = [
        f'<td class="{classes}"><a class="app-heat__link" tabindex="-1" data-heat-cell '
        f'href="{href}" hx-get="{href}" hx-target="#heat-panel-body" hx-swap="innerHTML" '
        'hx-push-url="false" aria-haspopup="dialog">'
        f'<span class="govuk-visually-hidden">{row_label}, {escape(column.title)}: </span>'
        f'<span class="app-heat__rating">{escape(rating)}</span>'
    ]
    if figure or arrow:
        parts.append(f'<span class="app-heat__value">{figure} {arrow}</span>')
    if title:
        # Part of the link, so read out with it; shown as a tip on hover and keyboard focus.
        parts.append(
            f'<span class="app-heat__tip"><span class="govuk-visually-hidden">; </span>{escape(title)}</span>'
        )
    parts.append("</a></td>")
    return "".join(parts)


COLUMN_SLOT = "__column__"


@register.simple_tag
def heat_cells(
    row: AcademyRow, trust_slug: str, term: str, group: str, compare_label: str = ""
) -> SafeString:
    """Every cell of one academy's row; each value is escaped here. One `reverse` per row."""
    name = escape(row.academy.name)
    base = reverse(
        "phases:cell",
        kwargs={"trust_slug": trust_slug, "urn": row.academy.urn, "column": COLUMN_SLOT},
    )
    cell_url = f"{base}?{urlencode({'term': term or '', 'group': group})}"
    cells = "".join(_cell(c, name, cell_url, compare_label) for c in row.cells)
    return mark_safe(cells)  # noqa: S308 - every part was escaped by _cell


@register.simple_tag
def heat_row_head(
    row: AcademyRow, trust_slug: str, can_placements: bool, term_label: str, compare_label: str
) -> SafeString:
    """A row's header (the academy, its phase, the term's data) and its "why" cell, as
    `_heatmap_grid.html` wrote them: some thirty template lookups a row, written once here."""
    urn = row.academy.urn
    route = "phases:detail" if can_placements else "kpis:academy"
    href = escape(reverse(route, kwargs={"trust_slug": trust_slug, "urn": urn}))
    data = escape(row.data) if row.data else ""
    term = escape(term_label)
    parts = [
        '<th scope="row" class="govuk-table__header app-heatmap__academy">'
        f'<a class="govuk-link" href="{href}" tabindex="-1" data-heat-cell>'
        f"{escape(row.academy.name)}</a>\n"
        f'        <span class="app-phase app-phase--{escape(row.phase or "none")}"'
        + (f' title="{term}: {data}"' if row.data else "")
        + f">{escape(row.phase_name)}"
    ]
    if row.phase_status == "proposed":
        parts.append('<span class="app-heat__note"> · proposed, to review</span>')
    elif row.phase_status:
        parts.append(f'<span class="app-heat__note"> · {escape(row.phase_status)}</span>')
    # The term's data on the phase line keeps 60 rows compact; the page heading names the term.
    if row.data:
        parts.append(
            '<span class="app-heat__note app-heat__data"> · '
            f'<span class="govuk-visually-hidden">{term}: </span>{data}</span>'
        )
    parts.append("</span>")
    if compare_label and row.was_phase:
        parts.append(
            f'<span class="govuk-visually-hidden">{escape(compare_label)}: '
            f"{escape(row.was_phase)}</span>"
        )
    parts.append('</th>\n      <td class="govuk-table__cell app-heatmap__why">')
    if row.why:
        why = "; ".join(escape(w) for w in row.why)
        parts.append(f'<span class="app-heatmap__reason" title="{why}">{why}</span>')
    else:
        parts.append('<span class="app-heat__note">Not enough scored evidence</span>')
    parts.append("</td>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


# Phase colours of the overview chart (weakest to strongest, as the heat map's ratings).
PHASE_FILLS = {
    "stabilise": "#b2182b",
    "repair": "#f4a582",
    "improve": "#92c5de",
    "sustain": "#2166ac",
}


@register.simple_tag
def phase_overview_chart(overview: list[PhaseCount], now_label: str, last_label: str) -> SafeString:
    """Academies per phase now and last term as paired horizontal bars, server-rendered SVG.

    Not colour only: each bar is labelled in words and figures ("Now: 4 (40%)"), last term's
    bar is hatched and outlined where this term's is solid, and the table below the chart holds
    the same counts (the chart's text alternative)."""
    label_w, bar_w, bar_h, gap, text_w = 150, 300, 16, 10, 170
    top = 8
    peak = max([o.now for o in overview] + [o.last or 0 for o in overview] + [1])
    width = label_w + bar_w + text_w
    rows = []
    y = top
    for o in overview:
        fill = PHASE_FILLS.get(o.code, "#505a5f")
        rows.append(
            f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end" '
            f'class="app-chart__phase">{escape(o.name)}</text>'
        )
        for count, share, style in ((o.now, o.share, "now"), (o.last, o.last_share, "last")):
            length = 0 if not count else max(2, round(bar_w * count / peak))
            if style == "now":
                rows.append(
                    f'<rect x="{label_w}" y="{y}" width="{length}" height="{bar_h}" fill="{fill}"/>'
                )
            else:
                rows.append(
                    f'<rect x="{label_w}" y="{y}" width="{length}" height="{bar_h}" '
                    f'fill="url(#app-hatch)" stroke="{fill}" stroke-width="2"/>'
                )
            words = "no map" if count is None else f"{count} ({share}%)"
            short = "Now" if style == "now" else "Last term"
            rows.append(
                f'<text x="{label_w + length + 6}" y="{y + bar_h - 4}" class="app-chart__value">'
                f"{short}: {escape(words)}</text>"
            )
            y += bar_h + 2
        y += gap
    height = y + 4
    title = f"Academies per phase: now against last term{(' (' + escape(last_label) + ')') if last_label else ''}"
    desc = "; ".join(
        f"{o.name}: {o.now} now, "
        + ("no map last term" if o.last is None else f"{o.last} last term")
        for o in overview
    )
    svg = (
        f'<svg class="app-chart" role="img" aria-labelledby="phase-chart-title phase-chart-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="phase-chart-title">{title}</title>'
        f'<desc id="phase-chart-desc">{escape(desc)}</desc>'
        '<defs><pattern id="app-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#505a5f" stroke-width="2"/></pattern></defs>'
        + "".join(rows)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - names and labels escaped above
