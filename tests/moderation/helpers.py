"""A published framework, judgements at both academies and an open round, for a trust world."""

from __future__ import annotations

from assessment.frameworks.selectors import published_version_for
from assessment.frameworks.services import (
    framework_create,
    judgement_record,
    starter_apply,
    version_draft_create,
    version_publish,
)
from assessment.frameworks.starters import YEAR_6
from assessment.models import Pupil
from assessment.services import term_get_or_create
from moderation.services import moderator_add, round_create, round_sample_draw
from trust_si.accounts.roles import Role

EXS = ["EXS1", "EXS2", "EXS3", "EXS4", "EXS5", "EXS6", "EXS7", "EXS8", "EXS9"]
GDS = [*EXS, "GDS1", "GDS2", "GDS3"]
TERM = "2025-26-summer"


def judgements(tw, per_school: int = 12) -> None:
    """Year 6 writing judgements at each academy: a mix of WTS, EXS and GDS."""
    with tw.scope():
        if published_version_for(trust_id=tw.trust.pk, subject="writing", year_group="6") is None:
            framework = framework_create(
                actor=None, trust=tw.trust, subject="writing", year_group="6"
            )
            version = version_draft_create(actor=None, framework=framework)
            starter_apply(actor=None, version=version, starter=YEAR_6)
            version_publish(actor=None, version=version)
        term = term_get_or_create(trust=tw.trust, code=TERM)
        for a, academy in enumerate(tw.academies):
            for i in range(per_school):
                pupil, _ = Pupil.objects.get_or_create(
                    trust=tw.trust, key=f"{tw.slug}-{a}-{i}".ljust(64, "x")
                )
                secure = [EXS[:3], EXS, GDS][i % 3]
                judgement_record(
                    actor=None,
                    academy=academy,
                    term=term,
                    pupil=pupil,
                    subject="writing",
                    year_group="6",
                    secure=secure,
                )


def open_round(tw, method: str = "blind", per_school: int = 12, name: str = "Summer writing"):
    judgements(tw, per_school)
    with tw.scope():
        term = term_get_or_create(trust=tw.trust, code=TERM)
        round_ = round_create(
            actor=None,
            trust=tw.trust,
            name=f"{name} {tw.slug}",
            term=term,
            subject="writing",
            year_groups=["6"],
            academies=list(tw.academies),
            method=method,
            leader=tw.user(Role.TRUST_LEADER),
        )
        # The officer is from academy 0: they moderate academy 1's writing only.
        moderator_add(
            actor=None,
            round_=round_,
            user=tw.user(Role.IMPROVEMENT_OFFICER),
            home_academy=tw.academies[0],
        )
        moderator_add(actor=None, round_=round_, user=tw.user(Role.TRUST_ADMIN))
        round_sample_draw(actor=None, round_=round_)
        round_.refresh_from_db()
        return round_


def moderation_visit(tw, academy, day: int = 12, code: str = "moderation"):
    """A visit of the built-in "Cross-school moderation" type (or another type's code)."""
    import datetime as dt

    from visits.models import VisitType
    from visits.services import visit_create, visit_types_ensure

    with tw.scope():
        visit_types_ensure(trust=tw.trust)
        return visit_create(
            actor=None,
            academy=academy,
            visit_type=VisitType.objects.get(trust=tw.trust, code=code),
            date=dt.date(2026, 6, day),
            days=1,
        )
