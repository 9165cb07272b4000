"""Writes of moderation: set up a round, draw its sample, blind reviews, agreed judgements,
comparative-judgement choices. Each atomic and audited; status guards live here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from academies.models import Academy
from assessment.frameworks.models import ModerationAgreement, TeacherJudgement
from assessment.frameworks.rules import LEVELS, split_codes, standard_of
from assessment.frameworks.services import moderation_agreement_replace
from assessment.models import Term
from partnerships import services as partnership_services
from partnerships.models import Commission, PartnerOrganisation
from trust_si.accounts.models import Membership
from trust_si.audit.services import audit_record
from trust_si.tenancy.models import Trust
from visits.models import Visit

from .models import (
    MODERATION_VISIT_TYPE,
    Comparison,
    Moderator,
    Review,
    Round,
    RoundMethod,
    RoundStatus,
    SampleItem,
)
from .sampling import Candidate, draw
from .selectors import round_outcome

if TYPE_CHECKING:
    from trust_si.accounts.models import User


class ModerationRefused(Exception):
    """The action is not allowed in the round's or item's state. The message is for the user."""


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    trust: Trust,
    name: str,
    term: Term,
    subject: str,
    year_groups: list[str],
    academies: list[Academy],
    method: str = RoundMethod.BLIND,
    leader: User | None = None,
    deadline: dt.date | None = None,
    share: float = 0.15,
    minimum: int = 3,
    seed: int = 1,
) -> Round:
    if any(a.trust_id != trust.pk for a in academies) or term.trust_id != trust.pk:
        raise ModerationRefused("Those academies are not all of this trust.")
    if not academies or not year_groups:
        raise ModerationRefused("Choose at least one academy and one year group.")
    round_ = Round.objects.create(
        trust=trust,
        name=name[:150],
        term=term,
        subject=subject,
        year_groups=sorted(set(year_groups), key=int),
        method=method,
        leader=leader,
        deadline=deadline,
        share=share,
        minimum=minimum,
        seed=seed,
        created_by=actor,
    )
    round_.academies.set(academies)
    audit_record(
        actor=actor,
        action="moderation_round.create",
        target=round_,
        changes={"academies": [a.urn for a in academies], "year_groups": round_.year_groups},
    )
    return round_


@transaction.atomic
def moderator_add(
    *,
    actor: User | None,
    round_: Round,
    user: User | None = None,
    external_name: str = "",
    home_academy: Academy | None = None,
    partner: PartnerOrganisation | None = None,
    commission: Commission | None = None,
) -> Moderator:
    for obj in (home_academy, partner, commission):
        if obj is not None and obj.trust_id != round_.trust_id:
            raise ModerationRefused("That is not one of this trust's.")
    if user is None and not external_name.strip():
        raise ModerationRefused("Name the moderator.")
    if (
        user is not None
        and not Membership.objects.filter(trust_id=round_.trust_id, user=user).exists()
    ):
        raise ModerationRefused("That person is not a member of this trust.")
    moderator = Moderator.objects.create(
        trust_id=round_.trust_id,
        round=round_,
        user=user,
        external_name=external_name.strip()[:150],
        home_academy=home_academy,
        partner=partner,
        commission=commission,
    )
    audit_record(actor=actor, action="moderation_round.moderator_add", target=round_)
    return moderator


@transaction.atomic
def round_sample_draw(*, actor: User | None, round_: Round) -> int:
    """Draw the round's sample (stratified, GDS over-sampled, reproducible) and open it."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.DRAFT:
        raise ModerationRefused("The sample is drawn once, before the round opens.")
    judgements = list(
        TeacherJudgement.objects.filter(
            trust_id=round_.trust_id,
            term=round_.term,
            subject=round_.subject,
            year_group__in=round_.year_groups,
            academy__in=round_.academies.all(),
        ).values_list("pk", "academy_id", "level", "version__levels")
    )
    if not judgements:
        raise ModerationRefused(
            "There are no teacher judgements for these academies, year groups and term yet."
        )
    chosen = draw(
        [Candidate(pk, academy, level) for pk, academy, level, _ in judgements],
        seed=round_.seed,
        share=round_.share,
        minimum=round_.minimum,
        # Over-sample greater depth in the frameworks' own levels too (Mastery, say).
        deep=frozenset(
            level for _, _, level, levels in judgements if standard_of(levels, level) == "GDS"
        )
        | {"GDS"},
    )
    info = {pk: (academy, level) for pk, academy, level, _ in judgements}
    SampleItem.objects.bulk_create(
        SampleItem(
            trust_id=round_.trust_id,
            round=round_,
            judgement_id=pk,
            academy_id=info[pk][0],
            school_level=info[pk][1],
            number=number,
        )
        for number, pk in enumerate(chosen, start=1)
    )
    round_.status = RoundStatus.OPEN
    round_.save(update_fields=["status"])
    audit_record(
        actor=actor, action="moderation_round.sample", target=round_, changes={"items": len(chosen)}
    )
    return len(chosen)


def _open(round_: Round) -> None:
    if round_.status != RoundStatus.OPEN:
        raise ModerationRefused("The round is not open for moderation.")


def is_moderator(round_: Round, user: User) -> Moderator | None:
    return Moderator.objects.filter(round=round_, user=user).first()


@transaction.atomic
def review_submit(
    *, actor: User, item: SampleItem, level: str, secure: list[str], note: str = ""
) -> Review:
    """A moderator's own judgement, made before seeing the school's. Refused for a moderator's
    own school, a second review by the same moderator, and outside an open round."""
    round_ = item.round
    _open(round_)
    moderator = is_moderator(round_, actor)
    if moderator is None and round_.leader_id != actor.pk:
        raise ModerationRefused("Only the round's moderators record judgements.")
    if moderator is not None and moderator.home_academy_id == item.academy_id:
        raise ModerationRefused("Moderators do not moderate their own school's writing.")
    _a_level_of_the_framework(item, level)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                trust_id=item.trust_id,
                item=item,
                moderator=actor,
                level=level,
                secure=" ".join(split_codes(" ".join(secure))),
                note=note.strip()[:300],
            )
    except IntegrityError:
        raise ModerationRefused("You have judged this piece already.") from None
    audit_record(actor=actor, action="moderation.review", target=item, changes={"level": level})
    return review


@transaction.atomic
def item_agree(*, actor: User, item: SampleItem, level: str, reason: str) -> SampleItem:
    """The agreed judgement of a piece ("validating internal judgements"): by the leader, or a
    second moderator who has judged it too."""
    _open(item.round)
    reviewed = item.reviews.filter(moderator=actor).exists()
    if item.round.leader_id != actor.pk and not (reviewed and item.reviews.count() >= 2):
        raise ModerationRefused(
            "The agreed judgement is recorded by the leader, or by a second moderator."
        )
    _a_level_of_the_framework(item, level)
    if not reason.strip():
        raise ModerationRefused("Say how the judgement was agreed.")
    item.agreed_level = level
    item.agreed_by = actor
    item.agreed_reason = reason.strip()[:300]
    item.save(update_fields=["agreed_level", "agreed_by", "agreed_reason"])
    audit_record(actor=actor, action="moderation.agree", target=item, changes={"level": level})
    return item


def _a_level_of_the_framework(item: SampleItem, level: str) -> None:
    """A moderator judges in the levels of the framework the piece was judged against: DfE's
    WTS / EXS / GDS, or the trust's own (FrameworkVersion.levels)."""
    version = item.judgement.version
    if level not in version.level_codes:
        raise ModerationRefused(f"Choose {_or_list(version.level_codes)}.")


def _or_list(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"


@transaction.atomic
def round_close(*, actor: User | None, round_: Round) -> Round:
    _open(round_)
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    audit_record(actor=actor, action="moderation_round.close", target=round_)
    round_agreement_publish(round_)
    return round_


def round_agreement_publish(round_: Round) -> None:
    """Keep a closed blind round's agreement per school where the heat map reads it (the
    assessment layer's read model: phases sits below moderation). Comparative rounds compare
    pieces with each other, not with the school's judgement: nothing to publish."""
    if round_.status != RoundStatus.CLOSED or round_.method != RoundMethod.BLIND:
        return
    outcome = round_outcome(round_)
    moderation_agreement_replace(
        trust_id=round_.trust_id,
        round_ref=round_.pk,
        round_name=round_.name,
        term=round_.term,
        subject=round_.subject,
        rows={
            int(str(academy_id)): (a.n, a.agreed, a.generous, a.severe)
            for academy_id, a in outcome.by_academy.items()
        },
    )


def round_agreement_backfill() -> list[Round]:
    """Publish the agreement of closed blind rounds that have none: rounds closed before the
    read model existed (migration frameworks 0002). Every trust: the caller works outside any
    one trust's scope, as only the data migration and the operator's command may. Idempotent:
    a round with rows is left alone, and publishing replaces a round's rows anyway."""
    published = set(ModerationAgreement.objects.values_list("trust_id", "round_ref"))
    rounds = [
        round_
        for round_ in Round.objects.filter(method=RoundMethod.BLIND, status=RoundStatus.CLOSED)
        .select_related("term")
        .order_by("pk")
        if (round_.trust_id, round_.pk) not in published
    ]
    with transaction.atomic():
        for round_ in rounds:
            round_agreement_publish(round_)
    return rounds


@transaction.atomic
def comparison_record(
    *, actor: User, round_: Round, winner: SampleItem, loser: SampleItem
) -> Comparison:
    _open(round_)
    if round_.method != RoundMethod.COMPARATIVE:
        raise ModerationRefused("This round is not a comparative-judgement round.")
    if is_moderator(round_, actor) is None and round_.leader_id != actor.pk:
        raise ModerationRefused("Only the round's moderators make judgements.")
    if winner.round_id != round_.pk or loser.round_id != round_.pk or winner.pk == loser.pk:
        raise ModerationRefused("Those pieces are not a pair of this round.")
    comparison = Comparison.objects.create(
        trust_id=round_.trust_id, round=round_, judge=actor, winner=winner, loser=loser
    )
    audit_record(actor=actor, action="moderation.compare", target=round_)
    return comparison


@transaction.atomic
def anchor_set(*, actor: User | None, item: SampleItem, level: str) -> SampleItem:
    if level and level not in LEVELS:
        raise ModerationRefused("Choose WTS, EXS or GDS.")
    item.anchor_level = level
    item.save(update_fields=["anchor_level"])
    audit_record(actor=actor, action="moderation.anchor", target=item, changes={"level": level})
    return item


@transaction.atomic
def round_visit_link(*, actor: User | None, round_: Round, visit_id: int) -> None:
    """A moderation visit (the existing visit type "moderation") made for this round. Its days
    count against its partner's commission as every visit's do (partnerships' accounting)."""
    visit = (
        Visit.objects.filter(trust_id=round_.trust_id, pk=visit_id)
        .select_related("visit_type")
        .first()
    )
    if visit is None:
        raise ModerationRefused("No such visit.")
    if visit.visit_type.code != MODERATION_VISIT_TYPE:
        raise ModerationRefused(
            f"That is a {visit.visit_type.name.lower()} visit, not a cross-school moderation visit."
        )
    if not round_.academies.filter(pk=visit.academy_id).exists():
        raise ModerationRefused("That visit is to a school outside this round.")
    round_.visits.add(visit)
    audit_record(
        actor=actor, action="moderation_round.visit", target=round_, changes={"visit": visit.pk}
    )


@transaction.atomic
def moderator_days_record(
    *,
    actor: User | None,
    membership: Membership,
    moderator: Moderator,
    days: Decimal | None,
    academy: Academy | None = None,
) -> Moderator:
    """A moderator's days on the round besides its linked visits (half days; none clears them).

    A moderator under a commission (county or LA moderators) has the days counted against it
    the way partnerships counts a visit's: one activity row per moderator row (keyed by the
    row, so saving again replaces the days, never adds them), at the school named, which must
    be one of the round's and one the commission covers.
    """
    moderator = Moderator.objects.select_for_update().get(pk=moderator.pk)
    round_ = moderator.round
    if days is not None and (days <= 0 or (Decimal(days) * 2) % 1 != 0):
        raise ModerationRefused("Enter days in half days, for example 0.5 or 1.5.")
    if academy is not None and not round_.academies.filter(pk=academy.pk).exists():
        raise ModerationRefused("That school is not in this round.")
    ref = f"moderation.moderator:{moderator.pk}"
    if moderator.commission_id is not None and days is not None:
        if academy is None:
            raise ModerationRefused(
                "Choose the school the days count against: the commission counts days per school."
            )
        try:
            partnership_services.activity_sync_for_visit(
                actor=actor,
                membership=membership,
                visit_ref=ref,
                commission=moderator.commission,  # type: ignore[arg-type]
                academy=academy,
                date=round_.deadline or dt.date.today(),
                days=Decimal(days),
                description=f"Moderation round: {round_.name}"[:200],
            )
        except ValidationError as exc:
            raise ModerationRefused(" ".join(exc.messages)) from exc
    else:
        # No commission (or the days were cleared): nothing counts against one.
        partnership_services.activity_delete_for_visit(actor=actor, visit_ref=ref)
    changes = {
        "days": str(days) if days is not None else None,
        "academy": getattr(academy, "pk", None),
    }
    moderator.days = days
    moderator.days_academy = academy if days is not None else None
    moderator.save(update_fields=["days", "days_academy"])
    audit_record(
        actor=actor,
        action="moderation_round.moderator_days",
        target=round_,
        changes={"moderator": moderator.pk, **changes},
    )
    return moderator
