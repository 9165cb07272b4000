"""Issue 13's rows checked against DfE's own 2019 KS4 file (tests/data/dfe, as shipped in
shared/data/dfe):

- suppression: in the file every school with 1 to 5 pupils at the end of KS4 is suppressed
  (ATT8SCR "SUPP") and no school with 6 or more is; our rule hides exactly those cohorts and a
  trust can raise the line, never lower it;
- "Importing DfE's 2019 KS4 file ... gives the right year, bands in words and no code turned
  into a number": imported through the command, every stored figure of the matched schools is
  2018-19, every Progress 8 banding reads in DfE's words (never a bare code), and every cell
  that is a DfE code (SUPP, NE, NP, NA, LOWCOV) is stored as that code with no number, every
  number as that number.
"""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from assessment.kpis import disclosure
from assessment.kpis.dfe import cell
from assessment.kpis.models import PublishedResult
from tests.factories import AcademyFactory
from trust_si.accounts.roles import Role

KS4 = Path(__file__).resolve().parents[1] / "data" / "dfe" / "england_ks4provisional_2019.csv"
WORDS = {
    "1": "Well above average",
    "2": "Above average",
    "3": "Average",
    "4": "Below average",
    "5": "Well below average",
}


def _schools():
    with KS4.open(encoding="utf-8-sig") as fh:
        return [r for r in csv.DictReader(fh) if r["RECTYPE"] in ("1", "2")]


def test_the_2019_file_suppresses_schools_of_1_to_5_pupils_and_so_do_we():
    counted = [r for r in _schools() if r["TPUP"].isdigit() and int(r["TPUP"]) > 0]
    small = [r for r in counted if int(r["TPUP"]) <= 5]
    assert len(small) == 108  # 1 to 5 pupils: every one suppressed by DfE
    assert all(r["ATT8SCR"] == "SUPP" for r in small)
    assert not any(r["ATT8SCR"] == "SUPP" for r in counted if int(r["TPUP"]) > 5)
    cohorts = {r["URN"]: int(r["TPUP"]) for r in counted}
    for trust_line in (None, 3, 0):  # a trust's lower line is no line: DfE's 5 holds
        hidden = disclosure.protect(cohorts, [], disclosure.threshold(trust_line))
        assert set(hidden) == {r["URN"] for r in small}, trust_line
    raised = disclosure.protect(cohorts, [], disclosure.threshold(8))
    assert set(raised) == {u for u, n in cohorts.items() if n <= 8}


def _picked():
    """Real schools covering every banding (1-5, SUPP with a score, NA) and every code."""
    picked: dict[str, dict[str, str]] = {}
    wanted = {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "SUPP": 2, "NA": 2}
    for r in _schools():
        band = r["P8_BANDING"]
        if wanted.get(band):
            picked[r["URN"]] = r
            wanted[band] -= 1
    codes = {"NE": 2, "SUPP": 2, "NP": 1, "LOWCOV": 1}
    for r in _schools():
        for code in [c for c in codes if codes[c] and code_in(r, c)]:
            picked.setdefault(r["URN"], r)
            codes[code] -= 1
    return picked


def code_in(row, code):
    return any(v == code for k, v in row.items() if k not in ("SCHNAME", "NFTYPE"))


@pytest.mark.django_db
def test_importing_the_2019_ks4_file_gives_the_year_words_and_codes_as_codes(world, client_for):
    picked = _picked()
    with world.a.scope():
        for urn, row in picked.items():
            AcademyFactory(
                trust=world.a.trust,
                urn=urn,
                name=row["SCHNAME"][:200],
                phase_of_education="secondary",
                age_low=11,
                age_high=16,
            )
    out = StringIO()
    # The file's name says 2019; the year is 2018-19 (its results), never 2019-20.
    call_command("import_performance_tables", "--trust", "alpha", "--file", str(KS4), stdout=out)
    with world.a.scope():
        stored = list(PublishedResult.objects.filter(academy__urn__in=picked))
        by = {(r.academy.urn, r.field): r for r in stored}
    assert stored and {r.year for r in stored} == {"2018-19"}
    checked_codes = set()
    for (urn, field), result in by.items():
        raw = picked[urn].get(field)
        if raw is None:
            continue
        parsed = cell(raw)
        if parsed.value is None:
            # A DfE code stays the code; no number is made of it.
            assert (result.value, result.code) == (None, raw), (urn, field)
            checked_codes.add(raw)
        else:
            assert result.value == parsed.value and result.code == "", (urn, field)
    assert {"SUPP", "NE", "NA"} <= checked_codes
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    labels = {}
    for urn in picked:
        rows = leader.get(f"/api/v1/t/alpha/published-results/?urn={urn}").json()["results"]
        p8 = next((r for r in rows if r["field"] == "P8MEA"), None)
        if p8 is not None:
            labels[picked[urn]["P8_BANDING"]] = p8["banding_label"]
            assert not p8["banding_label"].strip().isdigit(), urn
    for code, words in WORDS.items():
        assert labels[code] == words, code
    assert labels["SUPP"] == "Not banded"


def _meta_names(name):
    path = KS4.parent / name
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    return {r[1] for r in rows[1:] if len(r) > 1}


def test_every_field_the_importers_read_is_one_of_dfes_columns():
    """The importers read DfE's column names as DfE's metadata lists them, nothing invented:
    KS2 (ks2_meta.csv, 318 columns) and KS4 (ks4_meta.csv, the full download)."""
    from assessment.kpis.dfe import KS2_FIELDS, KS4_FIELDS

    for fields, meta in ((KS2_FIELDS, "ks2_meta.csv"), (KS4_FIELDS, "ks4_meta.csv")):
        names = _meta_names(meta)
        wanted = {f for field, extra in fields.items() for f in (field, *extra) if f}
        assert wanted - names == set(), meta


@pytest.mark.django_db
def test_a_ks2_file_of_a_year_never_seen_imports_gps_higher_standard_and_disadvantaged(world):
    """A 2024-25 KS2 file (its prior-year columns end _23 and _24; its name says no year) with
    the fields the catalogue and heat map use: GPS, the higher standard, disadvantaged pupils'
    progress and attainment, and DfE's difference from national other pupils."""
    from assessment.kpis.dfe import read_performance_file
    from assessment.kpis.services import published_results_import

    tw = world.a
    academy = tw.academies[0]
    header = [
        "RECTYPE",
        "URN",
        "SCHNAME",
        "TELIG",
        "PTRWM_EXP",
        "PTGPS_EXP",
        "PTGPS_HIGH",
        "PTREAD_HIGH",
        "PTRWM_HIGH_FSM6CLA1A",
        "READPROG_FSM6CLA1A",
        "DIFFN_RWM_EXP",
        "READPROG",
        "READPROG_LOWER",
        "READPROG_UPPER",
        "READPROG_DESCR",
        "PTRWM_EXP_23",
        "PTRWM_EXP_24",
    ]
    assert set(header) - {"PTRWM_EXP_23", "PTRWM_EXP_24"} <= _meta_names("ks2_meta.csv")
    row = [
        "1",
        academy.urn,
        "Alpha",
        "40",
        "60%",
        "71%",
        "SUPP",
        "28%",
        "NE",
        "-1.9",
        "-12",
        "0.4",
        "-1.5",
        "2.3",
        "3",
        "58%",
        "61%",
    ]
    data = ("\n".join([",".join(header), ",".join(row)]) + "\n").encode()
    parsed = read_performance_file(data)
    assert parsed.year == "2024-25"
    with tw.scope():
        published_results_import(
            actor=None, trust=tw.trust, parsed=parsed, year=parsed.year, source="england_ks2.csv"
        )
        got = {
            r.field: (r.value, r.code, r.year)
            for r in PublishedResult.objects.filter(academy=academy)
        }
        read = PublishedResult.objects.get(academy=academy, field="READPROG")
    assert got["PTGPS_EXP"] == (71.0, "", "2024-25")
    assert got["PTGPS_HIGH"] == (None, "SUPP", "2024-25")
    assert got["PTREAD_HIGH"] == (28.0, "", "2024-25")
    assert got["PTRWM_HIGH_FSM6CLA1A"] == (None, "NE", "2024-25")
    assert got["READPROG_FSM6CLA1A"] == (-1.9, "", "2024-25")
    assert got["DIFFN_RWM_EXP"] == (-12.0, "", "2024-25")
    from assessment.kpis.selectors import banding_label

    assert banding_label(read) == "Average"
