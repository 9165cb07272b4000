"""A moderation round over a framework in the trust's own levels (Emerging / Developing / Secure
/ Mastery): moderators judge in those levels, agreement compares their codes, and Cohen's kappa
and the direction (school generous / severe) read the framework's order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.frameworks.services import judgement_record
from assessment.models import Pupil
from assessment.services import term_get_or_create
from moderation.models import SampleItem
from moderation.sampling import Candidate, draw
from moderation.selectors import round_outcome
from moderation.services import (
    ModerationRefused,
    item_agree,
    moderator_add,
    review_submit,
    round_close,
    round_create,
    round_sample_draw,
)
from tests.frameworks.test_own_levels import TERM, own_levels_published
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
ADMIN, LEADER = Role.TRUST_ADMIN, Role.TRUST_LEADER
SECURE = {"EMG": [], "DEV": ["DEV1"], "SEC": ["DEV1", "SEC1"], "MAS": ["DEV1", "SEC1", "MAS1"]}
# The moderator's judgement of each school's: academy 0 then academy 1.
MODERATED = {
    0: {"EMG": "EMG", "DEV": "DEV", "SEC": "DEV", "MAS": "MAS"},
    1: {"EMG": "EMG", "DEV": "SEC", "SEC": "SEC", "MAS": "SEC"},
}


def own_levels_round(tw):
    """Year 4 in the trust's own levels: one pupil at each level at each academy, all sampled."""
    own_levels_published(tw)
    with tw.scope():
        term = term_get_or_create(trust=tw.trust, code=TERM)
        for a, academy in enumerate(tw.academies):
            for code, secure in SECURE.items():
                pupil = Pupil.objects.create(trust=tw.trust, key=f"{a}-{code}".ljust(64, "o"))
                judgement_record(
                    actor=None,
                    academy=academy,
                    term=term,
                    pupil=pupil,
                    subject="writing",
                    year_group="4",
                    secure=secure,
                )
        round_ = round_create(
            actor=None,
            trust=tw.trust,
            name="Year 4 writing, own levels",
            term=term,
            subject="writing",
            year_groups=["4"],
            academies=list(tw.academies),
            leader=tw.user(LEADER),
            minimum=4,
        )
        moderator_add(actor=None, round_=round_, user=tw.user(ADMIN))
        assert round_sample_draw(actor=None, round_=round_) == 8
        round_.refresh_from_db()
        return round_


def test_a_round_over_own_levels_agrees_by_code_and_reads_their_order(world, client_for):
    tw = world.a
    round_ = own_levels_round(tw)
    admin, leader = tw.user(ADMIN), tw.user(LEADER)
    with tw.scope():
        items = list(SampleItem.objects.filter(round=round_).select_related("academy"))
        assert sorted(i.school_level for i in items) == sorted(["EMG", "DEV", "SEC", "MAS"] * 2)
        first = items[0]
    # The blind form offers the framework's levels by name; a DfE level is refused.
    client = client_for(admin)
    url = reverse(
        "moderation:review", kwargs={"trust_slug": tw.slug, "pk": round_.pk, "number": first.number}
    )
    page = client.get(url).content.decode()
    for name in ("Emerging (EMG)", "Developing (DEV)", "Secure (SEC)", "Mastery (MAS)"):
        assert name in page
    assert "(GDS)" not in page
    refused = client.post(url, {"level": "GDS"})
    assert refused.status_code == 400
    assert "Choose EMG, DEV, SEC or MAS." in refused.content.decode()
    api = reverse(
        "moderation_api:review-submit",
        kwargs={"trust_slug": tw.slug, "pk": round_.pk, "number": first.number},
    )
    by_api = client.post(api, {"level": "GDS", "secure": []}, content_type="application/json")
    assert by_api.status_code == 409 and by_api.json()["detail"] == "Choose EMG, DEV, SEC or MAS."
    with tw.scope():
        position = {a.pk: n for n, a in enumerate(tw.academies)}
        for item in items:
            level = MODERATED[position[item.academy_id]][item.school_level]
            review_submit(actor=admin, item=item, level=level, secure=[])
            if level != item.school_level:  # the leader settles, with the moderator
                with pytest.raises(ModerationRefused, match=r"Choose EMG, DEV, SEC or MAS\."):
                    item_agree(actor=leader, item=item, level="EXS", reason="Discussed")
                item_agree(actor=leader, item=item, level=level, reason="Discussed")
        outcome = round_outcome(round_)
    # Hand-computed: pairs (school, moderated) EMG-EMG, DEV-DEV, SEC-DEV, MAS-MAS, EMG-EMG,
    # DEV-SEC, SEC-SEC, MAS-SEC. Agreed 5 of 8 = 62.5%. Marginals: school 2/2/2/2, moderated
    # EMG 2, DEV 2, SEC 3, MAS 1: p_e = (2*2 + 2*2 + 2*3 + 2*1) / 64 = 0.25;
    # kappa = (0.625 - 0.25) / (1 - 0.25) = 0.5. Generous (school above, in the framework's
    # order EMG < DEV < SEC < MAS): SEC-DEV and MAS-SEC = 2; severe: DEV-SEC = 1.
    overall = outcome.overall
    assert (overall.n, overall.agreed, overall.exact_pct) == (8, 5, 62.5)
    assert overall.kappa == pytest.approx(0.5)
    assert (overall.generous, overall.severe, overall.direction) == (2, 1, "generous")
    school_0, school_1 = (outcome.by_academy[a.pk] for a in tw.academies)
    assert (school_0.agreed, school_0.generous, school_0.severe) == (3, 1, 0)
    assert (school_1.agreed, school_1.generous, school_1.severe, school_1.direction) == (
        2,
        1,
        1,
        "balanced",
    )
    # By the school's judgement, in the framework's order.
    assert list(outcome.by_level) == ["EMG", "DEV", "SEC", "MAS"]
    assert [a.agreed for a in outcome.by_level.values()] == [2, 1, 1, 1]
    with tw.scope():
        round_close(actor=leader, round_=round_)
    detail = client_for(leader).get(
        reverse("moderation:round", kwargs={"trust_slug": tw.slug, "pk": round_.pk})
    )
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "5 of 8 agreed (62%)" in body and "Mastery" in body and "Emerging" in body
    # The agreed judgement shows in the framework's words on the piece's page.
    disputed = next(i for i in items if position[i.academy_id] == 0 and i.school_level == "SEC")
    piece = client_for(leader).get(
        reverse(
            "moderation:review",
            kwargs={"trust_slug": tw.slug, "pk": round_.pk, "number": disputed.number},
        )
    )
    assert "Secure (SEC)" in piece.content.decode()
    assert "Developing: Discussed" in piece.content.decode()


def test_a_trusts_greater_depth_level_is_over_sampled_like_gds():
    candidates = [Candidate(n, 1, "SEC") for n in range(20)]
    candidates += [Candidate(100 + n, 1, "MAS") for n in range(10)]
    plain = draw(candidates, seed=3, share=0.3)
    deep = draw(candidates, seed=3, share=0.3, deep=frozenset({"MAS"}))
    assert len(plain) == len(deep) == 9
    assert sum(i >= 100 for i in plain) == 3  # by size alone
    assert sum(i >= 100 for i in deep) == 5  # greater depth counted twice
