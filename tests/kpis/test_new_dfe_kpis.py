"""KPIs added with DfE's definitions, from what the uploads already carry: the KS2 higher
standard (a high score, scaled score 110 or more, in reading and maths; greater depth in
writing) EBacc entry (every EBacc subject area entered, over every pupil at the end of KS4) and severe
absence (50% or more of possible sessions missed).

Hand-computed, eight Year 6 pupils (reading, maths, writing):
  1: 112 110 GDS   2: 110 108 EXS   3: 109 111 GDS   4: 118 109 GDS
  5: 100 100 EXS   6: 111 112 GDS   7:  95  98 WTS   8: 120 110 GDS
reading high 1, 2, 4, 6, 8 = 5 of 8 = 62.5%; maths high 1, 3, 6, 8 = 4 of 8 = 50.0%;
all three 1, 6, 8 = 3 of 8 = 37.5% (110 exactly counts, 109 does not).
Ten Year 8 pupils, 100 sessions each, missing 50, 49, 80, 10 and 0 (six): severe absence
2 of 10 = 20.0%; persistent absence (10% or more) 4 of 10 = 40.0%.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessment.kpis.catalogue import DEFINITIONS, KPIS, PupilFacts, compute
from reporting.services import report_generate, report_request
from tests.kpis import data
from trust_si.accounts.roles import Role

SUMMER = "2025-26-summer"
Y6 = {
    1: (112, 110, "GDS"),
    2: (110, 108, "EXS"),
    3: (109, 111, "GDS"),
    4: (118, 109, "GDS"),
    5: (100, 100, "EXS"),
    6: (111, 112, "GDS"),
    7: (95, 98, "WTS"),
    8: (120, 110, "GDS"),
}
MISSED = [50, 49, 80, 10, 0, 0, 0, 0, 0, 0]


def _facts(reading, maths, writing):
    return PupilFacts(
        "6",
        False,
        "",
        False,
        "F",
        "middle",
        {
            ("reading", "scaled_score"): (str(reading), float(reading)),
            ("maths", "scaled_score"): (str(maths), float(maths)),
            ("writing", "ta"): (writing, None),
        },
    )


def test_the_ks2_higher_standard_worked_by_hand():
    facts = [_facts(*v) for v in Y6.values()]
    got = {
        code: (compute(KPIS[code], facts, "all").value, compute(KPIS[code], facts, "all").cohort)
        for code in ("ks2_reading_high", "ks2_maths_high", "ks2_rwm_high")
    }
    assert got == {
        "ks2_reading_high": (62.5, 8),
        "ks2_maths_high": (50.0, 8),
        "ks2_rwm_high": (37.5, 8),
    }


def test_severe_absence_worked_by_hand():
    facts = [PupilFacts("8", False, "", False, "F", "", {}, 100, m) for m in MISSED]
    severe = compute(KPIS["severe_absence"], facts, "all")
    assert (severe.value, severe.cohort) == (20.0, 10)
    assert compute(KPIS["persistent_absence"], facts, "all").value == 40.0
    # Reception and Year 12 are outside compulsory school age, as for DfE's other absence KPIs.
    outside = [PupilFacts(yg, False, "", False, "F", "", {}, 100, 90) for yg in ("R", "12")]
    assert compute(KPIS["severe_absence"], [*facts, *outside], "all").cohort == 10


def _gcse(*subjects, x=()):
    results = {(s, "gcse_grade"): ("5", 5.0) for s in subjects}
    results.update({(s, "gcse_grade"): ("X", None) for s in x})
    return PupilFacts("11", False, "", False, "F", "", results)


EBACC = ("english_language", "english_literature", "maths", "history", "french")


def test_ebacc_entry_worked_by_hand():
    pupils = [
        _gcse(*EBACC, "combined_science"),  # entered
        _gcse(*EBACC, "biology", "chemistry", "computing"),  # entered: three single sciences
        _gcse(*EBACC, "biology", "chemistry"),  # two single sciences: not entered
        _gcse("english_language", "maths", "history", "french", "combined_science"),  # no lit
        _gcse(*EBACC, x=("combined_science",)),  # X is no result: not entered
        PupilFacts("11", False, "", False, "F", "", {}),  # no results: in the denominator
    ]
    figure = compute(KPIS["ks4_ebacc_entry"], pupils, "all")
    assert (round(figure.value, 2), figure.cohort) == (33.33, 6)
    # Before any KS4 result arrives there is no figure, not 0%.
    assert compute(KPIS["ks4_ebacc_entry"], pupils[-1:], "all").value is None


def test_each_new_kpi_names_dfes_definition_and_source():
    for code in (
        "ks2_reading_high",
        "ks2_maths_high",
        "ks2_rwm_high",
        "ks4_ebacc_entry",
        "severe_absence",
    ):
        definition, source = DEFINITIONS[code]
        assert definition and source.startswith("DfE, "), code
    assert "110 or more" in DEFINITIONS["ks2_rwm_high"][0]
    assert "50% or more" in DEFINITIONS["severe_absence"][0]


@pytest.fixture
def seeded(world):
    tw = world.a
    data.pupils(tw, [(n, "6", False, "F", "middle") for n in Y6])
    data.results(tw, {n: v[0] for n, v in Y6.items()}, SUMMER, "reading", "scaled_score")
    data.results(tw, {n: v[1] for n, v in Y6.items()}, SUMMER, "maths", "scaled_score")
    data.results(tw, {n: v[2] for n, v in Y6.items()}, SUMMER, "writing", "ta")
    data.pupils(tw, [(100 + i, "8", False, "F", "") for i in range(10)])
    data.attendance(tw, {100 + i: m for i, m in enumerate(MISSED)}, SUMMER)
    return tw


@pytest.mark.django_db
def test_the_api_and_kpi_page_give_the_new_kpis_with_their_definitions(seeded, client_for):
    tw = seeded
    urn = tw.academies[0].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))
    rows = leader.get("/api/v1/t/alpha/kpis/", {"term": SUMMER, "urn": urn, "group": "all"})
    by = {r["kpi"]: r for r in rows.json()["results"]}
    assert (by["ks2_reading_high"]["value"], by["ks2_reading_high"]["cohort"]) == (62.5, 8)
    assert by["ks2_maths_high"]["value"] == 50.0
    assert by["ks2_rwm_high"]["value"] == 37.5
    assert (by["severe_absence"]["value"], by["severe_absence"]["cohort"]) == (20.0, 10)
    page = leader.get(f"/t/alpha/kpis/{urn}/", {"term": SUMMER}).content.decode()
    assert "KS2 reading, writing and maths: higher standard" in page
    assert "scaled score of 110 or more" in page and "missing 50% or more" in page


@pytest.mark.django_db
def test_the_governor_report_glossary_defines_them(seeded):
    tw = seeded
    with tw.scope():
        report = report_generate(
            report=report_request(
                actor=None, trust=tw.trust, term_code=SUMMER, academy=tw.academies[0], enqueue=False
            )
        )
        with report.pdf.open("rb") as fh:
            reader = PdfReader(io.BytesIO(fh.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Severe absence (50% or more)" in text and "missing 50% or more" in text
    assert "working at greater depth in writing" in text
