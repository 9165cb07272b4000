"""Demo: three terms of plausible synthetic pupil data for every demo academy, committed through
the same check, confirm and commit a school's upload takes. Stronger academies get better results."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile

from assessment.kpis.demo import seed as seed_kpi_targets
from assessment.models import Upload, UploadStatus
from assessment.services import term_get_or_create, upload_confirm_now, upload_validate
from trust_si.terms import AcademicYear, Season, TermCode, term_sort_key

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.accounts.models import User
    from trust_si.tenancy.models import Trust


DEMO_YEAR = AcademicYear.parse("2025-26")
TERMS = [t.code for t in DEMO_YEAR.terms()]
GROWTH = {Season.AUTUMN: -0.05, Season.SPRING: 0.0, Season.SUMMER: 0.05}
TA_SUBJECTS = ["reading", "writing", "maths"]
# Subjects differ as they do nationally (writing is assessed lowest, reading highest at KS2),
# and each academy has its own stronger and weaker subjects; a pupil is not one grade for all.
SUBJECT_SHIFT = {"reading": 0.03, "writing": -0.05, "maths": 0.0}


def _subject_shifts(trust: Trust, academy: Academy) -> dict[str, float]:
    """The academy's own lean per subject, from its own random stream (so the rest of the demo
    draws the same numbers as before)."""
    srng = random.Random(f"{trust.slug}-{academy.urn}-subjects")
    return {s: SUBJECT_SHIFT[s] + srng.gauss(0, 0.06) for s in TA_SUBJECTS}


def _year_groups(academy: Academy) -> list[str]:
    groups = []
    for age in range(academy.age_low, min(academy.age_high, 18)):
        group = age - 4  # Reception at 4-5, Year 1 at 5-6 ...
        groups.append("R" if group == 0 else str(group) if 1 <= group <= 13 else "")
    return [g for g in groups if g]


def _upn(seed: str) -> str:
    digits = str(int(hashlib.sha1(seed.encode()).hexdigest(), 16))[:12]  # noqa: S324 - demo only
    return "D" + digits.rjust(12, "0")


# The subject whose lean a GCSE subject follows (the academy's own shifts are by TA subject).
KS4_LEANS = (("english_language", "reading"), ("maths", "maths"))
# How far below their end-of-Year-11 attainment Year 10 pupils work (in the 0-1 ability scale).
YEAR10_BEHIND = 0.12


def _gcse(a: float) -> int:
    return max(1, min(9, round(1 + a * 8)))


def _working_grades(upn: str, a: float, shifts: dict[str, float], rng: random.Random) -> list[str]:
    """A Year 10 or 11 pupil's working-at grades in English and maths this term: the grade their
    attainment so far points to, a little noisier than the final result."""
    return [
        f"{upn},{subject},working_grade,{_gcse(a + shifts[lean] + rng.gauss(0, 0.06))}"
        for subject, lean in KS4_LEANS
    ]


def _commit(
    trust: Trust, academy: Academy, code: str, kind: str, lines: list[str], actor: User | None
) -> None:
    term = term_get_or_create(trust=trust, code=code)
    if Upload.objects.filter(
        academy=academy, term=term, kind=kind, status=UploadStatus.COMMITTED
    ).exists():
        return
    _commit_file(trust, academy, term, kind, lines, actor)


def _past_cohort(
    academy: Academy, code: str, group: str, size: tuple[int, int], strength: float, slug: str
) -> tuple[random.Random, list[Any]]:
    """A past year's end-of-key-stage cohort: (upn, disadvantaged, prior band, ability) per
    pupil, from the cohort's own random stream, which is returned for the draws that follow
    (so a cohort is the same on every run)."""
    rng = random.Random(f"{slug}-{academy.urn}-{code}-{group}")
    drift = rng.gauss(0, 0.04)  # a cohort is a little stronger or weaker than usual
    pupils = []
    for n in range(rng.randint(*size)):
        disadvantaged = rng.random() < float(academy.pct_disadvantaged or 25) / 100
        ability = rng.gauss(strength + drift - (0.12 if disadvantaged else 0), 0.22)
        band = "low" if ability < 0.3 else "high" if ability > 0.7 else "middle"
        pupils.append((_upn(f"{academy.urn}-{code}-{group}-{n}"), disadvantaged, band, ability))
    return rng, pupils


def _ks4_options(rng: random.Random, upn: str, ability: float, strength: float) -> list[str]:
    """A Year 11 pupil's GCSEs beyond English language and maths: English literature, the
    sciences, a humanity and perhaps a language, so the EBacc entry figure has something to
    count. Stronger schools enter more pupils for a language, as nationally (DfE: 40.5% of
    pupils entered for the full EBacc in 2024/25, languages the pillar most often missing)."""

    def grade(lean: float) -> str:
        return str(max(1, min(9, round(1 + (ability + lean + rng.gauss(0, 0.08)) * 8))))

    rows = []
    if rng.random() < 0.96:
        rows.append(f"{upn},english_literature,gcse_grade,{grade(0.0)}")
    if ability > 0.65 and rng.random() < 0.35:
        rows += [f"{upn},{s},gcse_grade,{grade(0.02)}" for s in ("biology", "chemistry", "physics")]
    elif rng.random() < 0.95:
        rows.append(f"{upn},combined_science,gcse_grade,{grade(-0.02)}")
    if rng.random() < 0.85:
        rows.append(f"{upn},{rng.choice(('history', 'geography'))},gcse_grade,{grade(0.0)}")
    if rng.random() < max(0.1, min(0.85, 0.1 + 0.6 * strength + 0.3 * (ability - 0.5))):
        rows.append(
            f"{upn},{rng.choice(('french', 'spanish', 'german'))},gcse_grade,{grade(-0.05)}"
        )
    return rows


# Secondary and behaviour measures (issue 13, i13-4b) --------------------------------------------
# Suspensions and permanent exclusions per pupil and term, near DfE's national picture (2023/24:
# 11.31 suspensions per 100 pupils over the year, far more in secondary schools than in primary
# ones; permanent exclusions rare), more in weaker schools and among disadvantaged pupils and
# pupils with SEND. Expected suspensions per pupil and term, before those weights:
SUSPENSIONS_PER_TERM = {"secondary": 0.055, "middle": 0.03, "special": 0.04, "primary": 0.006}
PERMANENT_PER_YEAR = {"secondary": 0.0015, "middle": 0.0008, "special": 0.001, "primary": 0.0002}
# School days a suspension may begin on (the census term, less the holidays at its ends).
SCHOOL_DAYS = {Season.AUTUMN: ((9, 3), (12, 19)), Season.SPRING: ((1, 5), (3, 27))}


def _school_day(rng: random.Random, term: TermCode) -> str:
    first, last = term.bounds
    if term.season in SCHOOL_DAYS:
        (m1, d1), (m2, d2) = SCHOOL_DAYS[term.season]
        first, last = first.replace(month=m1, day=d1), last.replace(month=m2, day=d2)
    else:
        first, last = first + dt.timedelta(days=7), last.replace(day=17)
    day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    while day.weekday() >= 5:  # a suspension begins on a school day
        day -= dt.timedelta(days=1)
    return day.strftime("%d/%m/%Y")


def _exclusions(
    trust: Trust, academy: Academy, code: str, pupils: list[tuple[Any, ...]], strength: float
) -> list[str]:
    """The academy's suspensions and permanent exclusions of the term, as its upload (header only
    when there were none). From streams of their own: no other demo figure moves."""
    term = TermCode.parse(code)
    years = set(_year_groups(academy))
    phase = (
        academy.phase_of_education
        if academy.phase_of_education in ("special", "middle")
        else "secondary"
        if years & {"7", "8", "9", "10", "11"}
        else "primary"
    )
    rng = random.Random(f"{trust.slug}-{academy.urn}-{code}-exclusions")
    weakness = 1.5 - strength
    rows = ["upn,date,type,sessions"]
    for upn, _group, dis, send, _eal, _sex, _band, _ability in pupils:
        weight = weakness * (2.5 if dis else 1.0) * (1.8 if send in ("K", "E") else 1.0)
        # Whether (and in which term) the pupil is permanently excluded this year: one stream
        # per pupil and year, so a pupil is permanently excluded once at most.
        fate = random.Random(f"{trust.slug}-{upn}-{term.academic_year}-permanent")
        chance = PERMANENT_PER_YEAR[phase] * weight * 1.5
        if fate.random() < chance and fate.choice(list(Season)) is term.season:
            rows.append(f"{upn},{_school_day(fate, term)},permanent,")
        expected = SUSPENSIONS_PER_TERM[phase] * weight
        if rng.random() < expected / 1.6:  # a suspended pupil is suspended 1.6 times on average
            days = {_school_day(rng, term)}
            while rng.random() < 0.375:
                days.add(_school_day(rng, term))
            rows += [
                f"{upn},{day},suspension,{rng.choice((1, 2, 2, 2, 4, 4, 6, 10))}"
                for day in sorted(days)
            ]
    return rows


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    actor = ctx["users"]["school_staff"] if "users" in ctx else None
    for academy in ctx["academies"]:
        strength = ctx.get("strength", {}).get(academy.pk, 0.5)
        rng = random.Random(f"{trust.slug}-{academy.urn}")
        shifts = _subject_shifts(trust, academy)
        # Pupil-by-subject noise from a stream of its own, for the same reason.
        noise = random.Random(f"{trust.slug}-{academy.urn}-pupil-subjects")
        # Test-day outcomes, GCSE options and severe absence: a stream of their own too.
        outcomes = random.Random(f"{trust.slug}-{academy.urn}-outcomes")
        # Years 10-11 working-at grades, again from their own stream (added later: the rest of
        # the demo draws the same numbers as before they were).
        working = random.Random(f"{trust.slug}-{academy.urn}-working-grades")
        pupils = []
        for group in _year_groups(academy):
            for n in range(rng.randint(24, 48) if academy.phase_of_education != "special" else 9):
                upn = _upn(f"{academy.urn}-{group}-{n}")
                disadvantaged = rng.random() < float(academy.pct_disadvantaged or 25) / 100
                send = "E" if rng.random() < 0.03 else "K" if rng.random() < 0.13 else "N"
                ability = rng.gauss(
                    strength - (0.12 if disadvantaged else 0) - (0.2 if send != "N" else 0), 0.22
                )
                band = "low" if ability < 0.3 else "high" if ability > 0.7 else "middle"
                pupils.append(
                    (
                        upn,
                        group,
                        disadvantaged,
                        send,
                        rng.random() < 0.15,
                        rng.choice("FM"),
                        band,
                        ability,
                    )
                )
        for code in TERMS:
            season = TermCode.parse(code).season
            if season is Season.AUTUMN:  # enrolment and groups are per academic year
                _commit(
                    trust,
                    academy,
                    code,
                    "pupils",
                    [
                        "upn,year_group,disadvantaged,send,eal,sex,prior_band",
                        *(
                            f"{p[0]},{p[1]},{'Y' if p[2] else 'N'},{p[3]},{'Y' if p[4] else 'N'},{p[5]},{p[6]}"
                            for p in pupils
                        ),
                    ],
                    actor,
                )
            growth = GROWTH[season]
            results = ["upn,subject,measure,value"]
            attendance = ["upn,sessions_possible,sessions_missed"]
            for upn, group, dis, _send, _eal, _sex, _band, ability in pupils:
                a = ability + growth + rng.gauss(0, 0.08)
                # In a high school "age-related expectations" means on track for a grade 4 at
                # GCSE, the same point of the demo's scale as the GCSE grades below (a stricter
                # line made a school's Year 10 read 40% while its Year 11 got 81% grade 4+).
                expected = 0.33 if group in ("9", "10") else 0.42
                for subject in TA_SUBJECTS:
                    if group in ("R", "11", "12", "13"):
                        continue
                    s_a = a + shifts[subject] + noise.gauss(0, 0.07)
                    results.append(
                        f"{upn},{subject},ta,{'GDS' if s_a > 0.8 else 'EXS' if s_a > expected else 'WTS'}"
                    )
                if group == "10":  # a year of teaching to come: it works a little below
                    results += _working_grades(upn, a - YEAR10_BEHIND, shifts, working)
                if group == "11" and season is not Season.SUMMER:
                    results += _working_grades(upn, a, shifts, working)
                if season is Season.SUMMER:
                    # A child's day on the check varies more than their termly assessment: without
                    # it the strongest schools read 100% on EYFS and phonics, which nobody does.
                    on_the_day = a + outcomes.gauss(0, 0.16)
                    if group == "R":
                        results.append(f"{upn},eyfs,gld,{'Y' if on_the_day > 0.36 else 'N'}")
                    if group == "1":
                        results.append(
                            f"{upn},phonics,phonics,{max(0, min(40, round(24 + on_the_day * 22)))}"
                        )
                    if group == "6":
                        for subject in ("reading", "maths"):
                            s_a = a + shifts[subject] + noise.gauss(0, 0.05)
                            results.append(
                                f"{upn},{subject},scaled_score,{max(80, min(120, round(92 + s_a * 20)))}"
                            )
                    if group == "11":
                        for subject, lean in (("english_language", "reading"), ("maths", "maths")):
                            s_a = a + shifts[lean] + noise.gauss(0, 0.05)
                            results.append(
                                f"{upn},{subject},gcse_grade,{max(1, min(9, round(1 + s_a * 8)))}"
                            )
                        results.append(
                            f"{upn},attainment8,att8,{max(0, min(90, round(15 + a * 55, 1)))}"
                        )
                        results.extend(_ks4_options(outcomes, upn, a, strength))
                missed = max(
                    0, round(rng.gauss(0.07 - strength * 0.05 + (0.02 if dis else 0), 0.035) * 130)
                )
                # About 2% of pupils nationally miss half their sessions or more (DfE, severe
                # absence); more in the weaker schools and among disadvantaged pupils.
                if outcomes.random() < 0.005 + 0.03 * (1 - strength) + (0.01 if dis else 0):
                    missed = outcomes.randint(65, 115)
                attendance.append(f"{upn},130,{min(missed, 130)}")
            _commit(trust, academy, code, "results", results, actor)
            _commit(trust, academy, code, "attendance", attendance, actor)
            _commit(
                trust,
                academy,
                code,
                "exclusions",
                _exclusions(trust, academy, code, pupils, strength),
                actor,
            )

    seed_kpi_targets(trust, ctx)


PAST_YEARS = [AcademicYear.parse("2023-24"), AcademicYear.parse("2024-25")]


# How much a pupil's attainment moves, relative to others, per year before the end of the key
# stage: earlier teacher assessments say less about the final outcome than later ones.
EARLIER_SPREAD = 0.08


def _earlier_ta(
    upn: str, a: float, shifts: dict[str, float], rng: random.Random, expected: float
) -> list[str]:
    """An earlier year's reading, writing and maths teacher assessments, drawn as `seed` draws
    the current year's (the academy's subject leans, pupil-by-subject noise), so a model fitted
    on them reads today's Year 4, 5 or 9 the same way."""
    rows = []
    for subject in TA_SUBJECTS:
        s_a = a + shifts[subject] + rng.gauss(0, 0.07)
        rows.append(
            f"{upn},{subject},ta,{'GDS' if s_a > 0.8 else 'EXS' if s_a > expected else 'WTS'}"
        )
    return rows


def seed_past_year6(trust: Trust, ctx: dict[str, Any]) -> None:
    """Two earlier years of Year 6 cohorts (teacher assessments each term, KS2 tests in summer),
    and the same pupils in Year 5 the year before and in Year 4 the year before that, where the
    demo holds the year (teacher assessments every term): at the same academy where it teaches
    that year, else (a middle school's Year 4) at one of the trust's first schools, as pupils
    move from first to middle school under the same pupil key. Committed like any upload: the
    past cohorts the KS2 forecasts (from Year 6, and a year or two ahead from Years 5 and 4) are
    fitted on and back-tested against. The earlier years draw from streams of their own, so the
    Year 6 numbers are the same with or without them. Idempotent through `_commit` (one pupils
    and one results upload per academy and term, holding every year group's rows)."""
    actor = ctx["users"]["school_staff"] if "users" in ctx else None
    academies = {a.pk: a for a in ctx["academies"]}
    # Where a middle school's pupils were in Year 4: the first schools, in turn by pupil.
    feeders = [
        a
        for a in ctx["academies"]
        if "4" in _year_groups(a)
        and "6" not in _year_groups(a)
        and a.phase_of_education != "special"
    ]
    # (academy, term code, kind) -> rows, committed once everything is drawn.
    pending: dict[tuple[int, str, str], list[str]] = {}

    def add(academy_id: int, code: str, kind: str, rows: list[str]) -> None:
        pending.setdefault((academy_id, code, kind), []).extend(rows)

    for academy in ctx["academies"]:
        groups = _year_groups(academy)
        if "6" not in groups:
            continue
        strength = ctx.get("strength", {}).get(academy.pk, 0.5)
        shifts = _subject_shifts(trust, academy)
        cohorts: dict[str, tuple[random.Random, list[Any]]] = {}
        for year in PAST_YEARS:
            rng, pupils = _past_cohort(academy, year.code, "y6", (22, 40), strength, trust.slug)
            # Drawn here, the next draws of the stream as before (the autumn roll's sexes).
            sexes = [rng.choice("FM") for _ in pupils]
            cohorts[year.code] = (rng, [(*p, sex) for p, sex in zip(pupils, sexes, strict=True)])
        # The same pupils earlier in the key stage: (year group, years before Year 6, where they
        # were taught by pupil index). Special schools are left out (no forecast is fitted on
        # them).
        earlier: list[tuple[str, int, list[Academy]]] = []
        if academy.phase_of_education != "special":
            for g in ("5", "4"):
                where = [academy] if g in groups else feeders if g == "4" else []
                if where:
                    earlier.append((g, 6 - int(g), where))
        streams = {
            (code, g): random.Random(f"{trust.slug}-{academy.urn}-{code}-y6-as-y{g}")
            for code in cohorts
            for g, _, _ in earlier
        }
        for year in [PAST_YEARS[0].previous(), *PAST_YEARS]:
            y6 = cohorts.get(year.code)
            # (year group, that cohort's stream, its pupils, how far their attainment has to
            # move, where each was taught)
            before = [
                (g, streams[(code, g)], cohorts[code][1], ahead * EARLIER_SPREAD, where)
                for g, ahead, where in earlier
                if (code := year.next(ahead).code) in cohorts
            ]
            if y6 is None and not before:
                continue
            moved = {
                (g, upn): a + r.gauss(0, spread)
                for g, r, members, spread, _w in before
                for upn, _d, _b, a, _s in members
            }
            for term in year.terms():
                if term.season is Season.AUTUMN:
                    if y6 is not None:
                        add(
                            academy.pk,
                            term.code,
                            "pupils",
                            [
                                f"{upn},6,{'Y' if dis else 'N'},N,N,{sex},{band}"
                                for upn, dis, band, _a, sex in y6[1]
                            ],
                        )
                    for g, _r, members, _spread, where in before:
                        for n, (upn, dis, band, _a, sex) in enumerate(members):
                            add(
                                where[n % len(where)].pk,
                                term.code,
                                "pupils",
                                [f"{upn},{g},{'Y' if dis else 'N'},N,N,{sex},{band}"],
                            )
                results = []
                if y6 is not None:
                    rng = y6[0]
                    for upn, _dis, _band, ability, _sex in y6[1]:
                        a = ability + GROWTH[term.season] + rng.gauss(0, 0.08)
                        for subject in TA_SUBJECTS:
                            results.append(
                                f"{upn},{subject},ta,{'GDS' if a > 0.8 else 'EXS' if a > 0.42 else 'WTS'}"
                            )
                        if term.season is Season.SUMMER:
                            for subject in ("reading", "maths"):
                                score = round(92 + (a + rng.gauss(0, 0.06)) * 20)
                                results.append(
                                    f"{upn},{subject},scaled_score,{max(80, min(120, score))}"
                                )
                add(academy.pk, term.code, "results", results)
                for g, r, members, _spread, where in before:
                    for n, (upn, _dis, _band, _ability, _sex) in enumerate(members):
                        school = where[n % len(where)]
                        a = moved[(g, upn)] + GROWTH[term.season] + r.gauss(0, 0.08)
                        # Assessed where they were taught: that school's subject leans.
                        leans = shifts if school is academy else _subject_shifts(trust, school)
                        add(school.pk, term.code, "results", _earlier_ta(upn, a, leans, r, 0.42))
    headers = {
        "pupils": "upn,year_group,disadvantaged,send,eal,sex,prior_band",
        "results": "upn,subject,measure,value",
    }
    # Pupils before results, term by term (a results upload needs its pupils on roll).
    for (academy_id, code, kind), rows in sorted(
        pending.items(), key=lambda item: (term_sort_key(item[0][1]), item[0][2] != "pupils")
    ):
        if rows:
            _commit_adding(trust, academies[academy_id], code, kind, [headers[kind], *rows], actor)


def seed_past_year11(trust: Trust, ctx: dict[str, Any]) -> None:
    """Two earlier years of Year 11 cohorts for every mainstream academy with a Year 11
    (working-at grades in English and maths in autumn and spring, GCSE grades and Attainment 8 in
    summer), and the same pupils in Year 10 the year before (working-at grades every term) and
    in Year 9 two years before where the demo holds that year (teacher assessments),
    committed like any upload: the past cohorts the KS4 forecasts (from Year 11, and a year ahead
    from Year 10) are fitted on and back-tested against. Each cohort draws from its own streams,
    so the seed is deterministic and the rest of the demo unchanged. Idempotent through
    `_commit` (one pupils and one results upload per academy and term, holding both years)."""
    actor = ctx["users"]["school_staff"] if "users" in ctx else None
    for academy in ctx["academies"]:
        if "11" not in _year_groups(academy) or academy.phase_of_education == "special":
            continue
        strength = ctx.get("strength", {}).get(academy.pk, 0.5)
        shifts = _subject_shifts(trust, academy)
        cohorts: dict[str, tuple[random.Random, list[Any]]] = {}
        for year in PAST_YEARS:
            rng, pupils = _past_cohort(academy, year.code, "y11", (24, 48), strength, trust.slug)
            cohorts[year.code] = (rng, pupils)
        year10 = {code: random.Random(f"{trust.slug}-{academy.urn}-{code}-y10") for code in cohorts}
        # Year 9, two years before Year 11, where the demo holds the year: teacher assessments
        # (no working-at grades before Year 10), from streams of their own.
        year9 = {code: random.Random(f"{trust.slug}-{academy.urn}-{code}-y9") for code in cohorts}
        options = random.Random(f"{trust.slug}-{academy.urn}-past-y11-options")
        for year in [PAST_YEARS[0].previous(), *PAST_YEARS]:
            y11 = cohorts.get(year.code)
            next_code = year.next().code
            y10 = (year10[next_code], cohorts[next_code][1]) if next_code in cohorts else None
            in_two = year.next(2).code
            y9 = (
                (year9[in_two], cohorts[in_two][1])
                if in_two in cohorts and "9" in _year_groups(academy)
                else None
            )
            moved9 = (
                {upn: a + y9[0].gauss(0, 2 * EARLIER_SPREAD) for upn, _d, _b, a in y9[1]}
                if y9 is not None
                else {}
            )
            for term in year.terms():
                if term.season is Season.AUTUMN:
                    lines = ["upn,year_group,disadvantaged,send,eal,sex,prior_band"]
                    if y11 is not None:
                        rng, pupils = y11
                        lines += [
                            f"{upn},11,{'Y' if dis else 'N'},N,N,{rng.choice('FM')},{band}"
                            for upn, dis, band, _a in pupils
                        ]
                    if y10 is not None:
                        r10, pupils = y10
                        lines += [
                            f"{upn},10,{'Y' if dis else 'N'},N,N,{r10.choice('FM')},{band}"
                            for upn, dis, band, _a in pupils
                        ]
                    if y9 is not None:
                        r9, pupils = y9
                        lines += [
                            f"{upn},9,{'Y' if dis else 'N'},N,N,{r9.choice('FM')},{band}"
                            for upn, dis, band, _a in pupils
                        ]
                    _commit(trust, academy, term.code, "pupils", lines, actor)
                results = ["upn,subject,measure,value"]
                if y11 is not None:
                    rng, pupils = y11
                    for upn, _dis, _band, ability in pupils:
                        a = ability + GROWTH[term.season] + rng.gauss(0, 0.08)
                        if term.season is not Season.SUMMER:
                            results += _working_grades(upn, a, shifts, rng)
                            continue
                        for subject, lean in KS4_LEANS:
                            results.append(
                                f"{upn},{subject},gcse_grade,{_gcse(a + shifts[lean] + rng.gauss(0, 0.05))}"
                            )
                        results.append(
                            f"{upn},attainment8,att8,{max(0, min(90, round(15 + a * 55, 1)))}"
                        )
                        # Their other GCSEs (EBacc entry), from a stream of their own so the
                        # grades above are the ones the forecasts' back-test was measured on.
                        results += _ks4_options(options, upn, a, strength)
                if y10 is not None:
                    # A year of teaching to come: Year 10 works a little below where it ends.
                    r10, pupils = y10
                    for upn, _dis, _band, ability in pupils:
                        a = ability - YEAR10_BEHIND + GROWTH[term.season] + r10.gauss(0, 0.1)
                        results += _working_grades(upn, a, shifts, r10)
                if y9 is not None:
                    # Teacher assessments against age-related expectations, as `seed` draws
                    # today's Year 9's (expected from 0.33 on the demo's scale).
                    r9, pupils = y9
                    for upn, _dis, _band, _ability in pupils:
                        a = moved9[upn] + GROWTH[term.season] + r9.gauss(0, 0.08)
                        results += _earlier_ta(upn, a, shifts, r9, 0.33)
                _commit(trust, academy, term.code, "results", results, actor)


# Primary measures (issue 13, i13-4a): `demo_primary` gives last year's Reception and Year 1 to
# the same academies and terms as `seed_past_year6`'s Year 6; a school's file for a term holds
# every year group, so the second hook's rows join the first one's file instead of being
# skipped (`_commit` keeps the slice as it is once a file is committed).
def _commit_adding(
    trust: Trust, academy: Academy, code: str, kind: str, lines: list[str], actor: User | None
) -> None:
    """`_commit`, or when the slice has a committed file without these rows, that file with
    them added, committed in its place (so running the seed twice adds nothing)."""
    term = term_get_or_create(trust=trust, code=code)
    current = (
        Upload.objects.filter(academy=academy, term=term, kind=kind, status=UploadStatus.COMMITTED)
        .order_by("-pk")
        .first()
    )
    if current is None:
        _commit(trust, academy, code, kind, lines, actor)
        return
    with current.file.open("rb") as fh:
        existing = fh.read().decode().splitlines()
    assert existing and existing[0] == lines[0], (existing[:1], lines[0])
    have = set(existing[1:])
    missing = [line for line in lines[1:] if line not in have]
    if not missing:
        return
    _commit_file(trust, academy, term, kind, [*existing, *missing], actor)


def _commit_file(
    trust: Trust, academy: Academy, term: Any, kind: str, lines: list[str], actor: User | None
) -> None:
    content = ("\n".join(lines) + "\n").encode()
    upload = Upload(
        trust=trust,
        academy=academy,
        term=term,
        kind=kind,
        original_name=f"{kind}-{term.code}.csv",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    upload.file.save(upload.original_name, ContentFile(content), save=False)
    upload.save()
    upload = upload_validate(upload=upload)
    assert upload.status == UploadStatus.VALID, (upload.message, upload.errors[:3])
    # Saved in this process, not by a worker: seed_demo ends with every upload committed.
    upload = upload_confirm_now(actor=actor, upload=upload)
    assert upload.status == UploadStatus.COMMITTED, upload.message
