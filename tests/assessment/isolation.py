from assessment.services import term_get_or_create, upload_create
from tests.isolation import Case
from trust_si.accounts.roles import Role

STAFF = Role.SCHOOL_STAFF
CSV = b"upn,sessions_possible,sessions_missed\nA123456789012,120,6\n"


def setup(world):
    for tw in (world.a, world.b):
        with tw.scope():
            term = term_get_or_create(trust=tw.trust, code="2025-26-autumn")
            tw.extra["upload"] = upload_create(
                actor=tw.user(STAFF),
                academy=tw.academies[0],
                term=term,
                kind="attendance",
                name="att.csv",
                content=CSV,
            )


def pk(tw):
    return {"pk": tw.extra["upload"].pk}


CASES = [
    Case("assessment:upload_list", allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
    Case("assessment:upload_new", allowed_role=STAFF, forbidden_role=Role.IMPROVEMENT_OFFICER),
    Case(
        "assessment:upload_new",
        method="post",
        data=lambda tw: {},
        ok_statuses=(400,),
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
    Case("assessment:upload_detail", kwargs=pk, allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
    Case("assessment:upload_errors", kwargs=pk, allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
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
    Case("assessment:upload_mapping", kwargs=pk, allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
    Case("assessment_api:upload-list", allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
    Case(
        "assessment_api:upload-detail", kwargs=pk, allowed_role=STAFF, forbidden_role=Role.GOVERNOR
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
