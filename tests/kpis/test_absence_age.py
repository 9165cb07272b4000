"""Absence as DfE counts it: pupils of compulsory school age (5 to 15 at the start of the year,
Years 1 to 11), one term's sessions labelled against DfE's full-year national figure.

Hand-computed: ten Year 4 pupils with 100 possible sessions each, eight missing 5 and two
missing 20: overall absence (8*5 + 2*20) / 1000 = 8.0%; persistent absence (10% or more) 2 of
10 = 20.0%. Six Reception pupils (aged 4 on 31 August) missing 20 and six Year 12 pupils missing
50 are outside DfE's measure: counting them would give (80 + 120 + 300) / 2200 = 22.7% and
14 of 22 = 63.6%.
"""

from __future__ import annotations

import pytest

from assessment.kpis.catalogue import KPIS, PupilFacts, compute
from phases.pipeline import recompute_run
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

TERM = "2025-26-autumn"


def _pupils():
    year4 = [("4", 5)] * 8 + [("4", 20)] * 2
    return [*year4, *[("R", 20)] * 6, *[("12", 50)] * 6]


def test_absence_counts_years_1_to_11_only():
    facts = [
        PupilFacts(yg, False, "", False, "F", "middle", {}, 100, missed) for yg, missed in _pupils()
    ]
    absence = compute(KPIS["absence"], facts, "all")
    assert (round(absence.value, 1), absence.cohort) == (8.0, 10)
    pa = compute(KPIS["persistent_absence"], facts, "all")
    assert (round(pa.value, 1), pa.cohort) == (20.0, 10)
    years_1_to_11 = [
        PupilFacts(str(y), False, "", False, "F", "middle", {}, 100, 10) for y in range(1, 12)
    ]
    assert compute(KPIS["absence"], years_1_to_11, "all").cohort == 11


@pytest.mark.django_db
def test_absence_kpis_leave_out_pupils_outside_compulsory_school_age(world, client_for):
    tw = world.a
    with tw.scope():
        seed_attendance(
            academy=tw.academies[1],
            term_code=TERM,
            pupils=[
                {"upn": f"A{i:012d}", "year_group": yg, "possible": 100, "missed": missed}
                for i, (yg, missed) in enumerate(_pupils())
            ],
        )
        recompute_run(trust=tw.trust)
    urn = tw.academies[1].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))
    rows = leader.get("/api/v1/t/alpha/kpis/", {"term": TERM, "urn": urn, "group": "all"}).json()
    by = {r["kpi"]: r for r in rows["results"]}
    assert (by["absence"]["value"], by["absence"]["cohort"]) == (8.0, 10)
    assert (by["persistent_absence"]["value"], by["persistent_absence"]["cohort"]) == (20.0, 10)
    # An autumn term against DfE's autumn term: 6.38% overall absence (school census, autumn
    # 2024/25) and 19.1% persistent absence (daily data, autumn 2024/25).
    assert by["absence"]["national"] == 6.38
    assert by["absence"]["national_basis"] == "latest published: 2024-25, autumn term"
    page = leader.get(f"/t/alpha/kpis/{urn}/", {"term": TERM}).content.decode()
    assert "compulsory school age" in page
    assert "19.1% (latest published: 2024-25, autumn term)" in page
