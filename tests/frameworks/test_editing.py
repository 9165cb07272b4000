"""The framework editing pages: the working party's draft, statement by statement, published
once (a published version never changes), copied to another year group, imported and exported
as CSV; forms keep what was typed and say what is wrong."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.frameworks.models import Framework, FrameworkVersion, Statement, VersionStatus
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

from .test_frameworks import published

pytestmark = pytest.mark.django_db
LEADER, STAFF = Role.TRUST_LEADER, Role.SCHOOL_STAFF


def _url(name, tw, **kwargs):
    return reverse(name, kwargs={"trust_slug": tw.slug, **kwargs})


def _statement(code, level="EXS", strand="Composition", text="Writes for a reader"):
    return {"strand": strand, "code": code, "level": level, "text": text}


def test_list_says_which_year_groups_have_no_published_framework(world, client_for):
    published(world.a, year="4")
    page = client_for(world.a.user(STAFF)).get(_url("frameworks:list", world.a)).content.decode()
    assert "Version 1" in page
    # Year 4 published, the ten other writing year groups and all eleven reading ones not.
    assert page.count("No published framework: judgements cannot be recorded yet") == 21
    # Staff see the frameworks but cannot start one.
    assert _url("frameworks:start", world.a) not in page
    leader_page = client_for(world.a.user(LEADER)).get(_url("frameworks:list", world.a))
    assert _url("frameworks:start", world.a) in leader_page.content.decode()


def test_working_party_drafts_a_framework_by_copying_another_year_group(world, client_for):
    year4 = published(world.a, year="4")
    client = client_for(world.a.user(LEADER))
    answer = client.post(
        _url("frameworks:start", world.a),
        {"subject": "writing", "year_group": "5", "source": year4.pk},
    )
    assert answer.status_code == 302
    with world.a.scope():
        draft = FrameworkVersion.objects.get(framework__year_group="5")
        assert draft.status == VersionStatus.DRAFT and draft.copied_from == year4
        assert draft.statement_levels() == year4.statement_levels()
    # A second draft of the same framework is refused in words; what was chosen is kept.
    again = client.post(
        _url("frameworks:start", world.a), {"subject": "writing", "year_group": "5"}
    )
    assert again.status_code == 400
    body = again.content.decode()
    assert "There is a problem" in body and "already has a draft (version 1)" in body
    assert 'value="5" selected' in body
    # Staff may not edit frameworks.
    staff = client_for(world.a.user(STAFF))
    assert staff.get(_url("frameworks:start", world.a)).status_code == 403
    assert staff.post(_url("frameworks:statement_add", world.a, pk=draft.pk)).status_code == 403


def test_statement_editor_adds_changes_and_removes_and_keeps_what_was_typed(world, client_for):
    with world.a.scope():
        framework = Framework.objects.create(trust=world.a.trust, subject="writing", year_group="3")
        draft = FrameworkVersion.objects.create(trust=world.a.trust, framework=framework, number=1)
    client = client_for(world.a.user(LEADER))
    add = _url("frameworks:statement_add", world.a, pk=draft.pk)
    assert client.post(add, _statement("exs1")).status_code == 302
    # A duplicate code and a missing level: the error summary links to each field, and
    # everything typed is still there.
    bad = client.post(add, {**_statement("EXS1", text="Uses paragraphs"), "level": ""})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'href="#id_level_0"' in body and "This field is required." in body
    assert 'value="Uses paragraphs"' in body and 'value="EXS1"' in body
    duplicate = client.post(add, _statement("EXS1", text="Uses paragraphs"))
    assert "EXS1 is already a statement of this version." in duplicate.content.decode()
    assert (
        client.post(add, _statement("GDS1", "GDS", "Style", "Shifts formality")).status_code == 302
    )
    with world.a.scope():
        exs1 = Statement.objects.get(version=draft, code="EXS1")
        assert exs1.strand.name == "Composition"
    edit = _url("frameworks:statement", world.a, pk=draft.pk, statement_pk=exs1.pk)
    page = client.get(edit).content.decode()
    assert 'value="Writes for a reader"' in page and "Remove this statement" in page
    changed = client.post(edit, _statement("EXS2", strand="Style", text="Plans with a reader"))
    assert changed.status_code == 302
    with world.a.scope():
        exs1.refresh_from_db()
        assert (exs1.code, exs1.strand.name, exs1.text) == ("EXS2", "Style", "Plans with a reader")
        # The emptied strand goes with its last statement.
        assert list(draft.strands.values_list("name", flat=True)) == ["Style"]
    remove = _url("frameworks:statement_remove", world.a, pk=draft.pk, statement_pk=exs1.pk)
    assert client.post(remove).status_code == 302
    with world.a.scope():
        assert list(draft.statements.values_list("code", flat=True)) == ["GDS1"]
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"framework.statement_add", "framework.statement_update"} <= actions
    assert "framework.statement_remove" in actions
    settings = _url("frameworks:version_edit", world.a, pk=draft.pk)
    answer = client.post(settings, {"authors": "A. Shah, B. Lee", "allow_one_weakness": "on"})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.authors == "A. Shah, B. Lee" and draft.allow_one_weakness


def test_publish_says_what_happens_and_the_published_version_never_changes(world, client_for):
    with world.a.scope():
        framework = Framework.objects.create(trust=world.a.trust, subject="writing", year_group="3")
        draft = FrameworkVersion.objects.create(trust=world.a.trust, framework=framework, number=1)
    client = client_for(world.a.user(LEADER))
    version_url = _url("frameworks:version", world.a, pk=draft.pk)
    publish = _url("frameworks:publish", world.a, pk=draft.pk)
    client.post(_url("frameworks:statement_add", world.a, pk=draft.pk), _statement("EXS1", "GDS"))
    # Without an EXS statement nothing could be proposed: refused, still a draft.
    refused = client.post(publish, follow=True).content.decode()
    assert "needs expected-standard (EXS) statements" in refused
    client.post(_url("frameworks:statement_add", world.a, pk=draft.pk), _statement("EXS2"))
    page = client.get(version_url).content.decode()
    assert "A published version never changes" in page and "Yes, publish it" in page
    assert client.post(publish).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    page = client.get(version_url).content.decode()
    assert "Add a statement" not in page and "Start a new draft from this version" in page
    # Every door into the published version is shut, with the reason in words.
    locked = client.post(_url("frameworks:statement_add", world.a, pk=draft.pk), _statement("EXS3"))
    assert locked.status_code == 400
    settings = client.post(
        _url("frameworks:version_edit", world.a, pk=draft.pk), {"authors": "Someone else"}
    )
    assert "is published and never changes" in settings.content.decode()
    with world.a.scope():
        statement = draft.statements.first()
    client.post(
        _url("frameworks:statement_remove", world.a, pk=draft.pk, statement_pk=statement.pk)
    )
    draft.refresh_from_db()
    with world.a.scope():
        assert draft.statements.count() == 2 and draft.authors == ""
    # A new draft copies it; the published version stays as it was.
    answer = client.post(_url("frameworks:new_draft", world.a, pk=draft.pk))
    with world.a.scope():
        second = FrameworkVersion.objects.get(framework=framework, number=2)
        assert second.copied_from == draft
        assert second.statement_levels() == draft.statement_levels()
    assert answer["Location"].endswith(_url("frameworks:version", world.a, pk=second.pk))


def test_csv_import_lists_every_bad_row_and_writes_nothing_and_export_round_trips(
    world, client_for
):
    year4 = published(world.a, year="4")
    client = client_for(world.a.user(LEADER))
    exported = client.get(_url("frameworks:export", world.a, pk=year4.pk))
    assert exported["Content-Disposition"] == 'attachment; filename="writing-year-4-version-1.csv"'
    client.post(_url("frameworks:start", world.a), {"subject": "reading", "year_group": "4"})
    with world.a.scope():
        draft = FrameworkVersion.objects.get(framework__subject="reading")
    url = _url("frameworks:import", world.a, pk=draft.pk)
    bad = b"strand,code,level,statement\nComp,EXS1,EXS,ok\nComp,EXS1,XYZ,\n,B A,EXS,t\n"
    answer = client.post(url, {"file": SimpleUploadedFile("grid.csv", bad)})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "nothing was imported" in body and 'href="#id_file"' in body
    for row, column in [(3, "code"), (3, "level"), (3, "statement"), (4, "strand"), (4, "code")]:
        assert (
            f'<td class="govuk-table__cell">{row}</td><td class="govuk-table__cell">{column}</td>'
            in body
        )
    with world.a.scope():
        assert draft.statements.count() == 0
    good = client.post(url, {"file": SimpleUploadedFile("grid.csv", exported.content)})
    assert good.status_code == 302
    with world.a.scope():
        assert draft.statement_levels() == year4.statement_levels()
    # A published version cannot be replaced from a file either.
    locked = client.post(
        _url("frameworks:import", world.a, pk=year4.pk),
        {"file": SimpleUploadedFile("grid.csv", exported.content)},
    )
    assert locked.status_code == 400 and "never changes" in locked.content.decode()
