from __future__ import annotations

import datetime as dt
from typing import Any

from cpd import services
from cpd.models import Domain, Format
from trust_si.accounts.roles import Role

UTC = dt.UTC


def make_programme(
    tw: Any, *, capacity: int = 10, kpi_codes: tuple[str, ...] = ("ks2_rwm_exp",)
) -> dict[str, Any]:
    admin = tw.user(Role.TRUST_ADMIN)
    with tw.scope():
        programme = services.programme_create(
            actor=admin,
            title="Reading fluency",
            domain=Domain.APPLYING,
            format=Format.INSTRUCTIONAL_COACHING,
            kpi_codes=list(kpi_codes),
            academies=[tw.academies[0]],
        )
        session = services.session_create(
            actor=admin,
            programme=programme,
            starts_at=dt.datetime(2025, 10, 1, 15, 30, tzinfo=UTC),
            ends_at=dt.datetime(2025, 10, 1, 17, 0, tzinfo=UTC),
            capacity=capacity,
            location="Hub",
            leading_academy=tw.academies[1],
        )
        enrolment = services.enrolment_create(
            actor=admin,
            session=session,
            participant=tw.user(Role.SCHOOL_STAFF),
            academy=tw.academies[0],
            school_role="teacher",
        )
        npq = services.npq_create(
            actor=admin,
            person=tw.user(Role.SCHOOL_STAFF),
            academy=tw.academies[0],
            programme="NPQLT",
            provider="Ambition",
            cohort="2025-26 autumn",
        )
    return {"programme": programme, "session": session, "enrolment": enrolment, "npq": npq}
