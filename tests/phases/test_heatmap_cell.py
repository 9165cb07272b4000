"""The heat map's typed cell: it survives storage, and the snapshots kept before it existed
(unversioned dicts) still read, render, export and feed the next term's trend as they did."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.contracts import KpiFigure
from phases.heatmap import (
    SCHEMA_VERSION,
    Cell,
    CellKind,
    CellState,
    Trend,
    TrendDirection,
    cells_from_json,
    cells_to_json,
    columns,
)
from phases.heatmap_rules import heatmap_row, kpi_cell
from phases.models import HeatmapRow
from phases.rules import DEFAULT_SETTINGS
from phases.selectors import heatmap_row_for_report
from trust_si.accounts.roles import Role
from trust_si.terms import AcademicYear, Season, TermCode

# Cells exactly as the code before `Cell` stored them in HeatmapRow.cells (copied from a
# recompute of that code): a figure with its trend, a summer result carried into autumn, a
# suppressed figure (which kept its cohort), judgements, Progress 8, nothing to show.
V1_VALUE = {
    "col": "persistent_absence",
    "term": "2025-26-summer",
    "cohort": 10,
    "stale": False,
    "level": 1,
    "trend": "up",
    "state": "value",
    "value": 100.0,
    "display": "100.0%",
    "national": 18.7,
    "national_year": "2024-25",
    "rating": "Well above national (worse)",
    "gap": -81.3,
    "trend_better": False,
    "trend_text": "up 100.0 pts on Spring 2025-26 (worse)",
}
V1_CARRIED = {
    **V1_VALUE,
    "stale": True,
    "trend": None,
    "trend_text": "",
    "note": "from Summer 2025-26",
}
V1_SUPPRESSED = {
    "col": "absence",
    "term": "2025-26-summer",
    "cohort": 3,
    "stale": False,
    "level": None,
    "trend": None,
    "state": "suppressed",
    "rating": "Suppressed (n<5)",
    "value": None,
    "display": "",
}
V1_TARGET = {
    "col": "ta_reading_are",
    "term": "2025-26-summer",
    "cohort": 40,
    "stale": False,
    "level": 2,
    "trend": None,
    "state": "value",
    "value": 61.0,
    "display": "61.0%",
    "national": None,
    "national_year": None,
    "gap": -14.0,
    "target": 75.0,
    "rating": "Below target",
}
V1_SAFEGUARDING = {
    "col": "safeguarding",
    "state": "value",
    "rating": "Not met",
    "level": 1,
    "display": "",
    "stale": False,
    "trend": "down",
    "note": "Visit, 28 Nov 2025",
    "link": "/t/alpha/visits/12/",
    "judged_on": "2025-11-28",
    "trend_better": False,
    "trend_text": "worse than Oct 2024 (Met)",
}
V1_LEVEL_JUDGEMENT = {
    "col": "achievement",
    "state": "value",
    "rating": "Strong standard",
    "level": 4,
    "display": "",
    "stale": True,
    "trend": "level",
    "note": "Ofsted inspection, 01 Jan 2024 (stale)",
    "link": "",
    "judged_on": "2024-01-01",
    "trend_better": False,
    "trend_text": "same as Mar 2023 (Exceptional)",
}
V1_P8 = {
    "col": "p8",
    "state": "value",
    "rating": "Well below average",
    "stale": True,
    "level": 1,
    "display": "-0.62",
    "note": "2018-19 (stale); not published for this cohort",
    "trend": None,
}
V1_P8_NONE = {
    "col": "p8",
    "state": "none",
    "rating": "Not published",
    "level": None,
    "note": "not published for this cohort",
}
V1_NOT_JUDGED = {"col": "inclusion", "state": "none", "rating": "Not judged", "level": None}
V1_ROW = {
    c["col"]: c
    for c in (
        V1_VALUE,
        V1_SUPPRESSED,
        V1_TARGET,
        V1_SAFEGUARDING,
        V1_LEVEL_JUDGEMENT,
        V1_P8,
        V1_NOT_JUDGED,
    )
}
SUMMER = TermCode(2025, Season.SUMMER)


# ---- the type and its storage ----

texts = st.text(max_size=30)
numbers = st.none() | st.floats(allow_nan=False, allow_infinity=False, width=64)
terms = st.none() | st.builds(TermCode, st.integers(2000, 2100), st.sampled_from(list(Season)))
column_codes = st.sampled_from([c.code for c in columns()]) | texts
academic_years = st.none() | st.builds(lambda y: AcademicYear(y).code, st.integers(2000, 2100))
trends = st.none() | st.builds(
    Trend, st.sampled_from(list(TrendDirection)), texts, st.none() | st.booleans()
)


@st.composite
def cells(draw: st.DrawFn) -> Cell:
    state = draw(st.sampled_from(list(CellState)))
    suppressed = state is CellState.SUPPRESSED
    return Cell(
        column=draw(column_codes),
        kind=draw(st.sampled_from(list(CellKind))),
        state=state,
        rating=draw(texts),
        rating_code=draw(texts),
        level=draw(st.none() | st.integers(1, 4)),
        value=None if suppressed else draw(numbers),
        display=draw(texts),
        unit=draw(st.sampled_from(["", "%", "points", "score"])),
        cohort=None if suppressed else draw(st.none() | st.integers(0, 10_000)),
        term=draw(terms),
        stale=draw(st.booleans()),
        carried=draw(st.booleans()),
        trend=draw(trends),
        note=draw(texts),
        link=draw(texts),
        judged_on=draw(st.none() | st.dates()),
        national=draw(numbers),
        national_year=draw(academic_years),
        target=draw(numbers),
        gap=draw(numbers),
    )


# CI and laptops share cores with other jobs: timing is not what these tests are about.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(cells())
def test_a_cell_survives_storage_as_json(cell):
    stored = json.loads(json.dumps(cell.to_dict(), allow_nan=False))
    assert stored["v"] == SCHEMA_VERSION
    assert Cell.from_dict(stored) == cell


@relaxed
@given(st.lists(cells(), max_size=5))
def test_a_row_survives_storage(row):
    by_column = {c.column: c for c in row}  # a row has one cell per column
    stored = json.loads(json.dumps(cells_to_json(by_column.values())))
    assert {c.column: c for c in cells_from_json(stored)} == by_column


def test_a_suppressed_cell_cannot_carry_its_value_or_cohort():
    with pytest.raises(ValueError):
        Cell("absence", CellKind.KPI, CellState.SUPPRESSED, "Suppressed (n<5)", cohort=3)
    with pytest.raises(ValueError):
        Cell("absence", CellKind.KPI, CellState.SUPPRESSED, "Suppressed (n<5)", value=4.0)


def test_a_schema_newer_than_the_code_is_refused():
    with pytest.raises(ValueError, match="schema"):
        Cell.from_dict({"v": SCHEMA_VERSION + 1, "column": "absence"})


# ---- the cells kept before the type (schema 1) ----


def test_old_cells_read_with_every_piece_of_information():
    value = Cell.from_dict(V1_VALUE)
    assert value == Cell(
        "persistent_absence",
        CellKind.KPI,
        CellState.VALUE,
        "Well above national (worse)",
        level=1,
        value=100.0,
        display="100.0%",
        unit="%",
        cohort=10,
        term=SUMMER,
        trend=Trend(TrendDirection.UP, "up 100.0 pts on Spring 2025-26 (worse)", False),
        national=18.7,
        national_year="2024-25",
        gap=-81.3,
    )
    carried = Cell.from_dict(V1_CARRIED)
    assert carried.carried and carried.stale and carried.trend is None
    assert carried.note == "from Summer 2025-26" and carried.display == "100.0%"

    target = Cell.from_dict(V1_TARGET)
    assert (target.target, target.gap, target.national, target.rating) == (
        75.0,
        -14.0,
        None,
        "Below target",
    )

    safeguarding = Cell.from_dict(V1_SAFEGUARDING)
    assert safeguarding.kind is CellKind.JUDGEMENT and safeguarding.rating_code == "not_met"
    assert safeguarding.link == "/t/alpha/visits/12/"
    assert safeguarding.judged_on == dt.date(2025, 11, 28)
    assert safeguarding.trend == Trend(TrendDirection.DOWN, "worse than Oct 2024 (Met)", False)
    assert not safeguarding.carried

    level = Cell.from_dict(V1_LEVEL_JUDGEMENT)
    assert level.trend is not None and level.trend.direction is TrendDirection.LEVEL
    assert level.stale and not level.carried and level.rating_code == "strong_standard"

    p8 = Cell.from_dict(V1_P8)
    assert p8.kind is CellKind.P8 and p8.rating_code == "well_below" and p8.display == "-0.62"
    assert Cell.from_dict(V1_P8_NONE).note == "not published for this cohort"
    assert Cell.from_dict(V1_NOT_JUDGED).empty


def test_an_old_suppressed_cell_drops_the_cohort_it_kept():
    cell = Cell.from_dict(V1_SUPPRESSED)
    assert cell.suppressed and cell.cohort is None and cell.value is None
    assert cell.rating == "Suppressed (n<5)"
    assert "cohort" not in cell.to_dict()


def test_an_old_snapshot_gives_the_next_term_its_trend_and_carries_summer_results():
    """Last term's map was kept by the old code: this term's cells read it as Cells."""
    previous = cells_from_json({"persistent_absence": V1_VALUE, "absence": V1_SUPPRESSED})
    figure = KpiFigure(
        academy_id=1,
        kpi_code="persistent_absence",
        label="Persistent absence",
        key_stage="all",
        subject="",
        group="all",
        term_code="2026-27-autumn",
        value=90.0,
        cohort=10,
        suppressed=False,
        national=18.7,
        national_year="2024-25",
        target=None,
        unit="%",
        direction="lower",
    )
    row = heatmap_row(
        term="2026-27-autumn",
        figures=[figure],
        previous=previous,
        judgements=[],
        p8=None,
        teaches_ks4=False,
        today=dt.date(2026, 11, 20),
        settings=DEFAULT_SETTINGS,
    )
    by_column = {c.column: c for c in row}
    assert [c.column for c in row] == [c.code for c in columns()]
    assert by_column["persistent_absence"].trend == Trend(
        TrendDirection.DOWN, "down 10.0 pts on Summer term 2025-26 (better)", True
    )
    carried = by_column["absence"]
    assert carried.suppressed and carried.carried and carried.note == "from Summer term 2025-26"
    assert carried.cohort is None


def test_a_carried_cell_keeps_its_own_term_and_is_not_trended_again():
    summer = Cell.from_dict(V1_VALUE)
    autumn = kpi_cell("persistent_absence", "2026-27-autumn", None, summer, DEFAULT_SETTINGS)
    spring = kpi_cell("persistent_absence", "2026-27-spring", None, autumn, DEFAULT_SETTINGS)
    assert (
        spring.term == SUMMER and spring.note == "from Summer term 2025-26" and spring.trend is None
    )


# ---- an old snapshot on the page, the API, the export and the report ----


@pytest.mark.django_db
def test_an_old_snapshot_renders_as_it_did(world, client_for):
    a = world.a
    academy = a.academies[0]
    with a.scope():
        HeatmapRow.objects.create(
            trust=a.trust,
            academy=academy,
            term_code="2025-26-summer",
            group="all",
            phase="repair",
            phase_status="proposed",
            cells=V1_ROW,
        )
    leader = client_for(a.user(Role.TRUST_LEADER))
    page = leader.get("/t/alpha/heatmap/").content.decode()
    assert "Well above national (worse)" in page and "100.0%" in page and "n=10" in page
    assert "up 100.0 pts on Spring 2025-26 (worse)" in page
    assert "Suppressed (n&lt;5)" in page and "n=3" not in page
    assert "Visit, 28 Nov 2025" in page
    assert "Well below average" in page and "-0.62" in page
    # The visit behind the judgement is linked from the cell's detail panel.
    panel = leader.get(
        f"/t/alpha/heatmap/cells/{academy.urn}/safeguarding/?term=2025-26-summer",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'href="/t/alpha/visits/12/"' in panel

    data = leader.get("/api/v1/t/alpha/heatmap/").json()
    cells = data["rows"][0]["cells"]
    assert cells["persistent_absence"]["rating"] == "Well above national (worse)"
    assert cells["persistent_absence"]["trend"] == "up"
    assert cells["persistent_absence"]["trend_text"] == "up 100.0 pts on Spring 2025-26 (worse)"
    assert cells["absence"]["state"] == "suppressed" and cells["absence"]["cohort"] is None
    assert cells["safeguarding"]["link"] == "/t/alpha/visits/12/"
    assert cells["safeguarding"]["judged_on"] == "2025-11-28"
    assert cells["ta_reading_are"]["target"] == 75.0
    assert cells["eyfs_gld"] == {**cells["eyfs_gld"], "state": "none", "rating": "No data"}

    csv = leader.get("/t/alpha/heatmap/?format=csv").content.decode("utf-8-sig")
    line = next(row for row in csv.splitlines() if academy.urn in row)
    assert "Well above national (worse)" in line and ",10," in line
    assert "Suppressed (n<5),,," in line  # neither value nor cohort

    with a.scope():
        report = heatmap_row_for_report(trust=a.trust, academy=academy, term_code="2025-26-summer")
    by_area = {r["area_label"]: r for r in report}
    assert by_area["Persistent absence (10% or more)"]["value"] == "100.0%"
    assert by_area["Overall absence"]["value"] == ""  # suppressed
    assert by_area["Achievement"]["rating"] == (
        "Strong standard (Ofsted inspection, 01 Jan 2024 (stale))"
    )
    assert "Inclusion" not in by_area
    assert by_area["Safeguarding"]["area"] == "safeguarding"
    assert by_area["Safeguarding"]["rating_code"] == "not_met"  # worked out from the old words


@pytest.mark.django_db
def test_the_governors_report_puts_safeguarding_not_met_first(world):
    from phases.pipeline import recompute_run
    from phases.services import judgement_record
    from reporting.reports.academy import AcademyTermlyReport
    from tests.phases.helpers import map_two_terms

    map_two_terms(world)
    a = world.a
    with a.scope():
        judgement_record(
            actor=a.user(Role.IMPROVEMENT_OFFICER),
            academy=a.academies[0],
            area="safeguarding",
            grade="not_met",
            judged_on=dt.date.today() - dt.timedelta(days=2),
            source="direct",
        )
        recompute_run(trust=a.trust)
        snapshot = AcademyTermlyReport.build_snapshot(
            trust=a.trust, academy=a.academies[0], term_code="2025-26-summer"
        )
    row = {c["area"]: c for c in snapshot["heatmap_row"]}
    assert row["safeguarding"]["rating"] == "Not met"
    assert snapshot["attention"][0] == "Safeguarding was judged not met."


def test_the_api_keeps_the_cell_field_names_integrations_read():
    from phases.api import HeatmapCellOutput

    out = HeatmapCellOutput()
    every_old_key = set().union(*V1_ROW.values(), V1_CARRIED)
    assert every_old_key <= set(out.fields)  # nothing the old API gave has gone or been renamed
    for cell in (*cells_from_json(V1_ROW), Cell.no_data("eyfs_gld")):
        assert list(out.to_representation(cell)) == list(out.fields)  # the schema is the truth
