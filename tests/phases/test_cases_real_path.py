"""Issue 12's cases through the real path: inspection form or service, judgements, published
P8, recompute, and the placements API a trust would integrate with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from academies.models import Inspection
from academies.services import inspection_record
from assessment.kpis.models import PublishedResult
from phases.models import Placement
from phases.pipeline import recompute_run
from phases.services import judgement_record, placement_decide
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


def _inspect(tw, academy, **data):
    data.setdefault("safeguarding_met", True)
    return inspection_record(actor=tw.user(Role.TRUST_ADMIN), academy=academy, data=data)


def _card(on, grade="expected_standard", **areas):
    return {
        "kind": Inspection.Kind.REPORT_CARD,
        "inspected_on": on,
        "area_grades": {a: areas.get(a, grade) for a in AREAS},
    }


def _api_row(client_for, tw, academy):
    rows = (
        client_for(tw.user(Role.TRUST_LEADER)).get("/api/v1/t/alpha/placements/").json()["results"]
    )
    return next(r for r in rows if r["urn"] == academy.urn)["proposed"]


def _rules(proposed):
    return [r["rule"] for r in proposed["reasons"]]


def test_case_1_leadership_urgent_improvement_through_the_inspection_form(world, client_for):
    a = world.a
    academy = a.academies[0]
    form = {
        "kind": "report_card",
        "inspected_on": (dt.date.today() - dt.timedelta(days=30)).isoformat(),
        "safeguarding_met": "met",
        **{f"area_{area}": "expected_standard" for area in AREAS},
        "area_leadership_governance": "urgent_improvement",
    }
    admin = client_for(a.user(Role.TRUST_ADMIN))
    response = admin.post(f"/t/alpha/academies/{academy.urn}/inspections/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    with a.scope():
        recompute_run(trust=a.trust)
    proposed = _api_row(client_for, a, academy)
    assert proposed["proposed_phase"] == "stabilise"
    floor = proposed["reasons"][0]
    assert floor["rule"] == "leadership_urgent_improvement" and floor["source"] == "Ofsted"
    assert "Excellence Every Day school improvement strategy, Stabilise" in floor["text"]


def test_case_2_the_newer_report_card_stands(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2027, 1, 15))
    with a.scope():
        _inspect(a, academy, kind="legacy", inspected_on=dt.date(2022, 3, 1), overall_grade=4)
        _inspect(a, academy, **_card(dt.date(2025, 11, 20), "strong_standard"))
        recompute_run(trust=a.trust, term="2026-27-spring")
    proposed = _api_row(client_for, a, academy)
    assert proposed["proposed_phase"] != "stabilise"
    assert "legacy_inadequate" not in _rules(proposed)
    assert "inspection_area" in _rules(proposed)
    assert any("superseded" in m for m in proposed["missing"])


def test_case_3_a_visit_never_replaces_an_inadequate(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2025, 11, 1))
    with a.scope():
        _inspect(a, academy, kind="legacy", inspected_on=dt.date(2025, 6, 10), overall_grade=4)
        judgement_record(
            actor=a.user(Role.IMPROVEMENT_OFFICER),
            academy=academy,
            area="attendance_behaviour",
            grade="expected_standard",
            judged_on=dt.date(2025, 10, 1),
            source="visit",
            source_ref="visits.visit:1",
        )
        recompute_run(trust=a.trust, term="2025-26-autumn")
    proposed = _api_row(client_for, a, academy)
    assert proposed["proposed_phase"] == "stabilise"
    assert _rules(proposed)[0] == "legacy_inadequate" and "judgement" in _rules(proposed)


def test_case_4_newly_joined_sponsored_academy(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2025, 10, 1))
    with a.scope():
        academy.date_joined = dt.date(2025, 9, 1)
        academy.save()
        _inspect(
            a,
            academy,
            kind="legacy",
            inspected_on=dt.date(2024, 5, 1),
            overall_grade=4,
            is_predecessor=True,
        )
        recompute_run(trust=a.trust, term="2025-26-autumn")
    proposed = _api_row(client_for, a, academy)
    assert proposed["proposed_phase"] == "stabilise"
    assert "Predecessor school's" in proposed["reasons"][0]["text"]
    assert not any("Too little evidence" in m for m in proposed["missing"])


def test_case_5_p8_2023_24_stays_valid_through_2024_25(world, client_for, today):
    a = world.a
    secondary = a.academies[1]
    today(dt.date(2025, 2, 10))
    with a.scope():
        _inspect(a, secondary, kind="legacy", inspected_on=dt.date(2022, 1, 10), overall_grade=2)
        PublishedResult.objects.create(
            trust=a.trust,
            academy=secondary,
            year="2023-24",
            field="P8MEA",
            value=-0.85,
            lower=-1.05,
            upper=-0.65,
            banding="5",
            source="DfE KS4 performance tables 2023-24",
        )
        recompute_run(trust=a.trust, term="2024-25-spring")
    proposed = _api_row(client_for, a, secondary)
    p8 = next(r for r in proposed["reasons"] if r["rule"] == "p8_band")
    assert p8["level"] == 1 and "latest valid figure" in p8["text"]
    assert proposed["proposed_phase"] == "repair"


def test_case_6_ofsted_not_met_stands_over_a_visit_met(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 1, 10))
    with a.scope():
        _inspect(a, academy, **_card(dt.date(2025, 12, 1)), safeguarding_met=False)
        judgement_record(
            actor=a.user(Role.IMPROVEMENT_OFFICER),
            academy=academy,
            area="safeguarding",
            grade="met",
            judged_on=dt.date(2025, 12, 2),
            source="visit",
            source_ref="visits.visit:2",
        )
        recompute_run(trust=a.trust, term="2025-26-spring")
        placement = Placement.objects.get(academy=academy, subject="")
    proposed = _api_row(client_for, a, academy)
    assert proposed["proposed_phase"] == "stabilise"
    assert proposed["reasons"][0]["rule"] == "safeguarding_not_met"
    assert "until Ofsted re-judges it" in proposed["reasons"][0]["text"]
    # A leader may override, with a recorded reason that stays on the timeline.
    with a.scope():
        placement_decide(
            actor=a.user(Role.TRUST_LEADER),
            placement=placement,
            phase="improve",
            rationale="Ofsted's monitoring visit on 9 Jan found the single central record fixed",
        )
        recompute_run(trust=a.trust, term="2025-26-spring")
        kept = Placement.objects.get(academy=academy, subject="")
    assert kept.status == "overridden" and kept.phase == "improve"
    assert "single central record" in kept.rationale


def test_case_7_special_school_not_compared_with_mainstream(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 7, 1))
    with a.scope():
        academy.phase_of_education = "special"
        academy.save()
        _inspect(a, academy, kind="legacy", inspected_on=dt.date(2023, 5, 1), overall_grade=2)
        pupils_and_absence(a, academy, "2025-26-summer", "S", missed=30, count=12)
        recompute_run(trust=a.trust, term="2025-26-summer")
    proposed = _api_row(client_for, a, academy)
    assert proposed["proposed_phase"] == "improve"
    assert "special_like_with_like" in _rules(proposed)
    assert "kpi_vs_national" not in _rules(proposed)
    assert "absence_relative_gap" not in _rules(proposed)


def test_case_8_strong_card_with_outcomes_at_national_is_not_sustain(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 7, 1))
    with a.scope():
        _inspect(a, academy, **_card(dt.date(2026, 1, 20), "strong_standard"))
        # Absence 7% of sessions against 6.9% nationally: at national, not above it.
        pupils_and_absence(a, academy, "2025-26-summer", "N", missed=7, count=12)
        recompute_run(trust=a.trust, term="2025-26-summer")
    proposed = _api_row(client_for, a, academy)
    # Absence is scored on its relative gap to national (DfE), attainment on points.
    assert "absence_relative_gap" in _rules(proposed), proposed
    assert proposed["proposed_phase"] == "improve"
    assert "sustain_needs_outcomes_above_national" in _rules(proposed)


def test_case_9_an_old_outstanding_is_flagged_and_weighs_less(world, client_for, today):
    a = world.a
    academy = a.academies[0]
    today(dt.date(2026, 7, 1))
    with a.scope():
        _inspect(a, academy, kind="legacy", inspected_on=dt.date(2009, 3, 1), overall_grade=1)
        recompute_run(trust=a.trust, term="2025-26-summer")
    proposed = _api_row(client_for, a, academy)
    old = next(r for r in proposed["reasons"] if r["rule"] == "legacy_inspection")
    assert old["weight"] < 2 and "four-year cycle" in old["text"]


def test_demo_holds_one_academy_at_the_floor_by_each_kind_of_evidence(db, settings):
    """seed_demo's academies only, then a recompute: each floor academy is Stabilise, in words."""
    from io import StringIO

    from django.core.management import call_command

    import trust_si.site.demo as demo
    from academies.demo import FLOORS
    from academies.models import Academy
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust

    settings.TRUST_SI_DEMO_PASSWORD = "demo"
    hooks = demo.DEMO_HOOKS
    demo.DEMO_HOOKS = [demo.academies_demo]
    try:
        call_command("seed_demo", stdout=StringIO())
    finally:
        demo.DEMO_HOOKS = hooks
    expected = {
        "990102": "safeguarding_not_met",
        "990202": "legacy_inadequate",
        "990201": "category_of_concern",
        "991104": "leadership_urgent_improvement",
    }
    assert set(expected) == set(FLOORS)
    for slug in ("northmoor", "riverside"):
        trust = Trust.objects.get(slug=slug)
        with trust_scope(trust):
            recompute_run(trust=trust)
            for academy in Academy.objects.filter(trust=trust, urn__in=expected):
                placement = Placement.objects.filter(academy=academy, subject="").first()
                assert placement is not None and placement.proposed_phase == "stabilise"
                first = placement.reasons[0]
                assert first["rule"] == expected[academy.urn], first
                assert "Placed in Stabilise" in first["text"] and "Source: Ofsted" in first["text"]
