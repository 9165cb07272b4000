"""The KPI figures API builds its rows itself (issue 17): each must be what `KpiFigureOutput`
gave, byte for byte once rendered, for every kind of figure (suppressed, no data, no national,
trust-wide, integer values)."""

from __future__ import annotations

from dataclasses import replace

from rest_framework.renderers import JSONRenderer

from assessment.contracts import KpiFigure
from assessment.kpis.api import KpiFigureOutput, _figure_row
from assessment.kpis.display import national_label


def _serialized(f: KpiFigure, urns: dict[int, str]) -> bytes:
    # The row as the view handed it to the serializer before issue 17.
    source = {
        "urn": urns.get(f.academy_id) if f.academy_id else None,
        "kpi": f.kpi_code,
        "label": f.label,
        "term": f.term_code,
        "group": f.group,
        "value": f.value,
        "unit": f.unit,
        "cohort": None if f.suppressed else f.cohort,
        "suppressed": f.suppressed,
        "suppression": f.suppression,
        "national": f.national,
        "national_year": f.national_year,
        "national_basis": f.national_basis,
        "national_group": f.national_group,
        "national_label": national_label(f.national_group),
        "target": f.target,
    }
    return JSONRenderer().render(KpiFigureOutput(source).data)


def test_api_rows_are_what_the_serializer_gave():
    base = KpiFigure(
        academy_id=7,
        kpi_code="ks2_rwm_exp",
        label="KS2 reading, writing & maths <expected>",
        key_stage="KS2",
        subject="rwm",
        group="all",
        term_code="2024-25-summer",
        value=61.5,
        cohort=30,
        suppressed=False,
        national=61.0,
        national_year="2024-25",
        target=65.0,
        unit="%",
        direction="higher",
    )
    figures = [
        base,
        replace(base, value=62, national=60, target=70),  # integers: floats in the JSON
        replace(base, value=None, cohort=0, suppressed=True, suppression="primary", target=None),
        replace(base, value=None, suppressed=True, suppression="secondary", cohort=3),
        replace(base, value=None, national=None, national_year=None),
        replace(base, academy_id=None, group="disadvantaged", national_group="non_disadvantaged"),
        replace(base, academy_id=99),  # an academy without a URN in the map
        replace(base, national_year="2023-24", national_full_year=True, national_period="autumn"),
    ]
    urns = {7: "990101"}
    for f in figures:
        assert JSONRenderer().render(_figure_row(f, urns)) == _serialized(f, urns), f
