"""One term's absence against DfE's figure for the same term (issue 13: "absence ... a single
term against the full-year national figure" -> "termly national rates where published,
labelled").

DfE's numbers (the shipped national_benchmarks.csv, each row citing its page): overall absence
2023/24 autumn 6.7%, spring 7.2%, summer 7.6%, full year 7.1% (school census); autumn 2024/25
6.38% (school census); full year 2024/25 6.9% (daily attendance data).

Hand-computed: ten Year 4 pupils, 100 possible sessions each, each missing 5: overall absence
50 / 1000 = 5.0%; none persistently absent.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from assessment.contracts import national_basis
from assessment.kpis.benchmarks import parse_benchmarks
from assessment.kpis.catalogue import KPIS
from assessment.kpis.models import NationalBenchmark
from assessment.kpis.national import load_benchmarks, national_for_term
from phases.pipeline import recompute_run
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

BENCHMARKS = {
    "absence": [("2023-24", 7.1, "census"), ("2024-25", 6.9, "daily")],
    "absence@autumn": [("2023-24", 6.7, "census"), ("2024-25", 6.38, "census")],
    "absence@spring": [("2023-24", 7.2, "census")],
}


def test_a_term_takes_dfes_figure_for_the_same_term_where_published():
    absence = KPIS["absence"]
    # The same term of the same year.
    assert national_for_term(BENCHMARKS, absence, "all", "2023-24-autumn") == (
        "2023-24",
        6.7,
        "autumn",
    )
    assert national_for_term(BENCHMARKS, absence, "all", "2023-24-spring") == (
        "2023-24",
        7.2,
        "spring",
    )
    # No summer figure: the full year's.
    assert national_for_term(BENCHMARKS, absence, "all", "2023-24-summer") == (
        "2023-24",
        7.1,
        "year",
    )
    # A year DfE has not published: the latest same-term figure, as recent as the full year's.
    assert national_for_term(BENCHMARKS, absence, "all", "2025-26-autumn") == (
        "2024-25",
        6.38,
        "autumn",
    )
    # The latest spring figure (2023-24) is older than the latest full year (2024-25): the
    # full year's, never an older term's.
    assert national_for_term(BENCHMARKS, absence, "all", "2025-26-spring") == (
        "2024-25",
        6.9,
        "year",
    )
    # A measure of the whole year never takes a termly figure; a group with none has none.
    assert national_for_term(BENCHMARKS, KPIS["ks4_att8"], "all", "2023-24-autumn") is None
    assert national_for_term(BENCHMARKS, absence, "non_disadvantaged", "2023-24-autumn") is None


def test_the_label_says_which_term_the_national_figure_is_for():
    assert national_basis("2023-24", "2023-24", period="autumn") == "2023-24, autumn term"
    assert (
        national_basis("2024-25", "2025-26", period="autumn")
        == "latest published: 2024-25, autumn term"
    )
    assert (
        national_basis("2024-25", "2025-26", full_year=True)
        == "latest published: 2024-25, full year, against one term"
    )


def test_the_benchmarks_file_has_a_period_column_defaulting_to_the_full_year():
    rows, problems = parse_benchmarks(
        b"kpi,year,value,source,period\n"
        b"absence,2023-24,7.1,DfE full year,\n"
        b"absence,2023-24,6.7,DfE autumn,autumn\n"
        b"absence,2023-24,7.2,DfE spring,spring\n"
        b"absence,2023-24,6.0,DfE again,autumn\n"
        b"absence,2023-24,6.0,DfE,half-term\n"
    )
    assert [(r.key, r.value) for r in rows] == [
        ("absence", 7.1),
        ("absence@autumn", 6.7),
        ("absence@spring", 7.2),
    ]
    assert problems == [
        "Row 5: absence 2023-24 (autumn) is already on row 3.",
        "Row 6: period 'half-term' is not one of year, autumn, spring, summer.",
    ]
    # The shipped file: DfE's termly figures are there, each under its term.
    shipped = load_benchmarks()
    assert ("2023-24", 6.7) in [(y, v) for y, v, _ in shipped["absence@autumn"]]
    assert ("2023-24", 7.1) in [(y, v) for y, v, _ in shipped["absence"]]


@pytest.fixture
def autumn_and_spring(world):
    tw = world.a
    with tw.scope():
        for term in ("2023-24-autumn", "2023-24-spring", "2023-24-summer"):
            seed_attendance(
                academy=tw.academies[1],
                term_code=term,
                pupils=[
                    {"upn": f"P{i:012d}", "year_group": "4", "possible": 100, "missed": 5}
                    for i in range(10)
                ],
            )
        recompute_run(trust=tw.trust)
    return tw


@pytest.mark.django_db
def test_an_autumn_terms_absence_is_compared_with_dfes_autumn_figure_everywhere(
    autumn_and_spring, client_for
):
    tw = autumn_and_spring
    urn = tw.academies[1].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))

    def row(term):
        rows = leader.get(
            "/api/v1/t/alpha/kpis/", {"term": term, "urn": urn, "group": "all"}
        ).json()["results"]
        return next(r for r in rows if r["kpi"] == "absence")

    autumn, spring, summer = (row(f"2023-24-{s}") for s in ("autumn", "spring", "summer"))
    assert (autumn["value"], autumn["national"], autumn["national_basis"]) == (
        5.0,
        6.7,
        "2023-24, autumn term",
    )
    assert (spring["national"], spring["national_basis"]) == (7.2, "2023-24, spring term")
    assert (summer["national"], summer["national_basis"]) == (7.6, "2023-24, summer term")

    # The KPI page names the term and links DfE's autumn-term release.
    page = leader.get(f"/t/alpha/kpis/{urn}/", {"term": "2023-24-autumn"}).content.decode()
    assert "6.7% (2023-24, autumn term)" in page
    assert "full year, against one term" not in page.split("Overall absence", 1)[1][:600]
    assert (
        'href="https://explore-education-statistics.service.gov.uk/find-statistics/'
        'pupil-absence-in-schools-in-england/2023-24-autumn-term"'
    ) in page

    # The heat map (the latest term, summer): DfE's summer-term figure, no "full year" caveat.
    body = leader.get("/api/v1/t/alpha/heatmap/").json()
    assert body["term"] == "2023-24-summer"
    cell = next(r for r in body["rows"] if r["urn"] == urn)["cells"]["absence"]
    assert cell["national"] == 7.6
    assert "full year" not in cell["rating"]


@pytest.mark.django_db
def test_an_operator_loads_a_termly_figure_with_the_period_column(
    autumn_and_spring, client_for, tmp_path
):
    """A figure DfE publishes after release: loaded by the operator for one term, it is that
    term's comparison (the key holds the group and the period: 44 characters at most)."""
    path = tmp_path / "termly.csv"
    path.write_text(
        "kpi,group,period,year,value,source\n"
        "absence,all,autumn,2023-24,6.5,DfE test: autumn\n"
        "persistent_absence,non_disadvantaged,autumn,2023-24,15.6,DfE test: other pupils\n"
    )
    call_command("load_benchmarks", "--file", str(path))
    assert set(NationalBenchmark.objects.values_list("kpi_code", flat=True)) == {
        "absence@autumn",
        "persistent_absence:non_disadvantaged@autumn",
    }
    tw = autumn_and_spring
    with tw.scope():
        recompute_run(trust=tw.trust)
    rows = (
        client_for(tw.user(Role.TRUST_LEADER))
        .get("/api/v1/t/alpha/kpis/", {"term": "2023-24-autumn", "urn": tw.academies[1].urn})
        .json()["results"]
    )
    absence = next(r for r in rows if r["kpi"] == "absence")
    assert (absence["national"], absence["national_basis"]) == (6.5, "2023-24, autumn term")


def test_a_year_to_date_rate_is_compared_with_dfes_autumn_rate_in_the_autumn_only():
    """Suspensions are counted from the start of the year: the autumn's count is the autumn
    term's (DfE's autumn rate, 4.13 in 2023-24), the spring's is two terms (no DfE figure),
    the summer's is the year's (DfE's 11.31)."""
    shipped = load_benchmarks()
    rate = KPIS["suspension_rate"]
    assert national_for_term(shipped, rate, "all", "2023-24-autumn") == ("2023-24", 4.13, "autumn")
    assert national_for_term(shipped, rate, "all", "2023-24-spring") is None
    assert national_for_term(shipped, rate, "all", "2023-24-summer") == ("2023-24", 11.31, "year")
