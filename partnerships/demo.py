"""Demo partnerships: a maths hub, a research school for reading, a safeguarding consultancy.

Called by seed_demo inside the trust's scope: seed(trust, ctx). Idempotent. The weaker academies
(see academies.demo.weakest_first) get more days; the safeguarding challenge nears its end unspent and
the weakest academy has used more maths days than allocated, so the dashboard has warnings.
The demo external partner user is a member of the maths hub commission.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from academies.demo import weakest_first
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.terms import AcademicYear

from . import services
from .models import KeyArea, Nature, PartnerKind, PartnerOrganisation

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


D = Decimal


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    if PartnerOrganisation.objects.exists():
        return
    users = ctx.get("users", {})
    admin = users.get(Role.TRUST_ADMIN.value) or users.get("trust_admin")
    academies = weakest_first(list(ctx.get("academies", [])), ctx)
    if not academies:
        return
    weak, rest = academies[: max(1, len(academies) // 2)], academies[max(1, len(academies) // 2) :]
    today = timezone.localdate()
    # Commissions start with teaching: the September that opened this academic year, or the one
    # before while it is August (already next year's autumn term, but no teaching yet).
    year_start = dt.date(AcademicYear.for_date(today).start, 9, 1)
    if year_start > today:
        year_start = year_start.replace(year=year_start.year - 1)
    partner_user = users.get(Role.EXTERNAL_PARTNER.value) or users.get("external_partner")
    partner_membership = (
        Membership.objects.filter(user=partner_user).first() if partner_user is not None else None
    )

    hub = services.partner_create(
        actor=admin,
        name="Pennine Maths Hub",
        kind=PartnerKind.MATHS_HUB,
        website="https://www.ncetm.org.uk/maths-hubs/",
        contacts=[{"name": "Sam Okafor", "role": "Hub lead", "email": "sam.okafor@maths-hub.demo"}],
    )
    research = services.partner_create(
        actor=admin,
        name="Northern Research School",
        kind=PartnerKind.RESEARCH_SCHOOL,
        contacts=[{"name": "Helen Marsh", "role": "Director", "email": "h.marsh@research.demo"}],
    )
    consultancy = services.partner_create(
        actor=admin,
        name="Safer Schools Consultancy",
        kind=PartnerKind.CONSULTANCY,
        contacts=[{"name": "Raj Patel", "role": "Safeguarding adviser", "phone": "0113 496 0000"}],
    )

    maths = services.commission_create(
        actor=admin,
        partner=hub,
        title="Teaching for mastery: maths",
        key_area=KeyArea.MATHS,
        nature=Nature.SUPPORT,
        academies=academies,
        starts_on=year_start,
        ends_on=year_start + dt.timedelta(days=320),
        days_per_academy=D("3"),
        overrides={a: D("5") for a in weak},
        cost=D("6500"),
        funding_source="Trust school improvement fund",
        package="Work groups for maths leads, in-school development days and lesson visits.",
        objectives="Raise KS2 maths at the expected standard in the weaker academies.",
        partner_members=[partner_membership] if partner_membership else [],
    )
    reading = services.commission_create(
        actor=admin,
        partner=research,
        title="Reading fluency: evidence into practice",
        key_area=KeyArea.READING,
        nature=Nature.BOTH,
        academies=weak,
        starts_on=year_start,
        ends_on=year_start + dt.timedelta(days=300),
        days_per_academy=D("4"),
        cost=D("4800"),
        funding_source="Trust capacity fund (SCAF)",
        package="Audit of early reading, coaching of reading leads, follow-up progress meetings.",
        objectives="Every pupil reads fluently by the end of year 2.",
        evidence_of_impact="Reading leads report daily fluency practice in all classes.",
    )
    safeguarding = services.commission_create(
        actor=admin,
        partner=consultancy,
        title="Safeguarding challenge review",
        key_area=KeyArea.SAFEGUARDING,
        nature=Nature.CHALLENGE,
        academies=academies,
        starts_on=year_start - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=20),
        days_per_academy=D("1"),
        cost=D("2400"),
        funding_source="Central services",
        package="One day's external safeguarding review per academy, with a written report.",
    )
    for i, academy in enumerate(weak):
        # The weakest academy used more maths days than allocated: the dashboard flags it.
        days = ["2", "2", "1.5"] if i == 0 else ["1", "1.5"]
        for n, d in enumerate(days):
            services.activity_log(
                actor=partner_user or admin,
                membership=partner_membership or Membership.objects.get(user=admin),
                commission=maths,
                academy=academy,
                date=year_start + dt.timedelta(days=20 + 21 * n),
                days=D(d),
                description="Maths lead coaching and lesson visits.",
            )
        for n, d in enumerate(["1", "1", "0.5"]):
            services.activity_log(
                actor=admin,
                membership=Membership.objects.get(user=admin),
                commission=reading,
                academy=academy,
                date=year_start + dt.timedelta(days=30 + 28 * n),
                days=D(d),
                description="Early reading audit and coaching of the reading lead.",
            )
    for academy in rest:
        services.activity_log(
            actor=partner_user or admin,
            membership=partner_membership or Membership.objects.get(user=admin),
            commission=maths,
            academy=academy,
            date=year_start + dt.timedelta(days=40),
            days=D("0.5"),
            description="Work group for the maths lead.",
        )
    # Only half a safeguarding review day used, weeks before the end: "near the end unspent".
    services.activity_log(
        actor=admin,
        membership=Membership.objects.get(user=admin),
        commission=safeguarding,
        academy=weak[0],
        date=today - dt.timedelta(days=14),
        days=D("0.5"),
        description="Safeguarding review: single central record and referrals.",
    )
    services.evidence_add(
        actor=admin,
        commission=reading,
        recorded_on=year_start + dt.timedelta(days=90),
        text="Fluency assessments: pupils reading at age-related speed up from 48% to 63%.",
    )
