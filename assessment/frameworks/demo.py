"""Demo frameworks: Y2 and Y6 starters and the Y4, Y8 and Y10 writing frameworks that seed
000's trust published first, each published once (idempotent); and the past Year 6 cohort's
spring writing judgements (`seed_past_writing_judgements`, run once the past cohorts exist)."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from academies.models import SPECIAL_EDUCATION, Academy
from assessment.kpis.store import kpi_figures_invalidate
from assessment.models import Enrolment, Result, Term
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode

from . import services
from .models import Framework, TeacherJudgement
from .selectors import published_version_for
from .starters import STARTERS, generic

WORKING_PARTY = "Trust writing working party (English leads of first, middle and high schools)"


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    for year in ("2", "4", "6", "8", "10"):
        if Framework.objects.filter(trust=trust, subject="writing", year_group=year).exists():
            continue
        framework = services.framework_create(
            actor=None, trust=trust, subject="writing", year_group=year
        )
        version = services.version_draft_create(actor=None, framework=framework)
        services.version_update(
            actor=None,
            version=version,
            authors=WORKING_PARTY,
            allow_one_weakness=year in ("2", "6"),
        )
        services.starter_apply(
            actor=None, version=version, starter=STARTERS.get(year) or generic(year)
        )
        services.version_publish(actor=None, version=version)


# The spring term in which the demo trust first judged Year 6 writing against its framework
# (a year before the current one), so the KS2 forecasts' back-test can measure the judgements.
PAST_JUDGED_TERM = "2024-25-spring"
LEVELS = ("WTS", "EXS", "GDS")


def _secure(statements: list[tuple[str, str]], level: str, rng: random.Random) -> str:
    """Statement codes secure for a pupil judged at `level` (all of a lower level's, some of
    the next)."""
    exs = [c for c, lv in statements if lv == "EXS"]
    gds = [c for c, lv in statements if lv == "GDS"]
    if level == "GDS":
        codes = exs + gds
    elif level == "EXS":
        codes = exs + gds[: rng.randrange(len(gds))] if gds else exs
    else:
        codes = exs[: rng.randrange(max(1, len(exs) - 2))]
    return " ".join(sorted(codes))


def seed_past_writing_judgements(trust: Trust, ctx: dict[str, Any]) -> None:
    """Framework writing judgements of the past Year 6 cohort in spring 2024-25, at every
    mainstream academy with that cohort. Each mostly agrees with the pupil's spring writing
    teacher assessment; where that assessment and the summer one differ, the judgement (made
    against the framework's statements, with the pieces in hand) has already moved to the
    summer one half the time: the demo's assumption that a judgement is the better-evidenced of
    the two, which `manage.py forecast_backtest` then measures rather than takes on trust.
    Deterministic (each academy's own stream, pupils in upload order); idempotent."""
    code = TermCode.parse(PAST_JUDGED_TERM)
    term = Term.objects.filter(
        trust=trust, academic_year=code.academic_year, season=code.season.code
    ).first()
    version = published_version_for(trust_id=trust.pk, subject="writing", year_group="6")
    if term is None or version is None:
        return
    if TeacherJudgement.objects.filter(trust=trust, term=term, year_group="6").exists():
        return
    statements = version.statement_levels()
    ta: dict[tuple[int, str], str] = {
        (pupil, season): value
        for pupil, season, value in Result.objects.filter(
            trust=trust,
            term__academic_year=code.academic_year,
            subject="writing",
            measure="ta",
        ).values_list("pupil_id", "term__season", "value")
    }
    rows = []
    academies = (
        Academy.objects.filter(trust=trust)
        .exclude(phase_of_education__in=SPECIAL_EDUCATION)
        .order_by("urn")
    )
    for academy in academies:
        rng = random.Random(f"{trust.slug}-{academy.urn}-{PAST_JUDGED_TERM}-judgements")
        for pupil in (
            Enrolment.objects.filter(
                trust=trust, academy=academy, academic_year=code.academic_year, year_group="6"
            )
            .order_by("pk")
            .values_list("pupil_id", flat=True)
        ):
            spring, summer = ta.get((pupil, "spring")), ta.get((pupil, "summer"))
            if spring not in LEVELS:
                continue
            roll = rng.random()
            level = str(spring)
            if summer in LEVELS and summer != spring and roll < 0.5:
                level = str(summer)
            elif roll > 0.95:  # a judgement now and then a level away from the assessment
                i = LEVELS.index(level) + (1 if rng.random() < 0.5 else -1)
                level = LEVELS[min(2, max(0, i))]
            rows.append(
                TeacherJudgement(
                    trust=trust,
                    pupil_id=pupil,
                    academy=academy,
                    term=term,
                    subject="writing",
                    year_group="6",
                    version=version,
                    secure=_secure(statements, level, rng),
                    independence="independent",
                    proposed=level,
                    level=level,
                )
            )
    with transaction.atomic():
        TeacherJudgement.objects.bulk_create(rows)
        kpi_figures_invalidate(trust_id=trust.pk)
