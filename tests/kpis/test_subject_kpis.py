"""Subjects as subjects (issue 12): KS2 science teacher assessment, English and maths alone at
KS4 (grades 4 and 5), the trust's own KS4 science measure, and in-year teacher assessment of
science and of the trust's own subjects. Each worked by hand.

Six Year 11 pupils (GCSE grades; U counts 0, X is no entry, every pupil is in the denominator):
  1: language 5, literature 3, maths 6, combined science 4   -> E4 E5 M4 M5 S4
  2: literature 4 (no language), maths 4, biology 3, physics 5 -> E4 M4 S4 (best single: 5)
  3: language 3, literature 3, maths 5, chemistry 3           -> M4 M5
  4: language 7, maths 3, combined science 3, biology 4       -> E4 E5 S4 (better of both)
  5: language U, maths X                                      -> none
  6: no results                                               -> none (still counted)
English 4+: 1, 2, 4 = 3/6 = 50.0%; English 5+: 1, 4 = 33.3%; maths 4+: 1, 2, 3 = 50.0%;
maths 5+: 1, 3 = 33.3%; science 4+: 1, 2, 4 = 50.0%.

Six Year 6 pupils' KS2 science teacher assessment: EXS, EXS, GDS, HNM, HNM, EXS -> 4/6 = 66.7%.
"""

from __future__ import annotations

import pytest

from assessment.kpis.catalogue import (
    DEFINITIONS,
    KPIS,
    PupilFacts,
    assessment_of,
    compute,
    no_national_reason,
)
from tests.kpis import data
from trust_si.accounts.roles import Role
from trust_si.vocab import words

SUMMER = "2025-26-summer"
GRADES = {
    1: {"english_language": "5", "english_literature": "3", "maths": "6", "combined_science": "4"},
    2: {"english_literature": "4", "maths": "4", "biology": "3", "physics": "5"},
    3: {"english_language": "3", "english_literature": "3", "maths": "5", "chemistry": "3"},
    4: {"english_language": "7", "maths": "3", "combined_science": "3", "biology": "4"},
    5: {"english_language": "U", "maths": "X"},
    6: {},
}
SCIENCE_TA = {11: "EXS", 12: "EXS", 13: "GDS", 14: "HNM", 15: "HNM", 16: "EXS"}


def _numeric(grade):
    return float(grade) if grade.isdigit() else None


def _facts(results, year_group="11", measure="gcse_grade"):
    return PupilFacts(
        year_group,
        False,
        "",
        False,
        "F",
        "",
        {(s, measure): (g, _numeric(g)) for s, g in results.items()},
    )


@pytest.mark.parametrize(
    ("code", "per_pupil", "value"),
    [
        ("ks4_english4", [True, True, False, True, False, False], 50.0),
        ("ks4_english5", [True, False, False, True, False, False], 33.3),
        ("ks4_maths4", [True, True, True, False, False, False], 50.0),
        ("ks4_maths5", [True, False, True, False, False, False], 33.3),
        ("ks4_science4", [True, True, False, True, False, False], 50.0),
    ],
)
def test_ks4_english_maths_and_science_alone_worked_by_hand(code, per_pupil, value):
    kpi = KPIS[code]
    assert [kpi.meets(_facts(g)) for g in GRADES.values()] == per_pupil
    figure = compute(kpi, [_facts(g) for g in GRADES.values()], "all")
    assert (round(figure.value, 1), figure.cohort) == (value, 6)
    # Before any KS4 result arrives there is no figure, not 0%.
    assert compute(kpi, [_facts({})], "all").value is None


def test_ks2_science_teacher_assessment_worked_by_hand():
    kpi = KPIS["ks2_science_exp"]
    pupils = [_facts({"science": v}, "6", "ta") for v in SCIENCE_TA.values()]
    figure = compute(kpi, pupils, "all")
    assert (round(figure.value, 1), figure.cohort) == (66.7, 6)
    # The summer's teacher assessment is DfE's statutory one; an autumn one is in year.
    assert assessment_of("ks2_science_exp", SUMMER) == "statutory"
    assert assessment_of("ks2_science_exp", "2025-26-autumn") == "in_year"


def test_in_year_science_and_the_trusts_own_subjects_worked_by_hand():
    ta = ["ARE", "ABV", "BLW", "ARE"]  # 3 of 4 at or above age-related expectations
    for code, subject in (("ta_science_are", "science"), ("ta_history_are", "history")):
        pupils = [_facts({subject: v}, "8", "ta") for v in ta]
        assert compute(KPIS[code], pupils, "all").value == 75.0
        assert assessment_of(code, SUMMER) == "in_year"
        assert KPIS[code].subject == subject


def test_definitions_say_whose_measure_each_is_in_words():
    science, source = DEFINITIONS["ks4_science4"]
    assert "combined science, or the best of biology, chemistry and physics" in science
    assert source.startswith("The trust's own measure, not a DfE statistic")
    assert no_national_reason("ks4_science4") == "no national figure: the trust's own measure"
    assert DEFINITIONS["ks4_english4"][1].startswith("DfE, Key stage 4 performance")
    assert "PTEBACMAT_94" in DEFINITIONS["ks4_maths4"][0]
    assert "no national figure shipped" in no_national_reason("ks4_maths4")
    assert DEFINITIONS["ks2_science_exp"][1].startswith("DfE, Key stage 2 attainment")
    assert no_national_reason("ks2_science_exp") is None  # DfE's figure is shipped
    for code, word in (
        ("ta_history_are", "History: at age-related expectations"),
        ("ta_re_are", "Religious education: at age-related expectations"),
        ("ks4_english4", "KS4 English: grade 4 or above"),
    ):
        assert words(code) == word
    assert words("design_technology") == "Design and technology"


@pytest.fixture
def seeded(world):
    tw = world.a
    # A secondary's six Year 11 pupils: two disadvantaged, a group of 5 or fewer.
    data.pupils(tw, [(n, "11", n <= 2, "F", "") for n in GRADES])
    for subject in sorted({s for g in GRADES.values() for s in g}):
        grades = {n: g[subject] for n, g in GRADES.items() if subject in g}
        data.results(tw, grades, SUMMER, subject, "gcse_grade")
    data.pupils(tw, [(n, "6", False, "M", "") for n in SCIENCE_TA])
    data.results(tw, SCIENCE_TA, SUMMER, "science", "ta")
    return tw


@pytest.mark.django_db
def test_the_api_and_kpi_page_give_the_subject_kpis_through_disclosure(seeded, client_for):
    tw = seeded
    urn = tw.academies[0].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))
    rows = leader.get("/api/v1/t/alpha/kpis/", {"term": SUMMER, "urn": urn, "group": "all"})
    by = {r["kpi"]: r for r in rows.json()["results"]}
    assert (by["ks4_english4"]["value"], by["ks4_english4"]["cohort"]) == (50.0, 6)
    assert (by["ks4_maths5"]["value"], by["ks4_maths5"]["cohort"]) == (33.3, 6)
    assert (by["ks4_science4"]["value"], by["ks4_science4"]["cohort"]) == (50.0, 6)
    assert (by["ks2_science_exp"]["value"], by["ks2_science_exp"]["cohort"]) == (66.7, 6)
    # Two disadvantaged pupils, and the four others would give them away by subtraction.
    for group in ("disadvantaged", "non_disadvantaged"):
        rows = leader.get("/api/v1/t/alpha/kpis/", {"term": SUMMER, "urn": urn, "group": group})
        by = {r["kpi"]: r for r in rows.json()["results"]}
        for code in ("ks4_english4", "ks4_maths4", "ks4_science4"):
            assert by[code]["suppressed"] and by[code]["value"] is None, (group, code)
    page = leader.get(f"/t/alpha/kpis/{urn}/", {"term": SUMMER}).content.decode()
    assert "KS4 English grade 4+" in page and "KS4 science grade 4+" in page
    assert "the trust&#x27;s own measure" in page.lower() or "the trust's own measure" in page
    assert "ks4_english4" not in page.replace('value="ks4_english4"', "")
