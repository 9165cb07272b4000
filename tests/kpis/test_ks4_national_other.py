"""KS4: disadvantaged pupils against national *other* pupils (issue 12 "Pupil groups": DfE
compares disadvantaged pupils with non-disadvantaged pupils nationally), from DfE's own
national characteristics summary.

DfE's numbers (data set 'National characteristics summary', KS4 performance 2022/23 revised,
all state-funded, "Disadvantaged all other": 447,552 pupils): Attainment 8 total 22,511,899.3,
grade 5+ in English and maths 234,665 pupils, grade 4+ 325,936, entering the EBacc 194,134,
EBacc APS total 1,986,799.2. Published averages: 50.3, 52.4%, 72.8%, 43.4%, 4.44.

Hand-computed: twelve Year 11 pupils, six disadvantaged with Attainment 8 of 30 and six others
with 50: disadvantaged 30.0, all 40.0.
"""

from __future__ import annotations

import pytest

from assessment.kpis.catalogue import KPIS
from assessment.kpis.national import load_benchmarks, national_for_term
from phases.pipeline import recompute_run
from trust_si.accounts.roles import Role

from .data import pupils, results

OTHER_PUPILS = 447552


def test_the_shipped_other_pupils_figures_are_dfes_totals_over_its_pupils():
    totals = {
        "ks4_att8": (22511899.3, 1, 50.3),
        "ks4_em5": (234665, 100, 52.4),
        "ks4_em4": (325936, 100, 72.8),
        "ks4_ebacc_entry": (194134, 100, 43.4),
        "ks4_ebacc_aps": (1986799.2, 1, 4.44),
    }
    shipped = load_benchmarks()
    for kpi, (total, scale, published) in totals.items():
        places = KPIS[kpi].decimals
        assert round(total * scale / OTHER_PUPILS, places) == published, kpi
        assert ("2022-23", published) in [
            (y, v) for y, v, _ in shipped[f"{kpi}:non_disadvantaged"]
        ], kpi


def test_disadvantaged_pupils_take_the_other_pupils_figure_of_the_year_or_the_latest():
    shipped = load_benchmarks()
    att8 = KPIS["ks4_att8"]
    assert national_for_term(shipped, att8, "non_disadvantaged", "2022-23-summer") == (
        "2022-23",
        50.3,
        "year",
    )
    # No later other-pupils figure shipped: the latest published one, never all pupils'.
    assert national_for_term(shipped, att8, "non_disadvantaged", "2024-25-summer") == (
        "2022-23",
        50.3,
        "year",
    )
    assert national_for_term(shipped, att8, "all", "2022-23-summer") == ("2022-23", 46.3, "year")


@pytest.mark.django_db
def test_a_disadvantaged_attainment_8_is_compared_with_national_other_pupils(world, client_for):
    tw = world.a
    academy = tw.academies[1]
    pupils(
        tw,
        [(n, "11", n < 6, "F" if n % 2 else "M", "middle") for n in range(12)],
        "2022-23",
        academy,
    )
    results(
        tw,
        {n: 30 if n < 6 else 50 for n in range(12)},
        "2022-23-summer",
        subject="attainment8",
        measure="att8",
        academy=academy,
    )
    with tw.scope():
        recompute_run(trust=tw.trust)
    rows = (
        client_for(tw.user(Role.TRUST_LEADER))
        .get(
            "/api/v1/t/alpha/kpis/",
            {"term": "2022-23-summer", "urn": academy.urn, "page_size": 500},
        )
        .json()["results"]
    )
    by = {(r["kpi"], r["group"]): r for r in rows}
    dis = by[("ks4_att8", "disadvantaged")]
    assert (dis["value"], dis["national"], dis["national_group"]) == (
        30.0,
        50.3,
        "non_disadvantaged",
    )
    assert dis["national_basis"] == "2022-23"
    every = by[("ks4_att8", "all")]
    assert (every["value"], every["national"], every["national_group"]) == (40.0, 46.3, "all")
