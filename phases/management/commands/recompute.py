"""manage.py recompute --trust <slug> [--sync]: recompute a trust's placements."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from phases.pipeline import recompute_enqueue, recompute_run
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Recompute a trust's phase placements now (--sync) or through the Celery worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--sync", action="store_true", help="run here instead of in a worker")

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust with slug {options['trust']!r}.")
        if options["sync"]:
            started = time.perf_counter()
            with trust_scope(trust):
                done = recompute_run(trust=trust)
            self.stdout.write(
                f"Recomputed {done} academies of {trust.slug} in {time.perf_counter() - started:.2f}s"
            )
        else:
            queued = recompute_enqueue(trust_id=trust.pk, academy_id=None, reason="operator")
            self.stdout.write(
                "Queued." if queued else "A recompute is already queued for this trust."
            )
