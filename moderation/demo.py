"""Demo moderation: a finished blind round of the summer term's writing across first, middle and
high schools (or the primaries of a primary trust), and a comparative-judgement round. The
judgements give the schools' judged-writing KPIs; the summer heat map is rewritten with them and
the round's agreement (its "assessment accuracy" cell).

Self-contained and cheap: teacher judgements, reviews and comparisons are bulk-created; the
round itself goes through the services (so the sample is the real stratified draw). Idempotent:
a trust that already has the demo rounds is left alone.
"""

from __future__ import annotations

import hashlib
import math
import random
from typing import Any

from django.db import transaction

from academies.models import Academy, PhaseOfEducation
from assessment.frameworks.models import (
    FrameworkVersion,
    Level,
    ModerationAgreement,
    TeacherJudgement,
)
from assessment.frameworks.selectors import published_version_for
from assessment.kpis.selectors import kpi_figures_for
from assessment.kpis.store import kpi_figures_invalidate
from assessment.models import Enrolment, Pupil, Result
from assessment.services import term_get_or_create
from phases.heatmap import HEATMAP_GROUPS
from phases.models import HeatmapRow
from phases.pipeline import heatmap_refresh
from trust_si.accounts.models import User
from trust_si.tenancy.models import Trust

from . import services
from .models import Comparison, Review, Round, RoundMethod, RoundStatus, SampleItem

DEMO_TERM = "2025-26-summer"
BLIND_NAME = "Summer writing moderation (blind)"
CJ_NAME = "Summer writing comparative judgement"
PUPILS_PER_YEAR = 20
# The year group each kind of school moderates: seed 000 published Y4, Y8 and Y10 first.
YEARS_BY_PHASE: dict[str, list[str]] = {
    PhaseOfEducation.FIRST: ["4"],
    PhaseOfEducation.MIDDLE: ["8"],
    PhaseOfEducation.SECONDARY: ["10"],
    PhaseOfEducation.PRIMARY: ["2", "6"],
}
LEVEL_ORDER = [Level.WTS, Level.EXS, Level.GDS]


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    if Round.objects.filter(trust=trust, name=BLIND_NAME).exists():
        _publish_earlier(trust)
        return
    users: dict[str, User] = ctx.get("users") or {}
    if not users:
        return
    academies = [
        a
        for a in Academy.objects.filter(trust=trust, is_active=True).order_by("urn")
        if a.phase_of_education in YEARS_BY_PHASE
    ]
    strength: dict[int, float] = ctx.get("strength") or {}
    with transaction.atomic():
        term = term_get_or_create(trust=trust, code=DEMO_TERM)
        years = _judgements(trust, term, academies, strength)
        if not years:
            return
        _blind_round(trust, term, academies, sorted(years, key=int), users, strength)
        _cj_round(trust, term, academies, sorted(years, key=int), users)
        # The judgements feed the writing KPIs and the round the accuracy cell: the summer map
        # (kept by the phases demo before these existed) is rewritten from them. Its
        # placements are left as the phases demo decided them.
        kpi_figures_invalidate(trust_id=trust.pk)
        _heatmap_refresh(trust, term.code)


def _publish_earlier(trust: Trust) -> None:
    """A demo seeded before rounds published their agreement: publish it, and rewrite the map."""
    rounds = Round.objects.filter(
        trust=trust, method=RoundMethod.BLIND, status=RoundStatus.CLOSED
    ).exclude(pk__in=ModerationAgreement.objects.filter(trust=trust).values("round_ref"))
    terms = set()
    with transaction.atomic():
        for round_ in rounds.select_related("term"):
            services.round_agreement_publish(round_)
            terms.add(round_.term.code)
        for code in terms:
            _heatmap_refresh(trust, code)


def _heatmap_refresh(trust: Trust, term_code: str) -> None:
    if not HeatmapRow.objects.filter(trust=trust, term_code=term_code).exists():
        return
    everyone = list(Academy.objects.filter(trust=trust, is_active=True).order_by("name"))
    figures = kpi_figures_for(
        trust_id=trust.pk,
        academy_ids=[a.pk for a in everyone],
        term_codes=[term_code],
        groups=HEATMAP_GROUPS,
    )
    heatmap_refresh(trust=trust, academies=everyone, term_code=term_code, figures=figures)


def _secure_for(codes: list[tuple[str, str]], level: str, rng: random.Random) -> list[str]:
    exs = [c for c, lv in codes if lv == Level.EXS]
    gds = [c for c, lv in codes if lv == Level.GDS]
    if level == Level.GDS:
        return exs + gds
    if level == Level.EXS:
        return exs + gds[: rng.randrange(len(gds))] if gds else exs
    return exs[: rng.randrange(max(1, len(exs) - 2))]


def _judgements(
    trust: Trust, term: Any, academies: list[Academy], strength: dict[int, float]
) -> set[str]:
    """Writing judgements of every pupil on roll in each academy's moderated year group, as a
    school judges its whole year group (so they give the school's writing KPIs), bulk-created.
    The level follows the pupil's summer writing teacher assessment where the demo has one;
    without pupil data (a test seeding only this), twenty pupils per year group are made up."""
    rng = random.Random(f"{trust.slug}-judgements")
    versions: dict[str, FrameworkVersion] = {}
    plan: list[tuple[Academy, str, str]] = []  # academy, year group, pupil key
    on_roll: dict[tuple[int, str], list[str]] = {}
    for academy_id, year, key in (
        Enrolment.objects.filter(
            trust=trust, academic_year=term.academic_year, academy__in=academies
        )
        .order_by("pupil__key")
        .values_list("academy_id", "year_group", "pupil__key")
    ):
        on_roll.setdefault((academy_id, year), []).append(key)
    for academy in academies:
        for year in YEARS_BY_PHASE[academy.phase_of_education]:
            version = versions.get(year) or published_version_for(
                trust_id=trust.pk, subject="writing", year_group=year
            )
            if version is None:
                continue
            versions[year] = version
            keys = on_roll.get((academy.pk, year)) or [
                hashlib.sha256(
                    f"demo-moderation-{trust.slug}-{academy.urn}-{year}-{i}".encode()
                ).hexdigest()
                for i in range(PUPILS_PER_YEAR)
            ]
            plan.extend((academy, year, key) for key in keys)
    keys = [key for _, _, key in plan]
    existing = set(Pupil.objects.filter(trust=trust, key__in=keys).values_list("key", flat=True))
    Pupil.objects.bulk_create(Pupil(trust=trust, key=k) for k in keys if k not in existing)
    pupils = dict(Pupil.objects.filter(trust=trust, key__in=keys).values_list("key", "pk"))
    judged = set(
        TeacherJudgement.objects.filter(
            trust=trust, term=term, subject="writing", pupil_id__in=pupils.values()
        ).values_list("pupil_id", flat=True)
    )
    statements = {year: v.statement_levels() for year, v in versions.items()}
    teacher_assessed = dict(
        Result.objects.filter(
            trust=trust, term=term, subject="writing", measure="ta", pupil_id__in=pupils.values()
        ).values_list("pupil_id", "value")
    )
    rows = []
    for academy, year, key in plan:
        if pupils[key] in judged:
            continue
        s = strength.get(academy.pk, 0.5)
        roll = rng.random()
        level = (
            Level.GDS
            if roll < 0.1 + 0.15 * s
            else Level.EXS
            if roll < 0.55 + 0.2 * s
            else Level.WTS
        )
        if teacher_assessed.get(pupils[key]) in LEVEL_ORDER:
            # The framework's judgement mostly agrees with the term's teacher assessment.
            level = Level(teacher_assessed[pupils[key]]) if roll > 0.1 else level
        rows.append(
            TeacherJudgement(
                trust=trust,
                pupil_id=pupils[key],
                academy=academy,
                term=term,
                subject="writing",
                year_group=year,
                version=versions[year],
                secure=" ".join(sorted(_secure_for(statements[year], level, rng))),
                independence="scaffolded" if rng.random() < 0.1 else "independent",
                proposed=level,
                level=level,
            )
        )
    TeacherJudgement.objects.bulk_create(rows)
    return set(versions)


def _blind_round(
    trust: Trust,
    term: Any,
    academies: list[Academy],
    years: list[str],
    users: dict[str, User],
    strength: dict[int, float],
) -> None:
    leader = users["trust_leader"]
    round_ = services.round_create(
        actor=leader,
        trust=trust,
        name=BLIND_NAME,
        term=term,
        subject="writing",
        year_groups=years,
        academies=academies,
        method=RoundMethod.BLIND,
        leader=leader,
        seed=2026,
    )
    teacher, officer = users["school_staff"], users["improvement_officer"]
    services.moderator_add(actor=leader, round_=round_, user=teacher, home_academy=academies[0])
    services.moderator_add(actor=leader, round_=round_, user=officer)
    services.moderator_add(
        actor=leader, round_=round_, external_name="County writing moderator (local authority)"
    )
    services.round_sample_draw(actor=leader, round_=round_)
    round_.refresh_from_db()
    rng = random.Random(f"{trust.slug}-blind")
    items = list(SampleItem.objects.filter(trust=trust, round=round_).order_by("number"))
    reviews = []
    for item in items:
        # The teacher moderates other schools' writing; the officer covers the teacher's own.
        judge = officer if item.academy_id == academies[0].pk or item.number % 3 == 0 else teacher
        level = _moderator_level(item.school_level, strength.get(item.academy_id, 0.5), rng)
        reviews.append(Review(trust=trust, item=item, moderator=judge, level=level))
        if level != item.school_level:
            item.agreed_level = level
            item.agreed_by = leader
            item.agreed_reason = "Agreed at the moderation meeting against the framework."
    Review.objects.bulk_create(reviews)
    SampleItem.objects.bulk_update(items, ["agreed_level", "agreed_by", "agreed_reason"])
    services.round_close(actor=leader, round_=round_)


def _moderator_level(school: str, strength: float, rng: random.Random) -> str:
    """Believable agreement: about 80% exact; weaker schools lean generous (the moderator one
    level lower), stronger ones occasionally severe."""
    i = LEVEL_ORDER.index(Level(school))
    roll = rng.random()
    if roll < 0.12 + 0.12 * (1 - strength) and i > 0:
        return LEVEL_ORDER[i - 1]
    if roll > 0.95 - 0.05 * strength and i < 2:
        return LEVEL_ORDER[i + 1]
    return school


def _cj_round(
    trust: Trust, term: Any, academies: list[Academy], years: list[str], users: dict[str, User]
) -> None:
    """A comparative-judgement round of one year group: about sixteen comparisons per piece (eight pairs each), made
    by the moderators from each piece's true quality, with one anchor piece per level."""
    year = next((y for y in ("8", "6") if y in years), years[0])
    schools = [a for a in academies if year in YEARS_BY_PHASE[a.phase_of_education]]
    leader = users["trust_leader"]
    round_ = services.round_create(
        actor=leader,
        trust=trust,
        name=CJ_NAME,
        term=term,
        subject="writing",
        year_groups=[year],
        academies=schools,
        method=RoundMethod.COMPARATIVE,
        leader=leader,
        share=0.3,
        seed=2027,
    )
    judges = [users["school_staff"], users["improvement_officer"]]
    for judge in judges:
        services.moderator_add(actor=leader, round_=round_, user=judge)
    services.round_sample_draw(actor=leader, round_=round_)
    round_.refresh_from_db()
    rng = random.Random(f"{trust.slug}-cj")
    items = list(SampleItem.objects.filter(trust=trust, round=round_).order_by("number"))
    quality = {
        item.pk: 1.6 * LEVEL_ORDER.index(Level(item.school_level)) + rng.gauss(0, 0.6)
        for item in items
    }
    for level in LEVEL_ORDER:
        anchor = next((i for i in items if i.school_level == level), None)
        if anchor is not None:
            anchor.anchor_level = level
    SampleItem.objects.bulk_update(items, ["anchor_level"])
    comparisons = []
    for _ in range(8 * len(items)):
        a, b = rng.sample(items, 2)
        p = 1 / (1 + math.exp(quality[b.pk] - quality[a.pk]))
        winner, loser = (a, b) if rng.random() < p else (b, a)
        comparisons.append(
            Comparison(
                trust=trust, round=round_, judge=rng.choice(judges), winner=winner, loser=loser
            )
        )
    Comparison.objects.bulk_create(comparisons)
    services.round_close(actor=leader, round_=round_)
