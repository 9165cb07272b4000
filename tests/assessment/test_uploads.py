"""Uploads: every bad input refused with its row/column/reason and nothing written; confirm is
atomic, idempotent and single; restore brings back the previous version; no UPN is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from assessment.models import Attendance, Enrolment, Pupil, Result, Upload
from assessment.parsing import UploadRejected, parse_uk_date, read_table
from assessment.services import (
    term_get_or_create,
    upload_confirm,
    upload_create,
    upload_map_columns,
    upload_restore,
    upload_validate,
)
from trust_si.accounts.roles import Role
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
    with tw.scope():
        return upload_confirm(actor=tw.user(STAFF), upload=upload)


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
    with world.a.scope():
        assert upload_confirm(actor=world.a.user(STAFF), upload=upload).status == "invalid"
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


def test_a_second_confirm_of_the_same_upload_does_not_apply_twice(world):
    upload = _upload(world.a, "results", RESULTS)
    with world.a.scope():
        first = upload_confirm(actor=world.a.user(STAFF), upload=upload)
        stale = Upload.objects.get(pk=upload.pk)
        stale.status = "valid"  # a second request that loaded the row before the first commit
        second = upload_confirm(actor=world.a.user(STAFF), upload=stale)
        assert first.status == "committed" and second.status == "committed"
        assert Result.objects.count() == 3
        from trust_si.audit.models import AuditEvent

        assert AuditEvent.objects.filter(action="upload.confirm").count() == 1


def test_new_version_replaces_the_slice_and_restore_brings_back_the_old(world):
    _confirm(world.a, _upload(world.a, "results", RESULTS))
    newer = RESULTS.replace(b"104", b"110")
    second = _confirm(world.a, _upload(world.a, "results", newer))
    with world.a.scope():
        assert sorted(Result.objects.values_list("value", flat=True)) == ["110", "99", "EXS"]
        upload_restore(actor=world.a.user(STAFF), upload=second)
        assert sorted(Result.objects.values_list("value", flat=True)) == ["104", "99", "EXS"]
        assert Upload.objects.filter(status="committed").count() == 1


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
    confirm = client.post(response["Location"] + "confirm/")
    assert confirm.status_code == 200 and confirm.json()["status"] == "committed"
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
