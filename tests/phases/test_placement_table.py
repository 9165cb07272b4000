"""The Placements page's rows (`placement_table_for`, issue 17) say what the full rows did."""

from __future__ import annotations

import datetime as dt

import pytest

from phases import selectors
from phases.config import phase_names
from phases.models import Placement
from phases.pipeline import recompute_run
from phases.services import judgement_record, placement_decide
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.vocab import words

pytestmark = pytest.mark.django_db


def _judge(tw, academy, area, grade, days_ago=10):
    judgement_record(
        actor=tw.user(Role.IMPROVEMENT_OFFICER),
        academy=academy,
        area=area,
        grade=grade,
        judged_on=dt.date.today() - dt.timedelta(days=days_ago),
        source="direct",
    )


def _expected(membership):
    """The page's columns as the template read them from the full rows and phases_in_force."""
    names = phase_names(membership.trust.config)
    rows = selectors.placement_rows_for(membership)
    out = []
    for r in rows:
        d, p = r["decided"], r["latest"]
        out.append(
            {
                "href": f"/t/{membership.trust.slug}/placements/{r['academy'].urn}/",
                "name": r["academy"].name,
                "decided": d
                and {
                    "phase": d.phase,
                    "label": names.get(d.decided_phase),
                    "status": d.get_status_display().lower(),
                },
                "latest": p
                and {
                    "phase": p.proposed_phase,
                    "label": names.get(p.proposed_phase),
                    "to_review": p.status == "proposed",
                },
                "subjects": [(words(s), names.get(ph)) for s, ph in r["subjects"].items()],
            }
        )
    in_force = selectors.phases_in_force([r["academy"] for r in rows])
    return out, sorted(phase for phase, _ in in_force.values())


def test_rows_match_the_full_rows_for_a_leader_and_a_scoped_officer(world):
    a = world.a
    with a.scope():
        first, second = a.academies[0], a.academies[1]
        _judge(a, first, "curriculum_teaching", "expected_standard")
        _judge(a, first, "achievement", "expected_standard")
        _judge(a, second, "curriculum_teaching", "strong_standard")
        recompute_run(trust=a.trust)
        placement_decide(
            actor=a.user(Role.TRUST_LEADER),
            placement=Placement.objects.get(academy=first, subject=""),
            phase="repair",
            rationale="New head from January",
        )
        # A newer proposal after the override: in force stays the decision, "to review" shows.
        _judge(a, first, "safeguarding", "not_met", days_ago=1)
        recompute_run(trust=a.trust)
        for role in (Role.TRUST_LEADER, Role.IMPROVEMENT_OFFICER):
            m = Membership.objects.get(user=a.user(role))
            names = phase_names(a.trust.config)
            rows, in_force = selectors.placement_table_for(m, trust_slug="alpha", labels=names)
            want_rows, want_in_force = _expected(m)
            assert rows == want_rows
            assert sorted(in_force) == want_in_force
        leader = Membership.objects.get(user=a.user(Role.TRUST_LEADER))
        rows, in_force = selectors.placement_table_for(leader, trust_slug="alpha", labels=names)
        row = next(r for r in rows if r["name"] == first.name)
        assert row["decided"]["status"] == "overridden" and row["latest"]["to_review"]
        assert "repair" in in_force
        officer = Membership.objects.get(user=a.user(Role.IMPROVEMENT_OFFICER))
        rows, _ = selectors.placement_table_for(officer, trust_slug="alpha", labels=names)
        assert [r["name"] for r in rows] == [first.name]


def test_the_page_shows_the_override_and_the_proposal_to_review(world, client_for):
    a = world.a
    with a.scope():
        first = a.academies[0]
        _judge(a, first, "curriculum_teaching", "expected_standard")
        _judge(a, first, "achievement", "expected_standard")
        recompute_run(trust=a.trust)
        placement_decide(
            actor=a.user(Role.TRUST_LEADER),
            placement=Placement.objects.get(academy=first, subject=""),
            phase="repair",
            rationale="New head from January",
        )
        _judge(a, first, "safeguarding", "not_met", days_ago=1)
        recompute_run(trust=a.trust)
    page = client_for(a.user(Role.TRUST_LEADER)).get("/t/alpha/placements/").content.decode()
    assert f'<a class="govuk-link" href="/t/alpha/placements/{first.urn}/">{first.name}</a>' in page
    assert '<strong class="app-phase app-phase--repair">Repair</strong> (overridden)' in page
    assert '<strong class="govuk-tag govuk-tag--yellow">to review</strong>' in page
    assert a.academies[1].name in page and "Not decided" in page
