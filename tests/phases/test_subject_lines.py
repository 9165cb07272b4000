"""Subjects are subjects (issue 12, seed 002): subject lines through the real path: the upload
(pupils, results), confirm, recompute, the placements page and API, in words.

A secondary in Repair in English and Sustain in maths from its own GCSE grades (English and
maths alone at grades 4 and 5), and a primary with a science line from KS2 science teacher
assessment against DfE's national figure and a line for one of the trust's own subjects
(history) from in-year teacher assessment against the trust's target."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from academies.services import inspection_record
from assessment.kpis.models import KpiTarget, NationalBenchmark
from assessment.services import (
    term_get_or_create,
    upload_confirm_now,
    upload_create,
    upload_validate,
)
from phases.models import TermCompletion
from phases.pipeline import recompute_run
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
TERM = "2024-25-summer"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Pin the date the engine computes on (the evidence's 'today'), not our database."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 7, 15))


def _upload(tw, academy, kind, content):
    staff = tw.user(Role.TRUST_ADMIN)
    term = term_get_or_create(trust=tw.trust, code=TERM)
    upload = upload_validate(
        upload=upload_create(
            actor=staff,
            academy=academy,
            term=term,
            kind=kind,
            name=f"{kind}.csv",
            content=content.encode(),
        )
    )
    upload = upload_confirm_now(actor=staff, upload=upload)
    assert upload.status == "committed", (upload.status, upload.report)


def _pupils(tw, academy, prefix, year_group, count=20):
    upns = [f"{prefix}{n:012d}" for n in range(1, count + 1)]
    _upload(
        tw,
        academy,
        "pupils",
        "upn,year_group,disadvantaged,send,eal,sex,prior_band\n"
        + "".join(f"{u},{year_group},N,N,N,F,middle\n" for u in upns),
    )
    return upns


def _results(tw, academy, rows):
    _upload(
        tw,
        academy,
        "results",
        "upn,subject,measure,value\n" + "".join(f"{u},{s},{m},{v}\n" for u, s, m, v in rows),
    )


def _good_inspection(tw, academy):
    inspection_record(
        actor=tw.user(Role.TRUST_ADMIN),
        academy=academy,
        data={
            "kind": "legacy",
            "inspected_on": dt.date(2022, 1, 10),
            "overall_grade": 2,
            "safeguarding_met": True,
        },
    )


def _english(i):
    """Grades for pupil i of 20: 8 at grade 5, 4 at grade 4, 8 at grade 3."""
    return "5" if i < 8 else "4" if i < 12 else "3"


def _maths(i):
    """16 at grade 6, 2 at grade 4, 2 at grade 2."""
    return "6" if i < 16 else "4" if i < 18 else "2"


def test_a_secondary_in_repair_in_english_and_sustain_in_maths(world, client_for):
    """By hand, 20 Year 11 pupils: English 4+ 12/20 = 60% against 70% nationally (-10 points,
    level 2), English 5+ 8/20 = 40% against 55% (-15, level 2): English 2.0, Repair. Maths 4+
    18/20 = 90% against 70% (+20, level 4), maths 5+ 16/20 = 80% against 55% (+25, level 4):
    maths 4.0 and every maths outcome above national, Sustain. Science (combined science
    grade 4+, the trust's own measure) 14/20 = 70% against the trust's target of 60%: Improve."""
    a = world.a
    secondary = a.academies[1]
    with a.scope():
        for code, value in (
            ("ks4_english4", 70),
            ("ks4_english5", 55),
            ("ks4_maths4", 70),
            ("ks4_maths5", 55),
        ):
            # DfE's figure, loaded by the operator (`load_benchmarks`): none is shipped.
            NationalBenchmark.objects.create(
                kpi_code=code, year="2024-25", value=value, source="DfE, test figure"
            )
        _good_inspection(a, secondary)
        upns = _pupils(a, secondary, "S", "11")
        _results(
            a,
            secondary,
            [(u, "english_language", "gcse_grade", _english(i)) for i, u in enumerate(upns)]
            + [(u, "maths", "gcse_grade", _maths(i)) for i, u in enumerate(upns)]
            + [
                (u, "combined_science", "gcse_grade", 4 if i < 14 else 3)
                for i, u in enumerate(upns)
            ],
        )
        # Science 4+ is the trust's own measure: compared with the trust's target, not national.
        KpiTarget.objects.create(
            trust=a.trust, kpi_code="ks4_science4", academic_year="2024-25", value=60
        )
        TermCompletion.objects.get_or_create(trust=a.trust, academy=secondary, term_code=TERM)
        recompute_run(trust=a.trust, term=TERM)

    leader = client_for(a.user(Role.TRUST_LEADER))
    rows = leader.get("/api/v1/t/alpha/placements/").json()["results"]
    row = next(r for r in rows if r["urn"] == secondary.urn)
    assert row["subjects"] == {"english": "repair", "maths": "sustain", "science": "improve"}

    html = leader.get(f"/t/alpha/placements/{secondary.urn}/").content.decode()
    section = html[html.index('id="subjects"') :]
    assert 'English</th><td class="govuk-table__cell">Repair' in section
    assert 'Maths</th><td class="govuk-table__cell">Sustain' in section
    assert "KS4 English grade 4+ 60.0% against 70.0% nationally (-10.0 pts, cohort 20)" in section
    assert "KS4 maths grade 5+ 80.0% against 55.0% nationally (+25.0 pts, cohort 20)" in section
    listing = leader.get("/t/alpha/placements/").content.decode()
    assert "English: Repair; Maths: Sustain; Science: Improve" in listing
    # Science 14/20 = 70% against the trust's 60%: above its target, and Sustain needs
    # outcomes above national, which DfE does not publish for this measure.
    assert "KS4 science grade 4+ (the trust&#x27;s own measure) 70.0% against 60.0%" in section
    # Words, never codes, on the pages.
    for code in ("ks4_english4", "ks4_maths4", ">english<", ">maths<"):
        assert code not in section and code not in listing


def test_a_primary_has_a_science_line_and_a_line_for_the_trusts_own_subject(world, client_for):
    """By hand, 20 Year 6 pupils: KS2 science teacher assessment 16/20 = 80% against DfE's 82%
    for 2024-25 (-2 points, level 3): Science, Improve. History teacher assessment 10/20 = 50%
    at age-related expectations, in year, against the trust's target of 70% (-20, level 1):
    History, Stabilise. Without the target, history is shown and has no line."""
    a = world.a
    primary = a.academies[0]
    with a.scope():
        _good_inspection(a, primary)
        upns = _pupils(a, primary, "P", "6")
        _results(
            a,
            primary,
            [(u, "science", "ta", "EXS" if i < 16 else "HNM") for i, u in enumerate(upns)]
            + [(u, "history", "ta", "ARE" if i < 10 else "BLW") for i, u in enumerate(upns)],
        )
        TermCompletion.objects.get_or_create(trust=a.trust, academy=primary, term_code=TERM)
        recompute_run(trust=a.trust, term=TERM)

    leader = client_for(a.user(Role.TRUST_LEADER))

    def subjects():
        rows = leader.get("/api/v1/t/alpha/placements/").json()["results"]
        return next(r for r in rows if r["urn"] == primary.urn)["subjects"]

    assert subjects() == {"science": "improve"}  # history: no target, no line

    with a.scope():
        KpiTarget.objects.create(
            trust=a.trust, kpi_code="ta_history_are", academic_year="2024-25", value=70
        )
        recompute_run(trust=a.trust, term=TERM)
    assert subjects() == {"science": "improve", "history": "stabilise"}

    html = leader.get(f"/t/alpha/placements/{primary.urn}/").content.decode()
    section = html[html.index('id="subjects"') :]
    assert 'Science</th><td class="govuk-table__cell">Improve' in section
    assert 'History</th><td class="govuk-table__cell">Stabilise' in section
    assert "KS2 science: expected standard (TA) 80.0% against 82.0% nationally" in section
    assert (
        "History at age-related expectations (TA, all year groups) 50.0% against 70.0%" in section
    )
    assert "Source: trust benchmark" in section
    listing = leader.get("/t/alpha/placements/").content.decode()
    assert "History: Stabilise; Science: Improve" in listing
    for code in ("ta_history_are", "ks2_science_exp", ">history<", ">science<"):
        assert code not in section and code not in listing

    # The target removed: the History line is no longer proposed, and no older one is shown.
    with a.scope():
        KpiTarget.objects.filter(trust=a.trust, kpi_code="ta_history_are").delete()
        recompute_run(trust=a.trust, term=TERM)
    assert subjects() == {"science": "improve"}
    html = leader.get(f"/t/alpha/placements/{primary.urn}/").content.decode()
    assert 'History</th><td class="govuk-table__cell">' not in html
