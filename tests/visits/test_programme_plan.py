"""The monitoring programme as a plan: owners and dates per entry, on the calendar as
"Planned", editable, and turned into a visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.html import escape

from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.terms import TermCode
from visits.models import PlannedVisit, ProgrammeEntry, Visit
from visits.programme import planned_dates, teaching_window
from visits.services import (
    planned_visit_start,
    programme_generate,
    visit_create,
    visit_publish,
    visit_types_ensure,
)

OFFICER = Role.IMPROVEMENT_OFFICER
YEAR = "2026-27"


def test_planned_dates_are_school_days_spread_over_the_teaching_weeks():
    for code in ("2026-27-autumn", "2026-27-spring", "2026-27-summer"):
        window = teaching_window(TermCode.parse(code))
        for offset in range(6):
            days = planned_dates(window, 4, offset)
            assert len(days) == 4
            assert all(window[0] <= d <= window[1] and d.weekday() < 5 for d in days)
            assert days == sorted(days) and len(set(days)) == 4
    # Spring's visits end before the Easter holiday (Easter Sunday 2027: 28 March).
    assert teaching_window(TermCode.parse("2026-27-spring"))[1] < dt.date(2027, 3, 28)
    assert teaching_window(TermCode.parse("2026-27-summer"))[0] > dt.date(2027, 3, 28)


def _generate(tw):
    with tw.scope():
        programme_generate(
            actor=tw.user(Role.TRUST_LEADER),
            trust=tw.trust,
            academic_year=YEAR,
            academies=tw.academies,
        )


@pytest.mark.django_db
def test_generating_gives_each_entry_an_owner_and_dates_in_its_term(world):
    a = world.a
    _generate(a)
    _generate(a)  # a second run adds no second set of dates
    with a.scope():
        officer = Membership.objects.get(user=a.user(OFFICER))
        entries = list(ProgrammeEntry.objects.filter(academic_year=YEAR))
        assert entries
        for e in entries:
            dates = [p.planned_on for p in e.planned_visits.all()]
            assert len(dates) == e.planned
            assert all(TermCode.of(YEAR, e.term).contains(d) for d in dates)
        # The officer covers academies[0] only: they own its entries; the other has none yet.
        owned = {e.academy_id for e in entries if e.owner_id == officer.pk}
        assert owned == {a.academies[0].pk}
        assert all(e.owner_id is None for e in entries if e.academy_id == a.academies[1].pk)
        # An entry planned before dates existed gets them on the next run.
        entry = entries[0]
        entry.planned_visits.all().delete()
    _generate(a)
    with a.scope():
        assert entry.planned_visits.count() == entry.planned


@pytest.mark.django_db
def test_programme_page_shows_types_owners_and_dates(world, client_for):
    a = world.a
    _generate(a)
    with a.scope():
        first = PlannedVisit.objects.filter(entry__academy=a.academies[0]).first()
    page = client_for(a.user(Role.TRUST_LEADER)).get(f"/t/alpha/visits/programme/?year={YEAR}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Autumn term 2026-27: the plan" in text
    assert "Any type: the owner chooses the focus" in text
    # names such as O'Neill reach the page HTML-escaped
    assert escape(a.user(OFFICER).display_name) in text and "No owner yet" in text
    assert first.planned_on.strftime("%a %-d %b %Y") in text
    assert "Start this visit" in text
    # The plan is in the page once, and the browser tab reads the page's name, not the plan.
    assert text.count("Autumn term 2026-27: the plan") == 1
    title = text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Monitoring programme" in title and "the plan" not in title


@pytest.mark.django_db
def test_calendar_shows_planned_visits_apart_from_held_ones(world, client_for):
    a = world.a
    _generate(a)
    with a.scope():
        planned = PlannedVisit.objects.filter(entry__academy=a.academies[0]).first()
        types = {t.code: t for t in visit_types_ensure(trust=a.trust)}
        held = visit_create(
            actor=a.user(OFFICER),
            academy=a.academies[0],
            visit_type=types["book_scrutiny"],
            date=planned.planned_on,
            strengths="Books show progress.",
        )
        visit_publish(
            actor=a.user(OFFICER),
            membership=Membership.objects.get(user=a.user(OFFICER)),
            visit=held,
        )
    month = f"?month={planned.planned_on.year}-{planned.planned_on.month}"
    text = client_for(a.user(OFFICER)).get(f"/t/alpha/visits/calendar/{month}").content.decode()
    assert "Planned:</strong> Alpha Primary Academy" in text
    assert "Held:</strong> Alpha Primary Academy, Book scrutiny" in text
    # School staff see their published visits, not the trust's plan.
    staff = client_for(a.user(Role.SCHOOL_STAFF)).get(f"/t/alpha/visits/calendar/{month}")
    assert "Planned:</strong>" not in staff.content.decode()
    assert "Held:</strong>" in staff.content.decode()


@pytest.mark.django_db
def test_a_planned_visit_turns_into_a_draft_visit_once(world, client_for):
    a = world.a
    _generate(a)
    with a.scope():
        planned = PlannedVisit.objects.filter(
            entry__academy=a.academies[0], entry__visit_type__isnull=True
        ).first()
        types = {t.code: t for t in visit_types_ensure(trust=a.trust)}
    officer = client_for(a.user(OFFICER))
    url = f"/t/alpha/visits/programme/planned/{planned.pk}/start/"
    refused = officer.post(url, {})  # an any-type entry needs the type chosen
    assert refused.status_code == 302
    with a.scope():
        assert not Visit.objects.exists()
    response = officer.post(url, {"visit_type": types["pupil_voice"].pk})
    assert response.status_code == 302
    with a.scope():
        visit = Visit.objects.get()
        planned.refresh_from_db()
        assert planned.visit_id == visit.pk
        assert visit.date == planned.planned_on and visit.visit_type.code == "pupil_voice"
        assert list(visit.officers.all()) == [a.user(OFFICER)]
        assert visit.status == "draft"
        again = planned_visit_start(actor=a.user(OFFICER), planned=planned)
        assert again.pk == visit.pk and Visit.objects.count() == 1
    month = f"?month={planned.planned_on.year}-{planned.planned_on.month}"
    text = officer.get(f"/t/alpha/visits/calendar/{month}").content.decode()
    assert "Draft:</strong> Alpha Primary Academy, Pupil voice" in text
    assert f"#planned-{planned.pk}" not in text
    # Governors and partners do not plan.
    assert client_for(a.user(Role.EXTERNAL_PARTNER)).post(url, {}).status_code == 403


@pytest.mark.django_db
def test_changing_owner_and_dates_keeps_what_was_typed_on_error(world, client_for):
    a = world.a
    _generate(a)
    with a.scope():
        entry = ProgrammeEntry.objects.filter(academy=a.academies[1], term="autumn").first()
        planned, *others = entry.planned_visits.all()
        kept = {f"date_{p.pk}": p.planned_on.isoformat() for p in others}
        officer = Membership.objects.get(user=a.user(OFFICER))
    leader = client_for(a.user(Role.TRUST_LEADER))
    url = f"/t/alpha/visits/programme/{entry.pk}/"
    assert leader.get(url).status_code == 200
    bad = leader.post(
        url,
        {
            "owner": officer.pk,
            "note": "Joint visit with the SEND lead",
            f"date_{planned.pk}": "2027-02-10",
            **kept,
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "There is a problem" in text and f'href="#id_date_{planned.pk}"' in text
    assert "Enter a date in Autumn term 2026-27" in text
    assert 'value="2027-02-10"' in text and "Joint visit with the SEND lead" in text
    assert f'<option value="{officer.pk}" selected>' in text
    good = leader.post(
        url, {"owner": officer.pk, "note": "", f"date_{planned.pk}": "2026-10-14", **kept}
    )
    assert good.status_code == 302
    with a.scope():
        planned.refresh_from_db()
        entry.refresh_from_db()
        assert planned.planned_on == dt.date(2026, 10, 14) and entry.owner_id == officer.pk
    assert client_for(a.user(Role.SCHOOL_STAFF)).get(url).status_code == 403
