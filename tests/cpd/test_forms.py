"""The CPD create/edit journeys through HTML forms: validation, scope, audit, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from cpd import services
from cpd.models import Enrolment, Evaluation, Npq, Programme, Session
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

from .helpers import make_programme

pytestmark = pytest.mark.django_db


def url(tw, name, **kwargs):
    return reverse(f"cpd:{name}", kwargs={"trust_slug": tw.slug, **kwargs})


def test_leader_creates_a_programme_and_errors_link_to_fields(world, client_for):
    a = world.a
    client = client_for(a.user(Role.TRUST_LEADER))
    page = client.post(url(a, "programme_create"), {"title": ""}).content.decode()
    assert "There is a problem" in page
    assert (
        'href="#id_title"' in page and 'href="#id_domain_0"' in page and 'id="id_domain_0"' in page
    )
    response = client.post(
        url(a, "programme_create"),
        {
            "title": "Early reading",
            "domain": "applying",
            "format": "coaching",
            "kpi_codes": ["ks2_reading_exp"],
            "academies": [a.academies[0].pk],
        },
    )
    assert response.status_code == 302
    with a.scope():
        programme = Programme.objects.get(title="Early reading")
        assert programme.kpi_codes == ["ks2_reading_exp"]
        assert list(programme.academies.all()) == [a.academies[0]]
        assert AuditEvent.objects.filter(action="programme.create").exists()


def test_garbage_input_is_a_form_error_not_a_500(world, client_for):
    a = world.a
    objs = make_programme(a)
    client = client_for(a.user(Role.TRUST_ADMIN))
    # The form again with its errors, answered 400 (never a 500).
    bad = {"domain": "nope", "format": "x", "academies": ["abc"], "priorities": ["9999"]}
    assert client.post(url(a, "programme_create"), bad).status_code == 400
    bad = {"date": "2026-02-30", "start_time": "25:00", "capacity": "lots", "leader": "x"}
    pk = objs["programme"].pk
    assert client.post(url(a, "session_create", pk=pk), bad).status_code == 400
    assert client.post(url(a, "npq_create"), {"person": "-1", "status": "??"}).status_code == 400
    session = objs["session"].pk
    assert client.post(url(a, "session_enrol", pk=session), {"academy": "x"}).status_code == 400
    assert (
        client.post(url(a, "session_register", pk=session), {"attended-x": "yes"}).status_code
        == 302
    )


def test_officer_edit_keeps_academies_they_cannot_see(world, client_for):
    a = world.a
    objs = make_programme(a)
    programme = objs["programme"]
    with a.scope():
        programme.academies.set(a.academies)  # the officer covers academies[0] only
    client = client_for(a.user(Role.IMPROVEMENT_OFFICER))
    page = client.get(url(a, "programme_edit", pk=programme.pk)).content.decode()
    assert a.academies[1].name not in page
    response = client.post(
        url(a, "programme_edit", pk=programme.pk),
        {"title": "Reading fluency II", "domain": "applying", "format": "coaching"},
    )
    assert response.status_code == 302
    with a.scope():
        programme.refresh_from_db()
        assert programme.title == "Reading fluency II"
        assert list(programme.academies.all()) == [a.academies[1]]
        event = AuditEvent.objects.filter(action="programme.update").latest("id")
        assert "title" in event.changes


def test_session_create_and_edit_validate_times_and_capacity(world, client_for):
    a = world.a
    objs = make_programme(a)
    client = client_for(a.user(Role.TRUST_LEADER))
    create = url(a, "session_create", pk=objs["programme"].pk)
    data = {"date": "2026-02-03", "start_time": "17:00", "end_time": "15:30", "capacity": "10"}
    page = client.post(create, data).content.decode()
    assert "must end after it starts" in page and 'href="#id_end_time"' in page
    with a.scope():
        partner_id = _partner(a).pk
    data |= {"end_time": "18:30", "partner": partner_id, "title": "Twilight"}
    response = client.post(create, data)
    assert response.status_code == 302
    with a.scope():
        session = Session.objects.get(title="Twilight")
        assert session.partner_id == partner_id and session.capacity == 10
        assert (session.ends_at - session.starts_at) == dt.timedelta(minutes=90)
    # One place is booked on the helper's session: capacity cannot drop below it.
    edit = url(a, "session_edit", pk=objs["session"].pk)
    form = client.get(edit).content.decode()
    assert 'value="15:30"' in form or 'value="16:30"' in form  # local time of the start
    data = {"date": "2025-10-01", "start_time": "15:30", "end_time": "17:00", "capacity": "0"}
    assert "There is a problem" in client.post(edit, data).content.decode()
    with a.scope():
        services.enrolment_create(
            actor=a.user(Role.TRUST_ADMIN),
            session=objs["session"],
            participant=a.user(Role.TRUST_LEADER),
            academy=a.academies[1],
            school_role="head",
        )
    page = client.post(edit, data | {"capacity": "1"}).content.decode()
    assert "2 places are already booked" in page
    assert client.post(edit, data | {"capacity": "5"}).status_code == 302


def _partner(tw):
    from partnerships.models import PartnerOrganisation

    return PartnerOrganisation.objects.create(name="Research School", kind="research_school")


def test_enrolment_form_refuses_full_and_double_bookings(world, client_for):
    a = world.a
    objs = make_programme(a, capacity=2)
    client = client_for(a.user(Role.TRUST_ADMIN))
    enrol = url(a, "session_enrol", pk=objs["session"].pk)
    same = {
        "participant": a.user(Role.SCHOOL_STAFF).pk,
        "academy": a.academies[0].pk,
        "school_role": "teacher",
    }
    assert "already booked" in client.post(enrol, same).content.decode()
    other = same | {"participant": a.user(Role.TRUST_LEADER).pk}
    assert client.post(enrol, other).status_code == 302
    third = same | {"participant": a.user(Role.GOVERNOR).pk}
    assert "This session is full" in client.post(enrol, third).content.decode()


def test_officer_books_only_people_and_academies_they_cover(world, client_for):
    a = world.a
    objs = make_programme(a)
    client = client_for(a.user(Role.IMPROVEMENT_OFFICER))
    enrol = url(a, "session_enrol", pk=objs["session"].pk)
    page = client.get(enrol).content.decode()
    assert a.academies[1].name not in page
    data = {
        "participant": a.user(Role.TRUST_LEADER).pk,
        "academy": a.academies[1].pk,
        "school_role": "head",
    }
    assert "There is a problem" in client.post(enrol, data).content.decode()
    with a.scope():
        assert Enrolment.objects.count() == 1


def test_register_marks_yes_no_and_ignores_rows_outside_scope(world, client_for):
    a = world.a
    objs = make_programme(a)
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        hidden = services.enrolment_create(
            actor=admin,
            session=objs["session"],
            participant=a.user(Role.TRUST_LEADER),
            academy=a.academies[1],
            school_role="head",
        )
    client = client_for(a.user(Role.IMPROVEMENT_OFFICER))
    register = url(a, "session_register", pk=objs["session"].pk)
    page = client.get(register).content.decode()
    mine = objs["enrolment"]
    assert f'name="attended-{mine.pk}"' in page and f"attended-{hidden.pk}" not in page
    assert "<legend" in page and "Did " in page
    response = client.post(register, {f"attended-{mine.pk}": "yes", f"attended-{hidden.pk}": "yes"})
    assert response.status_code == 302
    with a.scope():
        assert Enrolment.objects.get(pk=mine.pk).status == "attended"
        assert Enrolment.objects.get(pk=hidden.pk).status == "booked"
    client.post(register, {f"attended-{mine.pk}": "no"})
    with a.scope():
        assert Enrolment.objects.get(pk=mine.pk).status == "absent"
        assert AuditEvent.objects.filter(action="enrolment.mark").count() == 2


def test_participant_evaluates_only_after_attending(world, client_for):
    a = world.a
    objs = make_programme(a)
    staff = a.user(Role.SCHOOL_STAFF)
    client = client_for(staff)
    evaluate = url(a, "session_evaluate", pk=objs["session"].pk)
    assert "Only people recorded as having attended" in client.get(evaluate).content.decode()
    assert "There is a problem" in client.post(evaluate, {"rating": "4"}).content.decode()
    with a.scope():
        services.enrolment_mark(actor=staff, enrolment=objs["enrolment"], status="attended")
    detail = client.get(url(a, "session_detail", pk=objs["session"].pk)).content.decode()
    assert "Evaluate this session" in detail
    assert 'href="#id_rating_0"' in client.post(evaluate, {"rating": "9"}).content.decode()
    assert client.post(evaluate, {"rating": "4", "comment": "Useful"}).status_code == 302
    assert client.post(evaluate, {"rating": "5"}).status_code == 302
    with a.scope():
        assert Evaluation.objects.get().rating == 5


def test_npq_create_and_edit(world, client_for):
    a = world.a
    objs = make_programme(a)
    client = client_for(a.user(Role.IMPROVEMENT_OFFICER))
    data = {
        "person": a.user(Role.SCHOOL_STAFF).pk,
        "academy": a.academies[0].pk,
        "programme": "NPQH",
        "provider": "Ambition",
        "cohort": "2026 spring",
        "status": "applied",
    }
    assert client.post(url(a, "npq_create"), data).status_code == 302
    npq = objs["npq"]
    response = client.post(url(a, "npq_edit", pk=npq.pk), data | {"status": "completed"})
    assert response.status_code == 302
    with a.scope():
        assert Npq.objects.get(pk=npq.pk).status == "completed"
        assert Npq.objects.count() == 2
        assert AuditEvent.objects.filter(action="npq.update").exists()
    # An NPQ in an academy the officer does not cover is not theirs to open.
    with a.scope():
        other = services.npq_create(
            actor=a.user(Role.TRUST_ADMIN),
            person=a.user(Role.TRUST_LEADER),
            academy=a.academies[1],
            programme="NPQEL",
            provider="UCL",
            cohort="2026",
        )
    assert client.get(url(a, "npq_edit", pk=other.pk)).status_code == 404
