"""Retention: pupil-level data older than the trust's period is deleted, newer data is kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessment.models import Enrolment, Pupil, Result, Term, Upload
from assessment.retention import pupil_data_retention_apply
from assessment.services import (
    term_get_or_create,
    upload_confirm_now,
    upload_create,
    upload_validate,
)
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
STAFF = Role.SCHOOL_STAFF
OLD_UPN, NEW_UPN = "A123456789012", "B123456789013"


def _saved(tw, term, content):
    with tw.scope():
        upload = upload_validate(
            upload=upload_create(
                actor=tw.user(STAFF),
                academy=tw.academies[0],
                term=term_get_or_create(trust=tw.trust, code=term),
                kind="results",
                name="r.csv",
                content=content,
            )
        )
        return upload_confirm_now(actor=tw.user(STAFF), upload=upload)


def test_data_past_the_trusts_retention_is_deleted_with_its_files(
    world, settings, django_capture_on_commit_callbacks
):
    a = world.a
    a.trust.config = {**(a.trust.config or {}), "retention_years": 1}
    a.trust.save(update_fields=["config"])
    old = _saved(
        a, "2024-25-summer", f"upn,subject,measure,value\n{OLD_UPN},reading,ta,EXS\n".encode()
    )
    new = _saved(
        a, "2025-26-summer", f"upn,subject,measure,value\n{NEW_UPN},reading,ta,GDS\n".encode()
    )
    assert old.status == new.status == "committed"
    old_file = Path(settings.MEDIA_ROOT) / old.file.name
    assert old_file.exists()
    kept_b = _saved(
        world.b, "2024-25-summer", f"upn,subject,measure,value\n{OLD_UPN},reading,ta,EXS\n".encode()
    )

    with a.scope(), django_capture_on_commit_callbacks(execute=True):
        counts = pupil_data_retention_apply(trust=a.trust, today=dt.date(2026, 1, 10))
    with a.scope():
        assert counts["results"] == 1 and counts["uploads"] == 1 and counts["pupils"] == 1
        assert list(Term.objects.values_list("academic_year", flat=True)) == ["2025-26"]
        assert Result.objects.count() == 1 and Upload.objects.get().pk == new.pk
        assert Pupil.objects.count() == 1
        assert not Enrolment.objects.filter(academic_year="2024-25").exists()
        event = AuditEvent.objects.filter(action="pupil_data.retention").get()
        assert OLD_UPN not in str(event.changes)
    assert not old_file.exists()
    # Another trust's data is its own: its retention (the default six years) keeps it.
    with world.b.scope():
        assert Upload.objects.filter(pk=kept_b.pk).exists()
        assert pupil_data_retention_apply(trust=world.b.trust, today=dt.date(2026, 1, 10)) == {
            "results": 0,
            "attendance": 0,
            "uploads": 0,
            "enrolments": 0,
            "pupils": 0,
        }
    # Run again: nothing more to delete.
    with a.scope():
        assert (
            sum(pupil_data_retention_apply(trust=a.trust, today=dt.date(2026, 1, 10)).values()) == 0
        )


def test_erasing_a_pupil_removes_its_rows_and_its_lines_in_stored_files(world):
    from django.core.management import call_command

    a = world.a
    content = (
        f"upn,subject,measure,value\n{OLD_UPN},reading,ta,EXS\n{NEW_UPN},reading,ta,GDS\n"
    ).encode()
    saved = _saved(a, "2025-26-summer", content)
    other = _saved(world.b, "2025-26-summer", content)
    call_command("erase_pupil", trust=a.slug, upn=OLD_UPN.lower())
    with a.scope():
        assert Pupil.objects.count() == 1 and Result.objects.count() == 1
        upload = Upload.objects.get(pk=saved.pk)
        with upload.file.open("rb") as fh:
            text = fh.read().decode()
        assert OLD_UPN not in text and NEW_UPN in text
        event = AuditEvent.objects.get(action="pupil.erase")
        assert event.changes["files_redacted"] == 1 and OLD_UPN not in str(event.changes)
    with world.b.scope():  # the other trust's pupil with the same UPN is another record
        assert Result.objects.count() == 2
        with Upload.objects.get(pk=other.pk).file.open("rb") as fh:
            assert OLD_UPN in fh.read().decode()


def test_erasing_a_pupil_rewrites_stored_workbooks_too(world):
    import io
    import zipfile

    from django.core.management import call_command
    from openpyxl import Workbook, load_workbook

    from assessment.parsing import read_table

    a = world.a
    book = Workbook()
    sheet = book.active
    for row in (
        ["upn", "subject", "measure", "value"],
        [OLD_UPN, "reading", "ta", "EXS"],
        [NEW_UPN, "reading", "ta", "GDS"],
        [OLD_UPN, "maths", "ta", "EXS"],
    ):
        sheet.append(row)
    notes = book.create_sheet("notes")  # a second sheet naming the pupil goes too
    notes.append([f"check {OLD_UPN.lower()} again"])
    notes.append(["kept"])
    buffer = io.BytesIO()
    book.save(buffer)
    with a.scope():
        upload = upload_validate(
            upload=upload_create(
                actor=a.user(STAFF),
                academy=a.academies[0],
                term=term_get_or_create(trust=a.trust, code="2025-26-summer"),
                kind="results",
                name="results.xlsx",
                content=buffer.getvalue(),
            )
        )
        assert upload.status == "valid", upload.errors
        upload_confirm_now(actor=a.user(STAFF), upload=upload)
    call_command("erase_pupil", trust=a.slug, upn=OLD_UPN)
    with a.scope():
        stored = Upload.objects.get(pk=upload.pk)
        with stored.file.open("rb") as fh:
            data = fh.read()
        assert stored.size == len(data)
        event = AuditEvent.objects.get(action="pupil.erase")
        assert (event.changes["files_redacted"], event.changes["files_not_redacted"]) == (1, 0)
        assert Result.objects.count() == 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # not in any part: sheets, shared strings
        for member in archive.namelist():
            assert OLD_UPN.encode() not in archive.read(member).upper(), member
    kept = load_workbook(io.BytesIO(data))
    assert [c.value for c in kept["notes"]["A"]] == ["kept"]
    table = read_table(data, "results.xlsx")  # still a workbook the check reads: one pupil left
    assert table.headers == ["upn", "subject", "measure", "value"] and table.height == 1
