"""Planning against the real database: half-termly review scheduling and overdue lists,
the self-judgement difference beside a visit, and risk suggestions from the placement engine's
floors and the heat map."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from phases.models import Placement
from phases.services import judgement_record
from planning import selectors, services
from planning.models import Risk, RiskStatus
from planning.schedule import half_term_of, review_schedule
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role

from .helpers import START, make_plan

pytestmark = pytest.mark.django_db


def test_half_terms_follow_the_school_year() -> None:
    assert half_term_of(dt.date(2025, 10, 31)).label == "Autumn 1 2025-26"
    assert half_term_of(dt.date(2025, 11, 1)).label == "Autumn 2 2025-26"
    assert half_term_of(dt.date(2026, 1, 5)).label == "Spring 1 2025-26"


def test_review_schedule_lists_each_unreviewed_half_term_as_overdue() -> None:
    reviews = [dt.date(2025, 10, 15), dt.date(2025, 12, 3)]
    schedule = review_schedule(starts_on=START, reviews=reviews, today=dt.date(2026, 3, 10))
    assert [h.label for h in schedule.owed] == [
        "Autumn 1 2025-26",
        "Autumn 2 2025-26",
        "Spring 1 2025-26",
    ]
    assert [h.label for h in schedule.overdue] == ["Spring 1 2025-26"]
    assert schedule.next_due is not None and schedule.next_due.month in (3, 4)
    # A review this half term clears the next due date; a plan that ended owes nothing after.
    done = review_schedule(
        starts_on=START, reviews=[*reviews, dt.date(2026, 3, 9)], today=dt.date(2026, 3, 10)
    )
    assert done.next_due is None
    ended = review_schedule(
        starts_on=START,
        reviews=reviews,
        today=dt.date(2027, 1, 10),
        ends_on=dt.date(2026, 7, 31),
    )
    assert len(ended.owed) == 6 and ended.next_due is None


def test_overdue_reviews_appear_for_the_trust_and_not_for_another(world) -> None:
    make_plan(world.a, reviews=[dt.date(2025, 10, 15)])
    make_plan(world.b, title="Beta priority", reviews=[])
    with world.a.scope():
        m = Membership.objects.get(user=world.a.user(Role.TRUST_LEADER))
        overdue = selectors.overdue_reviews_for(m, dt.date(2026, 1, 20))
    assert [o["priority"].title for o in overdue] == ["Reading fluency"]
    assert [h.label for h in overdue[0]["overdue"]] == ["Autumn 2 2025-26"]


def test_a_review_in_the_future_or_with_no_evidence_is_refused(world) -> None:
    _plan, priority, _risk = make_plan(world.a)
    with world.a.scope():
        with pytest.raises(ValidationError):
            services.review_record(
                actor=None,
                priority=priority,
                reviewed_on=dt.date.today() + dt.timedelta(days=2),
                rag="on_track",
                evidence="x",
            )
        with pytest.raises(ValidationError):
            services.review_record(
                actor=None, priority=priority, reviewed_on=START, rag="green", evidence="x"
            )
        with pytest.raises(ValidationError):
            services.review_record(
                actor=None, priority=priority, reviewed_on=START, rag="on_track", evidence=" "
            )


def test_self_judgement_is_shown_beside_the_visit_with_the_difference(world) -> None:
    tw = world.a
    make_plan(tw)
    academy = tw.academies[0]
    with tw.scope():
        judgement_record(
            actor=None,
            academy=academy,
            area="achievement",
            grade="expected_standard",
            judged_on=dt.date(2026, 3, 12),
            source="visit",
            source_ref="visits.visit:1",
        )
        rows = selectors.sef_validation(academy, selectors.sef_latest(academy))
        m = Membership.objects.get(user=tw.user(Role.TRUST_LEADER))
        accuracy = selectors.sef_accuracy_for(m)
    [row] = rows
    [comparison] = row["comparisons"]
    assert comparison["text"] == (
        "School judges Strong standard; visit of 12 Mar 2026 judged Expected standard "
        "(one grade more generous)"
    )
    assert not comparison["agrees"]
    assert accuracy[0]["compared"] == 1 and accuracy[0]["generous"] == 1
    assert accuracy[0]["accuracy"] == 0


def test_a_floor_placement_suggests_an_achievement_risk_once_and_a_leader_decides(world) -> None:
    tw = world.a
    academy = tw.academies[0]
    with tw.scope():
        Placement.objects.create(
            trust=tw.trust,
            academy=academy,
            term_code="2025-26-summer",
            proposed_phase="stabilise",
            reasons=[{"text": "KS2 RWM below the floor"}],
        )
        made = services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer")
        assert len(made) == 1
        risk = made[0]
        assert risk.status == RiskStatus.SUGGESTED and risk.category == "achievement"
        assert "KS2 RWM below the floor" in risk.title and "placement engine" in risk.source
        assert services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer") == []
        services.risk_decide(actor=tw.user(Role.TRUST_LEADER), risk=risk, decision="accept")
        risk.refresh_from_db()
        assert risk.status == RiskStatus.OPEN
        assert [h.status for h in risk.history.all()] == ["open", "suggested"]
        with pytest.raises(ValidationError):
            services.risk_decide(actor=None, risk=risk, decision="accept")
    with world.b.scope():
        assert not Risk.objects.exists()


def test_a_needs_attention_heatmap_cell_suggests_a_risk_once_and_a_leader_dismisses_it(
    world,
) -> None:
    from phases.heatmap import Cell, CellKind, CellState, cells_to_json
    from phases.models import HeatmapRow

    tw = world.a
    academy = tw.academies[0]
    weak = Cell(
        column="ks2_rwm_exp",
        kind=CellKind.KPI,
        state=CellState.VALUE,
        rating="Needs attention",
        level=1,
        value=41.0,
        display="41.0%",
        unit="%",
        cohort=30,
    )
    fine = Cell(
        column="ks2_reading_exp",
        kind=CellKind.KPI,
        state=CellState.VALUE,
        rating="Above national",
        level=3,
        value=80.0,
        display="80.0%",
        unit="%",
        cohort=30,
    )
    with tw.scope():
        HeatmapRow.objects.create(
            trust=tw.trust,
            academy=academy,
            term_code="2025-26-summer",
            group="all",
            cells=cells_to_json([weak, fine]),
        )
        made = services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer")
        # Only the weakest-rated cell suggests a risk, achievement, from the heat map, once.
        assert len(made) == 1
        risk = made[0]
        assert risk.status == RiskStatus.SUGGESTED and risk.category == "achievement"
        assert "rated needs attention" in risk.title and risk.likelihood == 3
        assert risk.source == "the heat map, Summer term 2025-26"
        assert services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer") == []
        services.risk_decide(actor=tw.user(Role.TRUST_LEADER), risk=risk, decision="dismiss")
        risk.refresh_from_db()
        assert risk.status == RiskStatus.DISMISSED
    with world.b.scope():
        assert not Risk.objects.exists()


def test_risk_register_page_accepts_a_suggestion(world, client_for) -> None:
    tw = world.a
    with tw.scope():
        Placement.objects.create(
            trust=tw.trust,
            academy=tw.academies[0],
            term_code="2025-26-summer",
            proposed_phase="repair",
            reasons=[],
        )
    client = client_for(tw.user(Role.TRUST_LEADER))
    url = f"/t/{tw.slug}/planning/risks/"
    assert client.post(url, {"action": "suggest"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Suggested from the evidence" in page and "placed in Repair" in page
    with tw.scope():
        risk = Risk.objects.get()
    client.post(f"/t/{tw.slug}/planning/risks/{risk.pk}/decide/", {"decision": "accept"})
    with tw.scope():
        risk.refresh_from_db()
    assert risk.status == "open"
