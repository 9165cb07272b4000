"""Demo: placements and heat maps for each demo term, mostly confirmed, one overridden."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .evidence import current_term_code, term_window
from .models import Placement
from .pipeline import recompute_run
from .services import placement_decide

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
