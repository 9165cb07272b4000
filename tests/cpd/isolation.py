from tests.isolation import Case
from trust_si.accounts.roles import Role

from .helpers import make_programme


def setup(world):
    for tw in (world.a, world.b):
        tw.extra["cpd"] = make_programme(tw)


def _programme(tw) -> dict:
    return {"pk": tw.extra["cpd"]["programme"].pk}


def _session(tw) -> dict:
    return {"pk": tw.extra["cpd"]["session"].pk}


def _register(tw) -> dict:
    return {f"status-{tw.extra['cpd']['enrolment'].pk}": "attended"}


def _enrol(tw) -> dict:
    return {
        "session": tw.extra["cpd"]["session"].pk,
        "participant": tw.user(Role.TRUST_LEADER).pk,
        "academy": tw.academies[0].pk,
        "school_role": "senior_leader",
    }


G = Role.GOVERNOR
CASES = [
    Case("cpd:dashboard", forbidden_role=G),
    Case("cpd:programme_list", forbidden_role=G),
    Case("cpd:programme_detail", kwargs=_programme, forbidden_role=G),
    Case("cpd:session_detail", kwargs=_session, forbidden_role=G),
    Case(
        "cpd:session_detail",
        kwargs=_session,
        method="post",
        data=_register,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("cpd:npq_list", forbidden_role=G),
    Case("cpd_api:programme-list", forbidden_role=G),
    Case("cpd_api:programme-detail", kwargs=_programme, forbidden_role=G),
    Case("cpd_api:session-list", forbidden_role=G),
    Case("cpd_api:enrolment-list", forbidden_role=G),
    Case("cpd_api:enrolment-list", method="post", data=_enrol, forbidden_role=Role.SCHOOL_STAFF),
    Case("cpd_api:npq-list", forbidden_role=G),
]
