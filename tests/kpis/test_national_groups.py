"""Disadvantaged pupils against national *other* pupils, as DfE compares them (its DIFFN_* fields:
"difference between school percentage of disadvantaged pupils and national percentage of other
pupils", ks2_meta.csv), never against all pupils; labelled so in the API, table and heat map."""

from __future__ import annotations

import pytest

from assessment.kpis.benchmarks import parse_benchmarks
from assessment.kpis.national import benchmark_for, benchmark_key, load_benchmarks
from assessment.kpis.services import national_benchmarks_load
from phases.pipeline import recompute_run
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

TERM = "2025-26-spring"


@pytest.fixture
def dataset(world):
    """One academy, 20 pupils, 10 of them disadvantaged: every group shown."""
    tw = world.a
    with tw.scope():
        seed_attendance(
            academy=tw.academies[1],
            term_code=TERM,
            pupils=[
                {
                    "upn": f"N{i:012d}",
                    "year_group": "4",
                    "disadvantaged": i < 10,
                    "sex": "M" if i % 2 else "F",
                    "possible": 100,
                    "missed": 3 * i % 13,
                }
                for i in range(20)
            ],
        )
        recompute_run(trust=tw.trust)
    return tw


def test_the_shipped_file_has_dfes_other_pupils_figure():
    # DfE, KS2 2019 (revised): 71% of other pupils met the expected standard in RWM (all: 65%).
    benchmarks = load_benchmarks()
    assert benchmark_for(benchmarks, "ks2_rwm_exp", "2018-19") == ("2018-19", 65.0)
    assert benchmark_for(
        benchmarks, benchmark_key("ks2_rwm_exp", "non_disadvantaged"), "2018-19"
    ) == ("2018-19", 71.0)


def test_benchmark_group_column_is_checked():
    data = (
        b"kpi,group,year,value,source\n"
        b"absence,non_disadvantaged,2024-25,5.5,DfE\n"
        b"absence,,2024-25,6.9,DfE\n"
        b"absence,boys,2024-25,7,DfE\n"
        b"absence,non_disadvantaged,2024-25,5.6,DfE again\n"
    )
    rows, problems = parse_benchmarks(data)
    assert [(r.key, r.value) for r in rows] == [
        ("absence:non_disadvantaged", 5.5),
        ("absence", 6.9),
    ]
    assert problems == [
        "Row 4: group 'boys' is not one of all, non_disadvantaged.",
        "Row 5: absence 2024-25 (non_disadvantaged) is already on row 2.",
    ]


@pytest.mark.django_db
def test_disadvantaged_figures_are_compared_with_national_other_pupils(dataset, client_for):
    tw = dataset
    rows, problems = parse_benchmarks(
        b"kpi,group,year,value,source\n"
        b"absence,non_disadvantaged,2024-25,5.5,Test figure: national other pupils\n"
    )
    assert not problems
    national_benchmarks_load(rows=rows)
    with tw.scope():
        recompute_run(trust=tw.trust)  # the heat map's snapshot, with the new figure
    leader = client_for(tw.user(Role.TRUST_LEADER))
    urn1 = tw.academies[1].urn  # 10 of its 20 pupils are disadvantaged: shown
    api = leader.get("/api/v1/t/alpha/kpis/", {"term": TERM, "page_size": 500}).json()["results"]
    by = {(r["urn"], r["kpi"], r["group"]): r for r in api}
    dis = by[(urn1, "absence", "disadvantaged")]
    assert not dis["suppressed"]
    assert (dis["national"], dis["national_group"]) == (5.5, "non_disadvantaged")
    assert dis["national_label"] == "national, other pupils (not disadvantaged)"
    every = by[(urn1, "absence", "all")]
    assert (every["national"], every["national_group"]) == (6.9, "all")
    assert every["national_label"] == "national, all pupils"
    # No other-pupils figure for persistent absence: none, not the all-pupils one.
    pa = by[(urn1, "persistent_absence", "disadvantaged")]
    assert pa["national"] is None and pa["national_group"] == "non_disadvantaged"
    # All pupils: DfE's spring-term 2024-25 figure (20.2%), the same term as the figure's.
    assert by[(urn1, "persistent_absence", "all")]["national"] == 20.2
    # The trust table and its export name whose national figure the row is.
    page = leader.get("/t/alpha/kpis/", {"term": TERM, "group": "disadvantaged"}).content.decode()
    assert "National, other pupils (not disadvantaged)" in page
    export = leader.get("/t/alpha/kpis/export.csv", {"term": TERM, "group": "disadvantaged"})
    assert "National, other pupils (not disadvantaged)" in export.content.decode("utf-8-sig")
    page = leader.get("/t/alpha/kpis/", {"term": TERM, "group": "all"}).content.decode()
    assert "National, all pupils" in page
    # The heat map per group: the cell compares with national other pupils, and says so.
    body = leader.get("/api/v1/t/alpha/heatmap/", {"term": TERM, "group": "disadvantaged"}).json()
    cell = next(r for r in body["rows"] if r["urn"] == urn1)["cells"]["absence"]
    assert cell["national"] == 5.5 and cell["national_group"] == "non_disadvantaged"
    assert "national other pupils (not disadvantaged)" in cell["rating"]
