"""CPD and partnerships in a real browser: a commission made through the form, submitted from
the keyboard; the CPD dashboard, a programme, a session register and the commission page are
axe clean."""

from __future__ import annotations

import re

import pytest

from partnerships.models import Commission
from tests.browser.conftest import assert_no_axe_violations
from tests.cpd.helpers import make_programme
from tests.partnerships.helpers import make_commission
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_creates_a_commission_by_keyboard_and_pages_are_axe_clean(world, page, login_as):
    a = world.a
    existing = make_commission(a)
    objs = make_programme(a)
    login_as(a.user(Role.TRUST_LEADER))

    page.goto(f"/t/{a.slug}/partnerships/commissions/new/")
    assert_no_axe_violations(page)
    page.get_by_label("Partner", exact=True).select_option(label=existing.partner.name)
    page.get_by_label("Title").fill("Reading review 2026")
    page.get_by_label("Key area").select_option("reading")
    page.get_by_label("Support and challenge").check()
    page.get_by_label(a.academies[0].name, exact=True).check()
    page.get_by_label(a.academies[1].name, exact=True).check()
    page.get_by_label("Days allocated per academy").fill("2.5")
    page.get_by_label("Cost in pounds").fill("2400")
    page.get_by_label("Start date").fill("2026-01-05")
    page.get_by_label("End date").fill("2026-07-17")
    # Submit from the keyboard: focus the button and press Enter.
    page.get_by_role("button", name="Add commission").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partnerships/commissions/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Reading review 2026"
    with a.scope():
        created = Commission.objects.get(title="Reading review 2026")
        assert created.academies.count() == 2
    assert_no_axe_violations(page)  # the commission page, with its days table

    page.goto(f"/t/{a.slug}/partnerships/commissions/")
    assert page.get_by_role("link", name="Reading review 2026").is_visible()

    # An invalid form: the error summary links to the field, and the page stays axe clean.
    page.goto(f"/t/{a.slug}/partnerships/commissions/new/")
    page.get_by_role("button", name="Add commission").focus()
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    assert (
        page.get_by_role("link", name="Enter a date").count() >= 1
        or page.locator(".govuk-error-summary__list a").count() >= 4
    )
    assert_no_axe_violations(page)

    page.goto(f"/t/{a.slug}/cpd/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{a.slug}/cpd/programmes/{objs['programme'].pk}/")
    assert_no_axe_violations(page)
    page.goto(f"/t/{a.slug}/cpd/sessions/{objs['session'].pk}/register/")
    assert_no_axe_violations(page)
    # The register by keyboard: focus "Yes" for the one booked person, then save with Enter.
    page.get_by_label("Yes").first.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save register").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/cpd/sessions/{objs['session'].pk}/$"))
    assert "Attended" in page.locator("table").first.inner_text()


def test_every_new_form_is_axe_clean_even_with_errors(world, page, login_as):
    a = world.a
    commission = make_commission(a)
    objs = make_programme(a)
    login_as(a.user(Role.TRUST_ADMIN))
    session, programme = objs["session"].pk, objs["programme"].pk
    forms = [
        ("/cpd/programmes/new/", "Add programme"),
        (f"/cpd/programmes/{programme}/edit/", "Save programme"),
        (f"/cpd/programmes/{programme}/sessions/new/", "Add session"),
        (f"/cpd/sessions/{session}/edit/", "Save session"),
        (f"/cpd/sessions/{session}/enrol/", "Book place"),
        ("/cpd/npqs/new/", "Save NPQ"),
        (f"/cpd/npqs/{objs['npq'].pk}/edit/", "Save NPQ"),
        ("/partnerships/partners/new/", "Add partner"),
        (f"/partnerships/partners/{commission.partner.pk}/edit/", "Save partner"),
        (f"/partnerships/commissions/{commission.pk}/edit/", "Save commission"),
        (f"/partnerships/commissions/{commission.pk}/log/", "Log activity"),
    ]
    for path, button in forms:
        page.goto(f"/t/{a.slug}{path}")
        assert_no_axe_violations(page)
        # Clear every text box so the server answers with its error summary, then check again.
        for box in page.locator("input.govuk-input:visible").all():
            box.fill("")
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        assert_no_axe_violations(page)
    page.goto(f"/t/{a.slug}/cpd/sessions/{session}/evaluate/")
    assert_no_axe_violations(page)
