"""Terms in templates: `{% load term_tags %}` then `{{ code|term_label }}` ("Summer term 2025-26")
or `{{ code|term_short_label }}` ("Summer 2025-26", for chart axes and table headings). People
read words, never the stored code; a value that is not a term is shown as it is."""

from __future__ import annotations

from django import template

from trust_si import terms

register = template.Library()


@register.filter
def term_label(code: object) -> str:
    return terms.term_label(str(code)) if code else ""


@register.filter
def term_short_label(code: object) -> str:
    term = terms.TermCode.parse_or_none(str(code)) if code else None
    return term.short_label if term else str(code or "")
