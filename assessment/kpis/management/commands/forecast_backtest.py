"""manage.py forecast_backtest --trust <slug> [--season spring] [--key-stage <key>|all]:
how close the end-of-key-stage forecasts came.

Each past cohort (one academy's year group in one year: Year 6 and Years 3 to 5 for KS2, Year
11 and Years 7 to 10 for KS4) is forecast from the trust's other cohorts (leave one cohort out)
and compared with what happened; prints each cohort and the method's mean absolute error and the
share of outcomes its 90% interval held (its coverage). A year group no past cohort of which has
reached its results says so. The KS2 forecasts that read the framework writing judgements add a
line comparing the method with and without them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from academies.models import Academy
from assessment.forecasts import MEAN
from assessment.outcomes import SPECS, backtest_for, history_for, judgement_backtest_line
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


def _cohort_name(cohort: str, names: dict[int, str]) -> str:
    """The cohort key "<academy pk>:<year>" as "<academy name>, <year>"."""
    pk, _, year = cohort.partition(":")
    return f"{names.get(int(pk), 'academy ' + pk) if pk.isdigit() else pk}, {year}"


class Command(BaseCommand):
    help = (
        "Back-test the end-of-key-stage forecasts (KS2 from Years 3 to 6, KS4 from Years 7 to "
        "11) on the trust's past cohorts (leave one cohort out)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--season", default="spring", choices=["autumn", "spring"])
        parser.add_argument("--key-stage", default="all", choices=[*SPECS, "all"])

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust with slug {options['trust']!r}.")
        wanted = options["key_stage"]
        specs = [s for key, s in SPECS.items() if wanted in ("all", key)]
        with trust_scope(trust):
            names = dict(Academy.objects.filter(trust=trust).values_list("pk", "name"))
        for spec in specs:
            with trust_scope(trust):
                result = backtest_for(spec, trust.pk, options["season"])
            self.stdout.write(
                f"{trust.name}: forecast of the {spec.title} from Year {spec.year_group} "
                f"{spec.assessed} in {options['season']}"
            )
            for row in result.rows:
                self.stdout.write(
                    f"  {_cohort_name(row.cohort, names)} ({row.n_pupils} pupils) "
                    f"{_lower_first(spec.labels[row.measure])}: forecast "
                    f"{row.forecast.display}, actual "
                    f"{f'{row.actual:.1f} points' if row.measure == MEAN else f'{row.actual:.0f}%'}"
                    f"{'' if row.inside else '  OUTSIDE the interval'}"
                )
            with trust_scope(trust):
                history = history_for(spec, trust.pk, options["season"])
                judged = (
                    judgement_backtest_line(spec, trust.pk, options["season"])
                    if spec.judgements and history
                    else ""
                )
            if not history:
                self.stdout.write(spec.no_history_note)
                continue
            if not result.rows:
                # Leave-one-out needs three cohorts left to fit on.
                n = len({p.cohort for p in history})
                self.stdout.write(
                    f"Not back-tested: {n} past cohorts, too few (leaving one out must leave "
                    "3 to fit on); the forecast itself rests on them all."
                )
                continue
            for line in result.lines(spec.labels):
                self.stdout.write(line)
            if judged:
                self.stdout.write(judged)
