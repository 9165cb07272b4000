"""Issue 12's outcome rules through the real path: pupils, DfE's published figures and the
trust's targets in the database, recompute, the placements API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from academies.models import Inspection
from academies.services import inspection_record
from assessment.kpis.models import KpiTarget, NationalBenchmark, PublishedResult
from assessment.models import Enrolment, Pupil, Result
from assessment.services import term_get_or_create
from phases.models import TermCompletion
from phases.pipeline import recompute_run
from tests.phases.helpers import pupils_and_absence
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db

AREAS = (
    "inclusion",
    "curriculum_teaching",
    "achievement",
    "attendance_behaviour",
    "personal_development",
    "leadership_governance",
)


@pytest.fixture
def today(monkeypatch):
    """Pin the date the engine computes on (the evidence's 'today'), not our database."""

    def pin(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return pin


def _strong_card(tw, academy, on=dt.date(2026, 1, 20)):
    inspection_record(
        actor=tw.user(Role.TRUST_ADMIN),
        academy=academy,
        data={
            "kind": Inspection.Kind.REPORT_CARD,
            "inspected_on": on,
            "area_grades": dict.fromkeys(AREAS, "strong_standard"),
            "safeguarding_met": True,
        },
    )


def _proposed(client_for, tw, academy):
    rows = (
        client_for(tw.user(Role.TRUST_LEADER)).get("/api/v1/t/alpha/placements/").json()["results"]
    )
    return next(r for r in rows if r["urn"] == academy.urn)["proposed"]


def _published(tw, academy, field, year, value, lower=None, upper=None, banding=""):
    PublishedResult.objects.create(
        trust=tw.trust,
        academy=academy,
        year=year,
        field=field,
        value=value,
        lower=lower,
        upper=upper,
        banding=banding,
        source=f"DfE KS2 performance tables {year}",
    )


def test_dfe_published_disadvantaged_gap_over_two_years_holds_sustain(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 7, 1))
    with a.scope():
        _strong_card(a, academy)
        # Absence 3% against 6.9% nationally: well above national (a relative gap).
        pupils_and_absence(a, academy, "2025-26-summer", "G", missed=3, count=12)
        recompute_run(trust=a.trust, term="2025-26-summer")
    assert _proposed(client_for, a, academy)["proposed_phase"] == "sustain"

    with a.scope():
        _published(a, academy, "DIFFN_RWM_EXP", "2023-24", -9.0)
        _published(a, academy, "DIFFN_RWM_EXP", "2024-25", -7.0)
        recompute_run(trust=a.trust, term="2025-26-summer")
    proposed = _proposed(client_for, a, academy)
    assert proposed["proposed_phase"] == "improve"
    gap = next(r for r in proposed["reasons"] if r["rule"] == "persistent_disadvantaged_gap")
    assert "2023-24: -9.0" in gap["text"] and "DIFFN_RWM_EXP" in gap["text"]
    assert "Source: DfE" in gap["text"] and gap["source"].startswith("DfE")


def test_uploaded_disadvantaged_persistent_absence_over_three_terms(world, client_for, today):
    """Disadvantaged pupils' figures from the trust's own uploads, against the national figure
    for other pupils (loaded by the operator), over autumn, spring and summer."""
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 7, 1))
    NationalBenchmark.objects.create(
        kpi_code="persistent_absence:non_disadvantaged",
        year="2024-25",
        value=14.0,
        source="DfE, pupil absence in schools in England 2024/25",
    )
    with a.scope():
        _strong_card(a, academy)
        for term in ("2025-26-autumn", "2025-26-spring", "2025-26-summer"):
            # 24 pupils, 12 disadvantaged: the first 12 miss 12% (persistently absent).
            pupils_and_absence(a, academy, term, "P", missed=2, count=24, disadvantaged=12)
            _absent(a, academy, term, [f"P{i:04d}" for i in range(12)], missed=12)
        recompute_run(trust=a.trust, term="2025-26-summer")
    proposed = _proposed(client_for, a, academy)
    gap = next(r for r in proposed["reasons"] if r["rule"] == "persistent_disadvantaged_gap")
    assert "last 3 terms" in gap["text"]
    for words in ("Autumn term 2025-26", "Spring term 2025-26", "Summer term 2025-26"):
        assert words in gap["text"]
    assert "national other pupils" in gap["text"]
    assert proposed["proposed_phase"] != "sustain"


def _absent(tw, academy, term_code, keys, missed):
    from assessment.models import Attendance

    term = term_get_or_create(trust=tw.trust, code=term_code)
    Attendance.objects.filter(trust=tw.trust, term=term, pupil__key__in=keys).update(
        sessions_missed=missed
    )


def _writing(tw, academy, term_code, prefix, met, count=20, year_group="6"):
    """Year 6 writing teacher assessments: the first `met` pupils at EXS, the rest WTS."""
    term = term_get_or_create(trust=tw.trust, code=term_code)
    TermCompletion.objects.get_or_create(trust=tw.trust, academy=academy, term_code=term_code)
    for i in range(count):
        pupil, _ = Pupil.objects.get_or_create(trust=tw.trust, key=f"{prefix}{i:04d}")
        Enrolment.objects.get_or_create(
            trust=tw.trust,
            pupil=pupil,
            academic_year=term.academic_year,
            defaults={"academy": academy, "year_group": year_group, "sex": "F"},
        )
        Result.objects.update_or_create(
            trust=tw.trust,
            pupil=pupil,
            term=term,
            subject="writing",
            measure="ta",
            defaults={"academy": academy, "value": "EXS" if i < met else "WTS"},
        )


def test_autumn_year_6_writing_is_in_year_and_last_summer_stays_the_statutory_result(
    world, client_for, today
):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 11, 20))
    with a.scope():
        _strong_card(a, academy)
        _writing(a, academy, "2025-26-summer", "S", met=16)  # 80% at the end of KS2
        _writing(a, academy, "2026-27-autumn", "W", met=8)  # the new Year 6: 40% in autumn
        recompute_run(trust=a.trust, term="2026-27-autumn")
    proposed = _proposed(client_for, a, academy)
    writing = [r for r in proposed["reasons"] if r["evidence"].get("kpi") == "ks2_writing_exp"]
    statutory = [r for r in writing if r["rule"] == "kpi_vs_national"]
    # Last summer's statutory result is used all year, against DfE's national figure.
    assert len(statutory) == 1 and statutory[0]["evidence"]["term"] == "2025-26-summer"
    assert "used all year" in statutory[0]["text"]
    # The autumn's 40% is never set against the end-of-KS2 national figure: no target, not used.
    assert not any(r["evidence"]["term"] == "2026-27-autumn" for r in writing)
    assert any(
        "in-year teacher assessment" in m and "no trust target set for 2026-27" in m
        for m in proposed["missing"]
    )

    with a.scope():
        KpiTarget.objects.create(
            trust=a.trust, kpi_code="ks2_writing_exp", academic_year="2026-27", value=60
        )
        recompute_run(trust=a.trust, term="2026-27-autumn")
    proposed = _proposed(client_for, a, academy)
    in_year = next(r for r in proposed["reasons"] if r["rule"] == "in_year_vs_trust_target")
    assert in_year["evidence"]["target"] == 60 and in_year["evidence"]["value"] == 40
    assert "Source: trust benchmark" in in_year["text"]


def test_ks2_progress_from_dfe_is_banded_by_its_interval(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 3, 10))
    with a.scope():
        _strong_card(a, academy)
        # -2.6 with an interval reaching +0.1: DfE's descriptor aside, average.
        _published(a, academy, "READPROG", "2024-25", -2.6, -5.3, 0.1, "Below average")
        _published(a, academy, "MATPROG", "2024-25", -4.0, -6.2, -1.8, "Well below average")
        pupils_and_absence(a, academy, "2025-26-spring", "K", missed=5, count=12)
        recompute_run(trust=a.trust, term="2025-26-spring")
    proposed = _proposed(client_for, a, academy)
    bands = {
        r["evidence"]["field"]: r["evidence"]["band"]
        for r in proposed["reasons"]
        if r["rule"] == "ks2_progress_ci"
    }
    assert bands == {"READPROG": "average", "MATPROG": "well below"}
    assert proposed["proposed_phase"] != "sustain"


def test_secondary_subject_lines_from_dfe_p8_elements_on_the_placement_page(
    world, client_for, today
):
    a = world.a
    secondary = a.academies[1]
    today(dt.date(2025, 2, 10))
    with a.scope():
        inspection_record(
            actor=a.user(Role.TRUST_ADMIN),
            academy=secondary,
            data={
                "kind": "legacy",
                "inspected_on": dt.date(2022, 1, 10),
                "overall_grade": 2,
                "safeguarding_met": True,
            },
        )
        _published(a, secondary, "P8MEA", "2023-24", -0.05, -0.35, 0.25, "3")
        _published(a, secondary, "P8MEAENG", "2023-24", -0.55, -0.85, -0.25)
        _published(a, secondary, "P8MEAMAT", "2023-24", 0.45, 0.15, 0.75)
        recompute_run(trust=a.trust, term="2024-25-spring")
    proposed = _proposed(client_for, a, secondary)
    assert proposed["proposed_phase"] == "improve"  # the overall phase, as before
    page = client_for(a.user(Role.TRUST_LEADER)).get(f"/t/alpha/placements/{secondary.urn}/")
    html = page.content.decode()
    section = html[html.index('id="subjects"') :]
    assert 'English</th><td class="govuk-table__cell">Repair' in section
    assert 'Maths</th><td class="govuk-table__cell">Sustain' in section
    assert "Progress 8 English element 2023-24: -0.55" in section
    assert "Source: DfE (KS4 performance tables)" in section
    # The other trust never sees it (tenancy): its leader gets a 404 for this academy.
    other = client_for(world.b.user(Role.TRUST_LEADER)).get(f"/t/alpha/placements/{secondary.urn}/")
    assert other.status_code in (403, 404)


def test_complete_figures_keep_statutory_and_in_year_apart():
    """Per measure: last summer's statutory KS2 writing stays beside the autumn's in-year one;
    an in-year assessment of the cohort whose statutory result has arrived is superseded; the
    earlier disadvantaged figures are the history."""
    from assessment.contracts import KpiFigure
    from phases.completeness import coverage
    from phases.pipeline import complete_figures

    def fig(term, value, group="all"):
        return KpiFigure(
            academy_id=1,
            kpi_code="ks2_writing_exp",
            label="KS2 writing: expected standard (TA)",
            key_stage="KS2",
            subject="writing",
            group=group,
            term_code=term,
            value=value,
            cohort=20,
            suppressed=False,
            national=72.0,
            national_year="2024-25",
            target=None,
            unit="%",
            direction="higher",
        )

    terms = ["2025-26-spring", "2025-26-summer", "2026-27-autumn"]
    statuses = {
        t: coverage(
            term=t, pupils=1, expected=1, stages_expected=[], stages_covered=[], marked=True
        )
        for t in terms
    }
    figures = [fig(t, v) for t, v in zip(terms, (50, 80, 40), strict=True)] + [
        fig(t, v, "disadvantaged") for t, v in zip(terms[:2], (45, 60), strict=True)
    ]
    _used, best, _notes, history = complete_figures(1, "2026-27-autumn", statuses, figures)
    kept = {(f.group, f.term_code) for f in best}
    # Spring's in-year figure is superseded by the summer's statutory result of that cohort.
    assert kept == {
        ("all", "2025-26-summer"),
        ("all", "2026-27-autumn"),
        ("disadvantaged", "2025-26-summer"),
    }
    assert history == []  # spring (in year) and summer (statutory) are different measures

    _used, best, _notes, _history = complete_figures(1, "2025-26-spring", statuses, figures)
    assert {f.term_code for f in best if f.group == "all"} == {"2025-26-spring"}
