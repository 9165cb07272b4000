"""Uploads: every bad input refused with its row/column/reason and nothing written; confirm
queues a save that a worker commits atomically, once, however often it runs; restore saves the
previous version's file again; actions an upload's state does not allow are refused with the
reason; no UPN is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from assessment.models import Attendance, Enrolment, Pupil, Result, Upload
from assessment.parsing import UploadRejected, parse_uk_date, pupil_key, read_table
from assessment.services import (
    UploadStateError,
    term_get_or_create,
    upload_commit,
    upload_confirm,
    upload_confirm_now,
    upload_create,
    upload_map_columns,
    upload_restore,
    upload_validate,
)
from assessment.tasks import upload_commit_task, upload_stalled_release_fan_out
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent
from trust_si.exports import formula_safe

pytestmark = pytest.mark.django_db
STAFF = Role.SCHOOL_STAFF
UPN1, UPN2, UPN3 = "A123456789012", "B123456789013", "C12345678901D"
PUPILS = (
    f"upn,year_group,disadvantaged,send,eal,sex,prior_band\n{UPN1},6,Y,N,N,F,low\n"
    f"{UPN2},6,N,K,Y,M,middle\n{UPN3},5,N,E,N,F,high\n"
).encode()
RESULTS = (
    f"upn,subject,measure,value\n{UPN1},reading,scaled_score,104\n{UPN2},reading,scaled_score,99\n"
    f"{UPN1},writing,ta,EXS\n"
).encode()


def _upload(tw, kind, content, name="data.csv", academy=None, term="2025-26-summer"):
    with tw.scope():
        t = term_get_or_create(trust=tw.trust, code=term)
        upload = upload_create(
            actor=tw.user(STAFF),
            academy=academy or tw.academies[0],
            term=t,
            kind=kind,
            name=name,
            content=content,
        )
        return upload_validate(upload=upload)


def _confirm(tw, upload):
    """Confirm and save at once (the worker's commit, run here)."""
    with tw.scope():
        return upload_confirm_now(actor=tw.user(STAFF), upload=upload)


def _nothing_written(tw):
    with tw.scope():
        return not (
            Result.objects.exists() or Enrolment.objects.exists() or Attendance.objects.exists()
        )


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "empty.csv", "empty"),
        (b"\x00\x01\x02junk" * 100, "junk.csv", "not look like a text"),
        (b"PK\x03\x04 broken zip", "x.xlsx", "not a readable Excel"),
        (b"anything", "book.xlsm", "macros"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(world, content, name, reason):
    upload = _upload(world.a, "results", content, name=name)
    assert upload.status == "failed" and reason in upload.message
    assert _nothing_written(world.a)


def test_macro_workbook_and_zip_bomb_are_refused():
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as z:
        z.writestr("xl/vbaProject.bin", b"x")
    with pytest.raises(UploadRejected, match="macros"):
        read_table(macro.getvalue(), "book.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (201 * 1024 * 1024))
    with pytest.raises(UploadRejected, match="200 MB"):
        read_table(bomb.getvalue(), "bomb.xlsx")


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    bad = (
        f"upn,subject,measure,value\n{UPN1},reading,scaled_score,150\nnot-a-upn,reading,ta,EXS\n"
        f"{UPN2},history,gcse_grade,11\n{UPN2},reading,ta,EXS\n{UPN2},reading,ta,GDS\n"
        f"{UPN3},latin,ta,EXS\n"
    ).encode()
    upload = _upload(world.a, "results", bad)
    assert upload.status == "invalid"
    errors = {(e["row"], e["column"]) for e in upload.errors}
    assert {(2, "value"), (3, "upn"), (4, "value"), (6, "upn"), (7, "subject")} <= errors
    assert all(e["message"] for e in upload.errors)
    with world.a.scope(), pytest.raises(UploadStateError, match="ready to confirm"):
        upload_confirm(actor=world.a.user(STAFF), upload=upload)
    assert _nothing_written(world.a)


def test_wrong_kind_is_explained(world):
    upload = _upload(world.a, "attendance", RESULTS)
    assert upload.status == "invalid"
    assert {e["column"] for e in upload.errors} == {"sessions_possible", "sessions_missed"}


def test_encodings_delimiters_and_xlsx(world):
    semicolon = "upn;sessions_possible;sessions_missed\nA123456789012;120;6\n".encode("cp1252")
    assert _upload(world.a, "attendance", semicolon).status == "valid"
    tab = b"\xef\xbb\xbfupn\tsessions_possible\tsessions_missed\nA123456789012\t120\t6\n"
    assert _upload(world.a, "attendance", tab).status == "valid"
    book = Workbook()
    sheet = book.active
    sheet.append(["UPN", "Sessions possible", "Sessions missed"])
    sheet.append([UPN1, 120, 14])
    out = io.BytesIO()
    book.save(out)
    assert _upload(world.a, "attendance", out.getvalue(), name="att.xlsx").status == "valid"
    assert parse_uk_date("45000").isoformat() == "2023-03-15"
    assert parse_uk_date("01/09/2025").isoformat() == "2025-09-01"


def test_confirm_commits_and_the_same_file_twice_changes_nothing(world):
    first = _confirm(world.a, _upload(world.a, "results", RESULTS))
    assert first.status == "committed"
    with world.a.scope():
        assert Result.objects.count() == 3
        ids = sorted(Result.objects.values_list("pk", flat=True))
    again = _confirm(world.a, _upload(world.a, "results", RESULTS))
    assert again.status == "unchanged"
    with world.a.scope():
        assert sorted(Result.objects.values_list("pk", flat=True)) == ids


def test_confirm_queues_the_save_and_the_worker_commits_it(
    world, client_for, django_capture_on_commit_callbacks
):
    upload = _upload(world.a, "results", RESULTS)
    client = client_for(world.a.user(STAFF))
    page = reverse("assessment:upload_detail", kwargs={"trust_slug": "alpha", "pk": upload.pk})
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(page + "confirm/")
    assert response.status_code == 302 and len(queued) == 1  # the save job, sent after commit
    with world.a.scope():
        upload.refresh_from_db()
        assert upload.status == "commit_queued" and upload.confirmed_by == world.a.user(STAFF)
        assert not Result.objects.exists()  # nothing is written by the request
    waiting = client.get(page, headers={"HX-Request": "true"}).content.decode()
    assert "Waiting to be saved" in waiting and 'hx-trigger="every 1s"' in waiting
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()  # the worker runs the job (eagerly here)
    with world.a.scope():
        upload.refresh_from_db()
        assert upload.status == "committed" and upload.message == "3 rows confirmed."
        assert Result.objects.filter(upload=upload).count() == 3
    done = client.get(page, headers={"HX-Request": "true"}).content.decode()
    assert "3 rows confirmed." in done and "hx-trigger" not in done


def test_a_commit_run_twice_or_confirmed_twice_writes_once(world):
    upload = _upload(world.a, "results", RESULTS)
    with world.a.scope():
        upload_confirm(actor=world.a.user(STAFF), upload=upload)
        stale = Upload.objects.get(pk=upload.pk)
        stale.status = "valid"  # a second request that loaded the row before the first claim
        assert upload_confirm(actor=world.a.user(STAFF), upload=stale).status == "commit_queued"
        assert upload_commit_task.delay(trust_id=world.a.trust.pk, upload_id=upload.pk).get() == (
            "committed"
        )
        ids = sorted(Result.objects.values_list("pk", flat=True))
        # A redelivered job (acks_late) and a retried one find it saved and write nothing.
        assert upload_commit(upload_id=upload.pk).status == "committed"
        assert upload_commit_task.delay(trust_id=world.a.trust.pk, upload_id=upload.pk).get() == (
            "committed"
        )
        assert sorted(Result.objects.values_list("pk", flat=True)) == ids and len(ids) == 3
        assert AuditEvent.objects.filter(action="upload.confirm").count() == 1
        assert AuditEvent.objects.filter(action="upload.confirm_request").count() == 1
        assert upload_commit_task.delay(trust_id=world.a.trust.pk, upload_id=0).get() == "missing"


def test_an_interrupted_save_is_saved_by_the_next_run(world, client_for):
    """A worker killed mid-save leaves the upload "saving" and nothing written (its transaction
    rolled back): the redelivered job saves it, once."""
    upload = _upload(world.a, "results", RESULTS)
    with world.a.scope():
        upload_confirm(actor=world.a.user(STAFF), upload=upload)
        Upload.objects.filter(pk=upload.pk).update(status="committing")  # the killed run's claim
    page = client_for(world.a.user(STAFF)).get(
        reverse("assessment:upload_detail", kwargs={"trust_slug": "alpha", "pk": upload.pk})
    )
    assert "Saving…" in page.content.decode() and "hx-trigger" in page.content.decode()
    with world.a.scope():
        assert upload_commit(upload_id=upload.pk).status == "committed"
        assert Result.objects.filter(upload=upload).count() == 3


def test_a_failure_inside_the_commit_leaves_the_upload_ready_to_confirm_with_the_reason(world):
    first = _confirm(world.a, _upload(world.a, "results", RESULTS))
    newer = _upload(world.a, "results", RESULTS + f"{UPN3},maths,scaled_score,100\n".encode())
    with world.a.scope():
        # UPN3's maths score is already recorded at the other academy: inserting it breaks the
        # one-result-per-measure rule after the slice was deleted, inside the commit.
        pupil = Pupil.objects.create(key=pupil_key(UPN3, world.a.trust.pseudonym_secret))
        Result.objects.create(
            pupil=pupil,
            academy=world.a.academies[1],
            term=first.term,
            subject="maths",
            measure="scaled_score",
            value="100",
        )
        slice_before = sorted(
            Result.objects.filter(academy=world.a.academies[0]).values_list("pk", "value")
        )
        failed = upload_confirm_now(actor=world.a.user(STAFF), upload=newer)
        assert failed.status == "valid"  # ready to confirm again: never stuck "saving"
        assert "clash with data saved for another academy" in failed.message
        assert "nothing was changed" in failed.message
        assert (
            sorted(Result.objects.filter(academy=world.a.academies[0]).values_list("pk", "value"))
            == slice_before
        )
        assert not Result.objects.filter(upload=newer).exists()
        first.refresh_from_db()
        assert first.status == "committed"  # still the current data
        assert not AuditEvent.objects.filter(action="upload.confirm", object_id=str(newer.pk))


def test_a_file_that_no_longer_passes_at_commit_time_has_problems_with_the_reason(world):
    waiting = _upload(world.a, "pupils", PUPILS)  # checked while UPN1 was nowhere else
    other = _upload(
        world.a,
        "pupils",
        PUPILS.split(b"\n", 2)[0] + b"\n" + PUPILS.split(b"\n")[1] + b"\n",
        academy=world.a.academies[1],
    )
    assert _confirm(world.a, other).status == "committed"
    refused = _confirm(world.a, waiting)
    assert refused.status == "invalid" and "no longer passes the checks" in refused.message
    assert [(e["row"], e["column"]) for e in refused.errors] == [(2, "upn")]
    with world.a.scope():
        assert not Enrolment.objects.filter(academy=world.a.academies[0]).exists()


def test_new_version_replaces_the_slice_and_restore_saves_the_old_file_again(
    world, django_capture_on_commit_callbacks
):
    first = _confirm(world.a, _upload(world.a, "results", RESULTS))
    second = _confirm(world.a, _upload(world.a, "results", RESULTS.replace(b"104", b"110")))
    with world.a.scope():
        assert sorted(Result.objects.values_list("value", flat=True)) == ["110", "99", "EXS"]
        first.refresh_from_db()
        assert first.status == "superseded"
        with django_capture_on_commit_callbacks() as queued:
            restoring = upload_restore(actor=world.a.user(STAFF), upload=second)
        assert restoring.pk == first.pk and restoring.status == "commit_queued"
        with django_capture_on_commit_callbacks(execute=True):
            queued[0]()  # the worker re-checks and commits the first upload's stored file
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == "committed" and second.status == "superseded"
        assert first.message.startswith("Restored")
        assert sorted(Result.objects.values_list("value", flat=True)) == ["104", "99", "EXS"]
        assert set(Result.objects.values_list("upload", flat=True)) == {first.pk}
        assert Upload.objects.filter(status="committed").count() == 1
        restore = AuditEvent.objects.get(action="upload.restore")
        assert restore.object_id == str(second.pk) and restore.changes == {"restoring": first.pk}
        assert AuditEvent.objects.filter(
            action="upload.confirm", object_id=str(first.pk), changes__restore=True
        ).exists()
        # Restoring again goes back to the second version: the one current before.
        upload_restore(actor=world.a.user(STAFF), upload=first)
        upload_commit(upload_id=second.pk)
        assert sorted(Result.objects.values_list("value", flat=True)) == ["110", "99", "EXS"]


def test_restore_is_refused_for_a_first_upload_and_for_an_old_one(world, client_for):
    first = _confirm(world.a, _upload(world.a, "results", RESULTS))
    client = client_for(world.a.user(STAFF))
    page = reverse("assessment:upload_detail", kwargs={"trust_slug": "alpha", "pk": first.pk})
    assert "there is no earlier version to restore" in client.get(page).content.decode()
    response = client.post(page + "restore/")
    assert response.status_code == 409
    assert "there is no earlier version to restore" in response.content.decode()
    with world.a.scope():
        with pytest.raises(UploadStateError, match="no earlier version"):
            upload_restore(actor=world.a.user(STAFF), upload=first)
        assert Result.objects.filter(upload=first).count() == 3  # nothing deleted
        first.refresh_from_db()
        assert first.status == "committed"
    _confirm(world.a, _upload(world.a, "results", RESULTS.replace(b"104", b"110")))
    with world.a.scope(), pytest.raises(UploadStateError, match="Only the current"):
        upload_restore(actor=world.a.user(STAFF), upload=first)  # superseded: not current
    assert client.post(page + "restore/").status_code == 409


def test_a_stored_file_gone_at_commit_time_fails_with_the_reason(world):
    upload = _upload(world.a, "results", RESULTS)
    upload.file.storage.delete(upload.file.name)
    failed = _confirm(world.a, upload)
    assert failed.status == "failed" and "The stored file is missing." in failed.message
    assert _nothing_written(world.a)


def test_pupil_in_two_academies_is_an_error(world):
    _confirm(world.a, _upload(world.a, "pupils", PUPILS))
    clash = _upload(world.a, "pupils", PUPILS, academy=world.a.academies[1])
    assert clash.status == "invalid"
    assert any("another academy" in e["message"] for e in clash.errors)


def test_no_upn_or_name_is_stored_anywhere(world):
    _confirm(world.a, _upload(world.a, "pupils", PUPILS))
    _confirm(world.a, _upload(world.a, "results", RESULTS))
    with world.a.scope():
        assert Pupil.objects.count() == 3
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            if not table.startswith(("assessment_",)):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert UPN1 not in " ".join(str(v) for v in row), table


def test_column_mapping_is_remembered_for_the_academy(world):
    own = f"Pupil ID,Possible,Absent\n{UPN1},120,6\n".encode()
    upload = _upload(world.a, "attendance", own)
    assert upload.status == "invalid" and upload.counts["headers"] == [
        "Pupil ID",
        "Possible",
        "Absent",
    ]
    with world.a.scope():
        upload_map_columns(
            actor=world.a.user(STAFF),
            upload=upload,
            mapping={
                "upn": "Pupil ID",
                "sessions_possible": "Possible",
                "sessions_missed": "Absent",
            },
        )
        assert upload_validate(upload=upload).status == "valid"
    assert _upload(world.a, "attendance", own, term="2025-26-spring").status == "valid"


def test_columns_cannot_be_remapped_once_an_upload_is_checked_or_saved(world, client_for):
    own = f"Pupil ID,Possible,Absent\n{UPN1},120,6\n".encode()
    mapping = {"upn": "Pupil ID", "sessions_possible": "Possible", "sessions_missed": "Absent"}
    upload = _upload(world.a, "attendance", own)
    with world.a.scope():
        upload_map_columns(actor=world.a.user(STAFF), upload=upload, mapping=mapping)
        upload_validate(upload=upload)
    committed = _confirm(world.a, upload)
    assert committed.status == "committed"
    client = client_for(world.a.user(STAFF))
    page = reverse("assessment:upload_mapping", kwargs={"trust_slug": "alpha", "pk": upload.pk})
    assert client.get(page).status_code == 409
    response = client.post(page, {"upn": "Pupil ID"})
    assert (
        response.status_code == 409 and "Columns can only be matched" in response.content.decode()
    )
    with world.a.scope():
        with pytest.raises(UploadStateError, match="Columns can only be matched"):
            upload_map_columns(actor=world.a.user(STAFF), upload=committed, mapping=mapping)
        committed.refresh_from_db()
        assert committed.status == "committed" and Attendance.objects.count() == 1
        # A check job delivered twice, or late, does not reopen a saved upload either.
        assert upload_validate(upload=committed).status == "committed"
        # Nor can a saved upload be confirmed again by a stale page (it answers its state).
        assert upload_confirm(actor=world.a.user(STAFF), upload=committed).status == "committed"


def test_a_save_interrupted_long_ago_goes_back_to_ready_to_confirm(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    stalled = _upload(world.a, "results", RESULTS)
    recent = _upload(
        world.a, "attendance", f"upn,sessions_possible,sessions_missed\n{UPN1},120,6\n".encode()
    )
    with world.a.scope():
        for upload in (stalled, recent):
            upload_confirm(actor=world.a.user(STAFF), upload=upload)
        Upload.objects.filter(pk=stalled.pk).update(
            status="committing", claimed_at=timezone.now() - timedelta(hours=1)
        )
    # Beat's job: one release per trust, each in its own scope.
    assert upload_stalled_release_fan_out.delay().get() == 2
    assert settings.CELERY_BEAT_SCHEDULE["upload-stalled-saves"]["task"] == (
        upload_stalled_release_fan_out.name
    )
    with world.a.scope():
        stalled.refresh_from_db()
        recent.refresh_from_db()
        assert stalled.status == "valid" and "interrupted" in stalled.message
        assert recent.status == "commit_queued"  # its job is probably still on its way
        # The lost job, redelivered at last, finds nothing to do; confirming again saves it.
        assert upload_commit(upload_id=stalled.pk).status == "valid"
        assert not Result.objects.exists()
        assert upload_confirm_now(actor=world.a.user(STAFF), upload=stalled).status == "committed"


def test_the_upload_list_does_not_load_problems_or_previews(world, client_for):
    many_problems = ("upn,subject,measure,value\n" + "nope,reading,ta,ZZZ\n" * 50).encode()
    for _ in range(3):
        _upload(world.a, "results", many_problems)
    _confirm(world.a, _upload(world.a, "results", RESULTS))
    client = client_for(world.a.user(STAFF))
    unloaded = {
        "assessment:upload_list": ("errors", "preview", "mapping", "counts"),
        "assessment_api:upload-list": ("errors", "preview", "mapping"),  # the API lists counts
    }
    for route, columns in unloaded.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(route, kwargs={"trust_slug": "alpha"}))
        assert response.status_code == 200 and "data.csv" in response.content.decode()
        assert len(queries) < 15  # not one query per upload
        [select] = [
            q["sql"]
            for q in queries
            if 'FROM "assessment_upload"' in q["sql"] and "COUNT(*)" not in q["sql"]
        ]
        for column in columns:
            assert f'"assessment_upload"."{column}"' not in select, (route, column)
    listed = client.get(reverse("assessment_api:upload-list", kwargs={"trust_slug": "alpha"}))
    first = listed.json()["results"][0]
    assert "errors" not in first and first["counts"]["rows"] >= 3


def test_api_upload_status_errors_and_confirm(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.a.user(STAFF))
    url = reverse("assessment_api:upload-list", kwargs={"trust_slug": "alpha"})
    with django_capture_on_commit_callbacks(execute=True):  # the check job runs after commit
        response = client.post(
            url,
            {
                "kind": "results",
                "academy": world.a.academies[0].urn,
                "term": "2025-26-summer",
                "file": SimpleUploadedFile("r.csv", RESULTS),
            },
        )
    assert response.status_code == 202 and response["Location"].endswith(
        f"/uploads/{response.json()['id']}/"
    )
    body = client.get(response["Location"]).json()
    assert body["status"] == "valid" and body["counts"]["valid"] == 3 and body["errors"] == []
    with django_capture_on_commit_callbacks(execute=True):  # the save job runs after commit
        confirm = client.post(response["Location"] + "confirm/")
    assert confirm.status_code == 202 and confirm.json()["status"] == "commit_queued"
    assert confirm["Location"] == response["Location"]
    assert client.get(response["Location"]).json()["status"] == "committed"
    again = client.post(response["Location"] + "confirm/")
    assert again.status_code == 200 and again.json()["status"] == "committed"
    bad = client.post(
        url,
        {
            "kind": "results",
            "academy": world.a.academies[1].urn,
            "term": "2025-26-summer",
            "file": SimpleUploadedFile("r.csv", RESULTS),
        },
    )
    assert bad.status_code == 400  # academy outside the head's scope
    with django_capture_on_commit_callbacks(execute=True):
        broken = client.post(
            url,
            {
                "kind": "results",
                "academy": world.a.academies[0].urn,
                "term": "2025-26-summer",
                "file": SimpleUploadedFile(
                    "r.csv", b"upn,subject,measure,value\nX,reading,ta,ZZZ\n"
                ),
            },
        ).json()
    detail = client.get(broken["url"]).json()
    assert detail["status"] == "invalid"
    assert {"row", "column", "value", "message"} <= set(detail["errors"][0])
    refused = client.post(broken["url"] + "confirm/")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Only an upload that is ready to confirm can be confirmed. This one is: Has problems."
    }


def test_error_report_csv_neutralises_formulas(world, client_for):
    upload = _upload(
        world.a, "results", f"upn,subject,measure,value\n{UPN1},reading,ta,=HYPERLINK(1)\n".encode()
    )
    response = client_for(world.a.user(STAFF)).get(
        reverse("assessment:upload_errors", kwargs={"trust_slug": "alpha", "pk": upload.pk})
    )
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")
    assert (
        formula_safe("+1") == "'+1" and formula_safe("-2") == "'-2" and formula_safe("@x") == "'@x"
    )


def test_upload_page_never_500s_on_bad_input(world, client_for):
    client = client_for(world.a.user(STAFF))
    url = reverse("assessment:upload_new", kwargs={"trust_slug": "alpha"})
    response = client.post(
        url,
        {
            "academy": world.a.academies[0].pk,
            "term": "2025-26-summer",
            "kind": "results",
            "file": SimpleUploadedFile("e.csv", b""),
        },
    )
    assert response.status_code == 400 and "There is a problem" in response.content.decode()


def test_the_upload_list_rows_are_the_uploads_in_scope_newest_first(world, client_for):
    from assessment.selectors import upload_list_for, upload_rows, upload_summaries_for
    from trust_si.accounts.models import Membership

    second = world.a.academies[1]
    _upload(world.a, "results", RESULTS, name="<b>marks</b>.csv")
    _confirm(world.a, _upload(world.a, "pupils", PUPILS, name="pupils.csv"))
    _upload(world.a, "results", RESULTS, name="other.csv", academy=second, term="2025-26-spring")
    _upload(world.b, "results", RESULTS, name="beta.csv")
    with world.a.scope():
        for role, count in ((STAFF, 2), (Role.TRUST_LEADER, 3)):
            membership = Membership.objects.get(trust=world.a.trust, user=world.a.user(role))
            rows = upload_rows(upload_summaries_for(membership), trust_slug="alpha")
            expected = [
                {
                    "href": reverse(
                        "assessment:upload_detail", kwargs={"trust_slug": "alpha", "pk": u.pk}
                    ),
                    "name": u.original_name,
                    "academy": u.academy.name,
                    "term": str(u.term),
                    "kind": u.get_kind_display(),
                    "status": u.get_status_display(),
                }
                for u in upload_list_for(membership)
            ]
            assert rows == expected and len(rows) == count, role
    page = client_for(world.a.user(STAFF)).get(
        reverse("assessment:upload_list", kwargs={"trust_slug": "alpha"})
    )
    html = page.content.decode()
    assert "&lt;b&gt;marks&lt;/b&gt;.csv</a>" in html and "<b>marks" not in html
    assert "other.csv" not in html and "beta.csv" not in html
    assert "Summer term 2025-26" in html and "Confirmed" in html
