"""manage.py generate_scale --trusts N --academies M --pupils P [--years Y]: synthetic national slice."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from phases.pipeline import recompute_run
from trust_si.site.scale import scale_generate
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = (
        "Generate synthetic trusts, academies, pupils and termly data (COPY on PostgreSQL); "
        "the issue's national slice is --trusts 40 --academies 500 --pupils 400000 --years 3."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trusts", type=int, default=40)
        parser.add_argument("--academies", type=int, default=500)
        parser.add_argument("--pupils", type=int, default=400_000)
        parser.add_argument("--years", type=int, default=3, help="academic years of termly data")
        parser.add_argument("--prefix", default="scale", help="trust slugs are PREFIX-1 ...")
        parser.add_argument("--password", help="the trust leaders' password (none if omitted)")
        parser.add_argument("--recompute", action="store_true", help="then recompute every trust")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["trusts"] < 1 or options["academies"] < options["trusts"]:
            raise CommandError("Need at least one trust and one academy per trust.")
        if Trust.objects.filter(slug__startswith=f"{options['prefix']}-").exists():
            raise CommandError(f"Trusts named {options['prefix']}-N exist already: use --prefix.")
        start = time.perf_counter()
        summary = scale_generate(
            trusts=options["trusts"],
            academies=options["academies"],
            pupils=options["pupils"],
            years=options["years"],
            prefix=options["prefix"],
            password=options["password"],
        )
        made = time.perf_counter() - start
        rows = ", ".join(f"{v:,} {k}" for k, v in summary.rows.items())
        self.stdout.write(f"Generated {len(summary.trusts)} trusts: {rows} in {made:.1f} s.")
        if options["recompute"]:
            start = time.perf_counter()
            for trust in summary.trusts:
                with trust_scope(trust):
                    recompute_run(trust=trust)
            self.stdout.write(f"Recomputed every trust in {time.perf_counter() - start:.1f} s.")
