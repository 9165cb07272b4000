"""manage.py moderation_agreement_backfill: publish the agreement of closed blind rounds that
have none (rounds closed before the heat map's read model existed). Idempotent; migration
moderation 0002 runs the same step."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from moderation.services import round_agreement_backfill
from trust_si.tenancy.context import dangerously_unscoped


class Command(BaseCommand):
    help = "Publish the agreement of closed blind moderation rounds that have none yet."

    def handle(self, *args: Any, **options: Any) -> None:
        with dangerously_unscoped():
            rounds = round_agreement_backfill()
        if not rounds:
            self.stdout.write("Every closed blind round has its agreement published.")
            return
        for round_ in rounds:
            self.stdout.write(f"Published round {round_.pk} ({round_.name}).")
        trusts = sorted({round_.trust_id for round_ in rounds})
        # The heat map reads the rows at its next recompute; say how to have it now.
        self.stdout.write(
            f"{len(rounds)} rounds published for {len(trusts)} trusts; their heat maps show "
            "the accuracy cell at the next recompute (manage.py recompute --trust <slug>)."
        )
