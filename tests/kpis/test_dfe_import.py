"""The DfE importer on the real 2019 KS4 file and on a KS2 file built from DfE's definitions."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from academies.models import Academy
from assessment.kpis.dfe import cell, read_performance_file, year_from_filename
from assessment.kpis.models import PublishedResult
from tests.factories import AcademyFactory
from trust_si.accounts.roles import Role

DFE = Path(__file__).resolve().parents[1] / "data" / "dfe"
KS4 = DFE / "england_ks4provisional_2019.csv"

pytestmark = pytest.mark.django_db


def _sample_urns():
    """Twenty real schools: banded 1-5, SUPP with a score, and NE/NP/NA ones."""
    with KS4.open(encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["URN"]]
    picked = {}
    for wanted, n in (("1", 3), ("2", 3), ("3", 3), ("4", 3), ("5", 3), ("SUPP", 3)):
        for r in rows:
            if r["P8_BANDING"] == wanted and r["URN"] not in picked and n:
                if wanted == "SUPP" and cell(r["P8MEA"]).value is None:
                    continue
                picked[r["URN"]] = r
                n -= 1
    for r in rows:
        if r["P8MEA"] in ("NE", "NP", "NA") and len(picked) < 20:
            picked.setdefault(r["URN"], r)
    return picked


def test_cells_are_numbers_only_when_they_look_like_numbers():
    assert (
        cell("47.2").value == 47.2 and cell("66.2%").value == 66.2 and cell("-0.08").value == -0.08
    )
    for code in ("SUPP", "NE", "NP", "LOWCOV", "NA", ""):
        assert cell(code).value is None and cell(code).code == code
    assert year_from_filename("england_ks4provisional_2019.csv") == "2018-19"


def test_ks4_import_stores_p8_ci_and_banding_and_is_idempotent(world):
    picked = _sample_urns()
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
    call_command("import_performance_tables", "--trust", "alpha", "--file", str(KS4), stdout=out)
    summary = out.getvalue()
    with world.a.scope():
        in_file = read_performance_file(KS4.read_bytes()).schools
        expected = sum(1 for a in Academy.objects.all() if a.urn in in_file)
    assert expected >= len(picked)
    assert f"{expected} academies matched" in summary
    with world.a.scope():
        for urn, row in picked.items():
            p8 = PublishedResult.objects.get(academy__urn=urn, field="P8MEA", year="2018-19")
            assert p8.banding == row["P8_BANDING"]
            if cell(row["P8MEA"]).value is None:
                assert p8.value is None and p8.code == row["P8MEA"]
            else:
                assert p8.value == float(row["P8MEA"])
                assert p8.lower == float(row["P8CILOW"]) and p8.upper == float(row["P8CIUPP"])
        supp = PublishedResult.objects.filter(field="P8MEA", banding="SUPP")
        assert supp.count() == 3 and all(r.value is not None for r in supp)
        before = PublishedResult.objects.count()
    again = StringIO()
    call_command("import_performance_tables", "--trust", "alpha", "--file", str(KS4), stdout=again)
    assert "0 figures added, 0 updated" in again.getvalue()
    with world.a.scope():
        assert PublishedResult.objects.count() == before


def test_api_gives_dfe_field_names_limits_and_banding(world, client_for):
    picked = _sample_urns()
    urn = next(u for u, r in picked.items() if r["P8_BANDING"] == "SUPP")
    with world.a.scope():
        AcademyFactory(
            trust=world.a.trust, urn=urn, phase_of_education="secondary", age_low=11, age_high=16
        )
    call_command(
        "import_performance_tables", "--trust", "alpha", "--file", str(KS4), stdout=StringIO()
    )
    rows = (
        client_for(world.a.user(Role.TRUST_LEADER))
        .get(f"/api/v1/t/alpha/published-results/?urn={urn}")
        .json()["results"]
    )
    p8 = next(r for r in rows if r["field"] == "P8MEA")
    assert (
        p8["year"] == "2018-19" and p8["banding"] == "SUPP" and p8["banding_label"] == "Not banded"
    )
    assert p8["lower"] is not None and p8["upper"] is not None
    assert {r["field"] for r in rows} >= {"P8MEA", "ATT8SCR"}


def test_ks2_file_built_from_the_metadata(world, tmp_path):
    with world.a.scope():
        a1 = AcademyFactory(trust=world.a.trust, urn="990001")
        a2 = AcademyFactory(trust=world.a.trust, urn="990002")
    header = [
        "RECTYPE",
        "URN",
        "SCHNAME",
        "TELIG",
        "PTRWM_EXP",
        "PTRWM_HIGH",
        "READPROG",
        "READPROG_LOWER",
        "READPROG_UPPER",
        "READPROG_DESCR",
        "PTRWM_EXP_B",
        "PTRWM_EXP_G",
        "PTRWM_EXP_FSM6CLA1A",
        "PTRWM_EXP_NotFSM6CLA1A",
    ]
    lines = [
        header,
        [
            "1",
            "990001",
            "One Primary",
            "58",
            "64%",
            "9%",
            "1.4",
            "-0.2",
            "3.0",
            "Average",
            "61%",
            "67%",
            "SUPP",
            "70%",
        ],
        [
            "1",
            "990002",
            "Two Primary",
            "12",
            "NE",
            "NE",
            "NP",
            "NP",
            "NP",
            "",
            "SUPP",
            "SUPP",
            "SUPP",
            "SUPP",
        ],
        ["4", "", "England", "", "65%", "", "", "", "", "", "", "", "", ""],
        ["1", "123456", "Not in the trust", "30", "50%", "", "", "", "", "", "", "", "", ""],
    ]
    path = tmp_path / "england_ks2final_2019.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(lines)
    parsed = read_performance_file(path.read_bytes())
    assert parsed.kind == "ks2" and parsed.rows_read == 3
    out = StringIO()
    call_command("import_performance_tables", "--trust", "alpha", "--file", str(path), stdout=out)
    assert "2 academies matched" in out.getvalue() and "1 unmatched" in out.getvalue()
    assert "1 with nothing published" in out.getvalue()
    with world.a.scope():
        read = PublishedResult.objects.get(academy=a1, field="READPROG")
        assert (read.value, read.lower, read.upper, read.banding) == (1.4, -0.2, 3.0, "Average")
        assert PublishedResult.objects.get(academy=a1, field="PTRWM_EXP_FSM6CLA1A").code == "SUPP"
        assert PublishedResult.objects.get(academy=a2, field="PTRWM_EXP").code == "NE"
        assert Academy.objects.count() == 4


def test_a_file_that_is_not_dfe_is_refused(world, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "x_2019.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="not a DfE"):
        call_command("import_performance_tables", "--trust", "alpha", "--file", str(path))


def _ks2_file(header_extra, rows):
    """A KS2 file built from DfE's own column names (ks2_meta.csv)."""
    header = ["RECTYPE", "URN", "URN_AC", "SCHNAME", "PTRWM_EXP", "READPROG", "READPROG_DESCR"]
    header += header_extra
    lines = [",".join(header)] + [",".join(r + [""] * (len(header) - len(r))) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_year_is_read_from_the_file_or_required_never_guessed():
    meta = (DFE / "ks2_meta.csv").read_text(encoding="utf-8-sig")
    # DfE's own prior-year columns, as ks2_meta lists them (READPROG_DESCR_17 and _18).
    assert "READPROG_DESCR_17" in meta and "READPROG_DESCR_18" in meta
    data = _ks2_file(["READPROG_DESCR_17", "READPROG_DESCR_18"], [["1", "100001", "", "A", "70"]])
    assert read_performance_file(data).year == "2018-19"
    # A year this product never saw: 2024-25's file carries _23 and _24.
    data = _ks2_file(["PTRWM_EXP_23", "PTRWM_EXP_24"], [["1", "100001", "", "A", "70"]])
    assert read_performance_file(data).year == "2024-25"
    # The names: a range is that range; DfE's bare name says nothing.
    assert year_from_filename("2018-2019_england_ks2final.csv") == "2018-19"
    assert year_from_filename("england_ks2final.csv") is None
    assert year_from_filename("2019_12_england_ks2final.csv") is None
    assert read_performance_file(_ks2_file([], [["1", "100001", "", "A", "70"]])).year is None


def test_ks2_descriptors_in_words_codes_stay_codes_and_predecessors_matched(world):
    from assessment.kpis.dfe import ks2_descriptor_label
    from assessment.kpis.services import published_results_import

    assert [ks2_descriptor_label(c) for c in "12345"] == [
        "Well above average",
        "Above average",
        "Average",
        "Below average",
        "Well below average",
    ]
    assert ks2_descriptor_label("SUPP") == "Not banded"
    tw = world.a
    academy = tw.academies[0]
    data = _ks2_file(
        ["PTRWM_EXP_24"],
        [
            # The academy's results published under its predecessor's URN.
            ["1", "999001", academy.urn, "Old school", "SUPP", "-1.2", "4"],
            ["1", "999002", "", "Elsewhere", "65", "0.1", "3"],
        ],
    )
    parsed = read_performance_file(data)
    assert parsed.predecessors == {academy.urn: "999001"}
    with tw.scope():
        counts = published_results_import(
            actor=None, trust=tw.trust, parsed=parsed, year=parsed.year, source="ks2.csv"
        )
        assert counts["matched"] == 1 and counts["as_predecessor"] == 1
        rows = {r.field: r for r in PublishedResult.objects.filter(academy=academy)}
    assert rows["PTRWM_EXP"].value is None and rows["PTRWM_EXP"].code == "SUPP"
    assert rows["READPROG"].value == -1.2 and rows["READPROG"].banding == "4"
    assert "as predecessor school, URN 999001" in rows["READPROG"].source
    assert rows["READPROG"].year == "2024-25"
    from assessment.kpis.selectors import banding_label

    assert banding_label(rows["READPROG"]) == "Below average"


# The years DfE published school performance tables for (none for 2019-20 or 2020-21: no tests
# or exams were sat), and what each year's file carries for the years before it.
PUBLISHED = ["2015-16", "2016-17", "2017-18", "2018-19", "2021-22", "2022-23", "2023-24", "2024-25"]


@pytest.mark.parametrize("year", PUBLISHED[1:])
def test_every_years_file_from_2016_17_to_2024_25_says_its_own_year(year):
    """Each year's KS2 file names the two published years before it with DfE's two-digit
    suffixes (READPROG_DESCR_18 ...). The year read is the file's own, across the gap."""
    before = PUBLISHED[max(0, PUBLISHED.index(year) - 2) : PUBLISHED.index(year)]
    columns = [f"{field}_{y[-2:]}" for y in before for field in ("PTRWM_EXP", "READPROG_DESCR")]
    data = _ks2_file(columns, [["1", "100001", "", "A", "70"]])
    assert read_performance_file(data).year == year
