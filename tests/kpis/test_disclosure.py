"""Disclosure control: no figure from 5 or fewer pupils, and no subtraction that recovers one.

The pure module is checked with hypothesis against an independent attacker (numpy's matrix rank:
a hidden cell can be worked out from the shown ones exactly when its unit vector lies in the row
space of the relations restricted to the hidden cells). The outputs (API, pages, CSV export,
heat map, governor report PDF) are then checked on one dataset: the issue's own example.
"""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from assessment.kpis import disclosure
from assessment.kpis.disclosure import PRIMARY, SECONDARY, Relation, protect
from phases.pipeline import recompute_run
from reporting.services import report_generate, report_request
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

PARTITIONS = [
    ("disadvantaged", "non_disadvantaged"),
    ("send", "no_send"),
    ("boys", "girls"),
    ("prior_low", "prior_middle", "prior_high"),
]
GROUPS = ["all", *(g for p in PARTITIONS for g in p)]


def recoverable(hidden: set, relations: list[Relation]) -> set:
    """The attacker: every hidden cell that some sum and difference of shown figures fixes."""
    cells = sorted(hidden, key=repr)
    if not cells:
        return set()
    rows = []
    for r in relations:
        row = [0.0] * len(cells)
        for sign, members in ((1.0, [r.total]), (-1.0, list(r.parts))):
            for m in members:
                if m in hidden:
                    row[cells.index(m)] += sign
        if any(row):
            rows.append(row)
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    out = set()
    for i, c in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.add(c)
    return out


def table_of(pupils_by_unit: dict[str, list[tuple[bool, bool, str, str]]]):
    """Cohorts per (unit, group) and their relations, built here, not by the module under test."""
    groups_of = {
        "all": lambda p: True,
        "disadvantaged": lambda p: p[0],
        "non_disadvantaged": lambda p: not p[0],
        "send": lambda p: p[1],
        "no_send": lambda p: not p[1],
        "boys": lambda p: p[2] == "M",
        "girls": lambda p: p[2] == "F",
        "prior_low": lambda p: p[3] == "low",
        "prior_middle": lambda p: p[3] == "middle",
        "prior_high": lambda p: p[3] == "high",
    }
    units = {**pupils_by_unit, "trust": [p for ps in pupils_by_unit.values() for p in ps]}
    cohorts = {
        (u, g): sum(1 for p in ps if test(p))
        for u, ps in units.items()
        for g, test in groups_of.items()
    }
    relations = [
        Relation((u, "all"), tuple((u, g) for g in partition))
        for u in units
        for partition in PARTITIONS
    ] + [Relation(("trust", g), tuple((u, g) for u in pupils_by_unit)) for g in groups_of]
    return cohorts, relations


def test_the_issues_example_is_not_recoverable():
    # All pupils 30, not disadvantaged 27: disadvantaged is their difference (3).
    cohorts = {("a", "all"): 30, ("a", "disadvantaged"): 3, ("a", "non_disadvantaged"): 27}
    rel = [Relation(("a", "all"), (("a", "disadvantaged"), ("a", "non_disadvantaged")))]
    hidden = protect(cohorts, rel)
    assert hidden[("a", "disadvantaged")] == PRIMARY
    assert hidden[("a", "non_disadvantaged")] == SECONDARY  # the smaller complement, not "all"
    assert ("a", "all") not in hidden
    assert not recoverable(set(hidden), rel)


def test_five_is_suppressed_six_is_not_and_the_threshold_only_rises():
    assert disclosure.is_small(5) and not disclosure.is_small(6) and not disclosure.is_small(0)
    assert disclosure.threshold(3) == 5 and disclosure.threshold(None) == 5
    assert disclosure.threshold(8) == 8
    assert disclosure.is_small(5, limit=3)  # lowering is ignored
    assert protect({"x": 5}, [], limit=1) == {"x": PRIMARY}
    assert protect({"x": 6}, []) == {}


def test_a_cell_fixed_only_by_two_relations_together_is_caught():
    # A 2 x 2 table (rows: academies; columns: boys/girls) with its margins; hiding the two
    # diagonal cells leaves each row and column with two hidden cells but ... each is still
    # recoverable from the margins: the exact pass must hide more.
    cohorts = {
        ("a", "b"): 3,
        ("a", "g"): 20,
        ("b", "b"): 20,
        ("b", "g"): 3,
        ("a", "all"): 23,
        ("b", "all"): 23,
        ("t", "b"): 23,
        ("t", "g"): 23,
        ("t", "all"): 46,
    }
    rels = [
        Relation(("a", "all"), (("a", "b"), ("a", "g"))),
        Relation(("b", "all"), (("b", "b"), ("b", "g"))),
        Relation(("t", "b"), (("a", "b"), ("b", "b"))),
        Relation(("t", "g"), (("a", "g"), ("b", "g"))),
        Relation(("t", "all"), (("a", "all"), ("b", "all"))),
    ]
    hidden = protect(cohorts, rels)
    assert {("a", "b"), ("b", "g")} <= set(hidden)
    assert not recoverable(set(hidden), rels)


def test_a_cell_fixed_through_a_chain_of_wholly_hidden_relations_is_caught():
    # Found by the property test below: a3's middle band is fixed although every relation it
    # is in is wholly hidden; the value arrives through a chain of relations via a2.
    low, middle, high = (
        (False, False, "M", "low"),
        (False, False, "M", "middle"),
        (False, False, "M", "high"),
    )
    cohorts, relations = table_of(
        {"a1": [low], "a2": [low] * 6 + [middle, high], "a3": [low, middle]}
    )
    hidden = protect(cohorts, relations)
    assert hidden[("a3", "prior_middle")] == PRIMARY
    assert not recoverable(set(hidden), relations)


def test_a_cell_fixed_only_through_a_chain_of_hidden_cells_is_caught():
    # Found by hypothesis: every relation of a2's low prior group is hidden whole, yet a2 all
    # less a2 middle gives it, each known from the trust's row less a1 (whose pupil is middle).
    boy = lambda band: (False, False, "M", band)  # noqa: E731
    cohorts, relations = table_of(
        {
            "a1": [boy("middle")],
            "a2": [boy("low"), boy("middle")],
            "a3": [boy("low"), *[boy("middle")] * 6, boy("high")],
        }
    )
    hidden = protect(cohorts, relations)
    assert hidden[("a2", "prior_low")] == PRIMARY
    assert not recoverable(set(hidden), relations)


pupil = st.tuples(
    st.booleans(),
    st.booleans(),
    st.sampled_from(["M", "F"]),
    st.sampled_from(["low", "middle", "high"]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a1", "a2", "a3", "a4"]),
        st.lists(pupil, min_size=0, max_size=40),
        min_size=1,
    ),
    st.integers(min_value=0, max_value=9),
)
def test_no_suppressed_count_is_recovered_by_adding_or_subtracting(pupils_by_unit, trust_limit):
    cohorts, relations = table_of(pupils_by_unit)
    limit = disclosure.threshold(trust_limit)
    hidden = protect(cohorts, relations, limit)
    # Primary: every figure from 1 to the threshold (never below 5) is hidden; 0 is no figure.
    for cell, n in cohorts.items():
        if 0 < n <= limit:
            assert hidden.get(cell) == PRIMARY
        if n == 0:
            assert cell not in hidden
    # Secondary: no hidden cell follows from the shown ones and the relations.
    assert not recoverable(set(hidden), relations)
    # And, spelled out for the simplest attack: no relation has exactly one hidden cell.
    for r in relations:
        members = [c for c in (r.total, *r.parts) if cohorts[c] > 0]
        assert sum(1 for c in members if c in hidden) != 1


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a1", "a2", "a3", "a4"]),
        st.lists(pupil, min_size=0, max_size=12),
        min_size=1,
    ),
    st.sets(st.integers(min_value=0, max_value=49), max_size=30),
)
def test_the_exact_solver_finds_exactly_what_the_attacker_recovers(pupils_by_unit, picks):
    # `determined` (sparse integer elimination) against numpy's rank test, on any hidden set.
    cohorts, relations = table_of(pupils_by_unit)
    cells = sorted(cohorts, key=repr)
    hidden = {cells[i % len(cells)] for i in picks}
    assert disclosure.determined(hidden, relations) == recoverable(hidden, relations)


def test_kpi_relations_cover_complements_and_totals():
    rels = disclosure.kpi_relations(
        [1, 2, "trust"], ["all", "disadvantaged", "non_disadvantaged", "eal"], {"trust": [1, 2]}
    )
    rest = disclosure.rest_group(("disadvantaged", "non_disadvantaged"))
    assert Relation((1, "all"), ((1, "disadvantaged"), (1, "non_disadvantaged"), (1, rest))) in rels
    assert Relation(("trust", rest), ((1, rest), (2, rest))) in rels
    assert Relation(("trust", "eal"), ((1, "eal"), (2, "eal"))) in rels
    # boys/girls are not both in the groups: no partial partition is claimed.
    assert not any(("trust", "boys") in (r.total, *r.parts) for r in rels)


# ---- every output, on the issue's own numbers ----

TERM = "2025-26-spring"
# Academy 0: 30 pupils, 3 of them disadvantaged. Academy 1: 20 pupils, 10 disadvantaged.
MISSED_0 = [2 * i % 17 for i in range(30)]
MISSED_1 = [3 * i % 13 for i in range(20)]


def _rate(missed):
    return 100 * sum(missed) / (100 * len(missed))


DIS_0 = _rate(MISSED_0[:3])
NON_DIS_0 = _rate(MISSED_0[3:])


@pytest.fixture
def dataset(world):
    tw = world.a
    with tw.scope():
        for academy, missed, dis_count, prefix in (
            (tw.academies[0], MISSED_0, 3, "A"),
            (tw.academies[1], MISSED_1, 10, "B"),
        ):
            seed_attendance(
                academy=academy,
                term_code=TERM,
                pupils=[
                    {
                        "upn": f"{prefix}{i:012d}",
                        "year_group": "4",
                        "disadvantaged": i < dis_count,
                        "sex": "M" if i % 2 else "F",
                        "possible": 100,
                        "missed": m,
                    }
                    for i, m in enumerate(missed)
                ],
            )
        recompute_run(trust=tw.trust)
    return tw


def _api_table(client, kpi="absence"):
    rows = client.get("/api/v1/t/alpha/kpis/", {"term": TERM, "kpi": kpi}).json()["results"]
    return {(r["urn"] or "trust", r["group"]): r for r in rows}


@pytest.mark.django_db
def test_the_api_never_gives_a_small_group_away(dataset, client_for):
    leader = client_for(dataset.user(Role.TRUST_LEADER))
    for kpi in ("absence", "persistent_absence"):
        table = _api_table(leader, kpi)
        urn0 = dataset.academies[0].urn
        assert table[(urn0, "disadvantaged")]["suppressed"]
        # No suppressed row carries a value or a cohort; no shown row is from 5 or fewer pupils.
        for row in table.values():
            if row["suppressed"]:
                assert row["value"] is None and row["cohort"] is None
            else:
                assert row["cohort"] > 5
        # all - not disadvantaged would give the 3 away: the complement is hidden too.
        assert table[(urn0, "non_disadvantaged")]["suppressed"]
        # The whole table against the attacker: academies, the trust row, every partition.
        units = sorted({u for u, _ in table})
        academies = [u for u in units if u != "trust"]
        rels = [
            Relation((u, "all"), tuple((u, g) for g in p))
            for u in units
            for p in PARTITIONS
            if all((u, g) in table for g in p)
        ] + [
            Relation(("trust", g), tuple((u, g) for u in academies if (u, g) in table))
            for g in GROUPS
            if ("trust", g) in table
        ]
        hidden = {cell for cell, row in table.items() if row["suppressed"]}
        assert hidden and not recoverable(hidden, rels)


@pytest.mark.django_db
def test_pages_exports_heatmap_and_report_hide_the_same_cells(dataset, client_for):
    tw = dataset
    urn0 = tw.academies[0].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))
    hidden_values = [f"{v:.1f}" for v in (DIS_0, NON_DIS_0)]
    assert _rate(MISSED_0) > 0  # the academy's "all" figure is shown
    # The trust table and its CSV export, group by group.
    for group in ("disadvantaged", "non_disadvantaged"):
        page = leader.get("/t/alpha/kpis/", {"term": TERM, "group": group}).content.decode()
        csv = leader.get("/t/alpha/kpis/export.csv", {"term": TERM, "group": group})
        text = csv.content.decode("utf-8-sig")
        line = next(row for row in text.splitlines() if urn0 in row)
        assert "suppressed" in line
        assert "suppressed (5 or fewer pupils, or would reveal them)" in page
    # The academy's KPI page, seen by its governor: both groups hidden, no gap given.
    governor = client_for(tw.user(Role.GOVERNOR))
    page = governor.get(f"/t/alpha/kpis/{urn0}/", {"term": TERM}).content.decode()
    assert "not shown: a group has 5 or fewer pupils, or would reveal one" in page
    for value in hidden_values:
        assert f">{value}%<" not in page
    # The heat map API, per group: a hidden cell has neither value nor cohort.
    for group in ("disadvantaged", "non_disadvantaged"):
        body = leader.get("/api/v1/t/alpha/heatmap/", {"term": TERM, "group": group}).json()
        row = next(r for r in body["rows"] if r["urn"] == urn0)
        cell = row["cells"]["absence"]
        assert cell["state"] == "suppressed" and cell["value"] is None
        assert cell["cohort"] is None
    # The governor report PDF: neither hidden figure, nor the cohorts 3 and 27.
    with tw.scope():
        report = report_generate(
            report=report_request(
                actor=None, trust=tw.trust, term_code=TERM, academy=tw.academies[0], enqueue=False
            )
        )
        with report.pdf.open("rb") as fh:
            pdf = fh.read()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "suppressed (5 or fewer pupils, or would reveal them)" in text
    for value, cohort in itertools.product(hidden_values, ("3", "27")):
        assert f"{value}%" not in text
        assert (
            f"Disadvantaged suppressed (5 or fewer pupils, or would reveal them) {cohort}"
            not in text
        )


@pytest.mark.django_db
def test_definitions_are_named_on_the_kpi_page_and_in_the_report_glossary(dataset, client_for):
    from assessment.kpis.catalogue import DEFINITIONS, KPIS

    assert set(DEFINITIONS) == set(KPIS)  # every KPI has its definition and source
    assert all(text and source for text, source in DEFINITIONS.values())
    governor = client_for(dataset.user(Role.GOVERNOR))
    page = governor.get(f"/t/alpha/kpis/{dataset.academies[0].urn}/", {"term": TERM})
    text, source = DEFINITIONS["absence"]
    assert f"Definition: {text} Source: {source}." in page.content.decode()
    with dataset.scope():
        report = report_generate(
            report=report_request(
                actor=None,
                trust=dataset.trust,
                term_code=TERM,
                academy=dataset.academies[0],
                enqueue=False,
            )
        )
        with report.pdf.open("rb") as fh:
            pdf = fh.read()
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Glossary: how each figure is defined" in words
    assert "Sessions missed for any reason as a share of possible sessions, for pupils of" in words


# ---- partitions that miss pupils (no prior-attainment band): the rest is never shown ----

banded_or_not = st.tuples(
    st.booleans(),
    st.booleans(),
    st.sampled_from(["M", "F"]),
    st.sampled_from(["low", "middle", "high", None]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a1", "a2", "a3"]),
        st.lists(banded_or_not, min_size=0, max_size=30),
        min_size=1,
    )
)
def test_pupils_outside_a_partition_are_never_given_away_by_subtraction(pupils_by_unit):
    # The attacker knows the true relations: all = low + middle + high + the unbanded, the
    # trust's unbanded = the academies' unbanded; the unbanded are never shown.
    cohorts, relations = table_of(pupils_by_unit)
    units = [*pupils_by_unit, "trust"]
    rest = disclosure.rest_group(("prior_low", "prior_middle", "prior_high"))
    rests = disclosure.rest_cohorts(cohorts, units)
    rests = {cell: n for cell, n in rests.items() if cell[1] == rest}
    true_relations = [
        Relation(r.total, (*r.parts, (r.total[0], rest)))
        if r.parts and r.parts[0][1] == "prior_low" and r.total[1] == "all"
        else r
        for r in relations
    ] + [Relation(("trust", rest), tuple((u, rest) for u in pupils_by_unit))]
    hidden = protect({**cohorts, **rests}, true_relations, unseen=rests)
    assert not any(cell in hidden for cell in rests), "an unseen cell is never in the answer"
    unknown = set(hidden) | {c for c, n in rests.items() if n > 0}
    found = recoverable(unknown, true_relations)
    assert not found & set(hidden), "a hidden figure is worked out"
    small_rests = {c for c, n in rests.items() if 0 < n <= 5}
    assert not found & small_rests, "5 or fewer unbanded pupils are worked out as all - bands"


def test_an_unbanded_remainder_spares_the_bands_and_a_small_one_is_protected():
    # 30 pupils: 3 low, 12 middle, 8 high and 7 with no band. Hiding low alone is safe: all -
    # middle - high is low + the 7 unbanded, which no reader can split.
    rest = disclosure.rest_group(("prior_low", "prior_middle", "prior_high"))
    parts = (("a", "prior_low"), ("a", "prior_middle"), ("a", "prior_high"), ("a", rest))
    rel = [Relation(("a", "all"), parts)]
    cohorts = {("a", "all"): 30, parts[0]: 3, parts[1]: 12, parts[2]: 8, parts[3]: 7}
    assert protect(cohorts, rel, unseen=[parts[3]]) == {parts[0]: PRIMARY}
    # Only 2 unbanded: all - the bands would give those 2 away, so a band is hidden too.
    cohorts = {("a", "all"): 30, parts[0]: 10, parts[1]: 12, parts[2]: 6, parts[3]: 2}
    hidden = protect(cohorts, rel, unseen=[parts[3]])
    assert hidden == {parts[2]: SECONDARY}  # the smallest band, never "all"


def test_a_groups_figure_is_given_up_before_an_all_pupils_figure():
    # Academy a's 4 SEND pupils: the complement hidden is a's "no SEND" (a group), never the
    # trust's or a's all-pupils figure, though those are aggregates and cheaper by unit.
    from assessment.kpis.figures import _hiding_cost

    cohorts = {
        (1, "all"): 30, (1, "send"): 4, (1, "no_send"): 26,
        (2, "all"): 40, (2, "send"): 9, (2, "no_send"): 31,
        ("trust", "all"): 70, ("trust", "send"): 13, ("trust", "no_send"): 57,
    }  # fmt: skip
    rels = disclosure.kpi_relations([1, 2, "trust"], ["all", "send", "no_send"], {"trust": [1, 2]})
    rests = disclosure.rest_cohorts(cohorts, [1, 2, "trust"])
    hidden = protect({**cohorts, **rests}, rels, cost=_hiding_cost, unseen=rests)
    assert hidden[(1, "send")] == PRIMARY
    assert not any(g == "all" for _, g in hidden)
    assert not recoverable(set(hidden), [r for r in rels if "rest" not in str(r)])


def _relations_of(table: dict) -> list[Relation]:
    """What a reader of a table knows: each unit's all = the parts of each partition, and the
    trust's figure as the sum of its academies'."""
    units = sorted({u for u, _ in table}, key=str)
    academies = [u for u in units if u != "trust"]
    return [
        Relation((u, "all"), tuple((u, g) for g in p))
        for u in units
        for p in PARTITIONS
        if (u, "all") in table and all((u, g) in table for g in p)
    ] + [
        Relation(("trust", g), tuple((u, g) for u in academies if (u, g) in table))
        for g in GROUPS
        if ("trust", g) in table and academies
    ]


@pytest.mark.django_db
def test_no_subtraction_over_the_csv_exports_and_the_report_csv_recovers_a_hidden_figure(
    dataset, client_for
):
    """Issue 16: suppressed figures were recoverable by subtraction over the API and in report
    CSVs. The trust table's CSV, read for every group, and the report's figures CSV (academy and
    trust) are each taken whole as the attacker's table: the hidden cells are the API's (or
    more), none is fixed by any sum or difference of what is shown, and no hidden figure or
    its cohort is printed."""
    import csv as csvlib

    from assessment.kpis.catalogue import KPIS
    from assessment.kpis.display import GROUP_LABELS

    tw = dataset
    urn0 = tw.academies[0].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))
    hidden_values = {f"{v:.1f}" for v in (DIS_0, NON_DIS_0)} | {
        f"{v:.2f}" for v in (DIS_0, NON_DIS_0)
    }
    for kpi in ("absence", "persistent_absence"):
        api = _api_table(leader, kpi)
        api_hidden = {cell for cell, row in api.items() if row["suppressed"]}
        label = KPIS[kpi].label
        # The trust table's CSV, one export per group, joined into one table.
        table: dict = {}
        for group in GROUPS:
            text = leader.get(
                "/t/alpha/kpis/export.csv", {"term": TERM, "group": group}
            ).content.decode("utf-8-sig")
            rows = list(csvlib.reader(text.splitlines()))
            if label not in rows[0]:  # no pupil of this group: the measure has no column
                continue
            column = rows[0].index(label)
            for row in rows[1:]:
                if row[1]:  # an academy (the national rows have no URN)
                    table[(row[1], group)] = row[column]
        # The attacker also has the API's trust row.
        table.update({c: r for c, r in api.items() if c[0] == "trust"})
        hidden = {
            c
            for c, v in table.items()
            if (v["suppressed"] if isinstance(v, dict) else "suppressed" in v)
        }
        assert {(urn0, "disadvantaged"), (urn0, "non_disadvantaged")} <= hidden
        assert {c for c in api_hidden if c[0] != "trust"} <= hidden, (
            "the CSV shows what the API hides"
        )
        assert not recoverable(hidden, _relations_of(table)), kpi
        for cell in hidden:
            if not isinstance(table[cell], dict):
                assert not any(v in table[cell] for v in hidden_values), (cell, table[cell])
    # The report's figures CSV, for the academy and for the trust.
    # The report names the complement more briefly than the table does.
    by_label = {v: k for k, v in GROUP_LABELS.items()} | {"Not disadvantaged": "non_disadvantaged"}
    for academy, unit in ((tw.academies[0], urn0), (None, "trust")):
        with tw.scope():
            report = report_generate(
                report=report_request(
                    actor=None, trust=tw.trust, term_code=TERM, academy=academy, enqueue=False
                )
            )
        response = leader.get(f"/t/alpha/reports/{report.pk}/figures.csv")
        assert response.status_code == 200
        rows = list(csvlib.DictReader(response.content.decode("utf-8-sig").splitlines()))
        assert {r["Pupil group"] for r in rows} <= set(by_label), "a group the test cannot place"
        for kpi in ("absence", "persistent_absence"):
            mine = {
                (unit, by_label[r["Pupil group"]]): r
                for r in rows
                if r["Measure"] == KPIS[kpi].label and r["Pupil group"] in by_label
            }
            assert mine, (kpi, unit)
            hidden = {c for c, r in mine.items() if "suppressed" in r["Value"]}
            if unit == urn0:
                assert {(urn0, "disadvantaged"), (urn0, "non_disadvantaged")} <= hidden
            for cell in hidden:
                r = mine[cell]
                assert not r["Pupils"].strip().isdigit(), (cell, r)  # no cohort of a hidden group
                assert not any(v in r["Value"] for v in hidden_values), (cell, r)
            assert not recoverable(hidden, _relations_of(mine)), (kpi, unit)
