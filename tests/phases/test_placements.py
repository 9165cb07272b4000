"""Placements: recompute from evidence, idempotence, confirm/override with history, triggers."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from phases.models import HeatmapRow, Placement, RecomputeJob
from phases.pipeline import recompute_run
from phases.services import judgement_record, placement_decide
from tests.conftest import wait_for
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _judge(tw, area, grade, days_ago=10):
    return judgement_record(
        actor=tw.user(Role.IMPROVEMENT_OFFICER),
        academy=tw.academies[0],
        area=area,
        grade=grade,
        judged_on=dt.date.today() - dt.timedelta(days=days_ago),
        source="direct",
    )


def test_recompute_places_on_judgements_and_is_idempotent(world):
    a = world.a
    with a.scope():
        _judge(a, "curriculum_teaching", "strong_standard")
        _judge(a, "leadership_governance", "exceptional")
        recompute_run(trust=a.trust)
        first = Placement.objects.get(academy=a.academies[0], subject="")
        # Judgements alone never reach Sustain: it needs outcomes above national (seed 004).
        assert first.proposed_phase == "improve"
        assert first.reasons[-1]["rule"] == "sustain_needs_outcomes_above_national"
        recompute_run(trust=a.trust)
        assert Placement.objects.filter(academy=a.academies[0], subject="").count() == 1


def test_safeguarding_not_met_moves_to_stabilise_and_history_is_kept(world):
    a = world.a
    with a.scope():
        _judge(a, "curriculum_teaching", "strong_standard")
        _judge(a, "leadership_governance", "strong_standard")
        recompute_run(trust=a.trust)
        placement_decide(
            actor=a.user(Role.TRUST_LEADER),
            placement=Placement.objects.get(academy=a.academies[0], subject=""),
        )
        _judge(a, "safeguarding", "not_met", days_ago=1)
        recompute_run(trust=a.trust)
        history = list(Placement.objects.filter(academy=a.academies[0], subject=""))
        assert [p.proposed_phase for p in history] == ["stabilise", "improve"]
        assert history[1].status == "confirmed"
        assert "Safeguarding judged not met" in history[0].reasons[0]["text"]


def test_override_needs_a_rationale(world):
    a = world.a
    with a.scope():
        _judge(a, "curriculum_teaching", "expected_standard")
        _judge(a, "achievement", "expected_standard")
        recompute_run(trust=a.trust)
        placement = Placement.objects.get(academy=a.academies[0], subject="")
        with pytest.raises(ValidationError):
            placement_decide(actor=a.user(Role.TRUST_LEADER), placement=placement, phase="repair")
        decided = placement_decide(
            actor=a.user(Role.TRUST_LEADER),
            placement=placement,
            phase="repair",
            rationale="New head from January",
        )
        assert decided.status == "overridden" and decided.phase == "repair"


def test_a_judgement_requests_a_recompute_on_commit(world, django_capture_on_commit_callbacks):
    a = world.a
    with a.scope(), django_capture_on_commit_callbacks(execute=True):
        _judge(a, "curriculum_teaching", "needs_attention")
        _judge(a, "achievement", "needs_attention")
    with a.scope():
        assert RecomputeJob.objects.filter(status="done").exists()
        assert Placement.objects.get(academy=a.academies[0], subject="").proposed_phase == "repair"
    with world.b.scope():
        assert not Placement.objects.exists()


def test_recompute_command(world):
    out = StringIO()
    call_command("recompute", "--trust", "alpha", "--sync", stdout=out)
    assert "Recomputed 2 academies of alpha" in out.getvalue()


def test_placements_page_and_api(world, client_for):
    a = world.a
    with a.scope():
        _judge(a, "curriculum_teaching", "strong_standard")
        _judge(a, "achievement", "strong_standard")
        recompute_run(trust=a.trust)
    leader = client_for(a.user(Role.TRUST_LEADER))
    page = leader.get("/t/alpha/placements/").content.decode()
    assert "Improve" in page and a.academies[0].name in page
    rows = leader.get("/api/v1/t/alpha/placements/").json()["results"]
    row = next(r for r in rows if r["urn"] == a.academies[0].urn)
    assert row["proposed"]["proposed_phase"] == "improve"
    assert any(reason["rule"] == "judgement" for reason in row["proposed"]["reasons"])


@pytest.mark.worker
def test_committed_upload_changes_the_placement_through_a_real_worker(
    world, celery_worker_process, settings
):
    """Upload, confirm, and the worker recomputes the academy's placement from the new data."""
    from assessment.services import (
        term_get_or_create,
        upload_confirm,
        upload_create,
        upload_validate,
    )

    a = world.a
    upns = [f"A{n:012d}" for n in range(1, 11)]
    with a.scope():
        # A junior school of 10: the upload of all 10 pupils is a complete term (a partial
        # term would never move the phase).
        type(a.academies[0]).objects.filter(pk=a.academies[0].pk).update(
            age_low=7, age_high=11, pupils_on_roll=10
        )
        _judge(a, "curriculum_teaching", "expected_standard")
        term = term_get_or_create(trust=a.trust, code="2025-26-summer")
        pupils = upload_validate(
            upload=upload_create(
                actor=a.user(Role.SCHOOL_STAFF),
                academy=a.academies[0],
                term=term,
                kind="pupils",
                name="p.csv",
                content=(
                    "upn,year_group,disadvantaged,send,eal,sex,prior_band\n"
                    + "".join(f"{u},6,N,N,N,F,middle\n" for u in upns)
                ).encode(),
            )
        )
        upload_confirm(actor=a.user(Role.SCHOOL_STAFF), upload=pupils)
        absence = upload_validate(
            upload=upload_create(
                actor=a.user(Role.SCHOOL_STAFF),
                academy=a.academies[0],
                term=term,
                kind="attendance",
                name="a.csv",
                content=(
                    "upn,sessions_possible,sessions_missed\n"
                    + "".join(f"{u},100,30\n" for u in upns)
                ).encode(),
            )
        )
        upload_confirm(actor=a.user(Role.SCHOOL_STAFF), upload=absence)

    def placed_on_attendance():
        with a.scope():
            placement = Placement.objects.filter(academy=a.academies[0], subject="").first()
        if placement and any(
            r["evidence"].get("kpi") == "persistent_absence" for r in placement.reasons
        ):
            return placement
        return None

    placement = wait_for(placed_on_attendance, timeout=90)
    assert placement.proposed_phase in (
        "repair",
        "stabilise",
    )  # 30% absence: far worse than national
    # The same job rewrote the term's heat map: the cell says so in words, and the page shows it.
    with a.scope():
        row = HeatmapRow.objects.get(
            academy=a.academies[0], term_code="2025-26-summer", group="all"
        )
    # The rating in words, then which national figure it is against: DfE's latest for the
    # same term (persistent absence has DfE's termly figures for 2024-25).
    assert row.cell("persistent_absence").rating == (
        "Well above national (worse); latest published: 2024-25, summer term"
    )
    assert row.phase == placement.proposed_phase


def test_a_change_of_phase_notifies_leaders_and_the_academys_officer(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    a = world.a
    with a.scope():
        _judge(a, "curriculum_teaching", "strong_standard")
        _judge(a, "leadership_governance", "strong_standard")
        recompute_run(trust=a.trust)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            _judge(a, "safeguarding", "not_met", days_ago=1)
            recompute_run(trust=a.trust)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert "Improve → Stabilise" in message.subject
        assert set(message.to) == {
            a.user(Role.TRUST_LEADER).email,
            a.user(Role.IMPROVEMENT_OFFICER).email,
        }
        assert world.b.user(Role.TRUST_LEADER).email not in message.to
        mail.outbox.clear()
        placement = Placement.objects.filter(academy=a.academies[0], subject="").first()
        with django_capture_on_commit_callbacks(execute=True):
            placement_decide(
                actor=a.user(Role.TRUST_LEADER),
                placement=placement,
                phase="repair",
                rationale="Safeguarding actions already completed; intensive support instead",
            )
        assert len(mail.outbox) == 1 and "Stabilise → Repair" in mail.outbox[0].subject
        mail.outbox.clear()
        recompute_run(trust=a.trust)  # nothing changed: nobody is emailed again
        assert mail.outbox == []


def test_a_recompute_that_changes_the_phase_says_what_changed_and_since_when(world):
    a = world.a
    with a.scope():
        _judge(a, "curriculum_teaching", "expected_standard")
        _judge(a, "achievement", "expected_standard")
        recompute_run(trust=a.trust)
        first = Placement.objects.get(academy=a.academies[0], subject="")
        _judge(a, "safeguarding", "not_met", days_ago=1)
        recompute_run(trust=a.trust)
        latest = Placement.objects.filter(academy=a.academies[0], subject="").first()
        note = latest.reasons[-1]
        assert note["rule"] == "phase_change"
        assert f"Improve since {first.computed_at:%d %b %Y}, to Stabilise" in note["text"]
        assert "Safeguarding judged not met" in note["text"]
        recompute_run(trust=a.trust)  # idempotent: the note does not make a new row
        assert Placement.objects.filter(academy=a.academies[0], subject="").count() == 2
