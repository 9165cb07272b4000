"""The reports list: the newest version of each report, read in the database (issue 17)."""

from __future__ import annotations

import pytest

from reporting import selectors
from reporting.services import report_request
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _membership(world_trust, role: Role) -> Membership:
    return Membership.objects.get(trust=world_trust.trust, user=world_trust.user(role))


def _request(trust_world, term: str, academy=None):
    return report_request(
        actor=None, trust=trust_world.trust, term_code=term, academy=academy, enqueue=False
    )


def test_only_the_newest_version_of_each_report_is_listed_with_the_board_first(world):
    first, second = world.a.academies
    with world.a.scope():
        for _ in range(3):
            _request(world.a, "2025-26-summer", first)
        _request(world.a, "2025-26-summer", second)
        for _ in range(2):
            _request(world.a, "2025-26-summer")  # the board's: no academy
        _request(world.a, "2025-26-spring", first)
        leader = _membership(world.a, Role.TRUST_LEADER)
        listed = selectors.report_latest_versions(leader)
        rows = [(r.term_code, r.academy.name if r.academy else None, r.version) for r in listed]
        assert rows == [
            ("2025-26-spring", first.name, 1),
            ("2025-26-summer", None, 2),
            *sorted(
                [("2025-26-summer", first.name, 3), ("2025-26-summer", second.name, 1)],
                key=lambda row: row[1],
            ),
        ]
        assert [r.version for r in selectors.report_latest_versions(leader, "2025-26-spring")] == [
            1
        ]
        assert selectors.report_terms_for(leader) == ["2025-26-summer", "2025-26-spring"]
        # An officer covering one academy sees its newest version only, never the board's.
        officer = _membership(world.a, Role.IMPROVEMENT_OFFICER)
        assert [(r.academy_id, r.version) for r in selectors.report_latest_versions(officer)] == [
            (first.pk, 1),
            (first.pk, 3),
        ]
    with world.b.scope():
        assert selectors.report_latest_versions(_membership(world.b, Role.TRUST_LEADER)) == []
