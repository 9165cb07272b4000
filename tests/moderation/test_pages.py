"""The round create page (the sample drawn by the service) and the settle-a-disagreement page."""

from __future__ import annotations

from django.urls import reverse

from assessment.services import term_get_or_create
from moderation.models import Round, RoundStatus, SampleItem
from moderation.services import review_submit
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

from .helpers import TERM, judgements, moderation_visit, open_round

LOWER = {"GDS": "EXS", "EXS": "WTS", "WTS": "EXS"}


def _url(name, tw, **kwargs):
    return reverse(name, kwargs={"trust_slug": tw.slug, **kwargs})


def test_round_create_draws_the_sample_and_opens_the_round(world, client_for):
    judgements(world.a, per_school=10)
    with world.a.scope():
        term = term_get_or_create(trust=world.a.trust, code=TERM)
    officer = world.a.user(Role.IMPROVEMENT_OFFICER)
    client = client_for(officer)
    rounds = client.get(_url("moderation:rounds", world.a)).content.decode()
    assert _url("moderation:round_create", world.a) in rounds
    staff_rounds = client_for(world.a.user(Role.SCHOOL_STAFF)).get(
        _url("moderation:rounds", world.a)
    )
    assert _url("moderation:round_create", world.a) not in staff_rounds.content.decode()
    form = {
        "name": "Summer Y6 writing",
        "term": term.pk,
        "subject": "writing",
        "year_groups": ["6"],
        "academies": [world.a.academies[0].pk],
        "method": "blind",
        "share": "20",
        "minimum": "3",
    }
    # Year 2 has no judgements: refused in words, and no round is left behind.
    refused = client.post(_url("moderation:round_create", world.a), {**form, "year_groups": ["2"]})
    assert refused.status_code == 400
    assert "no teacher judgements" in refused.content.decode()
    bad = client.post(_url("moderation:round_create", world.a), {**form, "share": "0"})
    assert bad.status_code == 400
    with world.a.scope():
        assert not Round.objects.exists()
    answer = client.post(_url("moderation:round_create", world.a), form)
    assert answer.status_code == 302
    with world.a.scope():
        round_ = Round.objects.get()
        items = list(SampleItem.objects.filter(round=round_))
        assert round_.status == RoundStatus.OPEN and round_.leader == officer
        assert round_.share == 0.2 and round_.year_groups == ["6"]
        # 20% of 10 is 2, so the minimum of 3 applies; only the chosen academy.
        assert len(items) == 3 and {i.academy_id for i in items} == {world.a.academies[0].pk}
    assert answer.url == _url("moderation:round", world.a, pk=round_.pk)
    # School staff do not set rounds up.
    staff = client_for(world.a.user(Role.SCHOOL_STAFF))
    assert staff.get(_url("moderation:round_create", world.a)).status_code == 403


def test_leader_settles_a_disagreement_with_a_reason(world, client_for):
    round_ = open_round(world.a)
    admin, leader = world.a.user(Role.TRUST_ADMIN), world.a.user(Role.TRUST_LEADER)
    with world.a.scope():
        item = SampleItem.objects.filter(round=round_).order_by("number").first()
        review_submit(actor=admin, item=item, level=LOWER[item.school_level], secure=[])
    client = client_for(leader)
    page = client.get(_url("moderation:round", world.a, pk=round_.pk)).content.decode()
    agree_url = _url("moderation:item_agree", world.a, pk=round_.pk, number=item.number)
    assert "Disagreements to settle" in page and agree_url in page
    form = client.get(agree_url).content.decode()
    assert item.get_school_level_display() in form and item.academy.name in form
    no_reason = client.post(agree_url, {"level": "EXS", "reason": ""})
    assert no_reason.status_code == 400
    answer = client.post(agree_url, {"level": LOWER[item.school_level], "reason": "Discussed"})
    assert answer.status_code == 302
    with world.a.scope():
        item.refresh_from_db()
        assert item.agreed_level == LOWER[item.school_level] and item.agreed_by == leader
        assert item.agreed_reason == "Discussed"
        assert AuditEvent.objects.filter(action="moderation.agree").exists()
    after = client.get(_url("moderation:round", world.a, pk=round_.pk)).content.decode()
    assert agree_url not in after
    # The officer moderates the round blind and has not judged the piece: no school judgement.
    officer = client_for(world.a.user(Role.IMPROVEMENT_OFFICER))
    assert officer.get(agree_url).status_code == 403


def test_a_moderation_visit_links_to_the_round_and_others_are_refused(world, client_for):
    tw = world.a
    round_ = open_round(tw)
    visit = moderation_visit(tw, tw.academies[1])
    review_visit = moderation_visit(tw, tw.academies[1], day=14, code="book_scrutiny")
    leader = client_for(tw.user(Role.TRUST_LEADER))
    page = leader.get(_url("moderation:round", tw, pk=round_.pk)).content.decode()
    assert "No moderation visits linked to this round." in page
    # Only cross-school moderation visits are offered.
    assert f'<option value="{visit.pk}">' in page
    assert f'<option value="{review_visit.pk}">' not in page
    answer = leader.post(_url("moderation:visit_link", tw, pk=round_.pk), {"visit": visit.pk})
    assert answer.status_code == 302
    page = leader.get(_url("moderation:round", tw, pk=round_.pk)).content.decode()
    assert "linked." in page and "12 June 2026" in page
    assert "count against its commission" in page
    with tw.scope():
        assert list(Round.objects.get(pk=round_.pk).visits.all()) == [visit]
        assert AuditEvent.objects.filter(action="moderation_round.visit").count() == 1
    # A book scrutiny is not a moderation visit: refused in words, nothing linked.
    leader.post(_url("moderation:visit_link", tw, pk=round_.pk), {"visit": review_visit.pk})
    page = leader.get(_url("moderation:round", tw, pk=round_.pk)).content.decode()
    assert "not a cross-school moderation visit" in page
    with tw.scope():
        assert Round.objects.get(pk=round_.pk).visits.count() == 1
    # School staff cannot link; the other trust's visit is not found.
    staff = client_for(tw.user(Role.SCHOOL_STAFF))
    assert (
        staff.post(_url("moderation:visit_link", tw, pk=round_.pk), {"visit": visit.pk}).status_code
        == 403
    )
    foreign = moderation_visit(world.b, world.b.academies[0])
    assert (
        leader.post(
            _url("moderation:visit_link", tw, pk=round_.pk), {"visit": foreign.pk}
        ).status_code
        == 404
    )
