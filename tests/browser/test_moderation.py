"""Frameworks and moderation in a real browser: the class grid filled from the keyboard alone
(Space ticks, the arrow keys move down a column, each row autosaves), and axe 0 violations on
the grid, the frameworks list, the moderation round list, round page, blind review page and the
comparative-judgement page."""

from __future__ import annotations

import pytest

from assessment.frameworks.models import TeacherJudgement
from assessment.models import Enrolment, Pupil
from moderation.models import SampleItem
from tests.browser.conftest import assert_no_axe_violations
from tests.moderation.helpers import judgements, open_round
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_class_grid_by_keyboard_only(world, page, login_as):
    tw = world.a
    judgements(tw, per_school=1)
    with tw.scope():
        pupils = [Pupil.objects.create(trust=tw.trust, key=f"{i}" * 64) for i in range(3)]
        for pupil in pupils:
            Enrolment.objects.create(
                trust=tw.trust,
                pupil=pupil,
                academy=tw.academies[0],
                academic_year="2025-26",
                year_group="6",
                sex="F",
            )
    login_as(tw.user(Role.SCHOOL_STAFF))
    page.goto(
        f"/t/{tw.slug}/judgements/grid/?academy={tw.academies[0].urn}&year=6"
        "&subject=writing&term=2025-26-summer"
    )
    assert_no_axe_violations(page)
    first = page.locator("#judgement-grid input[type=checkbox]").first
    first.focus()  # where a teacher's Tab presses arrive; from here on, keys only
    for _ in pupils:
        with page.expect_response(lambda r: "/judgements/grid/save/" in r.url):
            page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
    with tw.scope():
        saved = TeacherJudgement.objects.filter(pupil__in=pupils)
        assert saved.count() == 3
        assert all(j.secure_codes for j in saved)


def test_moderation_pages_are_axe_clean(world, page, login_as):
    tw = world.a
    blind = open_round(tw, per_school=6)
    compare = open_round(tw, method="comparative", per_school=6, name="Comparing")
    with tw.scope():
        item = SampleItem.objects.filter(round=blind, academy=tw.academies[1]).first()
    login_as(tw.user(Role.IMPROVEMENT_OFFICER))
    for url in (
        f"/t/{tw.slug}/frameworks/",
        f"/t/{tw.slug}/moderation/",
        f"/t/{tw.slug}/moderation/{blind.pk}/",
        f"/t/{tw.slug}/moderation/{blind.pk}/pieces/{item.number}/",
        f"/t/{tw.slug}/moderation/{compare.pk}/",
        f"/t/{tw.slug}/moderation/{compare.pk}/compare/",
    ):
        answer = page.goto(url)
        assert answer is not None and answer.status == 200, url
        assert_no_axe_violations(page)
    # The better piece is chosen from the keyboard: Tab to a button, Enter.
    page.get_by_role("button", name="is better").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with tw.scope():
        assert compare.comparisons.count() == 1
