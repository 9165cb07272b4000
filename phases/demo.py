"""Demo: placements and heat maps for each demo term, mostly confirmed, one overridden."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from academies.models import Academy
from trust_si.accounts.models import Membership

from .evidence import current_term_code, term_window
from .models import Placement
from .pipeline import recompute_run
from .selectors import support_matches_for
from .services import arrangement_create, arrangement_end, placement_decide

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    if Placement.objects.filter(subject="").exists():
        return  # seeded already: a replay would add a second history of the same terms

    # Replay the demo's terms oldest first, so each term keeps its heat map and the phase
    # history shows a journey; the latest term is the one in force.
    newest = current_term_code(trust.pk)
    for term in reversed(term_window(trust.pk, newest, size=3)):
        recompute_run(trust=trust, term=term)
    leader = ctx["users"]["trust_leader"]
    latest: dict[int, Placement] = {}
    for p in Placement.objects.filter(subject="").order_by("academy_id", "-computed_at"):
        latest.setdefault(p.academy_id, p)
    for index, placement in enumerate(latest.values()):
        if placement.status != "proposed":
            continue
        if index == 1 and placement.proposed_phase in ("improve", "sustain"):
            placement_decide(
                actor=leader,
                placement=placement,
                phase="repair",
                rationale=(
                    "Reading outcomes fell this term and the new head starts in January: intensive "
                    "support until the spring review."
                ),
            )
        elif index % 4 != 3:  # a few stay to review, as in a real term
            placement_decide(actor=leader, placement=placement)
    _arrangements(ctx)


# What a brokered arrangement is, by subject: the kinds of support seed 002 names.
_SUPPORT_NOTES = {
    "maths": "Maths lead practitioner one day a fortnight: joint planning and modelled lessons",
    "reading": "English lead coaches the reading leader; fortnightly guided-reading observations",
    "writing": "Shared writing moderation and coaching for the Year 5 and 6 teachers",
    "phonics": "Phonics lead models the programme in Reception and Year 1; weekly fidelity checks",
    "english_maths": "Heads of English and maths pair with their counterparts: half-termly reviews",
    "attainment8": "Curriculum deputy supports option blocks and Year 11 intervention planning",
    "rwm": "Deputy head secondment: teaching and learning in upper key stage 2",
    "eyfs": "Early years lead supports the Reception team's provision and assessment",
}


def _arrangements(ctx: dict[str, Any]) -> None:
    """A few believable arrangements from the matching page's own first suggestions: active
    ones using some of the givers' days, and one that ended, as a leader would have brokered."""
    leader = ctx["users"]["trust_leader"]
    matches = support_matches_for(Membership.objects.get(user=leader))["matches"]
    today = timezone.localdate()
    made = 0
    paired: set[tuple[int, int]] = set()
    for m in matches:
        choice = next(
            ((t, o) for t in m.takers for o in t.offers if (o.giver.id, t.taker.id) not in paired),
            None,
        )
        if choice is None or made >= 3:
            continue
        taker, offer = choice
        paired.add((offer.giver.id, taker.taker.id))
        arrangement = arrangement_create(
            actor=leader,
            giver=Academy.objects.get(pk=offer.giver.id),
            taker=Academy.objects.get(pk=taker.taker.id),
            subject=m.subject,
            days=Decimal(4 + 2 * made),
            start_on=today - dt.timedelta(days=35 + 14 * made),
            end_on=today + dt.timedelta(days=70 + 14 * made),
            notes=_SUPPORT_NOTES.get(m.subject, "Lead practitioner support and peer review"),
        )
        if made == 2:
            arrangement_end(actor=leader, arrangement=arrangement)
        made += 1
