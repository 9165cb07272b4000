"""The monitoring programme counts visits by the census terms and picks its year from today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.terms import AcademicYear
from visits.selectors import programme_for
from visits.services import visit_create, visit_publish, visit_types_ensure
from visits.views import _programme_years

pytestmark = pytest.mark.django_db
OFFICER = Role.IMPROVEMENT_OFFICER


def test_programme_counts_a_visit_after_easter_in_the_summer_term(world):
    a = world.a
    with a.scope():
        officer = Membership.objects.get(user=a.user(OFFICER))
        types = {t.code: t for t in visit_types_ensure(trust=a.trust)}
        visit = visit_create(
            actor=a.user(OFFICER),
            academy=a.academies[0],
            visit_type=types["teaching_learning"],
            date=dt.date(2026, 4, 10),  # Easter Sunday 2026 was 5 April
            strengths="Reading is taught well.",
        )
        visit_publish(actor=a.user(OFFICER), membership=officer, visit=visit)
        (row,) = programme_for(officer, "2025-26")
    done = {t["term"]: t["done"] for t in row["terms"]}
    assert done == {"autumn": 0, "spring": 0, "summer": 1}


def test_programme_years_come_from_today():
    year, choices = _programme_years(None, dt.date(2027, 9, 20))
    assert year == "2027-28"
    assert [code for code, _ in choices] == ["2028-29", "2027-28", "2026-27", "2025-26", "2024-25"]
    # August already belongs to the year it leads into (the census rule).
    assert _programme_years(None, dt.date(2027, 8, 2))[0] == "2027-28"
    assert _programme_years("2019-20", dt.date(2027, 9, 20))[1][-1] == ("2019-20", "2019-20")
    assert _programme_years("nonsense", dt.date(2027, 9, 20))[0] == "2027-28"


def test_programme_page_never_500s_on_a_bad_year(world, client_for):
    page = client_for(world.a.user(OFFICER)).get("/t/alpha/visits/programme/?year=2025-27")
    assert page.status_code == 200
    current = AcademicYear.for_date(timezone.localdate()).code
    assert f'<option value="{current}" selected>' in page.content.decode()
