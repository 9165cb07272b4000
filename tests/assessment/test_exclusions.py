"""The suspensions and permanent exclusions upload kind (issue 13): every bad row refused with its
row, column and reason and nothing written; a good file committed once, however often it is
confirmed or uploaded again; a confirmed file with no rows says "none this term"; no UPN is
stored."""

from __future__ import annotations

import pytest

from assessment.models import Exclusion, UploadStatus
from assessment.parsing import pupil_key
from assessment.services import (
    term_get_or_create,
    upload_confirm_now,
    upload_create,
    upload_validate,
)
from assessment.templates_io import template_csv
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
STAFF = Role.SCHOOL_STAFF
AUTUMN = "2025-26-autumn"
UPN1, UPN2, UPN3 = "A123456789012", "B123456789013", "C12345678901D"


def _upload(tw, content, term=AUTUMN, kind="exclusions"):
    with tw.scope():
        t = term_get_or_create(trust=tw.trust, code=term)
        upload = upload_create(
            actor=tw.user(STAFF),
            academy=tw.academies[0],
            term=t,
            kind=kind,
            name="exclusions.csv",
            content=content.encode(),
        )
        return upload_validate(upload=upload)


def _confirm(tw, upload):
    with tw.scope():
        return upload_confirm_now(actor=tw.user(STAFF), upload=upload)


def test_the_template_has_the_columns_dfe_records():
    assert template_csv("exclusions").decode("utf-8-sig").strip() == "upn,date,type,sessions"


def test_every_bad_row_is_reported_with_row_column_and_reason_and_nothing_is_written(world):
    tw = world.a
    upload = _upload(
        tw,
        "upn,date,type,sessions\n"
        f"{UPN1},03/10/2025,suspension,4\n"  # row 2: good
        f"{UPN2},31/02/2025,suspension,2\n"  # row 3: no such day
        f"{UPN2},14/01/2026,suspension,2\n"  # row 4: spring, not autumn
        f"{UPN3},06/10/2025,expelled,\n"  # row 5: not a type
        f"{UPN3},07/10/2025,suspension,\n"  # row 6: a suspension with no length
        f"{UPN3},08/10/2025,suspension,91\n"  # row 7: past 45 days
        f"{UPN3},09/10/2025,permanent,6\n"  # row 8: a permanent exclusion has no length
        "X1,10/10/2025,suspension,2\n"  # row 9: not a UPN
        f"{UPN1},03/10/2025,suspension,2\n"  # row 10: the same pupil, day and type again
        f"{UPN2},20/11/2025,suspension,1.5\n",  # row 11: not a whole number of sessions
    )
    assert upload.status == UploadStatus.INVALID
    found = {(e["row"], e["column"]) for e in upload.errors}
    assert found == {
        (3, "date"),
        (4, "date"),
        (5, "type"),
        (6, "sessions"),
        (7, "sessions"),
        (8, "sessions"),
        (9, "upn"),
        (10, "upn"),
        (11, "sessions"),
    }
    reasons = {(e["row"], e["column"]): e["message"] for e in upload.errors}
    assert reasons[(4, "date")].startswith("Not in Autumn term 2025-26 (01/08/2025 to 31/12/2025)")
    assert "1 to 90 sessions" in reasons[(7, "sessions")]
    assert "leave sessions blank" in reasons[(8, "sessions")]
    assert "also on row 2" in reasons[(10, "upn")]
    with tw.scope():
        assert not Exclusion.objects.exists()


def test_a_good_file_is_committed_once_with_pseudonymous_pupils(world):
    tw = world.a
    content = (
        "UPN,Date,Type,Sessions\n"
        f"{UPN1},03/10/2025,Fixed period,4\n"
        f"{UPN1},2025-11-12,suspension,2\n"
        f"{UPN2},05/12/2025,permanent,\n"
    )
    upload = _confirm(tw, _upload(tw, content))
    assert upload.status == UploadStatus.COMMITTED
    secret = tw.trust.pseudonym_secret
    with tw.scope():
        rows = sorted(
            Exclusion.objects.values_list("pupil__key", "date", "category", "sessions"),
            key=lambda r: r[1],
        )
        assert [(r[1].isoformat(), r[2], r[3]) for r in rows] == [
            ("2025-10-03", "suspension", 4),
            ("2025-11-12", "suspension", 2),
            ("2025-12-05", "permanent", 0),
        ]
        assert {r[0] for r in rows} == {pupil_key(UPN1, secret), pupil_key(UPN2, secret)}
        assert not any(UPN1 in str(r) or UPN2 in str(r) for r in rows)
    # The same file again changes nothing; confirming twice writes once.
    again = _confirm(tw, _upload(tw, content))
    assert again.status == UploadStatus.UNCHANGED
    assert _confirm(tw, upload).status == UploadStatus.COMMITTED
    with tw.scope():
        assert Exclusion.objects.count() == 3


def test_a_new_version_replaces_the_terms_rows_and_an_empty_file_means_none(world):
    tw = world.a
    _confirm(tw, _upload(tw, f"upn,date,type,sessions\n{UPN1},03/10/2025,suspension,4\n"))
    empty = _upload(tw, "upn,date,type,sessions\n")
    assert empty.status == UploadStatus.VALID, empty.errors
    assert _confirm(tw, empty).status == UploadStatus.COMMITTED
    with tw.scope():
        assert not Exclusion.objects.exists()
    # Other kinds still refuse a file with a header and no data.
    assert _upload(tw, "upn,sessions_possible,sessions_missed\n", kind="attendance").status == (
        UploadStatus.INVALID
    )


def test_rows_for_pupils_not_on_the_academys_roll_are_reported_before_and_after_confirm(
    world, client_for
):
    """Issue 13: "a results row for a pupil not on the academy's roll ... the check reports it
    (row, column, reason: 'not in this academy's pupils for 2026-27') before confirm; a figure
    never silently drops a row that was confirmed"."""
    tw = world.a
    pupils = f"upn,year_group,disadvantaged,send,eal,sex,prior_band\n{UPN1},6,N,N,N,F,middle\n"
    _confirm(tw, _upload(tw, pupils, kind="pupils"))
    results = f"upn,subject,measure,value\n{UPN1},reading,ta,EXS\n{UPN2},reading,ta,EXS\n"
    checked = _upload(tw, results, kind="results")
    assert checked.status == UploadStatus.VALID  # not an error: the pupils file may come later
    assert checked.counts["not_on_roll"] == 1
    assert checked.counts["not_on_roll_rows"] == [
        {
            "row": 3,
            "column": "upn",
            "value": "(hidden)",
            "message": "Not in this academy's pupils for 2025-26: this row will not count in any "
            "figure until the academy's pupils file for 2025-26 lists the pupil.",
        }
    ]
    assert "1 row(s) are for pupils not in this academy's pupils for 2025-26" in checked.message
    staff = client_for(tw.user(STAFF))
    page = f"/t/alpha/uploads/{checked.pk}/"
    before = staff.get(page).content.decode()
    assert "Rows that will not count" in before and "not in this academy&#x27;s pupils" in before
    done = _confirm(tw, checked)
    assert done.status == UploadStatus.COMMITTED and done.counts["not_on_roll"] == 1
    after = staff.get(page).content.decode()
    assert "2 rows confirmed." in after and "Rows that will not count" in after
    # A file whose every pupil is on roll says nothing of the kind.
    clean = _upload(tw, f"upn,subject,measure,value\n{UPN1},maths,ta,EXS\n", kind="results")
    assert "not_on_roll" not in clean.counts and clean.message == ""
