"""The framework editor in a real browser: a statement added, a mistake corrected and the draft
published from the keyboard alone, and axe 0 violations on every editing page (with and
without errors) and on the pieces-of-writing page."""

from __future__ import annotations

import pytest

from assessment.frameworks.models import Framework, FrameworkVersion, Statement
from tests.browser.conftest import assert_no_axe_violations
from tests.moderation.helpers import judgements
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _tab_to(page, element_id: str, limit: int = 120) -> None:
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_statement_editor_by_keyboard_only(world, page, login_as):
    tw = world.a
    with tw.scope():
        framework = Framework.objects.create(trust=tw.trust, subject="writing", year_group="3")
        draft = FrameworkVersion.objects.create(trust=tw.trust, framework=framework, number=1)
    page.set_default_timeout(60000)  # a shared machine: the live server can be slow
    login_as(tw.user(Role.TRUST_LEADER))
    page.goto(f"/t/{tw.slug}/frameworks/versions/{draft.pk}/")
    assert_no_axe_violations(page)
    # From the top of the page, Tab to the add form; type; choose the standard with the arrow
    # keys; Enter sends it.
    _tab_to(page, "id_strand")
    page.keyboard.type("Composition")
    page.keyboard.press("Tab")
    page.keyboard.type("exs1")
    page.keyboard.press("Tab")  # the first standard (working towards)
    page.keyboard.press("ArrowRight")  # expected standard, chosen
    page.keyboard.press("Tab")
    page.keyboard.type("Writes for a reader and a purpose")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with tw.scope():
        statement = Statement.objects.get(version=draft)
        assert (statement.code, statement.level) == ("EXS1", "EXS")
    # The same code again: the error summary takes the focus and links to the field, and the
    # typed text is kept.
    _tab_to(page, "id_strand")
    page.keyboard.type("Composition")
    page.keyboard.press("Tab")
    page.keyboard.type("EXS1")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("Uses paragraphs")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#id_text").input_value() == "Uses paragraphs"
    assert_no_axe_violations(page)
    page.locator("#id_code").focus()  # the error summary's link lands here
    page.keyboard.press("Control+a")
    page.keyboard.type("EXS2")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("EXS2 added to Composition").is_visible()
    # Publish: open the confirm step, read the warning, Tab to "Yes", Enter.
    page.locator(".app-confirm summary").focus()
    page.keyboard.press("Enter")
    assert page.get_by_text("A published version never changes").is_visible()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    draft.refresh_from_db()
    with tw.scope():
        assert draft.is_published and draft.statements.count() == 2
    assert_no_axe_violations(page)


def test_framework_editing_and_pieces_pages_are_axe_clean(world, page, login_as):
    tw = world.a
    judgements(tw, per_school=1)
    with tw.scope():
        framework = Framework.objects.create(trust=tw.trust, subject="reading", year_group="3")
        draft = FrameworkVersion.objects.create(trust=tw.trust, framework=framework, number=1)
        statement = Statement.objects.create(
            trust=tw.trust,
            version=draft,
            strand=draft.strands.create(trust=tw.trust, name="Retrieval"),
            code="EXS1",
            level="EXS",
            text="Finds information",
        )
        judgement = tw.academies[0].teacher_judgements.first()
    base = f"/t/{tw.slug}/frameworks"
    page.set_default_timeout(60000)  # a shared machine: the live server can be slow
    login_as(tw.user(Role.TRUST_LEADER))
    for url in (
        f"{base}/",
        f"{base}/new/",
        f"{base}/versions/{draft.pk}/",
        f"{base}/versions/{draft.pk}/edit/",
        f"{base}/versions/{draft.pk}/import/",
        f"{base}/versions/{draft.pk}/statements/{statement.pk}/",
        f"/t/{tw.slug}/judgements/{judgement.pk}/pieces/",
        f"/t/{tw.slug}/judgements/pupils/{judgement.pupil.key}/",
    ):
        answer = page.goto(url)
        assert answer is not None and answer.status == 200, url
        assert_no_axe_violations(page)
    # The start page and the import page with errors.
    page.goto(f"{base}/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the draft").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/versions/{draft.pk}/import/")
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "grid.csv",
                "mimeType": "text/csv",
                "buffer": b"strand,code,level,statement\nRetrieval,EXS1,XYZ,\n",
            }
        ]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check and import").click()
    assert page.get_by_text("Problems in the file (2)").is_visible()
    assert_no_axe_violations(page)
    # A renamed executable refused on the pieces page, then a real PDF accepted.
    page.goto(f"/t/{tw.slug}/judgements/{judgement.pk}/pieces/")
    for name, data in (("essay.pdf", b"MZ" + b"\0" * 300), ("essay.pdf", PDF)):
        page.locator("#id_file").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Upload the piece").click()
        assert_no_axe_violations(page)
    assert page.get_by_role("link", name="essay.pdf").is_visible()
