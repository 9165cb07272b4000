"""Reads of moderation, scoped to the trust and the member. Blindness lives here: what a
moderator may be shown of a piece depends on whether they have judged it yet."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from academies.models import Academy
from academies.selectors import academy_list_for
from assessment.frameworks.models import Piece
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode
from visits.models import Visit
from visits.selectors import visit_list_for

from .agreement import Agreement, agreement_by, level_rank
from .cj import Scale, fit, levels_from_anchors, next_pair
from .models import (
    MODERATION_VISIT_TYPE,
    Comparison,
    Moderator,
    Review,
    Round,
    RoundStatus,
    SampleItem,
)

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership, User


def round_list_for(membership: Membership) -> QuerySet[Round]:
    """Rounds touching the member's academies (trust-wide roles: every round), and rounds they
    moderate."""
    rounds = Round.objects.filter(trust_id=membership.trust_id).select_related("term", "leader")
    if membership.is_trust_wide:
        return rounds
    mine = Moderator.objects.filter(trust_id=membership.trust_id, user_id=membership.user_id)
    return rounds.filter(
        Q(academies__in=academy_list_for(membership)) | Q(pk__in=mine.values("round_id"))
    ).distinct()


def round_get_for(membership: Membership, pk: int) -> Round:
    round_ = round_list_for(membership).filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return round_


def is_blind_to(round_: Round, user: User) -> bool:
    """A moderator of the round is blind to schools' judgements of pieces they have not judged."""
    return Moderator.objects.filter(round=round_, user=user).exists()


def reviewed_item_ids(round_: Round, user: User) -> set[int]:
    return set(
        Review.objects.filter(item__round=round_, moderator=user).values_list("item_id", flat=True)
    )


def item_get_for(membership: Membership, round_: Round, number: int) -> SampleItem:
    item = (
        SampleItem.objects.filter(trust_id=membership.trust_id, round=round_, number=number)
        .select_related("judgement__version__framework", "academy", "round")
        .first()
    )
    if item is None:
        raise Http404
    return item


def can_read_pieces(round_: Round, user: User) -> bool:
    """The round's moderators and its leader read the sampled pupils' writing (blind or not:
    the writing is what they judge)."""
    return round_.leader_id == user.pk or Moderator.objects.filter(round=round_, user=user).exists()


def item_piece_get(round_: Round, item: SampleItem, user: User, pk: int) -> Piece:
    """One of a sampled judgement's pieces, for the round's moderators and leader (403 for
    other members of the trust; 404 for a piece not behind this item)."""
    if not can_read_pieces(round_, user):
        raise PermissionDenied("Only the round's moderators and its leader read its pieces.")
    piece = Piece.objects.filter(trust_id=round_.trust_id, judgement_id=item.judgement_id, pk=pk)
    found = piece.first()
    if found is None:
        raise Http404
    return found


def review_queue_for(round_: Round, user: User) -> QuerySet[SampleItem]:
    """Pieces this moderator still has to judge: not their own school's, not judged yet."""
    moderator = Moderator.objects.filter(round=round_, user=user).first()
    items = SampleItem.objects.filter(trust_id=round_.trust_id, round=round_).exclude(
        reviews__moderator=user
    )
    if moderator is not None and moderator.home_academy_id:
        items = items.exclude(academy_id=moderator.home_academy_id)
    return items.order_by("number")


def moderated_level(item: SampleItem, reviews: list[Review]) -> str | None:
    """The moderated judgement: the agreed one when recorded, else the first moderator's when it
    agrees with the school's; a disagreement not yet settled has none."""
    if item.agreed_level:
        return item.agreed_level
    if reviews and reviews[0].level == item.school_level:
        return reviews[0].level
    return None


def items_to_settle(round_: Round) -> list[SampleItem]:
    """Moderated pieces with no moderated judgement yet: a moderator disagreed with the school
    and nobody has recorded the agreed one."""
    items = (
        SampleItem.objects.filter(trust_id=round_.trust_id, round=round_, reviews__isnull=False)
        .distinct()
        .prefetch_related("reviews")
        .order_by("number")
    )
    return [item for item in items if moderated_level(item, list(item.reviews.all())) is None]


@dataclass(frozen=True)
class RoundOutcome:
    items: int
    moderated: int
    awaiting_second: int
    overall: Agreement | None
    by_school: dict[Hashable, Agreement]
    by_year: dict[Hashable, Agreement]
    by_moderator: dict[Hashable, Agreement]
    by_level: dict[Hashable, Agreement]
    by_school_year: dict[Hashable, Agreement]
    by_academy: dict[Hashable, Agreement] = field(default_factory=dict)  # by academy id
    # Level code -> its name in the round's frameworks (a trust's own level names included).
    level_names: dict[str, str] = field(default_factory=dict)


def round_outcome(round_: Round) -> RoundOutcome:
    """Agreement of the round's moderated pieces by school, year group, moderator and level."""
    items = list(
        SampleItem.objects.filter(trust_id=round_.trust_id, round=round_)
        .select_related("academy", "judgement__version")
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.select_related("moderator")))
    )
    # Levels compared by code, ordered (generous / severe) by each framework's own levels.
    versions = {item.judgement.version_id: item.judgement.version for item in items}
    rank = level_rank(v.level_codes for v in versions.values())
    names = {code: name for v in versions.values() for code, name in v.level_choices}
    school_rows, year_rows, moderator_rows, level_rows = [], [], [], []
    school_year_rows: list[tuple[Hashable, str, str]] = []
    academy_rows: list[tuple[Hashable, str, str]] = []
    awaiting = 0
    for item in items:
        reviews = list(item.reviews.all())
        final = moderated_level(item, reviews)
        if final is None:
            awaiting += bool(reviews)
            continue
        school_rows.append((item.academy.name, item.school_level, final))
        academy_rows.append((item.academy_id, item.school_level, final))
        school_year_rows.append(
            ((item.academy_id, item.judgement.year_group), item.school_level, final)
        )
        year_rows.append((f"Year {item.judgement.year_group}", item.school_level, final))
        level_rows.append((item.school_level, item.school_level, final))
        for review in reviews[:1]:
            moderator_rows.append((review.moderator.display_name, review.level, final))
    overall = agreement_by((("all", s, m) for _, s, m in school_rows), rank).get("all")
    return RoundOutcome(
        items=len(items),
        moderated=len(school_rows),
        awaiting_second=awaiting,
        overall=overall,
        by_school=agreement_by(school_rows, rank),
        by_year=agreement_by(year_rows, rank),
        by_moderator=agreement_by(moderator_rows, rank),
        by_school_year=agreement_by(school_year_rows, rank),
        by_academy=agreement_by(academy_rows, rank),
        by_level=dict(
            sorted(
                agreement_by(level_rows, rank).items(),
                key=lambda kv: (rank.get(str(kv[0]), 0), str(kv[0])),
            )
        ),
        level_names=names,
    )


@dataclass(frozen=True)
class CJResult:
    items: list[SampleItem]
    scale: Scale
    levels: list[str | None]
    comparisons: int


def cj_result(round_: Round) -> CJResult:
    items = list(
        SampleItem.objects.filter(trust_id=round_.trust_id, round=round_).order_by("number")
    )
    index = {item.pk: i for i, item in enumerate(items)}
    pairs = [
        (index[w], index[lo])
        for w, lo in Comparison.objects.filter(round=round_).values_list("winner_id", "loser_id")
    ]
    scale = fit(len(items), pairs)
    anchors = {i: item.anchor_level for i, item in enumerate(items) if item.anchor_level}
    return CJResult(items, scale, levels_from_anchors(scale.scores, anchors), len(pairs))


def cj_next_pair(round_: Round, user: User) -> tuple[SampleItem, SampleItem] | None:
    items = list(
        SampleItem.objects.filter(trust_id=round_.trust_id, round=round_).order_by("number")
    )
    index = {item.pk: i for i, item in enumerate(items)}
    pairs = [
        (index[w], index[lo])
        for w, lo in Comparison.objects.filter(round=round_).values_list("winner_id", "loser_id")
    ]
    judged = {
        (min(index[w], index[lo]), max(index[w], index[lo]))
        for w, lo in Comparison.objects.filter(round=round_, judge=user).values_list(
            "winner_id", "loser_id"
        )
    }
    pair = next_pair(len(items), pairs, seed=round_.seed, exclude=judged)
    if pair is None:
        return None
    return items[pair[0]], items[pair[1]]


DIRECTION_WORDS = {
    "generous": "more generous than the moderators'",
    "severe": "more severe than the moderators'",
}


def moderation_summary_for_report(
    *, trust: Trust, academy: Academy, term_code: str
) -> dict[str, Any] | None:
    """The governor report's moderation section: the academy's agreement in the finished
    rounds of the term (no pupil-level data: counts and shares only)."""
    code = TermCode.parse(term_code)
    rounds = Round.objects.filter(
        trust=trust,
        academies=academy,
        status=RoundStatus.CLOSED,
        term__academic_year=code.academic_year,
        term__season=code.season.code,
    ).order_by("name")
    rows = []
    for round_ in rounds:
        outcome = round_outcome(round_)
        for year in round_.year_groups:
            mine = outcome.by_school_year.get((academy.pk, year))
            if mine is None or mine.exact_pct is None:
                continue
            words = f"{mine.exact_pct:.0f}% agreed"
            if mine.direction != "balanced":
                words += f"; the school's judgements were {DIRECTION_WORDS[mine.direction]}"
            if mine.small_sample:
                words += " (small sample: read with care)"
            rows.append(
                {
                    "year_group": f"Year {year} {round_.get_subject_display().lower()}"
                    f" ({round_.name})",
                    "samples": mine.n,
                    "agreement": words,
                    "agreement_pct": round(mine.exact_pct),
                    "direction": mine.direction,
                }
            )
    if not rows:
        return None
    return {"rows": rows, "note": ""}


def round_visits_for(membership: Membership, round_: Round) -> QuerySet[Visit]:
    """The round's moderation visits the member may see (visits' own scope)."""
    return visit_list_for(membership).filter(moderation_rounds=round_).order_by("date", "pk")


def round_visits_linkable(membership: Membership, round_: Round) -> QuerySet[Visit]:
    """Moderation visits to the round's schools, not linked yet, that the member may see."""
    return (
        visit_list_for(membership)
        .filter(visit_type__code=MODERATION_VISIT_TYPE, academy__in=round_.academies.all())
        .exclude(moderation_rounds=round_)
        .order_by("date", "pk")
    )


@dataclass(frozen=True)
class ModeratorDays:
    """One moderator's days on a round: their linked moderation visits' and the other days
    recorded on their moderator row."""

    moderator: Moderator
    visits: int
    visit_days: Decimal
    visits_without_days: int

    @property
    def other_days(self) -> Decimal:
        return self.moderator.days or Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.visit_days + self.other_days


def round_moderator_days(membership: Membership, round_: Round) -> list[ModeratorDays]:
    """Each moderator's days on the round. A linked visit is a moderator's when they went on it
    (one of its officers) or it was made by their partner; a visit's days count once per
    moderator it is theirs. The visits read are the ones the member may see."""
    visits = list(round_visits_for(membership, round_).prefetch_related("officers"))
    rows = []
    moderators = round_.moderators.select_related(
        "user", "partner", "commission", "home_academy", "days_academy"
    ).order_by("pk")
    for moderator in moderators:
        theirs = [
            v
            for v in visits
            if (moderator.user_id and any(o.pk == moderator.user_id for o in v.officers.all()))
            or (moderator.partner_id and v.partner_id == moderator.partner_id)
        ]
        rows.append(
            ModeratorDays(
                moderator=moderator,
                visits=len(theirs),
                visit_days=sum((v.days for v in theirs if v.days), Decimal(0)),
                visits_without_days=sum(1 for v in theirs if not v.days),
            )
        )
    return rows


def round_moderator_get(round_: Round, pk: int) -> Moderator:
    """One of the round's moderators (404 otherwise: another round's, another trust's)."""
    moderator = Moderator.objects.filter(trust_id=round_.trust_id, round=round_, pk=pk).first()
    if moderator is None:
        raise Http404("No such moderator.")
    return moderator
