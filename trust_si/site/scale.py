"""A national-scale slice of synthetic data: many trusts, academies, pupils and terms.

`manage.py generate_scale` and `bench/scale.py` use it; the query-count tests use it at 5 and 30
academies. Pupil-level rows go in with COPY on PostgreSQL (about 10x faster than bulk_create at a
million rows), bulk_create elsewhere. Every key is synthetic (no real UPN is hashed), so the data
is safe to keep on any machine.
"""

from __future__ import annotations

import base64
import io
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection, models, transaction
from django.utils import timezone

from academies.models import Academy
from assessment.models import Attendance, Enrolment, Pupil, Result, Term, Upload
from phases.models import Judgement, JudgementSource
from reporting.models import Report, ReportKind, ReportStatus
from trust_si.accounts.models import Membership, User
from trust_si.accounts.roles import Role
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode
from visits.models import Action, ActionStatus, ProgrammeEntry, Visit, VisitStatus, VisitType

TA = ["WTS", "EXS", "EXS", "EXS", "GDS"]
SEASONS = ("autumn", "spring", "summer")
LAST_YEAR = 2025  # the slice ends with 2025-26, the demo's current year


@dataclass
class ScaleSummary:
    trusts: list[Trust] = field(default_factory=list)
    leaders: dict[str, User] = field(default_factory=dict)  # trust slug -> trust leader
    rows: dict[str, int] = field(default_factory=dict)


def term_codes(years: int) -> list[str]:
    codes = []
    for start in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        year = f"{start}-{(start + 1) % 100:02d}"
        codes += [f"{year}-{season}" for season in SEASONS]
    return codes


def _load(model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]]) -> int:
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(r"\N" if v is None else str(v) for v in row) + "\n")
        table = model._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.connection
            with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
    else:
        model._default_manager.bulk_create(  # type: ignore[attr-defined]
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )
    return len(rows)


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def scale_generate(
    *,
    trusts: int,
    academies: int,
    pupils: int,
    years: int = 3,
    seed: int = 2026,
    prefix: str = "scale",
    extras: bool = True,
    password: str | None = None,
) -> ScaleSummary:
    """`trusts` trusts sharing `academies` academies and `pupils` pupils, `years` years of
    termly teacher assessments and attendance (and summer tests); with `extras`, each academy
    also has a published visit, a committed upload and a ready report (the list pages' rows).
    Placements and heat-map rows are not made here: `recompute_run` makes them (the real code).
    """
    rng = random.Random(seed)
    codes = term_codes(years)
    summary = ScaleSummary(rows={"academies": 0, "pupils": 0, "results": 0, "attendance": 0})
    urn = 600000
    for t, (n_academies, n_pupils) in enumerate(
        zip(_split(academies, trusts), _split(pupils, trusts), strict=True)
    ):
        with transaction.atomic():
            trust = Trust.objects.create(slug=f"{prefix}-{t + 1}", name=f"Scale Trust {t + 1}")
            summary.trusts.append(trust)
            with trust_scope(trust):
                first = urn
                urn += n_academies
                summary.leaders[trust.slug] = _leader(trust, password)
                _trust_rows(trust, first, n_academies, n_pupils, codes, rng, extras, summary)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return summary


def _leader(trust: Trust, password: str | None) -> User:
    user = User.objects.create_user(email=f"leader@{trust.slug}.test", password=password)
    User.objects.email_proven(user)
    # Pupil-data roles must have a second factor; a random one nobody knows (the benches sign in
    # by session, not through the form).
    TOTP.activate(user, base64.b32encode(secrets.token_bytes(20)).decode())
    Membership.objects.create(trust=trust, user=user, role=Role.TRUST_LEADER)
    return user


def _trust_rows(
    trust: Trust,
    first_urn: int,
    n_academies: int,
    n_pupils: int,
    codes: list[str],
    rng: random.Random,
    extras: bool,
    summary: ScaleSummary,
) -> None:
    academies = Academy.objects.bulk_create(
        [
            Academy(
                trust=trust,
                urn=f"{first_urn + i}",
                name=f"{trust.name} Academy {i + 1:03d}",
                phase_of_education="secondary" if i % 5 == 4 else "primary",
                age_low=11 if i % 5 == 4 else 4,
                age_high=16 if i % 5 == 4 else 11,
                pupils_on_roll=max(1, n_pupils // max(1, n_academies)),
            )
            for i in range(n_academies)
        ]
    )
    academies = list(Academy.objects.filter(trust=trust).order_by("urn"))
    terms = {}
    for code in codes:
        parsed = TermCode.parse(code)
        terms[code] = Term.objects.create(
            trust=trust, academic_year=parsed.academic_year, season=parsed.season.code
        )
    Pupil.objects.bulk_create(
        [Pupil(trust=trust, key=f"{trust.pk:08x}{n:056x}") for n in range(n_pupils)],
        batch_size=5000,
    )
    pupil_ids = list(Pupil.objects.filter(trust=trust).order_by("pk").values_list("pk", flat=True))
    enrol: list[tuple[Any, ...]] = []
    results: list[tuple[Any, ...]] = []
    attendance: list[tuple[Any, ...]] = []
    years = sorted({term.academic_year for term in terms.values()})
    per = max(1, n_pupils // max(1, n_academies))
    for index, pupil in enumerate(pupil_ids):
        academy = academies[min(index // per, n_academies - 1)]
        secondary = academy.phase_of_education == "secondary"
        year_group = rng.choice(["7", "8", "9", "10", "11"] if secondary else list("R123456"))
        dis, sex = rng.random() < 0.3, rng.choice("FM")
        band = rng.choice(["low", "middle", "middle", "high"])
        for year in years:
            enrol.append((trust.pk, pupil, academy.pk, year, year_group, dis, "", False, sex, band))
        for code, term in terms.items():
            strength = rng.random()
            if not secondary and year_group != "R":
                for subject in ("reading", "writing", "maths"):
                    grade = TA[min(4, int(strength * 5 + rng.random()))]
                    results.append(
                        (trust.pk, pupil, academy.pk, term.pk, subject, "ta", grade, None)
                    )
            if code.endswith("summer") and year_group == "6":
                for subject in ("reading", "maths"):
                    score = int(90 + strength * 25)
                    row = (trust.pk, pupil, academy.pk, term.pk, subject, "scaled_score")
                    results.append((*row, score, score))
            if code.endswith("summer") and year_group == "11":
                for subject in ("english_language", "maths"):
                    grade_n = 1 + int(strength * 8)
                    row = (trust.pk, pupil, academy.pk, term.pk, subject, "gcse_grade")
                    results.append((*row, grade_n, grade_n))
            missed = int(rng.random() ** 3 * 40)
            attendance.append((trust.pk, pupil, academy.pk, term.pk, 120, missed))
    _load(
        Enrolment,
        [
            "trust_id",
            "pupil_id",
            "academy_id",
            "academic_year",
            "year_group",
            "disadvantaged",
            "send",
            "eal",
            "sex",
            "prior_band",
        ],
        enrol,
    )
    result_columns = ["trust_id", "pupil_id", "academy_id", "term_id", "subject", "measure"]
    summary.rows["results"] += _load(Result, [*result_columns, "value", "numeric"], results)
    summary.rows["attendance"] += _load(
        Attendance,
        ["trust_id", "pupil_id", "academy_id", "term_id", "sessions_possible", "sessions_missed"],
        attendance,
    )
    summary.rows["academies"] += len(academies)
    summary.rows["pupils"] += len(pupil_ids)
    if extras:
        _list_rows(trust, academies, terms[codes[-1]], summary.leaders[trust.slug])


def _list_rows(trust: Trust, academies: list[Academy], term: Term, leader: User) -> None:
    """Per academy: a published visit with an action, a programme entry, a review judgement, a
    committed upload and a ready report: a row on every list page."""
    visit_type = VisitType.objects.create(trust=trust, code="review", name="Review visit")
    now = timezone.now()
    Visit.objects.bulk_create(
        [
            Visit(
                trust=trust,
                academy=a,
                visit_type=visit_type,
                date=date(2025, 11, 3) + timedelta(days=i % 20),
                status=VisitStatus.PUBLISHED,
                published_at=now,
                focus_areas="Reading",
                created_by=leader,
            )
            for i, a in enumerate(academies)
        ]
    )
    visits = list(Visit.objects.filter(trust=trust).order_by("academy__urn"))
    Action.objects.bulk_create(
        [
            Action(
                trust=trust,
                visit=v,
                academy_id=v.academy_id,
                description="Phonics catch-up groups",
                owner="Head teacher",
                due_on=date(2026, 2, 1),
                status=ActionStatus.OPEN,
            )
            for v in visits
        ]
    )
    ProgrammeEntry.objects.bulk_create(
        [
            ProgrammeEntry(
                trust=trust,
                academy=a,
                academic_year="2025-26",
                term="spring",
                visit_type=visit_type,
            )
            for a in academies
        ]
    )
    Judgement.objects.bulk_create(
        [
            Judgement(
                trust=trust,
                academy=a,
                area="achievement",
                grade="expected_standard",
                judged_on=date(2025, 10, 1),
                source=JudgementSource.REVIEW,
                recorded_by=leader,
            )
            for a in academies
        ]
    )
    Upload.objects.bulk_create(
        [
            Upload(
                trust=trust,
                academy=a,
                term=term,
                kind="results",
                file=f"scale/{trust.slug}/{a.urn}.csv",
                original_name=f"{a.urn}-results.csv",
                status="committed",
                progress=100,
                counts={"rows": a.pupils_on_roll or 0},
                uploaded_by=leader,
                confirmed_by=leader,
                confirmed_at=now,
            )
            for a in academies
        ]
    )
    Report.objects.bulk_create(
        [
            Report(
                trust=trust,
                kind=ReportKind.ACADEMY,
                academy=a,
                term_code=term.term_code.code,
                status=ReportStatus.READY,
                requested_by=leader,
                generated_at=now,
            )
            for a in academies
        ]
    )
