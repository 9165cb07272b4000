"""Moderators' days on a round: their linked moderation visits' days and the other days
recorded for them, and a commissioned (county / LA) moderator's days counted against the
commission the way a partner's visit days are."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from moderation.models import Moderator
from moderation.services import moderator_add, round_visit_link
from partnerships.models import Activity
from partnerships.selectors import commission_days
from tests.partnerships.helpers import make_commission
from trust_si.accounts.roles import Role
from visits.models import VisitType
from visits.services import visit_create, visit_types_ensure

from .helpers import open_round

pytestmark = pytest.mark.django_db


def _url(name, tw, **kwargs):
    return reverse(name, kwargs={"trust_slug": tw.slug, **kwargs})


def _row(page, name):
    """The words of the moderator's row in the days table."""
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S):
        text = " ".join(
            re.sub(r"<[^>]+>", " ", re.sub(r"<form.*?</form>", "", row, flags=re.S)).split()
        )
        if text.startswith(name):
            return text
    raise AssertionError(f"no row for {name}")


def test_each_moderators_days_on_the_round_and_the_county_moderators_count_against_the_commission(
    world, client_for
):
    tw = world.a
    round_ = open_round(tw)
    high = tw.academies[1]
    commission = make_commission(tw, academies=[high], name="County moderation service")
    officer = tw.user(Role.IMPROVEMENT_OFFICER)
    with tw.scope():
        county = moderator_add(
            actor=None,
            round_=round_,
            external_name="Sam County",
            partner=commission.partner,
            commission=commission,
        )
        visit_types_ensure(trust=tw.trust)
        moderation = VisitType.objects.get(trust=tw.trust, code="moderation")
        # The officer's moderation visit (1 day, trust staff) and the county's (half a day,
        # under the commission): both linked to the round.
        mine = visit_create(
            actor=None,
            academy=high,
            visit_type=moderation,
            date=dt.date(2026, 6, 10),
            officers=[officer],
            days=Decimal("1"),
        )
        theirs = visit_create(
            actor=None,
            academy=high,
            visit_type=moderation,
            date=dt.date(2026, 6, 11),
            partner=commission.partner,
            commission=commission,
            days=Decimal("0.5"),
        )
        for visit in (mine, theirs):
            round_visit_link(actor=None, round_=round_, visit_id=visit.pk)
    leader = client_for(tw.user(Role.TRUST_LEADER))
    days_url = _url("moderation:moderator_days", tw, pk=round_.pk, moderator_pk=county.pk)

    # The county moderator's central moderation day and a half, at the high school.
    assert leader.post(days_url, {"days": "1.5", "academy": high.urn}).status_code == 302
    page = leader.get(_url("moderation:round", tw, pk=round_.pk)).content.decode()
    assert _row(page, "Sam County") == (
        f"Sam County County moderation service (external) 0.5 (1 visit) 1.5 2.0 "
        f"{commission.title}, at {high.name}"
    )
    assert _row(page, officer.display_name).startswith(
        f"{officer.display_name} {tw.academies[0].name} 1.0 (1 visit) 0.0 1.0"
    )
    with tw.scope():
        (line,) = commission_days(commission)
        assert line.used == Decimal("1.5")  # the round's days (the visit's own sync aside)
        assert Activity.objects.filter(visit_ref=f"moderation.moderator:{county.pk}").count() == 1

    # Saving again replaces the days, never adds them.
    leader.post(days_url, {"days": "2", "academy": high.urn})
    with tw.scope():
        (line,) = commission_days(commission)
        assert line.used == Decimal("2.0")

    # Refused in words: not half days; no school for a commissioned moderator; nothing changes.
    for data, words in (
        ({"days": "0.3", "academy": high.urn}, "Enter days in half days"),
        ({"days": "1"}, "Choose the school the days count against"),
    ):
        answer = leader.post(days_url, data, follow=True)
        assert words in answer.content.decode()
    with tw.scope():
        assert Moderator.objects.get(pk=county.pk).days == Decimal("2.0")
        (line,) = commission_days(commission)
        assert line.used == Decimal("2.0")

    # Clearing the days takes them off the commission too.
    leader.post(days_url, {"days": ""})
    with tw.scope():
        (line,) = commission_days(commission)
        assert line.used == Decimal("0")

    # A moderator from another school: days counted on the round, against no commission.
    with tw.scope():
        own = Moderator.objects.get(round=round_, user=officer)
    leader.post(
        _url("moderation:moderator_days", tw, pk=round_.pk, moderator_pk=own.pk), {"days": "1"}
    )
    page = leader.get(_url("moderation:round", tw, pk=round_.pk)).content.decode()
    assert _row(page, officer.display_name).endswith("1.0 (1 visit) 1.0 2.0 No commission")
    with tw.scope():
        assert not Activity.objects.filter(visit_ref=f"moderation.moderator:{own.pk}").exists()

    # School staff cannot record days; another trust's round is not found.
    staff = client_for(tw.user(Role.SCHOOL_STAFF))
    assert staff.post(days_url, {"days": "1"}).status_code == 403
    other = client_for(world.b.user(Role.TRUST_LEADER))
    assert other.post(days_url, {"days": "1"}).status_code == 404
