"""manage.py forecast_backtest --trust <slug> [--season spring]: how close the KS2 forecast came.

Each past Year 6 cohort (one academy, one year) is forecast from the trust's other cohorts
(leave one cohort out) and compared with what happened; prints each cohort and the method's
mean absolute error and the share of outcomes its 90% interval held.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessment.outcomes import ks2_backtest
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Back-test the KS2 forecast on the trust's past Year 6 cohorts (leave one cohort out)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--season", default="spring", choices=["autumn", "spring"])

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust with slug {options['trust']!r}.")
        with trust_scope(trust):
            result = ks2_backtest(trust.pk, options["season"])
        self.stdout.write(
            f"{trust.name}: KS2 RWM forecast from {options['season']} teacher assessments"
        )
        for row in result.rows:
            self.stdout.write(
                f"  cohort {row.cohort} ({row.n_pupils} pupils) {row.measure}: forecast "
                f"{row.forecast.display}, actual {row.actual:.0f}%"
                f"{'' if row.inside else '  OUTSIDE the interval'}"
            )
        for line in result.lines():
            self.stdout.write(line)
