"""Every shipped national figure names its publication, its year and a link to DfE, and says how
it was checked; the figures taken from DfE's 2019 KS4 file match that file's national row."""

from __future__ import annotations

import csv
from pathlib import Path

from assessment.kpis.catalogue import load_benchmarks
from assessment.kpis.dfe import cell
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
    }
    shipped = load_benchmarks()
    for kpi, value in expected.items():
        assert ("2018-19", value) in [(y, v) for y, v, _ in shipped[kpi]], kpi
    assert expected == {"ks4_att8": 46.5, "ks4_em4": 64.4, "ks4_em5": 43.0}
