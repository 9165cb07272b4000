"""Every shipped national figure names its publication, its year and a link to DfE, and says how
it was checked; the figures taken from DfE's 2019 KS4 file match that file's national row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assessment.kpis.catalogue import load_benchmarks
from assessment.kpis.dfe import cell
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role
from trust_si.terms import AcademicYear

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "assessment" / "kpis" / "data" / "national_benchmarks.csv"
KS4 = ROOT / "tests" / "data" / "dfe" / "england_ks4provisional_2019.csv"
DFE_SITES = (
    "https://www.gov.uk/government/",
    "https://explore-education-statistics.service.gov.uk/",
    "https://www.compare-school-performance.service.gov.uk/",
)


def _rows():
    with SHIPPED.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_figure_has_its_publication_year_and_link():
    rows = _rows()
    assert rows
    for row in rows:
        where = f"{row['kpi']} {row['group']} {row['year']}"
        assert row["source"].startswith("DfE, "), where
        AcademicYear.parse(row["year"])  # raises on anything but a year like 2024-25
        assert row["link"].startswith(DFE_SITES), where
        assert row["checked"].strip(), where


def test_the_2018_19_ks4_figures_are_the_2019_files_national_state_funded_row():
    with KS4.open(encoding="utf-8-sig") as fh:
        national = next(r for r in csv.DictReader(fh) if r["RECTYPE"] == "7")
    expected = {
        "ks4_att8": cell(national["ATT8SCR"]).value,
        "ks4_em4": cell(national["PTL2BASICS_94"]).value,
        "ks4_em5": cell(national["PTL2BASICS_95"]).value,
        "ks4_ebacc_entry": cell(national["PTEBACC_E_PTQ_EE"]).value,
    }
    shipped = load_benchmarks()
    for kpi, value in expected.items():
        assert ("2018-19", value) in [(y, v) for y, v, _ in shipped[kpi]], kpi
    assert expected == {
        "ks4_att8": 46.5,
        "ks4_em4": 64.4,
        "ks4_em5": 43.0,
        "ks4_ebacc_entry": 40.0,
    }


@pytest.mark.django_db
def test_the_kpi_page_links_a_shipped_figure_to_dfes_publication(world, client_for):
    tw = world.a
    with tw.scope():
        seed_attendance(
            academy=tw.academies[0],
            term_code="2025-26-autumn",
            pupils=[
                {"upn": f"A{i:012d}", "year_group": "4", "possible": 100, "missed": 5}
                for i in range(8)
            ],
        )
    page = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/alpha/kpis/{tw.academies[0].urn}/", {"term": "2025-26-autumn"}
    )
    link = (
        "https://explore-education-statistics.service.gov.uk/find-statistics/"
        "pupil-absence-in-schools-in-england"
    )
    assert f'href="{link}"' in page.content.decode()
