from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Upload
from assessment.services import term_get_or_create, upload_create
from tests.isolation import Case, sentinel
from trust_si.accounts.roles import Role

STAFF = Role.SCHOOL_STAFF
CSV = b"upn,sessions_possible,sessions_missed\nA123456789012,120,6\n"


def setup(world):
    for tw in (world.a, world.b):
        with tw.scope():
            term = term_get_or_create(trust=tw.trust, code="2025-26-autumn")
            upload = upload_create(
                actor=tw.user(STAFF),
                academy=tw.academies[0],
                term=term,
                kind="attendance",
                name=f"{sentinel(tw, 'Attendance')}.csv",
                content=CSV,
            )
            # A problem to list in the errors export (validation runs after commit, never here).
            Upload._base_manager.filter(pk=upload.pk).update(
                errors=[
                    {
                        "row": 2,
                        "column": "upn",
                        "value": sentinel(tw, "Value"),
                        "message": "Not a UPN",
                    }
                ]
            )
            tw.extra["upload"] = upload


def pk(tw):
    return {"pk": tw.extra["upload"].pk}


def _file() -> SimpleUploadedFile:
    return SimpleUploadedFile("att.csv", CSV, content_type="text/csv")


def _upload_form(tw) -> dict:
    return {
        "academy": tw.academies[0].pk,
        "term": "2025-26-autumn",
        "kind": "attendance",
        "file": _file(),
    }


def _upload_api(tw) -> dict:
    return {
        "academy": tw.academies[0].urn,
        "term": "2025-26-autumn",
        "kind": "attendance",
        "file": _file(),
    }


CASES = [
    Case(
        "assessment:upload_list",
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "assessment:upload_new",
        allowed_role=STAFF,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
        shows_sentinel=True,
    ),
    Case(
        "assessment:upload_new",
        method="post",
        data=_upload_form,
        body_ids=lambda tw: {"academy": tw.academies[0].pk},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "assessment:upload_template",
        kwargs=lambda tw: {"kind": "results", "fmt": "xlsx"},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        kwargs_are_objects=False,
    ),
    Case(
        "assessment:upload_detail",
        kwargs=pk,
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "assessment:upload_errors",
        kwargs=pk,
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    # The upload is still being checked: confirming or restoring it is refused (409), not an error.
    Case(
        "assessment:upload_confirm",
        kwargs=pk,
        method="post",
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        ok_statuses=(302, 409),
    ),
    Case(
        "assessment:upload_restore",
        kwargs=pk,
        method="post",
        allowed_role=STAFF,
        forbidden_role=Role.EXTERNAL_PARTNER,
        ok_statuses=(302, 409),
    ),
    Case(
        "assessment:upload_mapping",
        kwargs=pk,
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    # Not yet validated, the upload has no headers to map: the form refuses (400).
    Case(
        "assessment:upload_mapping",
        kwargs=pk,
        method="post",
        data=lambda tw: {"upn": "upn"},
        ok_statuses=(400,),
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "assessment_api:upload-list",
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "assessment_api:upload-list",
        method="post",
        data=_upload_api,
        multipart=True,
        body_ids=lambda tw: {"academy": tw.academies[0].urn},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "assessment_api:upload-detail",
        kwargs=pk,
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "assessment_api:upload-confirm",
        kwargs=pk,
        method="post",
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        ok_statuses=(200, 202, 409),
    ),
]
