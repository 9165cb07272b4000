"""Commissions, activities (incl. visit-linked ones), partner scope and pages."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from academies.selectors import academy_list_for
from partnerships import selectors, services
from partnerships.models import Activity, KeyArea
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

from .helpers import make_commission, partner_membership

pytestmark = pytest.mark.django_db


def test_visit_linked_activity_is_updated_not_added(world):
    a = world.a
    commission = make_commission(a, academies=a.academies)
    officer = a.user(Role.TRUST_LEADER)
    with a.scope():
        membership = Membership.objects.get(user=officer)
        for days in ("1", "1.5", "1.5"):  # the visit saved three times, edited once
            services.activity_sync_for_visit(
                actor=officer,
                membership=membership,
                visit_ref="visits.visit:7",
                commission=commission,
                academy=a.academies[0],
                date=dt.date(2026, 1, 10),
                days=D(days),
            )
        services.activity_log(
            actor=officer,
            membership=membership,
            commission=commission,
            academy=a.academies[0],
            date=dt.date(2026, 1, 20),
            days=D("0.5"),
        )
        assert Activity.objects.filter(visit_ref="visits.visit:7").count() == 1
        used = {line.key: line.used for line in selectors.commission_days(commission)}
        assert used[a.academies[0].id] == D(
            "2.0"
        )  # 1.5 from the visit + 0.5 logged, never 1 + 1.5 + 1.5
        # Moving the visit to the other academy moves its days too.
        services.activity_sync_for_visit(
            actor=officer,
            membership=membership,
            visit_ref="visits.visit:7",
            commission=commission,
            academy=a.academies[1],
            date=dt.date(2026, 1, 10),
            days=D("1"),
        )
        used = {line.key: line.used for line in selectors.commission_days(commission)}
        assert used == {a.academies[0].id: D("0.5"), a.academies[1].id: D("1")}
        assert AuditEvent.objects.filter(action="activity.update").count() >= 1
        services.activity_delete_for_visit(actor=officer, visit_ref="visits.visit:7")
        assert not Activity.objects.filter(visit_ref="visits.visit:7").exists()


def test_activity_must_be_in_commission_and_in_half_days(world):
    a = world.a
    commission = make_commission(a)  # academies[0] only
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        membership = Membership.objects.get(user=admin)
        with pytest.raises(ValidationError):
            services.activity_log(
                actor=admin,
                membership=membership,
                commission=commission,
                academy=a.academies[1],
                date=dt.date(2026, 1, 1),
                days=D("1"),
            )
        with pytest.raises(ValidationError):
            services.activity_log(
                actor=admin,
                membership=membership,
                commission=commission,
                academy=a.academies[0],
                date=dt.date(2026, 1, 1),
                days=D("0.3"),
            )


def test_partner_scope_and_membership_sync(world):
    a = world.a
    # The partner user starts with academies[0]; a reading commission covers academies[1] only.
    make_commission(a, academies=[a.academies[1]], key_area=KeyArea.READING)
    membership = partner_membership(a)
    with a.scope():
        scope = selectors.partner_scope(membership)
        assert scope.academy_ids == {a.academies[1].id}
        assert scope.key_areas == {KeyArea.READING}
        assert scope.covers(a.academies[1].id, KeyArea.READING)
        assert not scope.covers(a.academies[1].id, KeyArea.MATHS)
        assert not scope.covers(a.academies[0].id, KeyArea.READING)
        # Membership academies follow the commissions, so academy selectors scope partners too.
        assert list(academy_list_for(membership)) == [a.academies[1]]


def test_removing_partner_from_commission_removes_academies(world):
    a = world.a
    commission = make_commission(a, academies=[a.academies[1]])
    membership = partner_membership(a)
    with a.scope():
        services.commission_update(
            actor=a.user(Role.TRUST_ADMIN), commission=commission, data={}, partner_members=[]
        )
        assert list(membership.academies.all()) == []
        assert selectors.commission_list_for(membership).count() == 0


def test_partner_sees_only_own_commission_and_academies(world, client_for):
    a = world.a
    mine = make_commission(a, academies=[a.academies[0]])
    other = make_commission(
        a,
        academies=[a.academies[1]],
        with_partner_member=False,
        name="Reading Research School",
        key_area=KeyArea.READING,
    )
    client = client_for(a.user(Role.EXTERNAL_PARTNER))
    url = lambda name, **kw: reverse(name, kwargs={"trust_slug": a.slug, **kw})  # noqa: E731
    assert client.get(url("partnerships:commission_detail", pk=mine.pk)).status_code == 200
    assert client.get(url("partnerships:commission_detail", pk=other.pk)).status_code == 404
    assert client.get(url("partnerships:partner_detail", pk=other.partner.pk)).status_code == 404
    page = client.get(url("partnerships:commission_list")).content.decode()
    assert mine.title in page and other.title not in page
    # Logging against another academy (not in their commission) is refused, not saved.
    response = client.post(
        url("partnerships:activity_log", pk=mine.pk),
        {
            "academy": a.academies[1].pk,
            "date": "2026-01-10",
            "days": "1",
        },
    )
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    response = client.post(
        url("partnerships:activity_log", pk=mine.pk),
        {
            "academy": a.academies[0].pk,
            "date": "2026-01-10",
            "days": "1",
            "description": "Lesson visits",
        },
    )
    assert response.status_code == 302
    with a.scope():
        assert Activity.objects.filter(commission=mine).count() == 1
    # The academy pages follow the same scope: another academy is a 404.
    assert (
        client.get(
            reverse("academies:detail", kwargs={"trust_slug": a.slug, "urn": a.academies[1].urn})
        ).status_code
        == 404
    )


def test_api_activity_outside_scope_is_rejected(world, client_for):
    a = world.a
    mine = make_commission(a, academies=[a.academies[0]])
    other = make_commission(
        a,
        academies=[a.academies[1]],
        with_partner_member=False,
        name="Safeguarding Ltd",
        key_area=KeyArea.SAFEGUARDING,
    )
    client = client_for(a.user(Role.EXTERNAL_PARTNER))
    url = reverse("partnerships_api:activity-list", kwargs={"trust_slug": a.slug})
    body = {"commission": other.pk, "academy": a.academies[1].pk, "date": "2026-01-10", "days": "1"}
    assert client.post(url, body, content_type="application/json").status_code == 404
    body = {"commission": mine.pk, "academy": a.academies[1].pk, "date": "2026-01-10", "days": "1"}
    assert client.post(url, body, content_type="application/json").status_code == 400
    body["academy"] = a.academies[0].pk
    assert client.post(url, body, content_type="application/json").status_code == 201
    detail = client.get(
        reverse("partnerships_api:commission-detail", kwargs={"trust_slug": a.slug, "pk": mine.pk})
    ).json()
    assert detail["days"][0]["used"] == "1.0" and detail["days"][0]["allocated"] == "3.0"


def test_permissions(world, client_for):
    a = world.a
    commission = make_commission(a)
    url = reverse("partnerships:activity_log", kwargs={"trust_slug": a.slug, "pk": commission.pk})
    assert client_for(a.user(Role.GOVERNOR)).get(url).status_code == 403
    assert client_for(a.user(Role.SCHOOL_STAFF)).get(url).status_code == 403


def test_dashboard_and_utilisation_show_warnings(world, client_for):
    a = world.a
    today = dt.date.today()
    commission = make_commission(
        a,
        academies=a.academies,
        starts_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=10),
    )
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        membership = Membership.objects.get(user=admin)
        # 3.5 of 3 days in one academy (over), 3.5 of 13 overall (unspent near the end).
        services.allocation_set(
            actor=admin, commission=commission, academy=a.academies[1], days=D("10")
        )
        services.activity_log(
            actor=admin,
            membership=membership,
            commission=commission,
            academy=a.academies[0],
            date=today,
            days=D("3.5"),
        )
    client = client_for(admin)
    page = client.get(
        reverse("partnerships:dashboard", kwargs={"trust_slug": a.slug})
    ).content.decode()
    assert "0.5 over" in page and "Ends in 10 days" in page
    page = client.get(
        reverse("partnerships:utilisation", kwargs={"trust_slug": a.slug})
    ).content.decode()
    assert "Cost per academy" in page and "2307.69" in page and "<meter" in page


def test_visit_activity_links_the_visit_row_once(world):
    from visits.models import Visit, VisitType
    from visits.services import visit_ref

    a = world.a
    commission = make_commission(a)
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        membership = Membership.objects.get(user=admin)
        kind = VisitType.objects.create(code="maths-walk", name="Maths learning walk")
        visit = Visit.objects.create(
            academy=a.academies[0], visit_type=kind, date=dt.date(2026, 2, 3)
        )
        ref = visit_ref(visit)
        for days in ("1", "0.5"):
            activity = services.activity_sync_for_visit(
                actor=admin,
                membership=membership,
                visit_ref=ref,
                commission=commission,
                academy=a.academies[0],
                date=visit.date,
                days=D(days),
            )
        assert activity.visit_id == visit.pk  # the commission page links to the visit
        assert Activity.objects.filter(visit_ref=ref).count() == 1
        assert selectors.commission_days(commission)[0].used == D("0.5")
