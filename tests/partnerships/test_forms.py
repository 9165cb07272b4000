"""Partner, commission and activity forms; day accounting when records are edited."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from partnerships import selectors, services
from partnerships.models import Activity, Commission, PartnerContact, PartnerOrganisation
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

from .helpers import make_commission, partner_membership

pytestmark = pytest.mark.django_db


def url(tw, name, **kwargs):
    return reverse(f"partnerships:{name}", kwargs={"trust_slug": tw.slug, **kwargs})


def contacts(rows, initial=0):
    data = {"contacts-TOTAL_FORMS": str(len(rows)), "contacts-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data |= {f"contacts-{i}-{k}": v for k, v in row.items()}
    return data


def test_partner_create_edit_with_contacts(world, client_for):
    a = world.a
    client = client_for(a.user(Role.TRUST_LEADER))
    page = client.post(
        url(a, "partner_create"),
        {"name": "", "kind": "diocese", **contacts([{"email": "not-an-email"}])},
    ).content.decode()
    assert 'href="#id_name"' in page and 'href="#id_contacts-0-name"' in page
    response = client.post(
        url(a, "partner_create"),
        {
            "name": "Diocese of Ely",
            "kind": "diocese",
            "website": "https://ely.example",
            **contacts([{"name": "Ann", "role": "Adviser"}, {}]),
        },
    )
    assert response.status_code == 302
    with a.scope():
        partner = PartnerOrganisation.objects.get(name="Diocese of Ely")
        ann = partner.contacts.get()
    # A second partner with the same name (any case) is a form error, not an IntegrityError.
    page = client.post(
        url(a, "partner_create"), {"name": "diocese of ely", "kind": "diocese", **contacts([])}
    ).content.decode()
    assert "already has a partner with this name" in page
    # Edit: rename Ann's role, add Bo, then remove Ann.
    edit = url(a, "partner_edit", pk=partner.pk)
    assert "Ann" in client.get(edit).content.decode()
    rows = [{"id": ann.pk, "name": "Ann", "role": "Lead adviser"}, {"name": "Bo"}]
    response = client.post(
        edit, {"name": "Diocese of Ely", "kind": "diocese", **contacts(rows, initial=1)}
    )
    assert response.status_code == 302
    with a.scope():
        assert sorted(partner.contacts.values_list("name", "role")) == [
            ("Ann", "Lead adviser"),
            ("Bo", ""),
        ]
        bo = partner.contacts.get(name="Bo")
    rows = [{"id": ann.pk, "name": "Ann", "DELETE": "on"}, {"id": bo.pk, "name": "Bo"}]
    client.post(edit, {"name": "Diocese of Ely", "kind": "diocese", **contacts(rows, initial=2)})
    with a.scope():
        assert list(partner.contacts.values_list("name", flat=True)) == ["Bo"]
        assert AuditEvent.objects.filter(action="partner.update").count() == 2


def test_forged_contact_id_of_another_partner_is_not_moved(world, client_for):
    a = world.a
    commission = make_commission(a)
    with a.scope():
        pat = PartnerContact.objects.get(partner=commission.partner)
        other = services.partner_create(actor=a.user(Role.TRUST_ADMIN), name="X", kind="adviser")
    client = client_for(a.user(Role.TRUST_ADMIN))
    rows = [{"id": pat.pk, "name": "Stolen"}]
    client.post(
        url(a, "partner_edit", pk=other.pk),
        {"name": "X", "kind": "adviser", **contacts(rows, initial=1)},
    )
    with a.scope():
        pat.refresh_from_db()
        assert pat.name == "Pat Lead" and pat.partner_id == commission.partner_id


def _commission_data(tw, partner, **extra):
    return {
        "partner": partner.pk,
        "title": "Maths mastery",
        "key_area": "maths",
        "nature": "both",
        "academies": [a.pk for a in tw.academies],
        "days_per_academy": "3",
        "cost": "4500",
        "funding_source": "SI budget",
        "starts_on": "2025-09-01",
        "ends_on": "2026-07-31",
        "objectives": "Fluency",
        "package": "Lesson study",
        **extra,
    }


def test_commission_create_and_edit_with_days_per_academy(world, client_for):
    a = world.a
    commission = make_commission(a)
    partner = commission.partner
    client = client_for(a.user(Role.TRUST_LEADER))
    bad = _commission_data(
        a, partner, ends_on="2025-08-01", academies=[], cost="-1", days_per_academy="x"
    )
    page = client.post(url(a, "commission_create"), bad).content.decode()
    for anchor in ("#id_ends_on", "#id_academies_0", "#id_cost", "#id_days_per_academy"):
        assert f'href="{anchor}"' in page, anchor
    second = a.academies[1]
    data = _commission_data(
        a, partner, **{f"days_{second.pk}": "5", "partner_members": [partner_membership(a).pk]}
    )
    response = client.post(url(a, "commission_create"), data)
    assert response.status_code == 302
    with a.scope():
        created = Commission.objects.get(title="Maths mastery")
        lines = {line.key: line.allocated for line in selectors.commission_days(created)}
        assert lines == {a.academies[0].pk: D("3"), second.pk: D("5")}
        assert created.funding_source == "SI budget" and created.nature == "both"
        assert set(partner_membership(a).academies.all()) == set(a.academies)
    edit = url(a, "commission_edit", pk=created.pk)
    form = client.get(edit).content.decode()
    assert 'value="5.0"' in form and " open" in form
    data = _commission_data(
        a,
        partner,
        title="Maths mastery (renewed)",
        academies=[a.academies[0].pk],
        **{f"days_{second.pk}": "5"},
    )
    assert client.post(edit, data).status_code == 302
    with a.scope():
        created.refresh_from_db()
        assert created.title == "Maths mastery (renewed)"
        assert list(created.academies.all()) == [a.academies[0]]
        assert not created.allocations.exists()  # the override went with the academy
        assert list(partner_membership(a).academies.all()) == [a.academies[0]]
        assert AuditEvent.objects.filter(action="commission.update").exists()


def test_only_leaders_manage_commissions(world, client_for):
    a = world.a
    commission = make_commission(a)
    for role in (Role.IMPROVEMENT_OFFICER, Role.EXTERNAL_PARTNER):
        client = client_for(a.user(role))
        assert client.get(url(a, "commission_create")).status_code == 403
        assert client.get(url(a, "commission_edit", pk=commission.pk)).status_code == 403
        assert client.get(url(a, "partner_create")).status_code == 403
    page = (
        client_for(a.user(Role.EXTERNAL_PARTNER))
        .get(url(a, "commission_detail", pk=commission.pk))
        .content.decode()
    )
    assert "Edit commission" not in page and "Log activity" in page


def test_editing_an_activity_replaces_its_days(world, client_for):
    a = world.a
    commission = make_commission(a)
    client = client_for(a.user(Role.EXTERNAL_PARTNER))
    data = {"academy": a.academies[0].pk, "date": "2026-01-10", "days": "1", "description": "x"}
    assert client.post(url(a, "activity_log", pk=commission.pk), data).status_code == 302
    with a.scope():
        activity = Activity.objects.get()
    edit = url(a, "activity_edit", pk=activity.pk)
    for days in ("1.5", "1.5", "2"):
        assert client.post(edit, data | {"days": days}).status_code == 302
    with a.scope():
        assert Activity.objects.count() == 1
        assert selectors.commission_days(commission)[0].used == D("2")
    assert "half days" in client.post(edit, data | {"days": "0.3"}).content.decode()
    response = client.post(url(a, "activity_delete", pk=activity.pk))
    assert response.status_code == 302
    with a.scope():
        assert not Activity.objects.exists()
        assert AuditEvent.objects.filter(action="activity.delete").exists()


def test_visit_days_are_edited_on_the_visit_not_here(world, client_for):
    a = world.a
    commission = make_commission(a)
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        activity = services.activity_sync_for_visit(
            actor=admin,
            membership=Membership.objects.get(user=admin),
            visit_ref="legacy.visit:999",
            commission=commission,
            academy=a.academies[0],
            date=dt.date(2026, 1, 5),
            days=D("1"),
        )
    client = client_for(admin)
    data = {"academy": a.academies[0].pk, "date": "2026-01-05", "days": "3"}
    page = client.post(url(a, "activity_edit", pk=activity.pk), data).content.decode()
    assert "change them on the visit record" in page
    client.post(url(a, "activity_delete", pk=activity.pk))
    with a.scope():
        assert Activity.objects.get().days == D("1")


def test_partner_cannot_touch_activity_outside_their_scope(world, client_for):
    a = world.a
    commission = make_commission(a, academies=a.academies)  # the partner covers both academies
    other = make_commission(
        a, with_partner_member=False, name="Safeguarding Ltd", key_area="safeguarding"
    )
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        m = Membership.objects.get(user=admin)
        theirs = services.activity_log(
            actor=admin,
            membership=m,
            commission=other,
            academy=a.academies[0],
            date=dt.date(2026, 1, 5),
            days=D(1),
        )
    client = client_for(a.user(Role.EXTERNAL_PARTNER))
    assert client.get(url(a, "activity_edit", pk=theirs.pk)).status_code == 404
    assert client.post(url(a, "activity_delete", pk=theirs.pk)).status_code == 404
    assert commission.pk  # their own commission still opens
    assert client.get(url(a, "commission_detail", pk=commission.pk)).status_code == 200


def test_a_racing_visit_save_updates_the_row_instead_of_failing(world, monkeypatch):
    """Two saves of one visit: the second insert hits the constraint and updates instead."""
    a = world.a
    commission = make_commission(a)
    admin = a.user(Role.TRUST_ADMIN)
    kwargs = dict(
        actor=admin,
        visit_ref="legacy.visit:41",
        commission=commission,
        academy=a.academies[0],
        date=dt.date(2026, 2, 2),
    )
    with a.scope():
        membership = Membership.objects.get(user=admin)
        services.activity_sync_for_visit(membership=membership, days=D("1"), **kwargs)
        # The other save has not committed yet when this one looks for the row.
        monkeypatch.setattr(services, "_visit_activity", lambda ref: None)
        services.activity_sync_for_visit(membership=membership, days=D("1.5"), **kwargs)
        assert Activity.objects.count() == 1
        assert selectors.commission_days(commission)[0].used == D("1.5")


def test_commission_page_shows_over_and_unspent_warnings(world, client_for):
    a = world.a
    today = dt.date.today()
    commission = make_commission(
        a,
        academies=a.academies,
        starts_on=today - dt.timedelta(200),
        ends_on=today + dt.timedelta(days=12),
    )
    admin = a.user(Role.TRUST_ADMIN)
    with a.scope():
        services.commission_update(
            actor=admin, commission=commission, data={}, overrides={a.academies[1]: D("10")}
        )
        services.activity_log(
            actor=admin,
            membership=Membership.objects.get(user=admin),
            commission=commission,
            academy=a.academies[0],
            date=today,
            days=D("3.5"),
        )
    page = client_for(admin).get(url(a, "commission_detail", pk=commission.pk)).content.decode()
    assert "This commission needs attention" in page
    assert "3.5 days used of 3.0 allocated (0.5 over)" in page
    assert "Ends in 12 days with only 3.5 of 13.0 days used" in page
    assert "Over allocation" in page  # the row itself says so in words, not colour alone
    # Editing the logged days back under the allocation clears the overspend warning.
    with a.scope():
        activity = Activity.objects.get()
        services.activity_update(
            actor=admin,
            membership=Membership.objects.get(user=admin),
            activity=activity,
            data={"days": D("3")},
        )
    page = client_for(admin).get(url(a, "commission_detail", pk=commission.pk)).content.decode()
    assert "over)" not in page and "Ends in 12 days" in page
