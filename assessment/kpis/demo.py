"""Demo: trust-wide KPI targets for 2025-26 a little above national (below it for absence), 75%
at age-related expectations in the termly teacher assessments, and a stretch target for the
strongest academy, so the KPI pages show figures against targets.
Called from assessment.demo after the pupil data (bands across three terms) is committed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalogue import KPIS
from .models import KpiTarget
from .national import benchmark_for, load_benchmarks

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


YEAR = "2025-26"


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    actor = ctx.get("users", {}).get("trust_leader")
    benchmarks = load_benchmarks()
    for code, kpi in KPIS.items():
        national = benchmark_for(benchmarks, code, YEAR)
        if national is None:
            continue
        step = 2.0 if kpi.unit == "%" else 1.0
        value = round(national[1] - step if kpi.direction == "lower" else national[1] + step, 1)
        KpiTarget.objects.update_or_create(
            trust=trust,
            academy=None,
            kpi_code=code,
            academic_year=YEAR,
            defaults={"value": value, "set_by": actor},
        )
    for code in (
        "ta_reading_are",
        "ta_writing_are",
        "ta_maths_are",
    ):  # no national figure: the trust's own
        KpiTarget.objects.update_or_create(
            trust=trust,
            academy=None,
            kpi_code=code,
            academic_year=YEAR,
            defaults={"value": 75.0, "set_by": actor},
        )
    # The trust's own aims for its judged writing (seed 000's working party: more at the expected
    # standard and at greater depth).
    for code, value in (("writing_judged_exs", 75.0), ("writing_judged_gds", 20.0)):
        KpiTarget.objects.update_or_create(
            trust=trust,
            academy=None,
            kpi_code=code,
            academic_year=YEAR,
            defaults={"value": value, "set_by": actor},
        )
    strength = ctx.get("strength", {})
    academies = sorted(ctx.get("academies", []), key=lambda a: strength.get(a.pk, 0.5))
    if academies:
        KpiTarget.objects.update_or_create(
            trust=trust,
            academy=academies[-1],
            kpi_code="ks2_rwm_exp",
            academic_year=YEAR,
            defaults={"value": 75.0, "set_by": actor},
        )
