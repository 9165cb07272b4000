"""EBacc average point score, by DfE's definition (secondary accountability measures guide):
six slots, English (the better of language and literature, both taken), maths, two sciences,
the better humanity, the best language; an empty slot scores 0; total / 6; the mean over every
pupil at the end of key stage 4.

Worked by hand, six Year 11 pupils (GCSE grades; U counts 0, X is no entry):
  1: lang 6, lit 5, maths 7, combined 5, history 4, geography 6, French 3
     -> 6 + 7 + (5 + 5) + 6 + 3 = 32
  2: lang 5 (no literature), maths 4, biology 6, chemistry 5, physics 7, Spanish 5
     -> 0 + 4 + (7 + 6) + 0 + 5 = 22  (English needs both; three single sciences: best two)
  3: lang 4, lit 6, maths 5, biology 8, chemistry 7, geography U, German X
     -> 6 + 5 + 0 + 0 + 0 = 11  (two single sciences fill no slot; U is 0; X no entry)
  4: lang 9, lit 9, maths 9, combined 8, biology 9, chemistry 9, physics 9, history 9,
     French 9, Spanish 7 -> 9 + 9 + (9 + 9) + 9 + 9 = 54  (best two sciences of all)
  5: no results -> 0  (in the denominator)
  6: lang 5, lit 5, maths 5, combined 5, history 5, French 5 -> 30
APS per pupil: 32/6 = 5.33, 22/6 = 3.67, 11/6 = 1.83, 54/6 = 9.00, 0, 30/6 = 5.00;
the school's: 149 / 36 = 4.1389 -> 4.14 (DfE publishes it to two decimals).
"""

from __future__ import annotations

import pytest

from assessment.kpis.catalogue import DEFINITIONS, KPIS, PupilFacts, compute
from tests.kpis import data
from trust_si.accounts.roles import Role

SUMMER = "2025-26-summer"
PUPILS = {
    1: {
        "english_language": "6",
        "english_literature": "5",
        "maths": "7",
        "combined_science": "5",
        "history": "4",
        "geography": "6",
        "french": "3",
    },
    2: {
        "english_language": "5",
        "maths": "4",
        "biology": "6",
        "chemistry": "5",
        "physics": "7",
        "spanish": "5",
    },
    3: {
        "english_language": "4",
        "english_literature": "6",
        "maths": "5",
        "biology": "8",
        "chemistry": "7",
        "geography": "U",
        "german": "X",
    },
    4: {
        "english_language": "9",
        "english_literature": "9",
        "maths": "9",
        "combined_science": "8",
        "biology": "9",
        "chemistry": "9",
        "physics": "9",
        "history": "9",
        "french": "9",
        "spanish": "7",
    },
    5: {},
    6: {
        "english_language": "5",
        "english_literature": "5",
        "maths": "5",
        "combined_science": "5",
        "history": "5",
        "french": "5",
    },
}


def _numeric(grade):
    return float(grade) if grade.isdigit() else None


def _facts(grades):
    return PupilFacts(
        "11",
        False,
        "",
        False,
        "F",
        "",
        {(s, "gcse_grade"): (g, _numeric(g)) for s, g in grades.items()},
    )


def test_ebacc_aps_worked_by_hand():
    kpi = KPIS["ks4_ebacc_aps"]
    per_pupil = [round(kpi.average(_facts(g)), 2) for g in PUPILS.values()]
    assert per_pupil == [5.33, 3.67, 1.83, 9.0, 0.0, 5.0]
    figure = compute(kpi, [_facts(g) for g in PUPILS.values()], "all")
    assert (round(figure.value, 2), figure.cohort) == (4.14, 6)
    # Before any KS4 result arrives there is no figure, not 0.
    assert compute(kpi, [_facts({})], "all").value is None


def test_ebacc_aps_names_dfes_definition_and_source():
    definition, source = DEFINITIONS["ks4_ebacc_aps"]
    assert "divided by 6" in definition and "both taken" in definition
    assert source.startswith("DfE, Secondary accountability measures guide")


@pytest.fixture
def seeded(world):
    tw = world.a
    data.pupils(tw, [(n, "11", False, "F", "") for n in PUPILS])
    subjects = {s for grades in PUPILS.values() for s in grades}
    for subject in sorted(subjects):
        grades = {n: g[subject] for n, g in PUPILS.items() if subject in g}
        data.results(tw, grades, SUMMER, subject, "gcse_grade")
    return tw


@pytest.mark.django_db
def test_the_api_and_kpi_page_give_ebacc_aps_to_two_decimals(seeded, client_for):
    tw = seeded
    urn = tw.academies[0].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))
    rows = leader.get("/api/v1/t/alpha/kpis/", {"term": SUMMER, "urn": urn, "group": "all"})
    by = {r["kpi"]: r for r in rows.json()["results"]}
    assert (by["ks4_ebacc_aps"]["value"], by["ks4_ebacc_aps"]["cohort"]) == (4.14, 6)
    page = leader.get(f"/t/alpha/kpis/{urn}/", {"term": SUMMER}).content.decode()
    assert "KS4 EBacc average point score" in page
    assert "4.14" in page
    assert "the total is divided by 6" in page
    # DfE's national figure: 2025-26 is not published, so the latest (2024-25), labelled.
    assert "4.08" in page and "latest published: 2024-25" in page
