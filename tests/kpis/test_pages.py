"""The academy KPI page, the XLSX exports and the figures API: values, trend, groups,
suppression with the trust's threshold, and formula-safe cells."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from assessment.kpis.models import KpiTarget, NationalBenchmark
from trust_si.accounts.roles import Role

from .data import attendance, pupils, writing


def _data(tw):
    # Eight Year 5 pupils, four of them disadvantaged (suppressed at 5); four boys, four girls.
    pupils(tw, [(n, "5", n < 4, "F" if n % 2 else "M", "middle") for n in range(8)])
    writing(tw, {n: "EXS" if n < 4 else "WTS" for n in range(8)}, "2025-26-autumn")
    writing(tw, {n: "EXS" if n < 6 else "WTS" for n in range(8)}, "2025-26-spring")
    attendance(tw, {n: 2 * n for n in range(8)}, "2025-26-spring")
    with tw.scope():
        KpiTarget.objects.create(
            trust=tw.trust,
            academy=None,
            kpi_code="ta_writing_are",
            academic_year="2025-26",
            value=70,
        )


@pytest.mark.django_db
def test_academy_page_value_national_target_trend_groups(world, client_for):
    _data(world.a)
    governor = client_for(world.a.user(Role.GOVERNOR))
    page = governor.get(f"/t/alpha/kpis/{world.a.academies[0].urn}/").content.decode()
    assert "Spring term 2025-26" in page
    assert "75.0%" in page  # writing at ARE in spring: 6 of 8
    assert "70.0%" in page and "5.0 percentage points above target (better)" in page
    assert "up 25.0 percentage points since Autumn term 2025-26: better" in page
    assert (
        "Overall absence" in page
        and "6.9% (latest published: 2024-25, full year, against one term)" in page
    )
    assert "DfE, Pupil attendance in schools 2024/25, full academic year" in page
    assert "suppressed (5 or fewer pupils, or would reveal them)" in page  # disadvantaged: four
    assert "not shown: a group has 5 or fewer pupils, or would reveal one" in page
    # The trust table links to the page.
    table = governor.get("/t/alpha/kpis/", {"term": "2025-26-spring"}).content.decode()
    assert f"/t/alpha/kpis/{world.a.academies[0].urn}/?term=2025-26-spring" in table
    # The trust may raise the threshold, never lower it: at 3 the group of four stays hidden.
    world.a.trust.min_cohort = 3
    world.a.trust.save()
    page = governor.get(f"/t/alpha/kpis/{world.a.academies[0].urn}/").content.decode()
    assert "Disadvantaged 50.0 percentage points above other pupils" not in page
    assert "suppressed (5 or fewer pupils, or would reveal them)" in page


@pytest.mark.django_db
def test_academy_page_refuses_other_academies_and_survives_bad_input(world, client_for):
    staff = client_for(world.a.user(Role.SCHOOL_STAFF))  # covers academies[0] only
    assert staff.get(f"/t/alpha/kpis/{world.a.academies[1].urn}/").status_code == 404
    assert (
        staff.get(f"/t/alpha/kpis/{world.a.academies[0].urn}/", {"term": "<script>"}).status_code
        == 200
    )
    assert staff.get("/t/alpha/kpis/nonsense/").status_code == 404


def _sheet_values(response):
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    return cells, [c.value for c in cells]


@pytest.mark.django_db
def test_xlsx_exports_are_suppressed_and_formula_safe(world, client_for):
    _data(world.a)
    with world.a.scope():
        academy = world.a.academies[0]
        academy.name = '=HYPERLINK("http://evil.example","Click")'
        academy.save()
    NationalBenchmark.objects.create(
        kpi_code="absence", year="2025-26", value=7.1, source="+cmd|' /C calc'!A0"
    )
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    response = leader.get(
        "/t/alpha/kpis/export.xlsx", {"term": "2025-26-spring", "group": "disadvantaged"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    cells, values = _sheet_values(response)
    assert "suppressed (5 or fewer pupils, or would reveal them)" in values
    assert "'" + academy.name in values
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    response = leader.get(f"/t/alpha/kpis/{academy.urn}/export.xlsx")
    cells, values = _sheet_values(response)
    assert (
        "suppressed (5 or fewer pupils, or would reveal them)" in values
    )  # disadvantaged, on the groups sheet
    assert "'+cmd|' /C calc'!A0" in values  # the loaded benchmark's source, neutralised
    # Its value replaces the shipped figure for 2025-26: a number in a percent format, not text.
    assert any(c.value == pytest.approx(0.071) and c.number_format == "0.0%" for c in cells)
    assert "7.1%" not in values
    assert not any(c.data_type == "f" for c in cells)


@pytest.mark.django_db
def test_exports_write_numbers_as_numbers(world, client_for):
    """XLSX: every figure a number in a percent or decimal format, words only where there is no
    figure; CSV: the plain number (43.3, not "43.3%")."""
    _data(world.a)
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    query = {"term": "2025-26-spring", "group": "all"}
    cells, values = _sheet_values(leader.get("/t/alpha/kpis/export.xlsx", query))
    numbers = [c for c in cells if isinstance(c.value, float)]
    assert numbers and all(c.number_format in ("0.0%", "0.0", "+0.00;-0.00;0.00") for c in numbers)
    assert not any(isinstance(v, str) and v[:1].isdigit() and v.endswith("%") for v in values)
    csv = leader.get("/t/alpha/kpis/export.csv", query).content.decode()
    assert not re.search(r"\d%", csv.split("\n", 1)[1])
    heat = leader.get("/t/alpha/heatmap/", {"format": "xlsx", "term": "2025-26-spring"})
    cells, values = _sheet_values(heat)
    assert not any(isinstance(v, str) and re.fullmatch(r"[+-]?\d+(\.\d+)?%?", v) for v in values)


@pytest.mark.django_db
def test_academy_workbook_groups_and_trend_sheets_write_numbers(world, client_for):
    """The academy's workbook: on the Groups and Trend sheets too, each value is a number in a
    percent format (Excel can sort and chart it) beside its KPI label; a withheld figure is
    words, never a number."""
    _data(world.a)
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    urn = world.a.academies[0].urn
    response = leader.get(f"/t/alpha/kpis/{urn}/export.xlsx", {"term": "2025-26-spring"})
    book = load_workbook(io.BytesIO(response.content))
    for name in ("Groups", "Trend"):
        sheet = book[name]
        body = list(sheet.iter_rows(min_row=2))
        assert body, f"{name}: no rows"
        numbers = [c for row in body for c in row if isinstance(c.value, (int, float))]
        percents = [c for c in numbers if c.number_format == "0.0%"]
        assert percents and all(0 <= c.value <= 1 for c in percents), name
        texts = [c.value for row in body for c in row if isinstance(c.value, str)]
        assert not any(re.fullmatch(r"[+-]?\d+(\.\d+)?%", v) for v in texts), (name, texts)
        assert all(isinstance(row[0].value, str) and row[0].value for row in body), name
    trend = book["Trend"]
    assert [c.value for c in trend[1]] == ["KPI", "Term", "Value", "Change"]
    # A suppressed group (fewer pupils than the minimum) is words in its value cell.
    groups = [[c.value for c in row] for row in book["Groups"].iter_rows(min_row=2)]
    assert any(isinstance(r[3], str) or isinstance(r[6], str) for r in groups)


@pytest.mark.django_db
def test_figures_api_filters_and_suppression(world, client_for):
    _data(world.a)
    url = "/api/v1/t/alpha/kpis/"
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    rows = leader.get(url, {"term": "2025-26-spring", "kpi": "ta_writing_are"}).json()["results"]
    mine = {(r["urn"], r["group"]): r for r in rows}
    urn = world.a.academies[0].urn
    assert mine[(urn, "all")]["value"] == 75.0 and mine[(urn, "all")]["target"] == 70
    assert mine[(urn, "all")]["cohort"] == 8
    small = mine[(urn, "disadvantaged")]
    assert small["suppressed"] and small["value"] is None and small["cohort"] is None
    assert (None, "all") in mine  # the whole trust, for a trust-wide role
    one = leader.get(url, {"urn": urn, "group": "boys", "term": "2025-26-autumn"}).json()["results"]
    assert {r["group"] for r in one} == {"boys"} and {r["term"] for r in one} == {"2025-26-autumn"}
    for bad in ({"group": "cats"}, {"kpi": "nope"}, {"term": "summer"}):
        assert leader.get(url, bad).status_code == 400
    assert leader.get(url, {"urn": world.b.academies[0].urn}).status_code == 404
    staff = (
        client_for(world.a.user(Role.SCHOOL_STAFF)).get(url, {"kpi": "absence"}).json()["results"]
    )
    assert staff and all(r["urn"] == urn for r in staff)  # no trust-wide rows, no other academy


@pytest.mark.django_db
def test_trust_table_aggregates_by_phase_of_education_from_pupils(world, client_for):
    """pupil -> academy -> phase of education -> trust, each level from the pupils themselves."""
    from tests.phases.helpers import pupils_and_absence

    a = world.a
    pupils_and_absence(
        a, a.academies[0], "2025-26-spring", "P", missed=15, count=10
    )  # primary: all PA
    pupils_and_absence(
        a, a.academies[1], "2025-26-spring", "S", missed=4, count=30
    )  # secondary: none
    page = client_for(a.user(Role.TRUST_LEADER)).get("/t/alpha/kpis/").content.decode()
    assert "Spring term 2025-26" in page or "Spring 2025-26" in page
    rows = {
        line.split("</th>")[0].rsplit(">", 1)[-1]: line
        for line in page.split("<tr")
        if "</th>" in line
    }
    assert "100.0%" in rows["All primary academies"] and "0.0%" in rows["All secondary academies"]
    assert "25.0%" in rows["Whole trust"]  # 10 of 40 pupils, not the mean of 100% and 0%
    # Officers see their own academies only: no phase-of-education or trust rows.
    officer = client_for(a.user(Role.IMPROVEMENT_OFFICER)).get("/t/alpha/kpis/").content.decode()
    assert "All primary academies" not in officer and "Whole trust" not in officer


@pytest.mark.django_db
def test_figures_api_pages_are_the_whole_answer_in_order_with_no_gap_or_repeat(world, client_for):
    """The API reads one page of figures from the database at a time: walking every page gives
    exactly the figures the KPI pages show, in the table's order, and the count says so."""
    from assessment.kpis.catalogue import GROUPS
    from assessment.kpis.selectors import kpi_figures_for
    from trust_si.tenancy.context import trust_scope

    _data(world.a)
    url = "/api/v1/t/alpha/kpis/"
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    walked, page, count = [], 1, None
    while True:
        body = leader.get(url, {"page_size": 7, "page": page}).json()
        count = body["count"]
        walked += [(r["urn"], r["kpi"], r["term"], r["group"], r["value"]) for r in body["results"]]
        if not body["next"]:
            break
        page += 1
    urns = {a.pk: a.urn for a in world.a.academies}
    with trust_scope(world.a.trust):
        expected = [
            (
                urns.get(f.academy_id) if f.academy_id else None,
                f.kpi_code,
                f.term_code,
                f.group,
                f.value,
            )
            for f in kpi_figures_for(
                trust_id=world.a.trust.pk, academy_ids=list(urns), groups=GROUPS
            )
        ]
    assert page > 2 and count == len(expected) == len(walked)
    assert walked == expected
    one_kpi = leader.get(url, {"kpi": "ta_writing_are", "page_size": 500}).json()
    assert one_kpi["count"] == sum(1 for e in expected if e[1] == "ta_writing_are")
    assert leader.get(url, {"page": 10_000}).status_code == 404  # DRF: no such page
