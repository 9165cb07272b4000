"""The academy page's KPI cards, written in Python (issue 17), are the markup the template wrote.

`TEMPLATE` is the loop `templates/kpis/academy.html` held before the cards moved to
`assessment/kpis/cards.py`: every row Hypothesis draws (markup characters, None, empty values,
missing keys, with and without trend, step and group gaps) must come out byte for byte the same.
"""

from __future__ import annotations

from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from assessment.kpis.cards import kpi_cards_html

TEMPLATE = Template(
    '{% for r in rows %}\n<div class="govuk-summary-card">\n  <div class="govuk-summary-card__title-wrapper"><h2 class="govuk-summary-card__title">{{ r.label }}</h2></div>{% if r.definition %}\n  <div class="govuk-summary-card__content govuk-!-padding-bottom-0"><p class="govuk-body-s">Definition: {{ r.definition }} Source: {{ r.definition_source }}.</p></div>{% endif %}\n  <div class="govuk-summary-card__content">\n    <dl class="govuk-summary-list">\n      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{{ term_label }}</dt><dd class="govuk-summary-list__value"><strong>{{ r.text }}</strong>{% if r.step and r.step.arrow %} <span aria-hidden="true">{{ r.step.arrow }}</span> {{ r.step.words }}{% endif %}</dd></div>\n      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Pupils (cohort)</dt><dd class="govuk-summary-list__value">{{ r.cohort }}</dd></div>\n      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">National</dt><dd class="govuk-summary-list__value">{% if r.national is not None %}{{ r.national_text }} ({{ r.national_basis }}){% if r.vs_national %}: {{ r.vs_national }}{% endif %}<br><span class="govuk-body-s">Source: {{ r.national_source }}{% if r.national_link %} (<a class="govuk-link" href="{{ r.national_link }}" rel="noopener">DfE\'s publication</a>){% endif %}</span>{% else %}{{ r.national_basis }}{% endif %}</dd></div>\n      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Target</dt><dd class="govuk-summary-list__value">{{ r.target_text }}{% if r.vs_target %}: {{ r.vs_target }}{% endif %}</dd></div>\n      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Trend</dt><dd class="govuk-summary-list__value">\n        <ol class="govuk-list">{% for t in r.trend %}<li>{{ t.term }}: <strong>{{ t.text }}</strong>{% if t.arrow %} <span aria-hidden="true">{{ t.arrow }}</span>{% endif %} ({{ t.words }})</li>{% endfor %}</ol>\n      </dd></div>\n    </dl>\n    {% if r.pairs %}\n    <table class="govuk-table">\n      <caption class="govuk-table__caption govuk-table__caption--s">Groups, {{ term_label }}</caption>\n      <thead class="govuk-table__head"><tr class="govuk-table__row">\n        <th scope="col" class="govuk-table__header">Group</th><th scope="col" class="govuk-table__header">Figure (pupils)</th>\n        <th scope="col" class="govuk-table__header">Compared with</th><th scope="col" class="govuk-table__header">Figure (pupils)</th>\n        <th scope="col" class="govuk-table__header">Gap</th></tr></thead>\n      <tbody class="govuk-table__body">{% for p in r.pairs %}<tr class="govuk-table__row">\n        <th scope="row" class="govuk-table__header">{{ p.first }}</th><td class="govuk-table__cell">{{ p.first_text }} ({{ p.first_cohort }})</td>\n        <td class="govuk-table__cell">{{ p.second }}</td><td class="govuk-table__cell">{{ p.second_text }} ({{ p.second_cohort }})</td>\n        <td class="govuk-table__cell">{% if p.gap_display %}{{ p.gap_display }}: {% endif %}{{ p.gap_text }}</td></tr>{% endfor %}\n      </tbody>\n    </table>\n    {% endif %}\n  </div>\n</div>\n{% endfor %}'
)

TEXT = st.one_of(st.none(), st.text(alphabet="a<>&'\" 1.-↑", max_size=8))
KEYS = [
    "label",
    "definition",
    "definition_source",
    "text",
    "cohort",
    "national",
    "national_text",
    "national_basis",
    "vs_national",
    "national_source",
    "national_link",
    "target_text",
    "vs_target",
]


@st.composite
def rows(draw):
    row = {k: draw(TEXT) for k in KEYS if draw(st.booleans()) or k == "label"}
    if draw(st.booleans()):
        row["step"] = draw(
            st.one_of(st.none(), st.fixed_dictionaries({"arrow": TEXT, "words": TEXT}))
        )
    if draw(st.booleans()):
        row["trend"] = draw(
            st.lists(
                st.fixed_dictionaries({"term": TEXT, "text": TEXT, "arrow": TEXT, "words": TEXT}),
                max_size=3,
            )
        )
    if draw(st.booleans()):
        pair = st.fixed_dictionaries(
            {
                k: TEXT
                for k in [
                    "first",
                    "first_text",
                    "first_cohort",
                    "second",
                    "second_text",
                    "second_cohort",
                    "gap_display",
                    "gap_text",
                ]
            }
        )
        row["pairs"] = draw(st.lists(pair, max_size=3))
    return row


@given(st.lists(rows(), max_size=3), TEXT)
def test_the_cards_are_the_markup_the_template_wrote(cards, term_label):
    expected = TEMPLATE.render(Context({"rows": cards, "term_label": term_label}))
    assert kpi_cards_html(cards, term_label) == expected


def test_values_are_escaped():
    html = kpi_cards_html([{"label": "<b>KS2</b>", "text": "a & b"}], "Summer term 2025-26")
    assert "&lt;b&gt;KS2&lt;/b&gt;" in html and "a &amp; b" in html and "<b>" not in html
