"""A pupil's writing judgements follow them across the trust's schools (the pseudonymous pupil
key the uploads use): the history a high school reads holds the middle school's judgements."""

from __future__ import annotations

import re

import pytest

from assessment.frameworks.models import TeacherJudgement
from assessment.frameworks.selectors import pupil_history
from tests.frameworks.test_frameworks import published
from tests.kpis.data import pupil, pupils, term
from trust_si.accounts.roles import Role

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


def _judge(tw, who, academy, t, year, version, level, **extra):
    with tw.scope():
        return TeacherJudgement.objects.create(
            trust=tw.trust,
            pupil=who,
            academy=academy,
            term=t,
            subject="writing",
            year_group=year,
            version=version,
            independence=extra.get("independence", "independent"),
            source_subject=extra.get("source_subject", ""),
            proposed=level,
            level=level,
        )


def test_the_high_school_reads_its_year_9s_writing_history_from_the_middle_school(
    world, client_for
):
    tw = world.a
    y8, y9 = published(tw, year="8"), published(tw, year="9")
    high, middle = tw.academies[0], tw.academies[1]  # school staff cover academies[0]
    last_year, this_year = term(tw, "2024-25-summer"), term(tw, "2025-26-autumn")
    # Pupil 1 moved up from the middle school to the high school; pupil 2 went the other way
    # (left the high school): the high school's staff may read the first, not the second.
    pupils(tw, [(1, "8", False, "F", ""), (2, "8", False, "M", "")], year="2024-25", academy=middle)
    pupils(tw, [(1, "9", False, "F", "")], year="2025-26", academy=high)
    pupils(tw, [(2, "9", False, "M", "")], year="2025-26", academy=middle)
    pupils(tw, [(2, "8", False, "M", "")], year="2024-25", academy=high)
    me, left = pupil(tw, 1), pupil(tw, 2)
    _judge(tw, me, high, this_year, "9", y9, "EXS", source_subject="history")
    _judge(tw, me, middle, last_year, "8", y8, "GDS", independence="scaffolded")
    _judge(tw, left, high, last_year, "8", y8, "WTS")

    staff = client_for(tw.user(Role.SCHOOL_STAFF))
    url = f"/t/{tw.slug}/judgements/pupils/{me.key}/"
    page = staff.get(url)
    assert page.status_code == 200
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page.content.decode(), re.S)
    text = [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows[1:]]
    assert text == [
        f"Summer term 2024-25 {middle.name} Year 8 Year 8 writing, version 1 "
        "Working at greater depth Scaffolded work only Not recorded",
        f"Autumn term 2025-26 {high.name} Year 9 Year 9 writing, version 1 "
        "Working at the expected standard Independent writing History",
    ]
    assert "2 judgements from 2 schools" in page.content.decode()
    # The API gives the same rows, oldest first, with words beside the codes.
    api = staff.get(f"/api/v1/t/{tw.slug}/pupils/{me.key}/teacher-judgements/").json()
    assert [(j["school"], j["term_label"], j["level_label"]) for j in api["judgements"]] == [
        (middle.name, "Summer term 2024-25", "Working at greater depth"),
        (high.name, "Autumn term 2025-26", "Working at the expected standard"),
    ]
    # The class grid links each pupil to their history.
    grid = staff.get(
        f"/t/{tw.slug}/judgements/grid/",
        {"academy": high.urn, "year": "9", "subject": "writing", "term": "2025-26-autumn"},
    )
    assert f"/t/{tw.slug}/judgements/pupils/{me.key}/?subject=writing" in grid.content.decode()
    # A pupil no longer on the high school's roll: not for its staff; the trust's leaders and
    # officers follow any pupil; governors never see pupil-level data.
    assert staff.get(f"/t/{tw.slug}/judgements/pupils/{left.key}/").status_code == 404
    for role in (Role.TRUST_LEADER, Role.IMPROVEMENT_OFFICER):
        answer = client_for(tw.user(role)).get(f"/t/{tw.slug}/judgements/pupils/{left.key}/")
        assert answer.status_code == 200 and "Working towards" in answer.content.decode()
    assert client_for(tw.user(Role.GOVERNOR)).get(url).status_code == 403
    # Another trust's member: 404 under either trust's address.
    other = client_for(world.b.user(Role.TRUST_LEADER))
    assert other.get(url).status_code == 404
    assert other.get(f"/t/{world.b.slug}/judgements/pupils/{me.key}/").status_code == 404
