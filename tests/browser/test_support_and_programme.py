"""Support matching and the monitoring programme in a browser: record an arrangement (an error
first, input kept), plan owners and dates, planned visits on the calendar, start one; axe clean."""

from __future__ import annotations

import pytest
from django.utils import timezone

from academies.models import Academy
from phases.models import Placement
from tests.browser.conftest import assert_no_axe_violations
from trust_si.accounts.roles import Role
from visits.models import PlannedVisit
from visits.services import programme_generate

pytestmark = pytest.mark.django_db(transaction=True)


def _placements(tw):
    with tw.scope():
        giver = Academy.objects.create(
            trust=tw.trust,
            urn="997001",
            name="Giving Primary",
            phase_of_education="primary",
            age_low=4,
            age_high=11,
        )
        special = Academy.objects.create(
            trust=tw.trust,
            urn="997002",
            name="Small Special School",
            phase_of_education="special",
            age_low=4,
            age_high=19,
        )
        for academy, phase, cohort in (
            (tw.academies[0], "repair", 30),
            (giver, "sustain", 40),
            (special, "sustain", 9),
        ):
            Placement.objects.create(
                trust=tw.trust,
                academy=academy,
                term_code="2025-26-summer",
                subject="maths",
                proposed_phase=phase,
                reasons=[{"rule": "kpi_vs_target", "level": 4, "evidence": {"cohort": cohort}}],
            )


def test_support_matching_records_an_arrangement_and_is_axe_clean(world, page, login_as):
    a = world.a
    _placements(a)
    login_as(a.user(Role.TRUST_LEADER))
    page.goto(f"/t/{a.slug}/support-matching/")
    assert "10 of 10 days left" in page.locator("main").inner_text()
    assert "Small Special School (9 pupils, fewer than 15" in page.locator("main").inner_text()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Giving Primary supports Alpha Primary Academy in maths").click()
    assert page.get_by_label("Academy giving support").input_value() != ""
    page.get_by_label("Notes (optional)").fill("Maths lead practitioner, Tuesdays")
    page.get_by_role("button", name="Record the arrangement").click()
    # Refused (no days, no dates): the summary links to the fields and what was typed stays.
    assert page.locator(".govuk-error-summary").is_visible()
    assert (
        page.get_by_label("Notes (optional)").input_value() == "Maths lead practitioner, Tuesdays"
    )
    assert_no_axe_violations(page)

    today = timezone.localdate()
    page.get_by_label("Days of support").fill("4")
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("End date").fill(today.replace(year=today.year + 1).isoformat())
    page.get_by_role("button", name="Record the arrangement").click()
    main = page.locator("main").inner_text()
    assert "Recorded: Giving Primary supports" in main
    assert "6 of 10 days left" in main
    assert_no_axe_violations(page)
    page.goto(f"/t/{a.slug}/placements/{a.academies[0].urn}/")
    assert "Giving Primary" in page.locator("#arrangements + p + table").inner_text()
    assert_no_axe_violations(page)


def test_programme_plan_calendar_and_start_a_visit_are_axe_clean(world, page, login_as):
    a = world.a
    year = "2026-27"
    with a.scope():
        programme_generate(
            actor=a.user(Role.TRUST_LEADER),
            trust=a.trust,
            academic_year=year,
            academies=a.academies,
        )
        planned = PlannedVisit.objects.filter(
            entry__academy=a.academies[0], entry__visit_type__isnull=True
        ).first()
    login_as(a.user(Role.IMPROVEMENT_OFFICER))
    page.goto(f"/t/{a.slug}/visits/programme/?year={year}")
    assert "Autumn term 2026-27: the plan" in page.locator("main").inner_text()
    assert_no_axe_violations(page)

    page.goto(f"/t/{a.slug}/visits/programme/{planned.entry_id}/")
    page.get_by_label("Date of planned visit 1").fill("2030-01-01")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)

    month = f"{planned.planned_on.year}-{planned.planned_on.month}"
    page.goto(f"/t/{a.slug}/visits/calendar/?month={month}")
    assert page.get_by_text("Planned:").first.is_visible()
    assert_no_axe_violations(page)

    page.goto(f"/t/{a.slug}/visits/programme/?year={year}")
    item = page.locator(f"#planned-{planned.pk}")
    item.get_by_label("Type of visit").select_option(label="Learning walk")
    item.get_by_role("button", name="Start this visit").click()
    page.wait_for_url("**/edit/")
    assert "Visit to" in page.locator("main").inner_text()
    page.goto(f"/t/{a.slug}/visits/calendar/?month={month}")
    assert page.get_by_text("Draft:").first.is_visible()
    assert_no_axe_violations(page)
