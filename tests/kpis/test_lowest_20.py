"""Seed 003's EYFS progress benchmark, "Nursery data - lowest 20% (blue dot)": of the Reception
children their school flagged as the lowest 20% on entry, those reaching a good level of
development by the end of Reception. Worked by hand:

Sixteen Reception children this summer (flag: where and what | GLD):
  c1-c4  Y in Nursery (N2) last year          | Y Y N N
  c5-c6  Y in Reception this year             | Y N
  c7     Y in the first nursery year (N1) two years ago | N
  c8     Y in N2 last year, N in Reception this year (re-assessed: the latest flag counts) | N
  c9-c16 no flag                               | Y Y Y Y Y N N N
  -> flagged: c1-c7 = 7, of whom c1 c2 c5 reached GLD: 3 of 7 = 42.9%.
  GLD of all sixteen: c1 c2 c5 c9-c13 = 8 of 16 = 50.0%; the nine not flagged are more than 5,
  so the subset gives no small group away and both are shown.
"""

from __future__ import annotations

import pytest

from assessment.kpis.catalogue import DEFINITIONS, KPIS, PupilFacts, compute, no_national_reason
from assessment.kpis.primary import SUBSET_OF
from phases.heatmap import columns
from tests.kpis import data
from tests.kpis.test_primary_kpis import _check
from trust_si.accounts.roles import Role
from trust_si.vocab import words

SUMMER = "2025-26-summer"
GLD = {1: "Y", 2: "Y", 3: "N", 4: "N", 5: "Y", 6: "N", 7: "N", 8: "N"}
GLD |= {9: "Y", 10: "Y", 11: "Y", 12: "Y", 13: "Y", 14: "N", 15: "N", 16: "N"}
IN_N2 = {1: "Y", 2: "Y", 3: "Y", 4: "Y", 8: "Y"}
IN_RECEPTION = {5: "Y", 6: "Y", 8: "N"}
IN_N1 = {7: "Y"}


def _facts(n):
    results = {("eyfs", "gld"): (GLD[n], None)}
    if n in IN_RECEPTION:
        results[("eyfs", "lowest_20")] = (IN_RECEPTION[n], None)
    if n in IN_N2:
        results[("eyfs", "lowest_20@N2")] = (IN_N2[n], None)
    if n in IN_N1:
        results[("eyfs", "lowest_20@N1")] = (IN_N1[n], None)
    return PupilFacts("R", False, "", False, "F", "middle", results)


def test_the_lowest_20_percent_reaching_gld_worked_by_hand():
    figure = compute(KPIS["eyfs_lowest_20_gld"], [_facts(n) for n in GLD], "all")
    assert (round(figure.value, 1), figure.cohort) == (42.9, 7)
    # A subset of GLD's children: hidden where the children not flagged are 1 to 5.
    assert SUBSET_OF["eyfs_lowest_20_gld"] == "eyfs_gld"


def test_it_is_defined_in_words_as_the_trusts_own_measure_and_not_a_heat_map_column():
    text, source = DEFINITIONS["eyfs_lowest_20_gld"]
    assert "lowest 20% on entry" in text and "not a DfE statistic" in source
    assert no_national_reason("eyfs_lowest_20_gld") == "no national figure: the trust's own measure"
    assert "lowest 20%" in words("eyfs_lowest_20_gld")
    assert "eyfs_lowest_20_gld" not in {c.code for c in columns()}


def test_a_flag_with_the_wrong_subject_or_value_is_reported_by_row_column_and_reason():
    problems = _check(
        [
            "A000000000001,eyfs,lowest_20,Y",
            "A000000000002,reading,lowest_20,Y",
            "A000000000003,eyfs,lowest_20,maybe",
        ]
    )
    rows = {(row, column) for row, column, _ in problems}
    assert (3, "subject") in rows and (4, "value") in rows and not {r for r in rows if r[0] == 2}


@pytest.mark.django_db
def test_the_api_follows_the_nursery_flag_to_the_end_of_reception(world, client_for):
    tw = world.a
    data.pupils(tw, [(n, "R", False, "F", "") for n in GLD])
    data.pupils(tw, [(n, "N2", False, "F", "") for n in IN_N2], year="2024-25")
    data.pupils(tw, [(n, "N1", False, "F", "") for n in IN_N1], year="2023-24")
    data.results(tw, GLD, SUMMER, "eyfs", "gld")
    data.results(tw, IN_RECEPTION, SUMMER, "eyfs", "lowest_20")
    data.results(tw, IN_N2, "2024-25-summer", "eyfs", "lowest_20")
    data.results(tw, IN_N1, "2023-24-spring", "eyfs", "lowest_20")
    leader = client_for(tw.user(Role.TRUST_LEADER))
    rows = leader.get(
        "/api/v1/t/alpha/kpis/", {"term": SUMMER, "urn": tw.academies[0].urn, "group": "all"}
    ).json()["results"]
    by = {r["kpi"]: r for r in rows}
    assert (by["eyfs_lowest_20_gld"]["value"], by["eyfs_lowest_20_gld"]["cohort"]) == (42.9, 7)
    assert (by["eyfs_gld"]["value"], by["eyfs_gld"]["cohort"]) == (50.0, 16)
    page = leader.get(f"/t/alpha/kpis/{tw.academies[0].urn}/", {"term": SUMMER}).content.decode()
    assert "reached by the lowest 20% on entry" in page
