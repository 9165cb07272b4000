"""Primary KPIs of issue 13 (i13-4a), each worked by hand: GPS at KS2, the Year 4 multiplication
tables check, phonics by the end of Year 2, the EYFS prime areas and seed 003's cohort measures.

GPS, eight Year 6 pupils: 112 110 109 100 99 95 118 A.
  expected (100+): 112 110 109 100 118 = 5 of 8 = 62.5%; higher (110+): 112 110 118 = 3 of 8
  = 37.5%. A (absent) counts in the denominator as not met, as for reading and maths.
Multiplication tables check, ten Year 4 pupils: 25 25 25 20 18 24 25 10 22 A.
  average of the nine who took it: 194 / 9 = 21.56 -> 21.6; full marks: 4 of all 10 = 40.0%.
Phonics by the end of Year 2, nine Year 2 pupils (Year 1 last year | Year 2 this year):
  p1 WA | -      met          p2 36 | -    met         p3 28 | 33   met (retake)
  p4 WT | WT     not met      p5 A | 35    met         p6 20 | -    not met (no retake)
  p7 -  | 34     met (new to the trust)    p8 WA at the trust's other academy | -  met
  p9 -  | -      not counted (no result in either year)
  -> 6 of 8 = 75.0%. Year 1 non-passers meeting it in Year 2 (seed 003): p3, p4, p5, p6 ->
  p3, p5 = 2 of 4 = 50.0%, which 4 pupils make a suppressed figure.
EYFS, eight Reception children (C&L, PSED, PD, literacy, maths; gld row):
  r1 E E E E E | Y    r2 E E E m E | N    r3 E m E E E | N    r4 E E m E E | N
  r5 E E E E E | -    r6 (no areas)| Y    r7 E E E E m | -    r8 E E . . . | -
  prime areas: r1 r2 r5 r7 of r1-r5 r7 = 4 of 6 = 66.7%;
  GLD: r1 r5 (worked out) r6 of r1-r7 (r7 worked out N; r8 has neither) = 3 of 7 = 42.9%.
Year 1 phonics of last year's GLD pupils (seed 003), eight Year 1 pupils (GLD | phonics):
  q1 Y|35 met  q2 Y|WT  q3 N|WA (not counted)  q4 all five areas expected|32 met  q5 Y|31
  q6 Y|WA met  q7 Y|WA met  q8 none|WA (not counted) -> 4 of 6 = 66.7%. Beside Year 1
  phonics (6 of 8) it would give q3 and q8 away (both met), so the API hides it.
Year 2 at ARE in reading, writing and maths of the pupils with GLD two years before (seed 003):
  p1-p6 had GLD Y in 2023-24: p1 EXS EXS EXS, p2 EXS WTS EXS, p3 GDS GDS EXS, p4 WTS WTS WTS,
  p5 EXS EXS GDS, p6 ARE ARE ARE -> p1 p3 p5 p6 = 4 of 6 = 66.7%.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessment.kinds import KINDS
from assessment.kpis.catalogue import (
    DEFINITIONS,
    GROUPS,
    KPIS,
    PupilFacts,
    compute,
    compute_groups,
    no_national_reason,
)
from assessment.kpis.figures import _subset_cells
from assessment.models import Result, UploadStatus
from assessment.parsing import check_rows, match_headers, read_table
from phases.heatmap import columns
from phases.pipeline import recompute_run
from reporting.services import report_generate, report_request
from tests.assessment.test_uploads import PUPILS, UPN1, _confirm, _upload
from tests.factories import AcademyFactory
from tests.kpis import data
from trust_si.accounts.roles import Role

SUMMER = "2025-26-summer"
LAST_SUMMER = "2024-25-summer"
TWO_SUMMERS_AGO = "2023-24-summer"
GPS = {1: "112", 2: "110", 3: "109", 4: "100", 5: "99", 6: "95", 7: "118", 8: "A"}
MTC = {20 + i: v for i, v in enumerate(["25", "25", "25", "20", "18", "24", "25", "10", "22", "A"])}
PHONICS_Y1 = {41: "WA", 42: "36", 43: "28", 44: "WT", 45: "A", 46: "20", 48: "WA"}
PHONICS_Y2 = {43: "33", 44: "WT", 45: "35", 47: "34"}
AREAS = ("elg_comm_lang", "elg_psed", "elg_physical", "elg_literacy", "elg_maths")
EYFS = {
    61: ("EEEEE", "Y"),
    62: ("EEEmE", "N"),
    63: ("EmEEE", "N"),
    64: ("EEmEE", "N"),
    65: ("EEEEE", None),
    66: ("", "Y"),
    67: ("EEEEm", None),
    68: ("EE", None),
}
GLD_THEN = {81: "Y", 82: "Y", 83: "N", 85: "Y", 86: "Y", 87: "Y"}  # 84: from the five areas
PHONICS_NOW = {81: "35", 82: "WT", 83: "WA", 84: "32", 85: "31", 86: "WA", 87: "WA", 88: "WA"}
ARE_Y2 = {
    41: ("EXS", "EXS", "EXS"),
    42: ("EXS", "WTS", "EXS"),
    43: ("GDS", "GDS", "EXS"),
    44: ("WTS", "WTS", "WTS"),
    45: ("EXS", "EXS", "GDS"),
    46: ("ARE", "ARE", "ARE"),
}


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def _facts(year_group, results):
    return PupilFacts(year_group, False, "", False, "F", "middle", results)


def _area_results(letters, prefix=""):
    return {
        ("eyfs", f"{a}{prefix}"): ("EXPECTED" if x == "E" else "EMERGING", None)
        for a, x in zip(AREAS, letters, strict=False)
    }


def _value(code, facts):
    figure = compute(KPIS[code], facts, "all")
    return (None if figure.value is None else round(figure.value, 1), figure.cohort)


def test_gps_and_the_multiplication_tables_check_worked_by_hand():
    gps = [_facts("6", {("gps", "scaled_score"): (v, _number(v))}) for v in GPS.values()]
    assert _value("ks2_gps_exp", gps) == (62.5, 8)
    assert _value("ks2_gps_high", gps) == (37.5, 8)
    mtc = [_facts("4", {("mtc", "mtc"): (v, _number(v))}) for v in MTC.values()]
    assert _value("y4_mtc_average", mtc) == (21.6, 9)
    assert _value("y4_mtc_full_marks", mtc) == (40.0, 10)
    # Another year group's check is not Year 4's.
    assert _value("y4_mtc_average", [_facts("5", {("mtc", "mtc"): ("25", 25.0)})]) == (None, 0)


def test_phonics_by_the_end_of_year_2_and_the_retakes_worked_by_hand():
    pupils = []
    for n in range(41, 50):
        results = {}
        if n in PHONICS_Y1:
            results[("phonics", "phonics@1")] = (PHONICS_Y1[n], _number(PHONICS_Y1[n]))
        if n in PHONICS_Y2:
            results[("phonics", "phonics")] = (PHONICS_Y2[n], _number(PHONICS_Y2[n]))
        pupils.append(_facts("2", results))
    assert _value("phonics_by_y2", pupils) == (75.0, 8)
    assert _value("y2_phonics_retake_met", pupils) == (50.0, 4)


def test_eyfs_prime_areas_and_gld_from_the_areas_worked_by_hand():
    children = []
    for letters, gld in EYFS.values():
        results = _area_results(letters)
        if gld:
            results[("eyfs", "gld")] = (gld, None)
        children.append(_facts("R", results))
    assert _value("eyfs_prime_areas", children) == (66.7, 6)
    assert _value("eyfs_gld", children) == (42.9, 7)


def test_seed_003_cohort_measures_worked_by_hand():
    year1 = []
    for n, phonics in PHONICS_NOW.items():
        results = {("phonics", "phonics"): (phonics, _number(phonics))}
        if n in GLD_THEN:
            results[("eyfs", "gld@R")] = (GLD_THEN[n], None)
        if n == 84:
            results.update(_area_results("EEEEE", "@R"))
        year1.append(_facts("1", results))
    assert _value("y1_phonics_of_gld", year1) == (66.7, 6)
    assert _value("y1_phonics", year1) == (75.0, 8)
    year2 = [
        _facts(
            "2",
            {
                ("eyfs", "gld@R"): ("Y", None),
                **{(s, "ta"): (v, None) for s, v in zip(("reading", "writing", "maths"), ta)},
            },
        )
        for ta in ARE_Y2.values()
    ]
    assert _value("y2_are_of_gld", year2) == (66.7, 6)


def test_a_subset_measure_is_hidden_where_the_rest_is_a_small_group():
    def pupils(gld_pupils, others):
        made = [
            _facts("1", {("phonics", "phonics"): ("WA", None), ("eyfs", "gld@R"): ("Y", None)})
            for _ in range(gld_pupils)
        ]
        return made + [_facts("1", {("phonics", "phonics"): ("WA", None)}) for _ in range(others)]

    def table(units):
        return {
            (unit, g): f
            for unit, ps in units
            for g, f in compute_groups(KPIS["y1_phonics_of_gld"], ps, GROUPS).items()
        }

    units = [(1, pupils(20, 5)), (2, pupils(20, 6)), (3, pupils(20, 0))]
    forced = _subset_cells("y1_phonics_of_gld", table(units), units, 5)
    # 5 others: hidden; 6 others: shown; none: nothing to give away.
    assert (1, "all") in forced and (2, "all") not in forced and (3, "all") not in forced
    assert _subset_cells("y1_phonics", table(units), units, 5) == []


def test_phonics_by_year_2_is_hidden_where_it_gives_a_small_retake_group_away():
    """Last year's Year 1 phonics is published; this year's phonics by the end of Year 2 counts
    last year's passers and this year's retake passes. So where the retake group (last year's
    non-passers) is 1 to 5 pupils, phonics by the end of Year 2 would give their result away by
    subtraction: it is hidden. Six or more retakes, or none at all, give nothing away."""

    def cohort(passed_y1, retakes):
        made = [_facts("2", {("phonics", "phonics@1"): ("36", 36.0)}) for _ in range(passed_y1)]
        return made + [
            _facts(
                "2", {("phonics", "phonics@1"): ("WT", None), ("phonics", "phonics"): ("33", 33.0)}
            )
            for _ in range(retakes)
        ]

    units = [(1, cohort(20, 4)), (2, cohort(20, 6)), (3, cohort(20, 0))]
    table = {
        (unit, g): f
        for unit, ps in units
        for g, f in compute_groups(KPIS["phonics_by_y2"], ps, GROUPS).items()
    }
    forced = _subset_cells("phonics_by_y2", table, units, 5)
    assert (1, "all") in forced and (2, "all") not in forced and (3, "all") not in forced
    # The trust's higher threshold hides the six too; it is never lowered.
    assert (2, "all") in _subset_cells("phonics_by_y2", table, units, 8)


def test_each_primary_kpi_has_its_definition_source_and_national_words():
    for code in ("ks2_gps_exp", "ks2_gps_high", "y4_mtc_average", "y4_mtc_full_marks"):
        assert DEFINITIONS[code][1].startswith("DfE, "), code
    assert DEFINITIONS["phonics_by_y2"][1].startswith("DfE, Phonics screening check")
    assert (
        "every early learning goal of the three prime areas" in DEFINITIONS["eyfs_prime_areas"][0]
    )
    for code in ("y1_phonics_of_gld", "y2_phonics_retake_met", "y2_are_of_gld"):
        assert "An Daras Trust Improvement Strategy" in DEFINITIONS[code][0]
        assert (
            "not a DfE statistic" in DEFINITIONS[code][1] and "seed 00" not in DEFINITIONS[code][1]
        )
        assert no_national_reason(code) == "no national figure: the trust's own measure"
    # No DfE figure could be checked: the KPI says so rather than "not published for 2025-26".
    assert no_national_reason("eyfs_prime_areas").startswith("no national figure shipped")
    assert no_national_reason("ks2_gps_exp") is None  # a national figure is shipped


def test_the_heat_map_has_a_column_for_each_new_check_only():
    codes = {c.code for c in columns()}
    assert {"ks2_gps_exp", "y4_mtc_average", "phonics_by_y2", "eyfs_prime_areas"} <= codes
    assert not codes & {
        "ks2_gps_high",
        "y4_mtc_full_marks",
        "y1_phonics_of_gld",
        "y2_phonics_retake_met",
        "y2_are_of_gld",
    }


# -- the template: values checked with their row, column and reason ------------------------


def _check(lines):
    table = read_table(("\n".join(["upn,subject,measure,value", *lines]) + "\n").encode(), "r.csv")
    found, missing = match_headers(table.headers, KINDS["results"])
    assert not missing
    return [(p.row, p.column, p.message) for p in check_rows("results", table, found, "s").problems]


def test_bad_gps_mtc_and_eyfs_values_are_reported_by_row_column_and_reason():
    problems = _check(
        [
            "A000000000001,gps,scaled_score,121",
            "A000000000002,mtc,mtc,26",
            "A000000000003,mtc,mtc,20.5",
            "A000000000004,maths,mtc,20",
            "A000000000005,gps,ta,EXS",
            "A000000000006,eyfs,elg_psed,secure",
            "A000000000007,phonics,elg_physical,expected",
            "A000000000008,gps,scaled_score,104",  # valid
            "A000000000009,mtc,mtc,25",  # valid
            "A000000000010,eyfs,elg_maths,Emerging",  # valid (any case)
        ]
    )
    assert problems == [
        (2, "value", "121 is outside 80-120 for scaled_score"),
        (3, "value", "26 is outside 0-25 for mtc"),
        (4, "value", "The multiplication tables check is marked in whole marks, 0-25."),
        (5, "subject", "The measure mtc is recorded with subject mtc."),
        (6, "measure", "The subject gps is recorded with measure scaled_score."),
        (
            7,
            "value",
            "not allowed for elg_psed (EYFS profile, personal, social and emotional development: "
            "expected (at the expected level in every early learning goal of the area) or "
            "emerging)",
        ),
        (8, "subject", "The measure elg_physical is recorded with subject eyfs."),
    ]


def test_a_gld_that_disagrees_with_the_five_areas_is_refused_on_its_row():
    child = "A000000000001"
    other = "A000000000002"
    third = "A000000000003"
    lines = [f"{child},eyfs,gld,Y"]
    lines += [f"{child},eyfs,{a},{'emerging' if a == 'elg_psed' else 'expected'}" for a in AREAS]
    lines += [f"{other},eyfs,gld,N"] + [f"{other},eyfs,{a},expected" for a in AREAS]
    lines += [f"{third},eyfs,gld,Y"] + [f"{third},eyfs,{a},expected" for a in AREAS]  # agrees
    lines += ["A000000000004,eyfs,gld,Y", "A000000000004,eyfs,elg_psed,emerging"]  # 1 area only
    problems = _check(lines)
    assert problems == [
        (
            2,
            "value",
            "GLD is Y but the child is emerging in personal, social and emotional development "
            "(row 4).",
        ),
        (
            8,
            "value",
            "GLD is N but the child is at the expected level in all five areas (prime areas, "
            "literacy and mathematics), which is a good level of development.",
        ),
    ]


@pytest.mark.django_db
def test_an_upload_with_a_bad_value_saves_nothing_and_a_good_one_commits(world):
    tw = world.a
    with tw.scope():
        assert _confirm(tw, _upload(tw, "pupils", PUPILS)).status == UploadStatus.COMMITTED
        upn = UPN1
        bad = _upload(tw, "results", f"upn,subject,measure,value\n{upn},mtc,mtc,30\n".encode())
        assert bad.status == UploadStatus.INVALID
        assert bad.errors[0]["row"] == 2 and bad.errors[0]["column"] == "value"
        assert not Result.objects.exists()
        good = _upload(
            tw,
            "results",
            f"upn,subject,measure,value\n{upn},mtc,mtc,24\n{upn},gps,scaled_score,107\n"
            f"{upn},eyfs,elg_comm_lang,expected\n".encode(),
        )
        assert good.status == UploadStatus.VALID, good.errors
        assert _confirm(tw, good).status == UploadStatus.COMMITTED
        assert sorted(Result.objects.values_list("subject", "measure", "value")) == [
            ("eyfs", "elg_comm_lang", "EXPECTED"),
            ("gps", "scaled_score", "107"),
            ("mtc", "mtc", "24"),
        ]


# -- through the store: API, KPI page, report -----------------------------------------------


@pytest.fixture
def seeded(world):
    tw = world.a
    other = tw.academies[1]
    data.pupils(tw, [(n, "6", False, "F", "middle") for n in GPS])
    data.results(tw, GPS, SUMMER, "gps", "scaled_score")
    data.pupils(tw, [(n, "4", False, "F", "") for n in MTC])
    data.results(tw, MTC, SUMMER, "mtc", "mtc")
    # Year 2 this year; Year 1 last year (p8 at the trust's other academy); Reception before.
    data.pupils(tw, [(n, "2", False, "F", "") for n in range(41, 50)])
    data.pupils(tw, [(n, "1", False, "F", "") for n in PHONICS_Y1 if n != 48], year="2024-25")
    data.pupils(tw, [(48, "1", False, "F", "")], year="2024-25", academy=other)
    data.results(
        tw, {n: v for n, v in PHONICS_Y1.items() if n != 48}, LAST_SUMMER, "phonics", "phonics"
    )
    data.results(tw, {48: "WA"}, LAST_SUMMER, "phonics", "phonics", academy=other)
    data.results(tw, PHONICS_Y2, SUMMER, "phonics", "phonics")
    data.pupils(tw, [(n, "R", False, "F", "") for n in ARE_Y2], year="2023-24")
    data.results(tw, dict.fromkeys(ARE_Y2, "Y"), TWO_SUMMERS_AGO, "eyfs", "gld")
    for i, subject in enumerate(("reading", "writing", "maths")):
        data.results(tw, {n: v[i] for n, v in ARE_Y2.items()}, SUMMER, subject, "ta")
    # Reception this year.
    data.pupils(tw, [(n, "R", False, "F", "") for n in EYFS])
    for n, (letters, gld) in EYFS.items():
        if gld:
            data.results(tw, {n: gld}, SUMMER, "eyfs", "gld")
        for area, x in zip(AREAS, letters, strict=False):
            data.results(tw, {n: "EXPECTED" if x == "E" else "EMERGING"}, SUMMER, "eyfs", area)
    # Year 1 this year, Reception last year.
    data.pupils(tw, [(n, "1", False, "F", "") for n in PHONICS_NOW])
    data.pupils(tw, [(n, "R", False, "F", "") for n in range(81, 88)], year="2024-25")
    data.results(tw, GLD_THEN, LAST_SUMMER, "eyfs", "gld")
    for area in AREAS:
        data.results(tw, {84: "EXPECTED"}, LAST_SUMMER, "eyfs", area)
    data.results(tw, PHONICS_NOW, SUMMER, "phonics", "phonics")
    return tw


EXPECTED = {
    "ks2_gps_exp": (62.5, 8),
    "ks2_gps_high": (37.5, 8),
    "y4_mtc_average": (21.6, 9),
    "y4_mtc_full_marks": (40.0, 10),
    "eyfs_prime_areas": (66.7, 6),
    "eyfs_gld": (42.9, 7),
    "y1_phonics": (75.0, 8),
    "y2_are_of_gld": (66.7, 6),
}


@pytest.mark.django_db
def test_the_api_gives_each_primary_kpi_with_its_national_words(seeded, client_for):
    tw = seeded
    leader = client_for(tw.user(Role.TRUST_LEADER))
    urn = tw.academies[0].urn
    rows = leader.get("/api/v1/t/alpha/kpis/", {"term": SUMMER, "urn": urn, "group": "all"})
    by = {r["kpi"]: r for r in rows.json()["results"]}
    assert {code: (by[code]["value"], by[code]["cohort"]) for code in EXPECTED} == EXPECTED
    # Four Year 1 non-passers: suppressed, with neither value nor count.
    retake = by["y2_phonics_retake_met"]
    assert retake["suppressed"] and retake["value"] is None and retake["cohort"] is None
    # Phonics by the end of Year 2 (6 of 8, worked by hand in the pure test) beside last year's
    # Year 1 phonics of the same pupils would give the four retakes away (this year's passes
    # minus last year's passers): hidden too, with neither value nor count.
    by_y2 = by["phonics_by_y2"]
    assert by_y2["suppressed"] and by_y2["suppression"] == "secondary"
    assert by_y2["value"] is None and by_y2["cohort"] is None
    # Year 1 phonics of the six GLD pupils beside Year 1 phonics of all eight would give the
    # other two away (6 of 8 met, 4 of 6 GLD pupils met: both of the other two met): hidden,
    # at the academy and for the trust (its only Year 1), never the other way round.
    assert by["y1_phonics"]["value"] == 75.0
    of_gld = by["y1_phonics_of_gld"]
    assert of_gld["suppressed"] and of_gld["suppression"] == "secondary"
    assert of_gld["value"] is None and of_gld["cohort"] is None
    whole = leader.get("/api/v1/t/alpha/kpis/", {"term": SUMMER, "kpi": "y1_phonics_of_gld"})
    assert all(r["value"] is None for r in whole.json()["results"])
    # National figures: DfE's, with their year; or why there is none.
    assert (by["y4_mtc_full_marks"]["national"], by["y4_mtc_full_marks"]["national_year"]) == (
        37.0,
        "2024-25",
    )
    assert by["phonics_by_y2"]["national_basis"] == "latest published: 2023-24"
    assert (
        by["y1_phonics_of_gld"]["national_basis"] == "no national figure: the trust's own measure"
    )
    assert by["eyfs_prime_areas"]["national_basis"].startswith("no national figure shipped")


@pytest.mark.django_db
def test_the_kpi_page_shows_the_words_and_definitions(seeded, client_for):
    tw = seeded
    leader = client_for(tw.user(Role.TRUST_LEADER))
    page = leader.get(f"/t/alpha/kpis/{tw.academies[0].urn}/", {"term": SUMMER}).content.decode()
    assert "KS2 grammar, punctuation and spelling: expected standard (test)" in page
    assert "Year 4 multiplication tables check: average score (out of 25)" in page
    assert "Phonics: meeting the standard by the end of Year 2" in page
    assert "EYFS: expected level in all prime areas" in page
    assert "Year 1 phonics standard met by pupils who had a good level of development" in page
    assert "pupils who did not take the check are not in the average" in page
    assert "EYFS GLD pupils achieve Year 1 phonics standard" in page


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
    assert "grammar, punctuation and spelling test" in text
    assert "full marks (25 out of 25) in the multiplication tables check" in text
    assert "by the end of Year 2: in Year 1 last year or at the Year 2 check this year" in text
    assert "every early learning goal of the three prime areas" in text
    assert "All Year 1 phonic non-passers achieve standard" in text


@pytest.mark.django_db
def test_a_first_schools_heat_map_has_the_times_tables_column_and_no_gps(world, client_for):
    """First schools (4-9) give the Year 4 check but have no Year 6: in their own view of the
    map the GPS column is left out (no academy in view has a figure), the MTC column stays."""
    tw = world.a
    first = tw.academies[0]
    first.phase_of_education, first.age_low, first.age_high = "first", 4, 9
    first.save()
    with tw.scope():
        primary = AcademyFactory(trust=tw.trust, name="Alpha Juniors")
    data.pupils(tw, [(n, "4", False, "F", "") for n in MTC], academy=first)
    data.results(tw, MTC, SUMMER, "mtc", "mtc", academy=first)
    data.pupils(tw, [(n, "6", False, "F", "middle") for n in GPS], academy=primary)
    data.results(tw, GPS, SUMMER, "gps", "scaled_score", academy=primary)
    with tw.scope():
        recompute_run(trust=tw.trust, term=SUMMER)
    leader = client_for(tw.user(Role.TRUST_LEADER))
    everyone = leader.get("/t/alpha/heatmap/", {"term": SUMMER}).content.decode()
    assert "KS2 GPS" in everyone and "Y4 times tables" in everyone
    firsts = leader.get("/t/alpha/heatmap/", {"term": SUMMER, "education": "first"})
    assert "Y4 times tables" in firsts.content.decode()
    assert "KS2 GPS" not in firsts.content.decode()
