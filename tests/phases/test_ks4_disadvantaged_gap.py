"""KS4 disadvantaged pupils against national *other* pupils, from DfE's own performance-table
files (issue 12 "Pupil groups"; issue 13 "disadvantaged figures ... compared with national other
pupils (DfE's DIFFN_* fields)").

The files are built from the real column names of DfE's full KS4 download (ks4_meta.csv): the
disadvantaged pupils' Attainment 8 and Progress 8 (with its 95% confidence interval), the other
pupils' figures, and DIFFN_ATT8 / DIFFN_P8MEA, DfE's difference between the school's
disadvantaged pupils and non-disadvantaged pupils nationally. Imported through the importer,
they reach the placement through recompute and the placements API, as KS2's DIFFN does.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from academies.models import Inspection
from academies.services import inspection_record
from assessment.kpis.dfe import read_performance_file
from assessment.kpis.models import PublishedResult
from assessment.kpis.services import published_results_import
from phases.pipeline import recompute_run
from tests.phases.helpers import pupils_and_absence
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db

META = Path(__file__).resolve().parents[1] / "data" / "dfe" / "ks4_meta.csv"
AREAS = (
    "inclusion",
    "curriculum_teaching",
    "achievement",
    "attendance_behaviour",
    "personal_development",
    "leadership_governance",
)
HEADER = [
    "RECTYPE",
    "URN",
    "SCHNAME",
    "TPUP",
    "ATT8SCR",
    "P8PUP",
    "P8MEA",
    "P8CILOW",
    "P8CIUPP",
    "ATT8SCR_FSM6CLA1A",
    "ATT8SCR_NFSM6CLA1A",
    "P8MEA_FSM6CLA1A",
    "P8CILOW_FSM6CLA1A",
    "P8CIUPP_FSM6CLA1A",
    "P8MEA_NFSM6CLA1A",
    "P8CILOW_NFSM6CLA1A",
    "P8CIUPP_NFSM6CLA1A",
    "DIFFN_ATT8",
    "DIFFN_P8MEA",
]


def _meta_names() -> set[str]:
    with META.open(encoding="utf-8-sig") as fh:
        return {r[1] for r in list(csv.reader(fh))[1:] if len(r) > 1}


def _file(urn: str, att8_diff: str, p8_diff: str) -> bytes:
    # A national row (RECTYPE 7) as DfE's files have one: skipped, never read as a school.
    national = [
        "7",
        "",
        "England",
        "560000",
        "46.2",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    school = [
        "1",
        urn,
        "Alpha High",
        "180",
        "49.0",
        "170",
        "0.45",
        "0.25",
        "0.65",
        "38.5",
        "52.1",
        "-0.31",
        "-0.62",
        "0.00",
        "0.62",
        "0.40",
        "0.84",
        att8_diff,
        p8_diff,
    ]
    lines = [HEADER, [*national, "", ""], school]
    return ("\n".join(",".join(line) for line in lines) + "\n").encode()


def _strong_card(tw, academy):
    inspection_record(
        actor=tw.user(Role.TRUST_ADMIN),
        academy=academy,
        data={
            "kind": Inspection.Kind.REPORT_CARD,
            "inspected_on": dt.date(2026, 1, 20),
            "area_grades": dict.fromkeys(AREAS, "strong_standard"),
            "safeguarding_met": True,
        },
    )


def _proposed(client_for, tw, academy):
    rows = (
        client_for(tw.user(Role.TRUST_LEADER)).get("/api/v1/t/alpha/placements/").json()["results"]
    )
    return next(r for r in rows if r["urn"] == academy.urn)["proposed"]


def test_the_file_uses_dfes_own_ks4_column_names():
    assert set(HEADER) <= _meta_names()


def test_ks4_disadvantaged_fields_are_imported_with_codes_kept(world):
    tw = world.a
    academy = tw.academies[0]
    parsed = read_performance_file(_file(academy.urn, "-13.6", "SUPP"))
    assert parsed.kind == "ks4"
    assert any("RECTYPE 7" in reason for _, _, reason in parsed.skipped)
    with tw.scope():
        published_results_import(
            actor=None, trust=tw.trust, parsed=parsed, year="2023-24", source="england_ks4.csv"
        )
        got = {r.field: r for r in PublishedResult.objects.filter(academy=academy)}
    assert got["ATT8SCR_FSM6CLA1A"].value == 38.5
    assert got["ATT8SCR_NFSM6CLA1A"].value == 52.1
    p8 = got["P8MEA_FSM6CLA1A"]
    assert (p8.value, p8.lower, p8.upper) == (-0.31, -0.62, 0.0)
    other = got["P8MEA_NFSM6CLA1A"]
    assert (other.value, other.lower, other.upper) == (0.62, 0.40, 0.84)
    assert got["DIFFN_ATT8"].value == -13.6
    # A DfE code stays a code: no number for a suppressed difference.
    assert (got["DIFFN_P8MEA"].value, got["DIFFN_P8MEA"].code) == (None, "SUPP")


def test_dfe_ks4_gap_against_national_other_pupils_over_two_years_holds_sustain(
    world, client_for, monkeypatch
):
    """Disadvantaged pupils 13.6 and 12.9 Attainment 8 points behind national other pupils in
    2022-23 and 2023-24 (DfE's DIFFN_ATT8): a persistent gap, so Sustain is held at Improve,
    with DfE's own figures in the reason."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 7, 1))
    a = world.a
    academy = a.academies[0]
    with a.scope():
        _strong_card(a, academy)
        pupils_and_absence(a, academy, "2025-26-summer", "G", missed=3, count=12)
        recompute_run(trust=a.trust, term="2025-26-summer")
    assert _proposed(client_for, a, academy)["proposed_phase"] == "sustain"

    with a.scope():
        for year, att8, p8 in (("2022-23", "-13.6", "-0.48"), ("2023-24", "-12.9", "-0.44")):
            parsed = read_performance_file(_file(academy.urn, att8, p8))
            published_results_import(
                actor=None, trust=a.trust, parsed=parsed, year=year, source=f"DfE KS4 {year}"
            )
        recompute_run(trust=a.trust, term="2025-26-summer")
    proposed = _proposed(client_for, a, academy)
    assert proposed["proposed_phase"] == "improve"
    gaps = [r for r in proposed["reasons"] if r["rule"] == "persistent_disadvantaged_gap"]
    texts = " ".join(r["text"] for r in gaps)
    assert "Attainment 8" in texts and "2022-23: -13.6" in texts and "DIFFN_ATT8" in texts
    assert "Progress 8" in texts and "2023-24: -0.44" in texts and "DIFFN_P8MEA" in texts
    assert all(r["source"].startswith("DfE") for r in gaps)
