"""Support matching: the pure rule (like with like, minimum cohort, capacity) and the brokered
arrangements that use capacity (form, services, pages, API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from academies.models import Academy
from phases.matching import MatchSettings, School, Standing, like_with_like, match
from phases.models import Placement, SupportArrangement
from phases.services import arrangement_create, arrangement_end
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

PRIMARY_TAKER = School(1, "Ash Primary", "primary")
PRIMARY_GIVER = School(2, "Beech Primary", "primary")
FIRST_GIVER = School(3, "Cedar First", "first")
SPECIAL = School(4, "Dale Special", "special")
SECONDARY = School(5, "Elm High", "secondary")
ALL_THROUGH = School(6, "Fir All-through", "all_through")


def st(school, phase, cohort=30, subject="maths"):
    return Standing(school, subject, phase, cohort)


def offers(result, taker_id=1):
    (subject,) = result
    taker = next(t for t in subject.takers if t.taker.id == taker_id)
    return [o.giver.name for o in taker.offers]


def test_special_school_is_never_offered_to_a_mainstream_school():
    result = match([st(PRIMARY_TAKER, "repair"), st(SPECIAL, "sustain", 20)], {})
    assert offers(result) == []
    (taker,) = result[0].takers
    assert "special school, not like for like" in taker.not_offered[0].reason


def test_a_strength_resting_on_a_cohort_below_the_minimum_does_not_count():
    result = match(
        [st(PRIMARY_TAKER, "repair"), st(PRIMARY_GIVER, "sustain", 9)],
        {},
        MatchSettings(min_cohort=15),
    )
    assert offers(result) == []
    assert result[0].giver_count == 0
    assert "9 pupils, fewer than 15" in result[0].not_givers[0].reason


def test_givers_without_capacity_left_are_excluded_and_used_days_count():
    standings = [st(PRIMARY_TAKER, "repair"), st(PRIMARY_GIVER, "sustain")]
    full = match(standings, {(2, "maths"): 10.0}, MatchSettings(days_per_subject=10))
    assert offers(full) == []
    assert "no capacity left: 10 of 10 days" in full[0].not_givers[0].reason
    part = match(standings, {(2, "maths"): 4.0}, MatchSettings(days_per_subject=10))
    (offer,) = part[0].takers[0].offers
    assert offer.days_left == 6.0
    # Capacity used in another subject does not use this one's.
    other = match(standings, {(2, "reading"): 10.0})
    assert offers(other) == ["Beech Primary"]


def test_same_phase_of_education_first_then_most_days_left():
    standings = [
        st(PRIMARY_TAKER, "stabilise"),
        st(FIRST_GIVER, "sustain"),
        st(PRIMARY_GIVER, "sustain"),
        st(ALL_THROUGH, "sustain"),
    ]
    result = match(standings, {(2, "maths"): 8.0})
    # The same phase (primary) first even with fewer days left; then first and all-through
    # (same stage), by days left then name.
    assert offers(result) == ["Beech Primary", "Cedar First", "Fir All-through"]


def test_stages_are_matched_like_with_like():
    assert like_with_like(PRIMARY_TAKER, SECONDARY) == "a different stage of education"
    assert like_with_like(SECONDARY, ALL_THROUGH) is None
    assert like_with_like(PRIMARY_TAKER, ALL_THROUGH) is None
    assert like_with_like(SPECIAL, School(7, "AP", "alternative_provision")) is None
    assert "mainstream" in like_with_like(SPECIAL, PRIMARY_GIVER)


def test_takers_are_stabilise_first_and_a_school_never_gives_to_itself():
    result = match(
        [
            st(PRIMARY_TAKER, "repair"),
            st(School(8, "Ash Two", "primary"), "stabilise"),
            st(PRIMARY_GIVER, "sustain"),
        ],
        {},
    )
    assert [t.taker.name for t in result[0].takers] == ["Ash Two", "Ash Primary"]


def test_criteria_name_their_sources_and_the_trust_settings():
    s = MatchSettings.from_config({"support_matching": {"min_cohort": 12, "days_per_subject": 6}})
    text = " ".join(s.criteria())
    assert "Supporting the improvement journey (Carter model)" in text and "seed 00" not in text
    assert "at least 12 pupils" in text and "6 days" in text


# --- arrangements: services, pages, API ------------------------------------------------------


def _place(tw, academy, phase, subject="maths", cohort=30):
    Placement.objects.create(
        trust=tw.trust,
        academy=academy,
        term_code="2025-26-summer",
        subject=subject,
        proposed_phase=phase,
        reasons=[{"rule": "kpi_vs_national", "level": 4, "evidence": {"cohort": cohort}}],
    )


@pytest.fixture
def pair(world):
    """alpha: a primary taker (Repair in maths) and a primary giver (Sustain, cohort 30)."""
    a = world.a
    with a.scope():
        giver = Academy.objects.create(
            trust=a.trust,
            urn="998001",
            name="Giving Primary",
            phase_of_education="primary",
            age_low=4,
            age_high=11,
        )
        _place(a, a.academies[0], "repair")
        _place(a, giver, "sustain")
    return a, a.academies[0], giver


def _post(client, tw, **overrides):
    today = timezone.localdate()
    data = {
        "giver": overrides.pop("giver"),
        "taker": overrides.pop("taker"),
        "subject": "maths",
        "days": "6",
        "start_on": today.isoformat(),
        "end_on": (today + dt.timedelta(days=60)).isoformat(),
        "notes": "Maths lead practitioner, one day a fortnight",
    }
    data.update(overrides)
    return client.post(f"/t/{tw.slug}/support-matching/arrangements/", data)


@pytest.mark.django_db
def test_leader_records_an_arrangement_that_uses_the_givers_capacity(pair, client_for):
    a, taker, giver = pair
    leader = client_for(a.user(Role.TRUST_LEADER))
    before = leader.get("/t/alpha/support-matching/").content.decode()
    assert "10 of 10 days left" in before
    response = _post(leader, a, giver=giver.pk, taker=taker.pk)
    assert response.status_code == 302
    page = leader.get("/t/alpha/support-matching/").content.decode()
    assert "4 of 10 days left" in page
    assert "Maths lead practitioner, one day a fortnight" in page
    # On each academy's own page (the placement page), given and received.
    for academy in (taker, giver):
        detail = leader.get(f"/t/alpha/placements/{academy.urn}/").content.decode()
        assert "Support given and received" in detail and "Giving Primary" in detail
    with a.scope():
        assert AuditEvent.objects.filter(action="arrangement.create").count() == 1
    # A second arrangement taking the last days: the giver is no longer offered.
    assert _post(leader, a, giver=giver.pk, taker=taker.pk, days="4").status_code == 302
    full = leader.get("/t/alpha/support-matching/").content.decode()
    assert "no capacity left: 10 of 10 days" in full


@pytest.mark.django_db
def test_ending_an_arrangement_frees_its_days(pair, client_for):
    a, taker, giver = pair
    with a.scope():
        arrangement = arrangement_create(
            actor=a.user(Role.TRUST_LEADER),
            giver=giver,
            taker=taker,
            subject="maths",
            days=Decimal("10"),
            start_on=timezone.localdate() - dt.timedelta(days=10),
            end_on=timezone.localdate() + dt.timedelta(days=30),
        )
    leader = client_for(a.user(Role.TRUST_LEADER))
    assert "no capacity left" in leader.get("/t/alpha/support-matching/").content.decode()
    response = leader.post(f"/t/alpha/support-matching/arrangements/{arrangement.pk}/end/")
    assert response.status_code == 302
    page = leader.get("/t/alpha/support-matching/").content.decode()
    assert "10 of 10 days left" in page and "Ended early" in page
    with a.scope():
        arrangement.refresh_from_db()
        assert arrangement.end_on == timezone.localdate()
        again = arrangement_end(actor=a.user(Role.TRUST_LEADER), arrangement=arrangement)
        assert again.status == "ended"
        assert AuditEvent.objects.filter(action="arrangement.end").count() == 1


@pytest.mark.django_db
def test_a_refused_arrangement_keeps_what_was_typed_with_an_error_summary(pair, client_for):
    a, _taker, giver = pair
    leader = client_for(a.user(Role.TRUST_LEADER))
    response = _post(
        leader, a, giver=giver.pk, taker=giver.pk, days="", notes="Typed notes stay here"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_taker"' in page and 'href="#id_days"' in page
    assert "Choose a different academy to receive the support" in page
    assert "Enter the days of support, for example 6." in page
    assert "Typed notes stay here" in page
    assert f'<option value="{giver.pk}" selected>' in page
    with a.scope():
        assert not SupportArrangement.objects.exists()


@pytest.mark.django_db
def test_only_leaders_record_arrangements(pair, client_for):
    a, taker, giver = pair
    officer = client_for(a.user(Role.IMPROVEMENT_OFFICER))
    assert _post(officer, a, giver=giver.pk, taker=taker.pk).status_code == 403
    page = officer.get("/t/alpha/support-matching/").content.decode()
    assert "Record the arrangement" not in page


@pytest.mark.django_db
def test_service_refuses_a_pair_from_two_trusts(world):
    a, b = world.a, world.b
    with a.scope():
        own = a.academies[0]
    with b.scope():
        foreign = b.academies[0]
    with a.scope(), pytest.raises(Exception, match="same trust"):
        arrangement_create(
            actor=a.user(Role.TRUST_LEADER),
            giver=own,
            taker=foreign,
            subject="maths",
            days=Decimal("2"),
            start_on=dt.date(2026, 1, 5),
            end_on=dt.date(2026, 2, 5),
        )


@pytest.mark.django_db
def test_api_lists_and_creates_arrangements(pair, client_for):
    a, taker, giver = pair
    leader = client_for(a.user(Role.TRUST_LEADER))
    url = "/api/v1/t/alpha/support-arrangements/"
    created = leader.post(
        url,
        {
            "giver_urn": giver.urn,
            "taker_urn": taker.urn,
            "subject": "maths",
            "days": "3.5",
            "start_on": "2026-01-05",
            "end_on": "2030-03-27",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["active"] is True
    listed = leader.get(url).json()
    assert listed["count"] == 1
    assert listed["results"][0]["giver"] == "Giving Primary"
    assert listed["results"][0]["days"] == "3.5"
    bad = leader.post(
        url,
        {
            "giver_urn": giver.urn,
            "taker_urn": giver.urn,
            "subject": "maths",
            "days": "2",
            "start_on": "2026-01-05",
            "end_on": "2026-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"taker", "end_on"}
