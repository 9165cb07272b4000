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


@register.filter
def when_words(iso: object) -> str:
    """An ISO timestamp from a snapshot ("2026-07-20T09:14:03+00:00") as people write it,
    in the site's time zone: "20 July 2026 at 10:14"."""
    import datetime as dt

    from django.utils import timezone

    try:
        moment = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso or "")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"


@register.filter
def source_title(seed: object) -> str:
    """A rule source named in words: `{{ "003"|source_title }}` -> "An Daras Trust Improvement
    Strategy" (`trust_si.sources`); never the document's number on a page."""
    from trust_si.sources import SOURCES

    return SOURCES[str(seed)].title
