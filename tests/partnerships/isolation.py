import datetime as dt
from decimal import Decimal

from partnerships import services
from partnerships.models import Commission
from tests.isolation import Case, sentinel
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role

from .helpers import make_commission, partner_membership


def setup(world):
    for tw in (world.a, world.b):
        commission = make_commission(tw, name=sentinel(tw, "Partner"))
        tw.extra["commission"] = commission
        tw.extra["partner"] = commission.partner
        with tw.scope():
            contact = commission.partner.contacts.get()
            contact.name = sentinel(tw, "Contact")
            contact.save()
            tw.extra["contact"] = contact
            tw.extra["activity"] = services.activity_log(
                actor=tw.user(Role.TRUST_ADMIN),
                membership=Membership.objects.get(user=tw.user(Role.TRUST_ADMIN)),
                commission=commission,
                academy=tw.academies[0],
                date=dt.date(2026, 1, 12),
                days=Decimal("1"),
                description=sentinel(tw, "Activity"),
            )


def _activity_pk(tw) -> dict:
    return {"pk": tw.extra["activity"].pk}


def _activity_form(tw) -> dict:
    return {"academy": tw.academies[0].pk, "date": "2026-01-13", "days": "1.5"}


def _partner_form(tw) -> dict:
    return {
        "name": "Diocese of Testshire",
        "kind": "diocese",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Sam Adviser",
    }


def _commission_form(tw) -> dict:
    return {
        "partner": tw.extra["partner"].pk,
        "title": "Reading review",
        "key_area": "reading",
        "nature": "both",
        "academies": [tw.academies[0].pk],
        "days_per_academy": "2",
        "cost": "1200",
        "starts_on": "2026-01-05",
        "ends_on": "2026-07-20",
    }


def _commission(tw) -> dict:
    return {"pk": tw.extra["commission"].pk}


def _partner(tw) -> dict:
    return {"pk": tw.extra["partner"].pk}


def _activity(tw) -> dict:
    commission: Commission = tw.extra["commission"]
    return {
        "commission": commission.pk,
        "academy": tw.academies[0].pk,
        "date": "2026-01-15",
        "days": "0.5",
        "description": "Maths walk",
    }


def _academy_id(tw) -> dict:
    return {"academy": tw.academies[0].pk}


def _contact_id(tw) -> dict:
    # A contact row's id: the service keeps only the partner's own, so another's adds a new one.
    return {"contacts-0-id": tw.extra["contact"].pk}


def _commission_ids(tw) -> dict:
    return {
        "partner": tw.extra["partner"].pk,
        "academies": [tw.academies[0].pk],
        "partner_members": [partner_membership(tw).pk],
    }


def _days_override(tw) -> dict:
    # Per-academy days exist only for the form's own academies: another's is not a field.
    return {f"days_{tw.academies[0].pk}": "9"}


G, L, P = Role.GOVERNOR, Role.TRUST_LEADER, Role.EXTERNAL_PARTNER
OFFICER = Role.IMPROVEMENT_OFFICER
CASES = [
    Case("partnerships:dashboard", forbidden_role=G, shows_sentinel=True),
    Case("partnerships:partner_list", forbidden_role=G, shows_sentinel=True),
    Case("partnerships:partner_detail", kwargs=_partner, forbidden_role=G, shows_sentinel=True),
    Case("partnerships:commission_list", forbidden_role=G, shows_sentinel=True),
    Case(
        "partnerships:commission_detail",
        kwargs=_commission,
        forbidden_role=G,
        shows_sentinel=True,
    ),
    Case("partnerships:activity_log", kwargs=_commission, forbidden_role=G, shows_sentinel=True),
    Case(
        "partnerships:activity_log",
        kwargs=_commission,
        method="post",
        data=_activity,
        body_ids=_academy_id,
        allowed_role=Role.EXTERNAL_PARTNER,
        forbidden_role=G,
    ),
    Case("partnerships:utilisation", forbidden_role=G, shows_sentinel=True),
    Case("partnerships:partner_create", allowed_role=L, forbidden_role=OFFICER),
    Case(
        "partnerships:partner_create",
        method="post",
        data=_partner_form,
        ignored_body_ids=_contact_id,
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case(
        "partnerships:partner_edit",
        kwargs=_partner,
        allowed_role=L,
        forbidden_role=P,
        shows_sentinel=True,
    ),
    Case(
        "partnerships:partner_edit",
        kwargs=_partner,
        method="post",
        data=_partner_form,
        ignored_body_ids=_contact_id,
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case(
        "partnerships:commission_create",
        allowed_role=L,
        forbidden_role=OFFICER,
        # The form's partner, preselected from the query string: only B's own may be.
        query_ids=lambda tw: {"partner": tw.extra["partner"].pk},
        shows_sentinel=True,
    ),
    Case(
        "partnerships:commission_create",
        method="post",
        data=_commission_form,
        body_ids=_commission_ids,
        ignored_body_ids=_days_override,
        allowed_role=L,
        forbidden_role=P,
    ),
    Case(
        "partnerships:commission_edit",
        kwargs=_commission,
        allowed_role=L,
        forbidden_role=P,
        shows_sentinel=True,
    ),
    Case(
        "partnerships:commission_edit",
        kwargs=_commission,
        method="post",
        data=_commission_form,
        body_ids=_commission_ids,
        ignored_body_ids=_days_override,
        allowed_role=L,
        forbidden_role=OFFICER,
    ),
    Case(
        "partnerships:activity_edit",
        kwargs=_activity_pk,
        allowed_role=P,
        forbidden_role=G,
        shows_sentinel=True,
    ),
    Case(
        "partnerships:activity_edit",
        kwargs=_activity_pk,
        method="post",
        data=_activity_form,
        body_ids=_academy_id,
        allowed_role=P,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "partnerships:activity_delete",
        kwargs=_activity_pk,
        method="post",
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("partnerships_api:partner-list", forbidden_role=G, shows_sentinel=True),
    Case(
        "partnerships_api:partner-detail",
        kwargs=_partner,
        forbidden_role=G,
        shows_sentinel=True,
    ),
    Case("partnerships_api:commission-list", forbidden_role=G, shows_sentinel=True),
    Case(
        "partnerships_api:commission-detail",
        kwargs=_commission,
        forbidden_role=G,
        shows_sentinel=True,
    ),
    Case("partnerships_api:activity-list", forbidden_role=G, shows_sentinel=True),
    Case(
        "partnerships_api:activity-list",
        method="post",
        data=_activity,
        body_ids=lambda tw: {"commission": tw.extra["commission"].pk, **_academy_id(tw)},
        allowed_role=Role.EXTERNAL_PARTNER,
        forbidden_role=G,
    ),
]
