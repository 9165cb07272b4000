"""One term, everywhere: the report's sections agree on which term a day is in, the generator
offers terms from today (never a future one by default), and people read labels, not codes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template

from cpd import services as cpd_services
from cpd.models import AttendanceStatus, Domain, Format
from cpd.selectors import cpd_summary_for_report
from reporting.forms import GenerateForm
from reporting.services import report_request
from tests.reporting.data import seed_attendance
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from visits.selectors import visits_summary_for_report
from visits.services import visit_create, visit_publish, visit_types_ensure

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
OFFICER = Role.IMPROVEMENT_OFFICER


def _visit_and_session_on(tw, day: dt.date, at: dt.time = dt.time(15, 30)) -> None:
    """A published visit and an attended CPD session of the first academy, both on `day`."""
    officer = tw.user(OFFICER)
    admin = tw.user(Role.TRUST_ADMIN)
    with tw.scope():
        types = {t.code: t for t in visit_types_ensure(trust=tw.trust)}
        visit = visit_create(
            actor=officer,
            academy=tw.academies[0],
            visit_type=types["teaching_learning"],
            date=day,
            strengths="Reading is taught well.",
        )
        visit_publish(actor=officer, membership=Membership.objects.get(user=officer), visit=visit)
        programme = cpd_services.programme_create(
            actor=admin,
            title="Reading fluency",
            domain=Domain.APPLYING,
            format=Format.INSTRUCTIONAL_COACHING,
            kpi_codes=[],
            academies=[tw.academies[0]],
        )
        starts = dt.datetime.combine(day, at, tzinfo=LONDON)
        session = cpd_services.session_create(
            actor=admin,
            programme=programme,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            capacity=10,
            location="Hub",
            leading_academy=tw.academies[1],
        )
        enrolment = cpd_services.enrolment_create(
            actor=admin,
            session=session,
            participant=tw.user(Role.SCHOOL_STAFF),
            academy=tw.academies[0],
            school_role="teacher",
        )
        cpd_services.enrolment_mark(
            actor=admin, enrolment=enrolment, status=AttendanceStatus.ATTENDED
        )


def _sections(tw, term_code: str) -> tuple[int, int]:
    """(visits, CPD programmes) the governors' report shows for the first academy that term."""
    with tw.scope():
        kwargs = {"trust": tw.trust, "academy": tw.academies[0], "term_code": term_code}
        return (
            len(visits_summary_for_report(**kwargs)["visits"]),
            len(cpd_summary_for_report(**kwargs)["rows"]),
        )


@pytest.mark.parametrize(
    ("day", "term", "not_term"),
    [
        # Easter Sunday 2026 is 5 April: 10 April is summer (visits used to say spring, as
        # their spring ran to 14 April, while CPD said summer from 1 April).
        (dt.date(2026, 4, 10), "2025-26-summer", "2025-26-spring"),
        # 2 April is before Easter: spring in both (CPD used to say summer).
        (dt.date(2026, 4, 2), "2025-26-spring", "2025-26-summer"),
        # August leads into the next academic year's autumn term (both used to say summer).
        (dt.date(2026, 8, 20), "2026-27-autumn", "2025-26-summer"),
    ],
)
def test_visits_and_cpd_sections_agree_on_the_term(world, day, term, not_term):
    _visit_and_session_on(world.a, day)
    assert _sections(world.a, term) == (1, 1)
    assert _sections(world.a, not_term) == (0, 0)


def test_a_session_counts_in_the_term_of_its_local_day(world):
    # 00:30 on Easter Monday in London is still Easter Sunday in UTC: it is a summer session.
    _visit_and_session_on(world.a, dt.date(2026, 4, 6), at=dt.time(0, 30))
    assert _sections(world.a, "2025-26-summer") == (1, 1)
    assert _sections(world.a, "2025-26-spring") == (0, 0)


def _form(tw, today: dt.date) -> GenerateForm:
    with tw.scope():
        membership = Membership.objects.get(user=tw.user(Role.TRUST_LEADER))
        return GenerateForm(membership=membership, today=today)


def test_generator_offers_terms_from_today_and_defaults_to_the_latest_with_data(world):
    form = _form(world.a, dt.date(2027, 9, 20))
    codes = [code for code, _ in form.fields["term"].choices]
    assert codes[0] == "2027-28-autumn"  # the current term, which no fixed list knew
    assert "2027-28-spring" not in codes  # never a future term
    assert form.fields["term"].initial == "2027-28-autumn"  # no data yet: the current term
    with world.a.scope():
        seed_attendance(
            academy=world.a.academies[0],
            term_code="2026-27-spring",
            pupils=[{"upn": "A000000000001", "possible": 100, "missed": 3}],
        )
    form = _form(world.a, dt.date(2027, 9, 20))
    assert form.fields["term"].initial == "2026-27-spring"
    assert ("2026-27-spring", "Spring term 2026-27") in form.fields["term"].choices
    # Years later the term with data can still be regenerated.
    later = _form(world.a, dt.date(2031, 1, 10))
    assert later.fields["term"].initial == "2026-27-spring"
    assert "2026-27-spring" in dict(later.fields["term"].choices)


def test_generator_never_defaults_to_a_future_term_with_data(world):
    with world.a.scope():
        seed_attendance(
            academy=world.a.academies[0],
            term_code="2026-27-summer",  # uploaded early (the API takes any term)
            pupils=[{"upn": "A000000000001", "possible": 100, "missed": 3}],
        )
    form = _form(world.a, dt.date(2026, 12, 1))
    assert form.fields["term"].initial == "2026-27-autumn"
    assert "2026-27-summer" not in dict(form.fields["term"].choices)


def test_report_list_shows_labels_and_selects_the_default_term(world, client_for):
    with world.a.scope():
        seed_attendance(
            academy=world.a.academies[0],
            term_code="2025-26-summer",
            pupils=[{"upn": "A000000000001", "possible": 100, "missed": 3}],
        )
        report_request(
            actor=None,
            trust=world.a.trust,
            term_code="2025-26-summer",
            academy=world.a.academies[0],
            enqueue=False,
        )
    page = client_for(world.a.user(Role.TRUST_LEADER)).get("/t/alpha/reports/").content.decode()
    assert '<option value="2025-26-summer" selected>Summer term 2025-26</option>' in page
    assert '<td class="govuk-table__cell">Summer term 2025-26</td>' in page
    assert ">2025-26-summer<" not in page  # the code never shows as text


def test_generate_reports_command_refuses_a_bad_term(world):
    with pytest.raises(CommandError, match="write it like 2025-26-summer"):
        call_command("generate_reports", trust="alpha", term="2025-26-winter")
    with pytest.raises(CommandError, match="2025-26 is followed by 2026-27"):
        call_command("generate_reports", trust="alpha", term="2025-27-summer")


def test_term_label_filter():
    template = Template(
        "{% load term_tags %}{{ a|term_label }}|{{ a|term_short_label }}|{{ b|term_label }}|{{ c|term_label }}"
    )
    text = template.render(Context({"a": "2025-26-summer", "b": "not a term", "c": None}))
    assert text == "Summer term 2025-26|Summer 2025-26|not a term|"
