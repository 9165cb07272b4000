from cpd import services
from tests.isolation import Case
from trust_si.accounts.roles import Role

from .helpers import make_programme


def setup(world):
    for tw in (world.a, world.b):
        objs = make_programme(tw)
        with tw.scope():
            # The school-staff participant attended, so they may evaluate the session.
            services.enrolment_mark(
                actor=tw.user(Role.TRUST_ADMIN), enrolment=objs["enrolment"], status="attended"
            )
        tw.extra["cpd"] = objs


def _programme(tw) -> dict:
    return {"pk": tw.extra["cpd"]["programme"].pk}


def _session(tw) -> dict:
    return {"pk": tw.extra["cpd"]["session"].pk}


def _npq(tw) -> dict:
    return {"pk": tw.extra["cpd"]["npq"].pk}


def _register(tw) -> dict:
    return {f"attended-{tw.extra['cpd']['enrolment'].pk}": "no"}


def _enrol(tw) -> dict:
    return {
        "session": tw.extra["cpd"]["session"].pk,
        "participant": tw.user(Role.TRUST_LEADER).pk,
        "academy": tw.academies[0].pk,
        "school_role": "senior_leader",
    }


def _enrol_form(tw) -> dict:
    data = _enrol(tw)
    data.pop("session")
    return data


def _programme_form(tw) -> dict:
    return {"title": "Writing moderation", "domain": "assessing", "format": "training"}


def _session_form(tw) -> dict:
    return {"date": "2026-02-03", "start_time": "15:30", "end_time": "17:00", "capacity": "12"}


def _npq_form(tw) -> dict:
    return {
        "person": tw.user(Role.SCHOOL_STAFF).pk,
        "academy": tw.academies[0].pk,
        "programme": "NPQH",
        "provider": "Ambition",
        "cohort": "2026 spring",
        "status": "started",
    }


G, S, OFFICER = Role.GOVERNOR, Role.SCHOOL_STAFF, Role.IMPROVEMENT_OFFICER
CASES = [
    Case("cpd:dashboard", forbidden_role=G),
    Case("cpd:programme_list", forbidden_role=G),
    Case("cpd:programme_create", forbidden_role=S),
    Case("cpd:programme_create", method="post", data=_programme_form, forbidden_role=S),
    Case("cpd:programme_detail", kwargs=_programme, forbidden_role=G),
    Case("cpd:programme_edit", kwargs=_programme, forbidden_role=S),
    Case(
        "cpd:programme_edit",
        kwargs=_programme,
        method="post",
        data=_programme_form,
        forbidden_role=S,
    ),
    Case("cpd:session_create", kwargs=_programme, forbidden_role=S),
    Case(
        "cpd:session_create",
        kwargs=_programme,
        method="post",
        data=_session_form,
        forbidden_role=S,
    ),
    Case("cpd:session_detail", kwargs=_session, forbidden_role=G),
    Case("cpd:session_edit", kwargs=_session, forbidden_role=S),
    Case("cpd:session_edit", kwargs=_session, method="post", data=_session_form, forbidden_role=S),
    Case("cpd:session_enrol", kwargs=_session, allowed_role=OFFICER, forbidden_role=S),
    Case("cpd:session_enrol", kwargs=_session, method="post", data=_enrol_form, forbidden_role=S),
    Case("cpd:session_register", kwargs=_session, allowed_role=OFFICER, forbidden_role=S),
    Case(
        "cpd:session_register",
        kwargs=_session,
        method="post",
        data=_register,
        allowed_role=OFFICER,
        forbidden_role=S,
    ),
    Case("cpd:session_evaluate", kwargs=_session, allowed_role=S, forbidden_role=G),
    Case(
        "cpd:session_evaluate",
        kwargs=_session,
        method="post",
        data=lambda tw: {"rating": "4", "comment": "Useful"},
        allowed_role=S,
        forbidden_role=G,
    ),
    Case("cpd:npq_list", forbidden_role=G),
    Case("cpd:npq_create", forbidden_role=S),
    Case("cpd:npq_create", method="post", data=_npq_form, forbidden_role=S),
    Case("cpd:npq_edit", kwargs=_npq, allowed_role=OFFICER, forbidden_role=S),
    Case("cpd:npq_edit", kwargs=_npq, method="post", data=_npq_form, forbidden_role=S),
    Case("cpd_api:programme-list", forbidden_role=G),
    Case("cpd_api:programme-detail", kwargs=_programme, forbidden_role=G),
    Case("cpd_api:session-list", forbidden_role=G),
    Case("cpd_api:enrolment-list", forbidden_role=G),
    Case("cpd_api:enrolment-list", method="post", data=_enrol, forbidden_role=Role.SCHOOL_STAFF),
    Case("cpd_api:npq-list", forbidden_role=G),
]
