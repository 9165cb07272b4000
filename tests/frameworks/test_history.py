"""A pupil's writing judgements follow them across the trust's schools (the pseudonymous pupil
key the uploads use): the history a high school reads holds the middle school's judgements."""

from __future__ import annotations

import pytest

from assessment.frameworks.models import TeacherJudgement
from assessment.frameworks.selectors import pupil_history
from tests.frameworks.test_frameworks import published
from tests.kpis.data import pupil, term

pytestmark = pytest.mark.django_db


def test_a_pupils_judgements_from_every_school_of_the_trust_oldest_first(world):
    tw = world.a
    y8, y9 = published(tw, year="8"), published(tw, year="9")
    middle, high = tw.academies[0], tw.academies[1]
    last_year, this_year = term(tw, "2024-25-summer"), term(tw, "2025-26-autumn")
    with tw.scope():
        me, other = pupil(tw, 1), pupil(tw, 2)
        for academy, t, year, version, level in (
            (high, this_year, "9", y9, "EXS"),  # created first, shown last
            (middle, last_year, "8", y8, "GDS"),
        ):
            TeacherJudgement.objects.create(
                trust=tw.trust,
                pupil=me,
                academy=academy,
                term=t,
                subject="writing",
                year_group=year,
                version=version,
                independence="independent",
                proposed=level,
                level=level,
            )
        history = pupil_history(
            trust_id=tw.trust.pk, pupil_ids=[me.pk, other.pk], subject="writing"
        )
        assert [(j.academy_id, j.year_group, j.level) for j in history[me.pk]] == [
            (middle.pk, "8", "GDS"),
            (high.pk, "9", "EXS"),
        ]
        assert history[other.pk] == []
        assert pupil_history(trust_id=tw.trust.pk, pupil_ids=[me.pk], subject="reading") == {
            me.pk: []
        }
    # Another trust's query for the same pupil ids finds nothing.
    with world.b.scope():
        assert pupil_history(trust_id=world.b.trust.pk, pupil_ids=[me.pk], subject="writing") == {
            me.pk: []
        }
