"""Builders for partnerships tests: a partner and a commission inside a trust world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from partnerships import services
from partnerships.models import KeyArea, Nature, PartnerKind
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role


def partner_membership(tw: Any) -> Membership:
    with tw.scope():
        return Membership.objects.get(user=tw.user(Role.EXTERNAL_PARTNER))


def make_commission(
    tw: Any,
    *,
    academies: list[Any] | None = None,
    key_area: str = KeyArea.MATHS,
    days: str = "3",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    with_partner_member: bool = True,
    name: str = "North Maths Hub",
) -> Any:
    admin = tw.user(Role.TRUST_ADMIN)
    with tw.scope():
        from partnerships.models import PartnerOrganisation

        partner = PartnerOrganisation.objects.filter(name=name).first() or services.partner_create(
            actor=admin,
            name=name,
            kind=PartnerKind.MATHS_HUB,
            contacts=[{"name": "Pat Lead", "email": "pat@hub.test"}],
        )
        members = (
            [Membership.objects.get(user=tw.user(Role.EXTERNAL_PARTNER))]
            if with_partner_member
            else []
        )
        return services.commission_create(
            actor=admin,
            partner=partner,
            title=f"{name} {key_area}",
            key_area=key_area,
            nature=Nature.SUPPORT,
            academies=academies if academies is not None else [tw.academies[0]],
            starts_on=starts_on or dt.date(2025, 9, 1),
            ends_on=ends_on or dt.date(2026, 7, 31),
            days_per_academy=Decimal(days),
            cost=Decimal("3000"),
            partner_members=members,
        )
