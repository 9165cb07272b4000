"""Demo: a year of visits, judgements and actions that fit each academy's strength."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from trust_si.accounts.models import Membership
from visits.models import Visit
from visits.services import (
    action_create,
    action_update,
    programme_generate,
    visit_autosave,
    visit_create,
    visit_publish,
    visit_respond,
    visit_types_ensure,
)

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


AREAS = [
    "curriculum_teaching",
    "achievement",
    "attendance_behaviour",
    "leadership_governance",
    "inclusion",
    "personal_development",
]
# Actions an officer would leave, each with the year groups it needs ((0 = Reception): every
# one of them taught), so a high school is never asked to embed phonics in Reception.
ACTIONS: list[tuple[str, tuple[int, ...]]] = [
    (
        "Embed the new phonics programme in Reception and Year 1, with weekly fidelity checks",
        (0, 1),
    ),
    ("Moderate Year 6 writing with the partner school and record the agreed judgements", (6,)),
    ("Moderate Year 4 writing with a partner school and record the agreed judgements", (4,)),
    ("Screen every new Year 7 pupil's reading age and start catch-up groups by October", (7,)),
    ("Track Year 11 mock grades in English and maths and plan support at the grade 4 line", (11,)),
    (
        "Tighten the follow-up of persistent absence: daily first-day calls and fortnightly reviews",
        (),
    ),
    ("Refresh the SEND register and review every pupil's support plan with parents", ()),
    ("Subject leaders to complete a deep dive in maths and share findings with governors", ()),
    ("Rewrite the behaviour policy with staff and pupils and relaunch it after half term", ()),
]
SPECIAL_ACTIONS = [
    "Review each pupil's EHCP outcomes with families and therapists before the annual reviews",
    "Map the communication and interaction curriculum to each pupil's EHCP targets",
]


def teaches_year(academy: Any, year: int) -> bool:
    """Year groups by age on 31 August: Reception (0) at 4, Year n at n + 4; the academy's
    range is [age_low, age_high)."""
    return academy.age_low <= year + 4 < academy.age_high


def actions_for(academy: Any) -> list[str]:
    """The demo actions that fit the academy's phase of education and year groups."""
    fitting = [text for text, years in ACTIONS if all(teaches_year(academy, y) for y in years)]
    if academy.phase_of_education in ("special", "alternative_provision"):
        fitting = [*SPECIAL_ACTIONS, *fitting[-4:]]
    return fitting


def _grade(strength: float, rng: random.Random) -> str:
    s = strength + rng.uniform(-0.12, 0.12)
    if s >= 0.78:
        return "strong_standard"
    if s >= 0.5:
        return "expected_standard"
    if s >= 0.3:
        return "needs_attention"
    return "urgent_improvement"


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    if Visit.objects.exists():
        return  # idempotent: the demo's visits are made once
    rng = random.Random(f"visits-{trust.slug}")
    types = {t.code: t for t in visit_types_ensure(trust=trust)}
    officer = ctx["users"]["improvement_officer"]
    admin = ctx["users"]["trust_admin"]
    admin_membership = Membership.objects.get(user=admin)
    head = ctx["users"]["school_staff"]
    strength = ctx.get("strength", {})
    academies = ctx["academies"]
    weakest = min(academies, key=lambda a: strength.get(a.pk, 0.5))
    start = dt.date(2025, 9, 15)
    today = dt.date.today()
    for academy in academies:
        s = strength.get(academy.pk, 0.5)
        count = 3 if s >= 0.75 else 5 if s >= 0.45 else 8
        for n in range(count):
            date = start + dt.timedelta(days=int(n * 430 / count) + rng.randint(0, 9))
            code = rng.choice(
                [
                    "teaching_learning",
                    "book_scrutiny",
                    "learning_walk",
                    "pupil_voice",
                    "send",
                    "governance",
                ]
            )
            if n == 0:
                code = "safeguarding"
            visit = visit_create(
                actor=officer,
                academy=academy,
                visit_type=types[code],
                date=date,
                officers=[officer],
            )
            judged = rng.sample(AREAS, 3)
            judgements = {area: _grade(s, rng) for area in judged}
            if code == "safeguarding":
                judgements["safeguarding"] = (
                    "not_met" if academy == weakest and trust.slug == "northmoor" else "met"
                )
            visit_autosave(
                actor=officer,
                membership=admin_membership,
                visit=visit,
                data={
                    "focus_areas": f"{types[code].name}: {', '.join(a.replace('_', ' ') for a in judged)}",
                    "evidence": "Lesson visits, work scrutiny in three year groups, conversations with pupils and leaders.",
                    "strengths": "Pupils are polite and keen to talk about their learning."
                    if s >= 0.5
                    else "Leaders know the school's weaknesses.",
                    "areas_for_development": "Consistency of teaching across classes."
                    if s >= 0.5
                    else "Weak outcomes in reading and high absence.",
                },
                judgements=judgements,
            )
            if date > today:
                continue  # planned, not yet visited: stays a draft
            visit_publish(actor=officer, membership=admin_membership, visit=visit)
            for k in range(1 if s >= 0.6 else 2):
                due = date + dt.timedelta(days=35 + 7 * k)
                action = action_create(
                    actor=officer,
                    visit=visit,
                    description=rng.choice(actions_for(academy)),
                    owner="Head teacher" if k == 0 else "Deputy head",
                    due_on=due,
                )
                if due < today - dt.timedelta(days=20) and rng.random() < (
                    0.85 if s >= 0.5 else 0.55
                ):
                    action_update(actor=officer, action=action, data={"status": "done"})
            if academy == academies[0] and rng.random() < 0.7:
                visit_respond(
                    actor=head,
                    visit=visit,
                    response="Thank you: the actions are in our plan and governors have seen them.",
                )
    programme_generate(actor=admin, trust=trust, academic_year="2026-27", academies=academies)
