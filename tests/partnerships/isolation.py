from partnerships.models import Commission
from tests.isolation import Case
from trust_si.accounts.roles import Role

from .helpers import make_commission


def setup(world):
    for tw in (world.a, world.b):
        commission = make_commission(tw)
        tw.extra["commission"] = commission
        tw.extra["partner"] = commission.partner


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


G = Role.GOVERNOR
CASES = [
    Case("partnerships:dashboard", forbidden_role=G),
    Case("partnerships:partner_list", forbidden_role=G),
    Case("partnerships:partner_detail", kwargs=_partner, forbidden_role=G),
    Case("partnerships:commission_list", forbidden_role=G),
    Case("partnerships:commission_detail", kwargs=_commission, forbidden_role=G),
    Case("partnerships:activity_log", kwargs=_commission, forbidden_role=G),
    Case(
        "partnerships:activity_log",
        kwargs=_commission,
        method="post",
        data=_activity,
        allowed_role=Role.EXTERNAL_PARTNER,
        forbidden_role=G,
    ),
    Case("partnerships:utilisation", forbidden_role=G),
    Case("partnerships_api:partner-list", forbidden_role=G),
    Case("partnerships_api:partner-detail", kwargs=_partner, forbidden_role=G),
    Case("partnerships_api:commission-list", forbidden_role=G),
    Case("partnerships_api:commission-detail", kwargs=_commission, forbidden_role=G),
    Case("partnerships_api:activity-list", forbidden_role=G),
    Case(
        "partnerships_api:activity-list",
        method="post",
        data=_activity,
        allowed_role=Role.EXTERNAL_PARTNER,
        forbidden_role=G,
    ),
]
