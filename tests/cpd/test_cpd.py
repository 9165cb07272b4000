"""CPD services and pages: capacity, register, evaluations, impact with KPI figures."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpd import selectors, services
from cpd.models import AttendanceStatus, Enrolment
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

from .helpers import make_programme

pytestmark = pytest.mark.django_db


def test_capacity_is_enforced_and_cancellation_frees_a_place(world):
    a = world.a
    objs = make_programme(a, capacity=1)
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        with pytest.raises(services.SessionFull):
            services.enrolment_create(
                actor=admin,
                session=objs["session"],
                participant=a.user(Role.TRUST_LEADER),
                academy=a.academies[0],
                school_role="senior_leader",
            )
        services.enrolment_mark(
            actor=admin, enrolment=objs["enrolment"], status=AttendanceStatus.CANCELLED
        )
        services.enrolment_create(
            actor=admin,
            session=objs["session"],
            participant=a.user(Role.TRUST_LEADER),
            academy=a.academies[0],
            school_role="senior_leader",
        )
        assert AuditEvent.objects.filter(action="enrolment.create").count() == 2


def test_double_booking_is_refused(world):
    a = world.a
    objs = make_programme(a)
    with a.scope(), pytest.raises(ValidationError):
        services.enrolment_create(
            actor=a.user(Role.TRUST_ADMIN),
            session=objs["session"],
            participant=a.user(Role.SCHOOL_STAFF),
            academy=a.academies[0],
            school_role="teacher",
        )


def test_register_and_dashboard(world, client_for):
    a = world.a
    objs = make_programme(a)
    client = client_for(a.user(Role.TRUST_ADMIN))
    url = reverse("cpd:session_register", kwargs={"trust_slug": a.slug, "pk": objs["session"].pk})
    response = client.post(url, {f"attended-{objs['enrolment'].pk}": "yes"})
    assert response.status_code == 302
    with a.scope():
        assert Enrolment.objects.get(pk=objs["enrolment"].pk).status == "attended"
        data = selectors.dashboard_for(Membership.objects.get(user=a.user(Role.TRUST_ADMIN)))
    assert [(x.label, x.attended, x.rate) for x in data["by_academy"]] == [
        (a.academies[0].name, 1, 100)
    ]
    assert [x.label for x in data["by_role"]] == ["Teacher"]
    assert [x.label for x in data["by_domain"]] == ["Applying it in the classroom"]
    # academies[1] led the session; its phase is unknown without a phases selector.
    assert data["capacity"][0].label == a.academies[1].name
    page = client.get(reverse("cpd:dashboard", kwargs={"trust_slug": a.slug})).content.decode()
    assert "Participation by academy" in page and "100%" in page


def test_staff_cannot_take_register_and_governor_cannot_view(world, client_for):
    a = world.a
    objs = make_programme(a)
    url = reverse("cpd:session_detail", kwargs={"trust_slug": a.slug, "pk": objs["session"].pk})
    register = reverse(
        "cpd:session_register", kwargs={"trust_slug": a.slug, "pk": objs["session"].pk}
    )
    assert client_for(a.user(Role.SCHOOL_STAFF)).post(register, {}).status_code == 403
    assert client_for(a.user(Role.SCHOOL_STAFF)).get(url).status_code == 200
    assert client_for(a.user(Role.GOVERNOR)).get(url).status_code == 403


def test_scoped_roles_see_only_their_academies_attendance(world):
    a = world.a
    objs = make_programme(a)
    with a.scope():
        services.enrolment_create(
            actor=a.user(Role.TRUST_ADMIN),
            session=objs["session"],
            participant=a.user(Role.TRUST_LEADER),
            academy=a.academies[1],
            school_role="head",
        )
        officer = Membership.objects.get(user=a.user(Role.IMPROVEMENT_OFFICER))
        assert {e.academy_id for e in selectors.enrolment_list_for(officer)} == {a.academies[0].id}


def test_evaluations_only_from_attendees_and_replace(world):
    a = world.a
    objs = make_programme(a)
    admin, staff = a.user(Role.TRUST_ADMIN), a.user(Role.SCHOOL_STAFF)
    with a.scope():
        with pytest.raises(ValidationError):
            services.evaluation_record(
                actor=staff, session=objs["session"], participant=staff, rating=4
            )
        services.enrolment_mark(actor=admin, enrolment=objs["enrolment"], status="attended")
        services.evaluation_record(
            actor=staff, session=objs["session"], participant=staff, rating=3
        )
        services.evaluation_record(
            actor=staff, session=objs["session"], participant=staff, rating=5, comment="Practical"
        )
        with pytest.raises(ValidationError):
            services.evaluation_record(
                actor=staff, session=objs["session"], participant=staff, rating=6
            )
        impact = selectors.programme_impact(Membership.objects.get(user=admin), objs["programme"])
    assert impact["evaluations"].count == 1 and impact["evaluations"].mean == 5.0


def test_impact_page_shows_kpi_movement_and_not_causal(world, client_for):
    """The targeted academy's writing (TA) before and after the programme, from real results."""
    from tests.kpis.data import pupils, results

    a = world.a
    objs = make_programme(a, kpi_codes=("ta_writing_are",))  # a session on 1 October 2025
    # A junior school of 10 pupils, so an upload of all 10 is a complete term.
    with a.scope():
        type(a.academies[0]).objects.filter(pk=a.academies[0].pk).update(
            age_low=7, age_high=11, pupils_on_roll=10
        )
    cohort = [(n, "4", False, "F" if n % 2 else "M", "") for n in range(10)]
    pupils(a, cohort, year="2024-25")
    pupils(a, cohort, year="2025-26")
    results(a, {n: "EXS" if n < 5 else "WTS" for n in range(10)}, "2024-25-summer")  # before
    results(a, {n: "EXS" if n < 6 else "WTS" for n in range(10)}, "2025-26-summer")  # after
    client = client_for(a.user(Role.TRUST_LEADER))
    url = reverse("cpd:programme_detail", kwargs={"trust_slug": a.slug, "pk": objs["programme"].pk})
    page = client.get(url).content.decode()
    assert "not causal" in page and "50.0%" in page and "60.0%" in page and "+10.0" in page
    assert "(Summer term 2024-25)" in page and "(Summer term 2025-26)" in page  # words, not codes
    assert "Persistent absence" not in page  # not a KPI the programme targets


def test_impact_after_figure_never_comes_from_a_partial_term(world, client_for):
    """Six of ten pupils uploaded early for autumn 2026-27, all at the expected standard: the
    "after" stays the complete summer term's 60%, never the partial term's 100%."""
    from tests.kpis.data import pupils, results

    a = world.a
    objs = make_programme(a, kpi_codes=("ta_writing_are",))
    with a.scope():
        type(a.academies[0]).objects.filter(pk=a.academies[0].pk).update(
            age_low=7, age_high=11, pupils_on_roll=10
        )
    cohort = [(n, "4", False, "F" if n % 2 else "M", "") for n in range(10)]
    pupils(a, cohort, year="2024-25")
    pupils(a, cohort, year="2025-26")
    pupils(a, [(n, "5", False, "F" if n % 2 else "M", "") for n in range(6)], year="2026-27")
    results(a, {n: "EXS" if n < 5 else "WTS" for n in range(10)}, "2024-25-summer")
    results(a, {n: "EXS" if n < 6 else "WTS" for n in range(10)}, "2025-26-summer")
    results(a, dict.fromkeys(range(6), "EXS"), "2026-27-autumn")
    client = client_for(a.user(Role.TRUST_LEADER))
    url = reverse("cpd:programme_detail", kwargs={"trust_slug": a.slug, "pk": objs["programme"].pk})
    page = client.get(url).content.decode()
    assert "60.0%" in page and "+10.0" in page and "(Summer term 2025-26)" in page
    assert "100.0%" not in page and "Autumn term 2026-27" not in page


def test_impact_says_when_there_are_no_figures(world, client_for):
    a = world.a
    objs = make_programme(a)
    url = reverse("cpd:programme_detail", kwargs={"trust_slug": a.slug, "pk": objs["programme"].pk})
    page = client_for(a.user(Role.TRUST_ADMIN)).get(url).content.decode()
    assert "No KPI figures for the targeted academies around the programme" in page


def test_api_enrolment_respects_capacity(world, client_for):
    a = world.a
    objs = make_programme(a, capacity=1)
    url = reverse("cpd_api:enrolment-list", kwargs={"trust_slug": a.slug})
    body = {
        "session": objs["session"].pk,
        "participant": a.user(Role.TRUST_LEADER).pk,
        "academy": a.academies[0].pk,
        "school_role": "head",
    }
    response = client_for(a.user(Role.TRUST_ADMIN)).post(url, body, content_type="application/json")
    assert response.status_code == 400 and "full" in str(response.json())


def test_npq_list(world, client_for):
    a = world.a
    make_programme(a)
    page = (
        client_for(a.user(Role.IMPROVEMENT_OFFICER))
        .get(reverse("cpd:npq_list", kwargs={"trust_slug": a.slug}))
        .content.decode()
    )
    assert "NPQ Leading Teaching" in page and "Ambition" in page
