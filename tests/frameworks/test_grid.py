"""The class grid: says when a year group has no published framework; a row autosaves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.frameworks.models import TeacherJudgement
from assessment.models import Enrolment, Pupil
from tests.moderation.helpers import judgements
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_grid_says_when_there_is_no_framework_and_saves_a_row(world, client_for):
    tw = world.a
    judgements(tw, per_school=1)
    with tw.scope():
        pupil = Pupil.objects.create(trust=tw.trust, key="g" * 64)
        Enrolment.objects.create(
            trust=tw.trust,
            pupil=pupil,
            academy=tw.academies[0],
            academic_year="2025-26",
            year_group="6",
            sex="F",
        )
    client = client_for(tw.user(Role.SCHOOL_STAFF))
    query = {"academy": tw.academies[0].urn, "subject": "writing", "term": "2025-26-summer"}
    url = reverse("frameworks:grid", kwargs={"trust_slug": tw.slug})
    page = client.get(url, {**query, "year": "5"}).content.decode()
    assert "Year 5 has no published writing framework yet" in page
    page = client.get(url, {**query, "year": "6"}).content.decode()
    assert f"Pupil {pupil.key[:8]}" in page and "EXS1" in page
    save = reverse("frameworks:grid_save", kwargs={"trust_slug": tw.slug})
    body = {**query, "year": "6", "pupil": pupil.pk}
    answer = client.post(save, {**body, "secure": ["EXS1"], "level": "GDS"})
    assert answer.status_code == 422 and "give a reason" in answer.content.decode()
    answer = client.post(save, {**body, "secure": ["EXS1"], "level": "GDS", "reason": "Books"})
    assert (
        answer.status_code == 200 and "Saved: Working at greater depth" in answer.content.decode()
    )
    with tw.scope():
        saved = TeacherJudgement.objects.get(pupil=pupil)
        assert (saved.proposed, saved.level, saved.reason) == ("WTS", "GDS", "Books")
