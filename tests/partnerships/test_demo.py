"""The demo seeds run, are idempotent, and tell the intended story."""

import pytest

import cpd.demo
import partnerships.demo
from cpd.models import Enrolment, Evaluation, Npq, Session
from partnerships import selectors
from partnerships.models import Activity, Commission
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_seeds(world):
    a = world.a
    strength = {a.academies[0].pk: 0.2, a.academies[1].pk: 0.9}  # academies[0] is weaker
    ctx = {
        "academies": a.academies,
        "users": {r: u for r, u in a.users.items()},
        "strength": strength,
    }
    with a.scope():
        for _ in range(2):
            cpd.demo.seed(a.trust, ctx)
            partnerships.demo.seed(a.trust, ctx)
        assert Session.objects.count() == 25
        assert Enrolment.objects.filter(status="attended").exists()
        assert Evaluation.objects.exists() and Npq.objects.count() == 5
        weak = Enrolment.objects.filter(academy=a.academies[0]).count()
        strong = Enrolment.objects.filter(academy=a.academies[1]).count()
        assert weak > strong
        assert Commission.objects.count() == 3 and Activity.objects.exists()
        partner = Membership.objects.get(user=a.user(Role.EXTERNAL_PARTNER))
        assert selectors.commission_list_for(partner).count() == 1
        admin = Membership.objects.get(user=a.user(Role.TRUST_ADMIN))
        warnings = selectors.utilisation_for(admin)["warnings"]
        assert any("over" in w for _, w in warnings)
        assert any("Ends in" in w for _, w in warnings)


def test_pages_render_with_demo_data(world, client_for):
    a = world.a
    ctx = {"academies": a.academies, "users": dict(a.users)}
    with a.scope():
        cpd.demo.seed(a.trust, ctx)
        partnerships.demo.seed(a.trust, ctx)
        programme = Session.objects.first().programme
        session = Session.objects.first()
        commission = Commission.objects.first()
    pages = [
        ("cpd:dashboard", {}),
        ("cpd:programme_list", {}),
        ("cpd:npq_list", {}),
        ("cpd:programme_detail", {"pk": programme.pk}),
        ("cpd:session_detail", {"pk": session.pk}),
        ("partnerships:dashboard", {}),
        ("partnerships:partner_list", {}),
        ("partnerships:commission_list", {}),
        ("partnerships:utilisation", {}),
        ("partnerships:commission_detail", {"pk": commission.pk}),
        ("partnerships:activity_log", {"pk": commission.pk}),
    ]
    from django.urls import reverse

    client = client_for(a.user(Role.TRUST_ADMIN))
    for name, kwargs in pages:
        response = client.get(reverse(name, kwargs={"trust_slug": a.slug, **kwargs}))
        assert response.status_code == 200, name
        assert b"<caption" in response.content or name.endswith("activity_log"), name
