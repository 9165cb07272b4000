"""The heat map's row header, written by `heat_row_head` (issue 17), is the markup the
template wrote: `TEMPLATE` is the fragment `_heatmap_grid.html` held before, and every row
Hypothesis draws (markup characters, partial data, a comparison, proposed or decided phases,
with and without reasons) comes out byte for byte the same, for both links."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from phases.heatmap_page import AcademyRow

TEMPLATE = Template(
    "{% load heatmap_tags %}"
    + '<th scope="row" class="govuk-table__header app-heatmap__academy"><a class="govuk-link" href="{% if can_placements %}{% url \'phases:detail\' trust_slug=trust.slug urn=row.academy.urn %}{% else %}{% url \'kpis:academy\' trust_slug=trust.slug urn=row.academy.urn %}{% endif %}" tabindex="-1" data-heat-cell>{{ row.academy.name }}</a>\n        <span class="app-phase app-phase--{{ row.phase|default:\'none\' }}"{% if row.data %} title="{{ term_label }}: {{ row.data }}"{% endif %}>{{ row.phase_name }}{% if row.phase_status == "proposed" %}<span class="app-heat__note"> · proposed, to review</span>{% elif row.phase_status %}<span class="app-heat__note"> · {{ row.phase_status }}</span>{% endif %}{# The term\'s data on the phase line keeps 60 rows compact; the page heading names the term. #}{% if row.data %}<span class="app-heat__note app-heat__data"> · <span class="govuk-visually-hidden">{{ term_label }}: </span>{{ row.data }}</span>{% endif %}</span>{% if compare_label and row.was_phase %}<span class="govuk-visually-hidden">{{ compare_label }}: {{ row.was_phase }}</span>{% endif %}</th>\n      <td class="govuk-table__cell app-heatmap__why">{% if row.why %}<span class="app-heatmap__reason" title="{{ row.why|join:\'; \' }}">{{ row.why|join:"; " }}</span>{% else %}<span class="app-heat__note">Not enough scored evidence</span>{% endif %}</td>\n      '
)
TAG = Template(
    "{% load heatmap_tags %}"
    "{% heat_row_head row trust.slug can_placements term_label compare_label %}\n      "
)
TEXT = st.text(alphabet="a<>&'\" 1·:", max_size=6)


@st.composite
def rows(draw):
    academy = SimpleNamespace(urn=draw(st.sampled_from(["990101", "140001"])), name=draw(TEXT))
    return AcademyRow(
        academy=academy,
        phase=draw(st.sampled_from(["", "stabilise", "repair", "improve", "sustain"])),
        phase_name=draw(TEXT),
        phase_status=draw(st.sampled_from(["", "proposed", "confirmed", "overridden"])),
        cells=[],
        was_phase=draw(TEXT),
        why=tuple(draw(st.lists(TEXT, max_size=2))),
        data=draw(TEXT),
    )


@given(rows(), st.booleans(), TEXT, TEXT)
def test_the_row_header_is_the_markup_the_template_wrote(row, can_placements, term, compare):
    context = {
        "row": row,
        "trust": SimpleNamespace(slug="alpha"),
        "can_placements": can_placements,
        "term_label": term,
        "compare_label": compare,
    }
    assert TAG.render(Context(context)) == TEMPLATE.render(Context(context))
