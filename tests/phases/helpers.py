"""Data for the heat map tests (page, browser): written directly, not through uploads."""

from __future__ import annotations

import datetime as dt

from assessment.models import Attendance, Enrolment, Pupil
from assessment.services import term_get_or_create
from phases.models import TermCompletion
from phases.pipeline import recompute_run
from phases.services import judgement_record
from trust_si.accounts.roles import Role


def pupils_and_absence(
    tw, academy, term_code, prefix, missed, count=10, disadvantaged=3, complete=True
):
    """Pupils, enrolments and attendance written directly (the upload pipeline has its own tests).

    A handful of pupils stands for a whole school here, so the term is marked complete for the
    academy (as a leader would) unless `complete` is False: a partial term never moves a phase.
    """
    with tw.scope():
        term = term_get_or_create(trust=tw.trust, code=term_code)
        if complete:
            TermCompletion.objects.get_or_create(
                trust=tw.trust, academy=academy, term_code=term_code
            )
        for i in range(count):
            pupil, _ = Pupil.objects.get_or_create(trust=tw.trust, key=f"{prefix}{i:04d}")
            Enrolment.objects.get_or_create(
                trust=tw.trust,
                pupil=pupil,
                academic_year=term.academic_year,
                defaults={
                    "academy": academy,
                    "year_group": "6",
                    "disadvantaged": i < disadvantaged,
                    "sex": "F" if i % 2 else "M",
                    "prior_band": "middle",
                },
            )
            Attendance.objects.update_or_create(
                trust=tw.trust,
                pupil=pupil,
                term=term,
                defaults={"academy": academy, "sessions_possible": 100, "sessions_missed": missed},
            )


def map_two_terms(world):
    """Alpha with two terms of attendance for its first academy and a judgement, recomputed."""
    a = world.a
    pupils_and_absence(a, a.academies[0], "2025-26-spring", "A", missed=4)
    with a.scope():
        recompute_run(trust=a.trust)
    pupils_and_absence(a, a.academies[0], "2025-26-summer", "A", missed=15)
    with a.scope():
        judgement_record(
            actor=a.user(Role.IMPROVEMENT_OFFICER),
            academy=a.academies[0],
            area="curriculum_teaching",
            grade="needs_attention",
            judged_on=dt.date.today() - dt.timedelta(days=5),
            source="direct",
        )
        recompute_run(trust=a.trust)
    return world
