"""An academy's KPI cards as HTML, written here once per page instead of by template loops.

The academy page renders ten to twenty cards, each about sixty template variables (the figure,
national, target, trend and the group gaps): over a thousand variable nodes a request, half the
page's CPU (issue 17). This writes the same markup `templates/kpis/academy.html` wrote,
byte for byte, and escapes every value as the template did (Django's `escape` is the standard
library's `html.escape`; a value already marked safe is written as it is).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape as _escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe


def _e(value: Any) -> str:
    """`{{ value }}`: None prints as "None", as a template prints it."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape(str(value))


def _trend(items: Iterable[Mapping[str, Any]]) -> str:
    return "".join(
        f"<li>{_e(t.get('term', ''))}: <strong>{_e(t.get('text', ''))}</strong>"
        + (f' <span aria-hidden="true">{_e(t["arrow"])}</span>' if t.get("arrow") else "")
        + f" ({_e(t.get('words', ''))})</li>"
        for t in items
    )


def _pairs(r: Mapping[str, Any], term_label: str) -> str:
    pairs = r.get("pairs")
    if not pairs:
        return ""
    body = "".join(
        '<tr class="govuk-table__row">\n'
        f'        <th scope="row" class="govuk-table__header">{_e(p.get("first", ""))}</th>'
        f'<td class="govuk-table__cell">{_e(p.get("first_text", ""))} '
        f"({_e(p.get('first_cohort', ''))})</td>\n"
        f'        <td class="govuk-table__cell">{_e(p.get("second", ""))}</td>'
        f'<td class="govuk-table__cell">{_e(p.get("second_text", ""))} '
        f"({_e(p.get('second_cohort', ''))})</td>\n"
        '        <td class="govuk-table__cell">'
        + (f"{_e(p['gap_display'])}: " if p.get("gap_display") else "")
        + f"{_e(p.get('gap_text', ''))}</td></tr>"
        for p in pairs
    )
    return (
        "\n"
        '    <table class="govuk-table">\n'
        '      <caption class="govuk-table__caption govuk-table__caption--s">'
        f"Groups, {_e(term_label)}</caption>\n"
        '      <thead class="govuk-table__head"><tr class="govuk-table__row">\n'
        '        <th scope="col" class="govuk-table__header">Group</th>'
        '<th scope="col" class="govuk-table__header">Figure (pupils)</th>\n'
        '        <th scope="col" class="govuk-table__header">Compared with</th>'
        '<th scope="col" class="govuk-table__header">Figure (pupils)</th>\n'
        '        <th scope="col" class="govuk-table__header">Gap</th></tr></thead>\n'
        f'      <tbody class="govuk-table__body">{body}\n'
        "      </tbody>\n"
        "    </table>\n"
        "    "
    )


def _national(r: Mapping[str, Any]) -> str:
    if r.get("national") is None:
        return _e(r.get("national_basis", ""))
    link = r.get("national_link")
    return (
        f"{_e(r.get('national_text', ''))} ({_e(r.get('national_basis', ''))})"
        + (f": {_e(r['vs_national'])}" if r.get("vs_national") else "")
        + f'<br><span class="govuk-body-s">Source: {_e(r.get("national_source", ""))}'
        + (
            f' (<a class="govuk-link" href="{_e(link)}" rel="noopener">DfE\'s publication</a>)'
            if link
            else ""
        )
        + "</span>"
    )


def _card(r: Mapping[str, Any], term_label: str) -> str:
    step = r.get("step")
    step_html = (
        f' <span aria-hidden="true">{_e(step.get("arrow", ""))}</span> {_e(step.get("words", ""))}'
        if step and step.get("arrow")
        else ""
    )
    definition = (
        "\n"
        '  <div class="govuk-summary-card__content govuk-!-padding-bottom-0">'
        f'<p class="govuk-body-s">Definition: {_e(r["definition"])} '
        f"Source: {_e(r.get('definition_source', ''))}.</p></div>"
        if r.get("definition")
        else ""
    )
    row = '      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">'
    value = '</dt><dd class="govuk-summary-list__value">'
    return (
        '\n<div class="govuk-summary-card">\n'
        '  <div class="govuk-summary-card__title-wrapper">'
        f'<h2 class="govuk-summary-card__title">{_e(r.get("label", ""))}</h2></div>'
        f"{definition}\n"
        '  <div class="govuk-summary-card__content">\n'
        '    <dl class="govuk-summary-list">\n'
        f"{row}{_e(term_label)}{value}<strong>{_e(r.get('text', ''))}</strong>{step_html}"
        "</dd></div>\n"
        f"{row}Pupils (cohort){value}{_e(r.get('cohort', ''))}</dd></div>\n"
        f"{row}National{value}{_national(r)}</dd></div>\n"
        f"{row}Target{value}{_e(r.get('target_text', ''))}"
        + (f": {_e(r['vs_target'])}" if r.get("vs_target") else "")
        + "</dd></div>\n"
        f"{row}Trend{value}\n"
        f'        <ol class="govuk-list">{_trend(r.get("trend") or ())}</ol>\n'
        "      </dd></div>\n"
        "    </dl>\n"
        f"    {_pairs(r, term_label)}\n"
        "  </div>\n"
        "</div>\n"
    )


def kpi_cards_html(rows: Iterable[Mapping[str, Any]], term_label: str) -> SafeString:
    """Every card of the academy page, in order (the template writes the empty state)."""
    html = "".join(_card(r, term_label) for r in rows)
    return mark_safe(html)  # noqa: S308 - every value escaped in _e above
