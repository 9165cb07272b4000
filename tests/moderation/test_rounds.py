"""Rounds: the sample, the blind flow (by page and by API), agreement, the leader's agreed
judgement, comparative judgement, and the governor report's moderation section."""

from __future__ import annotations

import pytest
from django.urls import reverse

from moderation.models import SampleItem
from moderation.selectors import moderation_summary_for_report, round_outcome
from moderation.services import (
    ModerationRefused,
    comparison_record,
    item_agree,
    review_submit,
    round_close,
    round_sample_draw,
)
from reporting.sources import moderation_section
from trust_si.accounts.roles import Role

from .helpers import open_round

pytestmark = pytest.mark.django_db
OFFICER, ADMIN, LEADER = Role.IMPROVEMENT_OFFICER, Role.TRUST_ADMIN, Role.TRUST_LEADER


def test_sample_is_drawn_once_per_school_at_least_three(world):
    round_ = open_round(world.a)
    with world.a.scope():
        items = list(SampleItem.objects.filter(round=round_))
        per_school = {a.pk: sum(i.academy_id == a.pk for i in items) for a in world.a.academies}
        assert set(per_school.values()) == {3}  # 15% of 12 is under the minimum of 3
        assert {i.school_level for i in items} == {"WTS", "EXS", "GDS"}
        with pytest.raises(ModerationRefused):
            round_sample_draw(actor=None, round_=round_)


def test_blind_review_rules(world):
    round_ = open_round(world.a)
    officer = world.a.user(OFFICER)
    with world.a.scope():
        own = SampleItem.objects.filter(round=round_, academy=world.a.academies[0]).first()
        other = SampleItem.objects.filter(round=round_, academy=world.a.academies[1]).first()
        with pytest.raises(ModerationRefused):
            review_submit(actor=officer, item=own, level="EXS", secure=[])
        review_submit(actor=officer, item=other, level="EXS", secure=["EXS1"])
        with pytest.raises(ModerationRefused):
            review_submit(actor=officer, item=other, level="GDS", secure=[])
        with pytest.raises(ModerationRefused):  # not a moderator of the round
            review_submit(actor=world.a.user(Role.SCHOOL_STAFF), item=other, level="EXS", secure=[])


def test_blind_page_hides_the_school_and_its_judgement_until_submitted(world, client_for):
    round_ = open_round(world.a)
    officer = world.a.user(OFFICER)
    with world.a.scope():
        item = SampleItem.objects.filter(round=round_, academy=world.a.academies[1]).first()
        school = item.academy.name
    client = client_for(officer)
    url = reverse(
        "moderation:review",
        kwargs={"trust_slug": world.a.slug, "pk": round_.pk, "number": item.number},
    )
    page = client.get(url).content.decode()
    assert school not in page and "School's judgement" not in page
    assert f"Piece {item.number}" in page
    api = client.get(
        reverse("moderation_api:review-queue", kwargs={"trust_slug": world.a.slug, "pk": round_.pk})
    ).json()["results"]
    assert api and all("school_level" not in row and "academy" not in row for row in api)
    assert school not in str(api)
    answer = client.post(url, {"level": "GDS", "secure": ["EXS1"]})
    assert answer.status_code in (200, 302)
    after = client.get(url).content.decode()
    assert (school in after and "School&#x27;s judgement" in after) or "School's judgement" in after


def test_agreement_and_the_leader_settles_disagreements(world):
    round_ = open_round(world.a)
    admin, leader = world.a.user(ADMIN), world.a.user(LEADER)
    with world.a.scope():
        items = list(SampleItem.objects.filter(round=round_).order_by("number"))
        # The admin agrees with four schools' judgements and is one level lower on two.
        for item in items[:4]:
            review_submit(actor=admin, item=item, level=item.school_level, secure=[])
        lower = {"GDS": "EXS", "EXS": "WTS", "WTS": "WTS"}
        disputed = [i for i in items if i.school_level != "WTS"][-2:]
        for item in disputed:
            if item in items[:4]:
                continue
            review_submit(actor=admin, item=item, level=lower[item.school_level], secure=[])
        outcome = round_outcome(round_)
        assert outcome.moderated == 4 and outcome.awaiting_second >= 1
        assert outcome.overall.exact_pct == 100.0
        with pytest.raises(ModerationRefused):  # a single moderator cannot settle their own case
            item_agree(actor=admin, item=disputed[-1], level="EXS", reason="x")
        item_agree(
            actor=leader,
            item=disputed[-1],
            level=lower[disputed[-1].school_level],
            reason="Discussed",
        )
        outcome = round_outcome(round_)
        assert outcome.moderated == 5
        assert outcome.overall.generous == 1 and outcome.overall.exact_pct == pytest.approx(80.0)
        round_close(actor=leader, round_=round_)
        academy = disputed[-1].academy
        section = moderation_section(
            trust=world.a.trust, academy=academy, term_code="2025-26-summer"
        )
        assert section["rows"] and "agreed" in section["rows"][0]["agreement"]
        assert "small sample" in section["rows"][0]["agreement"]
        # The other trust's report knows nothing of it.
    with world.b.scope():
        assert (
            moderation_summary_for_report(
                trust=world.b.trust, academy=world.b.academies[0], term_code="2025-26-summer"
            )
            is None
        )


def test_comparative_round_records_choices_and_fits_a_scale(world):
    round_ = open_round(world.a, method="comparative")
    admin = world.a.user(ADMIN)
    with world.a.scope():
        from moderation.selectors import cj_next_pair, cj_result

        for _ in range(8):
            left, right = cj_next_pair(round_, admin)
            better = left if left.school_level >= right.school_level else right
            comparison_record(
                actor=admin, round_=round_, winner=better, loser=right if better is left else left
            )
        result = cj_result(round_)
        assert result.comparisons == 8 and len(result.scale.scores) == len(result.items)
        with pytest.raises(ModerationRefused):
            comparison_record(actor=admin, round_=round_, winner=left, loser=left)
