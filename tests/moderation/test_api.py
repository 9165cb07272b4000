"""The read-only API of frameworks, teacher judgements and moderation rounds."""

from __future__ import annotations

from django.urls import reverse

from assessment.frameworks.models import FrameworkVersion
from moderation.models import SampleItem
from moderation.services import review_submit
from trust_si.accounts.roles import Role

from .helpers import judgements, open_round


def _get(client, name, tw, **kwargs):
    return client.get(reverse(name, kwargs={"trust_slug": tw.slug, **kwargs}))


def test_frameworks_list_and_a_version_with_its_strands(world, client_for):
    judgements(world.a, per_school=1)
    client = client_for(world.a.user(Role.SCHOOL_STAFF))
    body = _get(client, "frameworks_api:framework-list", world.a).json()
    assert body["count"] == 1
    framework = body["results"][0]
    assert framework["year_group"] == "6" and framework["versions"][0]["status"] == "published"
    version = _get(
        client, "frameworks_api:version", world.a, pk=framework["versions"][0]["id"]
    ).json()
    codes = [s["code"] for strand in version["strands"] for s in strand["statements"]]
    assert "EXS1" in codes and "GDS1" in codes and version["strands"][0]["name"]
    with world.a.scope():
        other = FrameworkVersion.objects.get().pk
    assert _get(client, "frameworks_api:version", world.b, pk=other).status_code == 404


def test_judgements_are_the_callers_academies_only_and_never_governors(world, client_for):
    judgements(world.a, per_school=3)
    staff = client_for(world.a.user(Role.SCHOOL_STAFF))  # academies[0] only
    body = _get(staff, "frameworks_api:judgement-list", world.a).json()
    assert body["count"] == 3
    assert {row["urn"] for row in body["results"]} == {world.a.academies[0].urn}
    assert {row["level"] for row in body["results"]} == {"WTS", "EXS", "GDS"}
    assert all("pupil" not in row and "upn" not in row for row in body["results"])
    admin = client_for(world.a.user(Role.TRUST_ADMIN))
    assert _get(admin, "frameworks_api:judgement-list", world.a).json()["count"] == 6
    governor = client_for(world.a.user(Role.GOVERNOR))
    assert _get(governor, "frameworks_api:judgement-list", world.a).status_code == 403


def test_round_summary_hides_schools_judgements_from_a_blind_moderator(world, client_for):
    round_ = open_round(world.a)
    admin, leader = world.a.user(Role.TRUST_ADMIN), world.a.user(Role.TRUST_LEADER)
    with world.a.scope():
        for item in SampleItem.objects.filter(round=round_).order_by("number")[:4]:
            review_submit(actor=admin, item=item, level=item.school_level, secure=[])
    rounds = _get(client_for(leader), "moderation_api:round-list", world.a).json()
    assert rounds["count"] == 1 and rounds["results"][0]["status"] == "open"
    seen = _get(client_for(leader), "moderation_api:round", world.a, pk=round_.pk).json()
    assert seen["summary"]["overall"]["exact_pct"] == 100.0
    assert seen["summary"]["moderated"] == 4
    assert {row["group"] for row in seen["summary"]["by_school_judgement"]} <= {
        "WTS",
        "EXS",
        "GDS",
    }
    assert seen["summary"]["by_school"]
    # The officer moderates this open round: the overall figure only, no breakdown.
    officer = client_for(world.a.user(Role.IMPROVEMENT_OFFICER))
    blind = _get(officer, "moderation_api:round", world.a, pk=round_.pk).json()
    assert blind["summary"]["overall"]["pieces"] == 4
    for key in ("by_school", "by_year_group", "by_moderator", "by_school_judgement"):
        assert blind["summary"][key] == []
    assert world.a.academies[1].name not in str(blind)
