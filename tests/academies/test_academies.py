"""Academies: scope, audited writes, form errors, GIAS import, API, demo."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from academies.gias import parse_date, phase_for, read_group
from academies.models import Academy
from academies.selectors import academy_list_for
from academies.services import academies_import_gias, academy_update
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent
from trust_si.tenancy.context import dangerously_unscoped, trust_scope

GIAS = Path(__file__).resolve().parents[1] / "data" / "dfe" / "gias_group_links_2022.csv"
REACH2 = "4320"  # REAch2 Academy Trust: 60 academies in the 2022 extract

pytestmark = pytest.mark.django_db


def test_officer_sees_only_assigned_academies(world):
    with world.a.scope():
        officer = Membership.objects.get(user=world.a.user(Role.IMPROVEMENT_OFFICER))
        leader = Membership.objects.get(user=world.a.user(Role.TRUST_LEADER))
        assert list(academy_list_for(officer)) == [world.a.academies[0]]
        assert set(academy_list_for(leader)) == set(world.a.academies)


def test_update_is_audited_with_changed_fields(world):
    admin = world.a.user(Role.TRUST_ADMIN)
    with world.a.scope():
        academy = world.a.academies[0]
        changed = academy_update(
            actor=admin, academy=academy, data={"name": "Renamed Primary", "pupils_on_roll": 300}
        )
        assert changed == {"name": ["Alpha Primary Academy", "Renamed Primary"]}
        event = AuditEvent.objects.get(action="academy.update")
        assert event.actor == admin and event.changes == changed


def test_create_form_shows_errors_not_a_500(world, client_for):
    client = client_for(world.a.user(Role.TRUST_ADMIN))
    url = reverse("academies:create", kwargs={"trust_slug": "alpha"})
    response = client.post(
        url,
        {
            "urn": "12ab",
            "name": "",
            "phase_of_education": "primary",
            "age_low": "11",
            "age_high": "4",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert "A URN is six digits." in content
    assert "The highest age must be above the lowest age." in content


def test_create_refuses_a_duplicate_urn_in_the_trust(world, client_for):
    client = client_for(world.a.user(Role.TRUST_ADMIN))
    url = reverse("academies:create", kwargs={"trust_slug": "alpha"})
    response = client.post(
        url,
        {
            "urn": world.a.academies[0].urn,
            "name": "Copy",
            "phase_of_education": "primary",
            "age_low": 4,
            "age_high": 11,
        },
    )
    assert response.status_code == 400
    assert "already in your trust" in response.content.decode()


def test_gias_parser_reads_one_group_of_the_real_file():
    result = read_group(GIAS.read_bytes(), REACH2)
    assert result.group_name == "REACH2 ACADEMY TRUST"
    assert len(result.rows) == 60
    assert all(len(r.urn) == 6 for r in result.rows)
    assert {r.phase_of_education for r in result.rows} <= {
        "primary",
        "secondary",
        "special",
        "all_through",
        "middle",
    }


def test_gias_helpers():
    assert phase_for("Not applicable", "Academy special converter") == "special"
    assert phase_for("Middle deemed secondary", "Academy converter") == "middle"
    assert phase_for("Not applicable", "Children's centre") is None
    assert parse_date("1900-01-01") is None
    assert parse_date("01/09/2018").isoformat() == "2018-09-01"
    with pytest.raises(ValueError):
        parse_date("31/02/2020x")


def test_gias_parser_reports_a_file_that_is_not_gias():
    result = read_group(b"a,b\n1,2\n", "1")
    assert not result.rows and "not a GIAS" in result.problems[0].message


def test_import_twice_never_duplicates(world):
    rows = read_group(GIAS.read_bytes(), REACH2).rows
    with world.b.scope():
        first = academies_import_gias(actor=None, trust=world.b.trust, rows=rows)
        second = academies_import_gias(actor=None, trust=world.b.trust, rows=rows)
        assert first["created"] == 60
        assert second == {"created": 0, "updated": 0, "unchanged": 60}
        assert Academy.objects.count() == 62
    with world.a.scope():
        assert Academy.objects.count() == 2


def test_import_command(world):
    out = StringIO()
    call_command(
        "import_academies_gias",
        "--trust",
        "alpha",
        "--group-uid",
        REACH2,
        "--file",
        str(GIAS),
        stdout=out,
    )
    assert "60 created" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "import_academies_gias", "--trust", "nope", "--group-uid", REACH2, "--file", str(GIAS)
        )
    with pytest.raises(CommandError):
        call_command(
            "import_academies_gias",
            "--trust",
            "alpha",
            "--group-uid",
            "999999999",
            "--file",
            str(GIAS),
            stderr=StringIO(),
        )


def test_import_page(world, client_for):
    client = client_for(world.a.user(Role.TRUST_ADMIN))
    url = reverse("academies:import", kwargs={"trust_slug": "alpha"})
    with GIAS.open("rb") as fh:
        response = client.post(url, {"file": fh, "group_uid": REACH2})
    assert response.status_code == 200
    assert "60 added" in response.content.decode()


def test_api_list_detail_and_create(world, client_for):
    staff = client_for(world.a.user(Role.SCHOOL_STAFF))
    listing = staff.get(
        reverse("academies_api:academy-list", kwargs={"trust_slug": "alpha"})
    ).json()["results"]
    assert [row["urn"] for row in listing] == [world.a.academies[0].urn]
    admin = client_for(world.a.user(Role.TRUST_ADMIN))
    url = reverse("academies_api:academy-list", kwargs={"trust_slug": "alpha"})
    created = admin.post(
        url,
        {
            "urn": "654321",
            "name": "New Academy",
            "phase_of_education": "primary",
            "age_low": 4,
            "age_high": 11,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["key_stages"] == ["EYFS", "KS1", "KS2"]
    bad = admin.post(
        url,
        {
            "urn": "654321",
            "name": "Again",
            "phase_of_education": "primary",
            "age_low": 4,
            "age_high": 11,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_seed_demo_is_idempotent(db, settings):
    settings.TRUST_SI_DEMO_PASSWORD = "demo"
    import trust_si.site.demo as demo

    hooks = demo.DEMO_HOOKS
    demo.DEMO_HOOKS = [demo.academies_demo]  # the other apps' demo data have tests of their own
    try:
        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo", stdout=StringIO())
    finally:
        demo.DEMO_HOOKS = hooks
    with dangerously_unscoped():
        assert Academy.objects.filter(trust__slug="northmoor").count() == 12
        assert Academy.objects.filter(trust__slug="riverside").count() == 4
        assert Membership.objects.filter(user__email="consultant@example.org").count() == 2
    from trust_si.tenancy.models import Trust

    with trust_scope(Trust.objects.get(slug="northmoor")):
        assert Membership.objects.filter(role=Role.GOVERNOR, is_board=True).count() == 1


def test_seed_demo_refuses_without_password(db, settings):
    settings.TRUST_SI_DEMO_PASSWORD = ""
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
