"""Words for codes in templates: `{% load vocab_tags %}` then `{{ code|words }}`,
`{{ action|action_words }}` and `{% for s in changes|change_sentences %}`. The vocabulary
itself lives in `trust_si.vocab` (pages, exports and PDFs share it)."""

from __future__ import annotations

from django import template

from trust_si import vocab

register = template.Library()


@register.filter
def words(code: object) -> str:
    return vocab.words(code)


@register.filter
def action_words(action: object) -> str:
    return vocab.action_words(str(action or ""))


@register.filter
def change_sentences(changes: object) -> list[str]:
    return vocab.change_sentences(changes)


@register.filter
def codes_in_words(text: object) -> str:
    return vocab.codes_in_words(text)
