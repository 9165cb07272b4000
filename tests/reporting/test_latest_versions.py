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


def test_the_list_rows_are_the_newest_versions_in_their_order(world, client_for):
    from django.urls import reverse

    first, second = world.a.academies
    with world.a.scope():
        for _ in range(2):
            _request(world.a, "2025-26-summer", first)
        _request(world.a, "2025-26-summer", second)
        _request(world.a, "2025-26-summer")
        _request(world.a, "2025-26-spring", first)
        for role in (Role.TRUST_LEADER, Role.IMPROVEMENT_OFFICER, Role.GOVERNOR):
            membership = _membership(world.a, role)
            in_scope = selectors.report_list_for(membership)
            for term in (None, "2025-26-summer"):
                rows = selectors.report_rows(in_scope, term, trust_slug="alpha")
                expected = [
                    (
                        reverse("reporting:detail", kwargs={"trust_slug": "alpha", "pk": r.pk}),
                        r.academy.name if r.academy else None,
                        r.version,
                        r.get_status_display(),
                    )
                    for r in selectors.report_latest_versions(membership, term)
                ]
                assert [
                    (row["href"], row["academy"], row["version"], row["status_label"])
                    for row in rows
                ] == expected, (role, term)
                assert rows, (role, term)
    html = (
        client_for(world.a.user(Role.TRUST_LEADER))
        .get(reverse("reporting:list", kwargs={"trust_slug": "alpha"}))
        .content.decode()
    )
    # The table head's row and the four reports'.
    assert ">Trust board</a>" in html and html.count('<tr class="govuk-table__row">') == 1 + 4
    assert html.count(" selected>") == 1  # the form's default term; no academy chosen yet


def test_a_refused_generate_shows_the_list_and_keeps_what_was_chosen(world, client_for):
    from django.urls import reverse

    with world.a.scope():
        _request(world.a, "2025-26-summer")
    response = client_for(world.a.user(Role.TRUST_LEADER)).post(
        reverse("reporting:generate", kwargs={"trust_slug": "alpha"}),
        {"term": "not-a-term", "academy": "__trust__"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and ">Trust board</a>" in html
    assert '<option value="__trust__" selected>Trust board report</option>' in html
