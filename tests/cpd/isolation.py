from cpd import services
from tests.isolation import Case, sentinel
from trust_si.accounts.roles import Role

from .helpers import make_programme


def setup(world):
    for tw in (world.a, world.b):
        objs = make_programme(tw)
        admin = tw.user(Role.TRUST_ADMIN)
        with tw.scope():
            # The school-staff participant attended, so they may evaluate the session.
            services.enrolment_mark(actor=admin, enrolment=objs["enrolment"], status="attended")
            objs["priority"] = services.priority_create(
                actor=admin, title=sentinel(tw, "Priority"), kpi_codes=["ks2_rwm_exp"]
            )
            services.programme_update(
                actor=admin,
                programme=objs["programme"],
                data={"title": sentinel(tw, "Programme")},
                priorities=[objs["priority"]],
            )
            services.session_update(
                actor=admin,
                session=objs["session"],
                data={"title": sentinel(tw, "Session"), "location": sentinel(tw, "Venue")},
            )
            services.npq_update(
                actor=admin, npq=objs["npq"], data={"provider": sentinel(tw, "Provider")}
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


def _programme_ids(tw) -> dict:
    return {"priorities": [tw.extra["cpd"]["priority"].pk], "academies": [tw.academies[0].pk]}


def _session_ids(tw) -> dict:
    return {
        "leader": tw.user(Role.TRUST_LEADER).pk,
        "partner": tw.extra["partner"].pk,
        "leading_academy": tw.academies[0].pk,
    }


def _person_ids(tw) -> dict:
    return {"participant": tw.user(Role.TRUST_LEADER).pk, "academy": tw.academies[0].pk}


def _npq_ids(tw) -> dict:
    return {"person": tw.user(Role.SCHOOL_STAFF).pk, "academy": tw.academies[0].pk}


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
    Case("cpd:dashboard", forbidden_role=G, shows_sentinel=True),
    Case("cpd:programme_list", forbidden_role=G, shows_sentinel=True),
    Case("cpd:programme_create", forbidden_role=S, shows_sentinel=True),
    Case(
        "cpd:programme_create",
        method="post",
        data=_programme_form,
        body_ids=_programme_ids,
        forbidden_role=S,
    ),
    Case("cpd:programme_detail", kwargs=_programme, forbidden_role=G, shows_sentinel=True),
    Case("cpd:programme_edit", kwargs=_programme, forbidden_role=S, shows_sentinel=True),
    Case(
        "cpd:programme_edit",
        kwargs=_programme,
        method="post",
        data=_programme_form,
        body_ids=_programme_ids,
        forbidden_role=S,
    ),
    Case("cpd:session_create", kwargs=_programme, forbidden_role=S, shows_sentinel=True),
    Case(
        "cpd:session_create",
        kwargs=_programme,
        method="post",
        data=_session_form,
        body_ids=_session_ids,
        forbidden_role=S,
    ),
    Case("cpd:session_detail", kwargs=_session, forbidden_role=G, shows_sentinel=True),
    Case("cpd:session_edit", kwargs=_session, forbidden_role=S, shows_sentinel=True),
    Case(
        "cpd:session_edit",
        kwargs=_session,
        method="post",
        data=_session_form,
        body_ids=_session_ids,
        forbidden_role=S,
    ),
    Case(
        "cpd:session_enrol",
        kwargs=_session,
        allowed_role=OFFICER,
        forbidden_role=S,
        shows_sentinel=True,
    ),
    Case(
        "cpd:session_enrol",
        kwargs=_session,
        method="post",
        data=_enrol_form,
        body_ids=_person_ids,
        forbidden_role=S,
    ),
    Case(
        "cpd:session_register",
        kwargs=_session,
        allowed_role=OFFICER,
        forbidden_role=S,
        shows_sentinel=True,
    ),
    # The register reads answers only for the session's own bookings: A's are ignored.
    Case(
        "cpd:session_register",
        kwargs=_session,
        method="post",
        data=_register,
        ignored_body_ids=_register,
        allowed_role=OFFICER,
        forbidden_role=S,
    ),
    Case(
        "cpd:session_evaluate",
        kwargs=_session,
        allowed_role=S,
        forbidden_role=G,
        shows_sentinel=True,
    ),
    Case(
        "cpd:session_evaluate",
        kwargs=_session,
        method="post",
        data=lambda tw: {"rating": "4", "comment": "Useful"},
        allowed_role=S,
        forbidden_role=G,
    ),
    Case("cpd:npq_list", forbidden_role=G, shows_sentinel=True),
    Case("cpd:npq_create", forbidden_role=S, shows_sentinel=True),
    Case("cpd:npq_create", method="post", data=_npq_form, body_ids=_npq_ids, forbidden_role=S),
    Case(
        "cpd:npq_edit",
        kwargs=_npq,
        allowed_role=OFFICER,
        forbidden_role=S,
        shows_sentinel=True,
    ),
    Case(
        "cpd:npq_edit",
        kwargs=_npq,
        method="post",
        data=_npq_form,
        body_ids=_npq_ids,
        forbidden_role=S,
    ),
    Case("cpd_api:programme-list", forbidden_role=G, shows_sentinel=True),
    Case("cpd_api:programme-detail", kwargs=_programme, forbidden_role=G, shows_sentinel=True),
    Case("cpd_api:session-list", forbidden_role=G, shows_sentinel=True),
    Case("cpd_api:enrolment-list", forbidden_role=G),
    Case(
        "cpd_api:enrolment-list",
        method="post",
        data=_enrol,
        body_ids=lambda tw: {"session": tw.extra["cpd"]["session"].pk, **_person_ids(tw)},
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("cpd_api:npq-list", forbidden_role=G, shows_sentinel=True),
]
