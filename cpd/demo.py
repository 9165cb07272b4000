"""Demo CPD: a year of sessions with attendance and evaluations, and a few NPQs.

Called by seed_demo inside the trust's scope: seed(trust, ctx). Idempotent (skips a trust that
already has programmes). Weaker academies send more people to the reading and maths programmes,
and the strongest academy's staff lead sessions (capacity given once phases say Sustain).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from academies.demo import weakest_first
from trust_si.accounts.models import Membership, User
from trust_si.accounts.roles import Role
from trust_si.terms import TermCode

from . import services
from .models import AttendanceStatus, Domain, Format, Programme, SchoolRole

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust


PROGRAMMES = [
    # title, domain, format, kpi codes, priority index, target weakest n academies
    (
        "Reading fluency and phonics",
        Domain.APPLYING,
        Format.INSTRUCTIONAL_COACHING,
        ["ks2_reading_exp", "y1_phonics"],
        0,
        2,
    ),
    (
        "Maths mastery network",
        Domain.SHARING,
        Format.SUBJECT_NETWORK,
        ["ks2_maths_exp", "ks4_att8"],
        1,
        3,
    ),
    ("Assessment that informs teaching", Domain.ASSESSING, Format.TRAINING, ["ks2_rwm_exp"], 0, 0),
    ("Subject knowledge masterclasses", Domain.ACQUIRING, Format.MASTERCLASS, [], 2, 0),
    ("Middle leaders' lesson study", Domain.LEADERSHIP, Format.LESSON_STUDY, [], 2, 0),
]
PRIORITIES = [
    ("Every child a fluent reader by year 2", ["y1_phonics", "ks2_reading_exp"]),
    ("Close the maths gap for disadvantaged pupils", ["ks2_maths_exp", "ks4_att8"]),
    ("Curriculum and subject leadership", []),
]
ROLES = (
    [SchoolRole.TEACHER] * 4
    + [SchoolRole.MIDDLE_LEADER] * 2
    + [
        SchoolRole.SENIOR_LEADER,
        SchoolRole.TA,
        SchoolRole.HEAD,
    ]
)
COMMENTS = [
    "Practical strategies I used the next day.",
    "Good modelling; more time to practise please.",
    "Useful to see another school's approach.",
    "",
    "",
    "Too much content for one twilight.",
]


def _staff(trust: Trust, academy: Academy, count: int) -> list[tuple[User, str]]:
    people: list[tuple[User, str]] = []
    for n in range(count):
        email = f"cpd{n + 1}.{academy.urn}@{trust.slug}.demo"
        user, _ = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": f"{_FIRST[(n + academy.pk) % len(_FIRST)]} "
                f"{_LAST[(n * 3 + academy.pk) % len(_LAST)]}"
            },
        )
        if user.has_usable_password():
            user.set_unusable_password()  # demo participants do not sign in
            user.save(update_fields=["password"])
        membership, _ = Membership.objects.get_or_create(
            user=user, defaults={"role": Role.SCHOOL_STAFF}
        )
        membership.academies.add(academy)
        people.append((user, ROLES[n % len(ROLES)]))
    return people


_FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harun", "Isla", "Jonah", "Kemi"]
_LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal"]


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    if Programme.objects.exists():
        return
    rng = random.Random(f"cpd-{trust.slug}")  # a stable story on every reseed
    users = ctx.get("users", {})
    admin = users.get(Role.TRUST_ADMIN.value) or users.get("trust_admin")
    academies = weakest_first(list(ctx.get("academies", [])), ctx)
    if not academies:
        return
    strongest = academies[-1]
    priorities = [
        services.priority_create(actor=admin, title=title, kpi_codes=codes)
        for title, codes in PRIORITIES
    ]
    staff = {a.pk: _staff(trust, a, 6 + 3 * (i < 2)) for i, a in enumerate(academies)}
    tz = timezone.get_current_timezone()
    year_start = dt.date(2025, 9, 15)
    now = timezone.now()
    for p_index, (title, domain, fmt, codes, pri, weakest_n) in enumerate(PROGRAMMES):
        targets = academies[:weakest_n] if weakest_n else academies
        programme = services.programme_create(
            actor=admin,
            title=title,
            domain=domain,
            format=fmt,
            kpi_codes=codes,
            priorities=[priorities[pri]],
            academies=targets,
            description=f"{title}: part of the trust's {Domain(domain).label.lower()} offer.",
        )
        for s in range(5):
            day = year_start + dt.timedelta(days=14 + p_index * 9 + s * 63)
            if s == 4:
                day = dt.date(2026, 12, 3) + dt.timedelta(days=p_index)  # one still to come
            starts = dt.datetime.combine(day, dt.time(15, 45), tzinfo=tz)
            session = services.session_create(
                actor=admin,
                programme=programme,
                title=f"{title}: session {s + 1}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1, minutes=30),
                capacity=40,
                location=f"{strongest.name} training room",
                leading_academy=strongest if fmt != Format.TRAINING else None,
                leader=admin if fmt == Format.TRAINING else None,
            )
            places_left = session.capacity
            for academy in targets:
                # Weaker academies (first in the list) send more people, until the room is full.
                weight = len(academies) - academies.index(academy)
                if places_left <= 0:
                    break
                for user, role in rng.sample(
                    staff[academy.pk], min(len(staff[academy.pk]), 1 + weight, places_left)
                ):
                    enrolment = services.enrolment_create(
                        actor=admin,
                        session=session,
                        participant=user,
                        academy=academy,
                        school_role=role,
                    )
                    places_left -= 1
                    if starts > now:
                        continue
                    attended = rng.random() < 0.87
                    services.enrolment_mark(
                        actor=admin,
                        enrolment=enrolment,
                        status=AttendanceStatus.ATTENDED if attended else AttendanceStatus.ABSENT,
                    )
                    if attended and rng.random() < 0.6:
                        services.evaluation_record(
                            actor=user,
                            session=session,
                            participant=user,
                            rating=rng.choice([3, 4, 4, 5, 5]),
                            comment=rng.choice(COMMENTS),
                        )
    npqs = [
        ("NPQH", "started"),
        ("NPQSL", "completed"),
        ("NPQLT", "started"),
        ("NPQLBC", "applied"),
        ("NPQSENCO", "withdrawn"),
    ]
    for i, (npq_programme, status) in enumerate(npqs):
        academy = academies[i % len(academies)]
        user, _ = staff[academy.pk][i % len(staff[academy.pk])]
        services.npq_create(
            actor=admin,
            person=user,
            academy=academy,
            programme=npq_programme,
            provider=["Ambition Institute", "Teach First", "Best Practice Network"][i % 3],
            cohort=TermCode.parse(
                "2025-26-autumn" if status != "applied" else "2026-27-spring"
            ).label,
            status=status,
        )
    ctx["cpd_staff"] = staff
