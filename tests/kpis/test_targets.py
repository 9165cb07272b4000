"""Targets: who may set them, what is audited, and where they show (figures, page, placement)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.kpis.models import KpiTarget
from assessment.kpis.selectors import kpi_figures_for
from assessment.kpis.services import kpi_target_set
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

from .data import attendance, pupils


def _membership(tw, role):
    with tw.scope():
        return Membership.objects.get(user=tw.user(role))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.TRUST_LEADER, True),
        (Role.TRUST_ADMIN, True),
        (Role.IMPROVEMENT_OFFICER, False),
        (Role.SCHOOL_STAFF, False),
        (Role.GOVERNOR, False),
    ],
)
def test_only_leaders_set_targets(world, role, allowed):
    membership = _membership(world.a, role)
    with world.a.scope():
        if allowed:
            kpi_target_set(
                actor=world.a.user(role),
                membership=membership,
                academy=None,
                kpi_code="absence",
                academic_year="2025-26",
                value=5.5,
            )
            assert KpiTarget.objects.get(kpi_code="absence").value == 5.5
            assert AuditEvent.objects.filter(action="kpi_target.set").count() == 1
        else:
            with pytest.raises(PermissionDenied):
                kpi_target_set(
                    actor=world.a.user(role),
                    membership=membership,
                    academy=None,
                    kpi_code="absence",
                    academic_year="2025-26",
                    value=5.5,
                )
            assert not KpiTarget.objects.exists()


@pytest.mark.django_db
def test_target_rules_and_update_in_place(world):
    leader = _membership(world.a, Role.TRUST_LEADER)
    with world.a.scope():
        with pytest.raises(ValidationError) as exc:
            kpi_target_set(
                actor=None,
                membership=leader,
                academy=None,
                kpi_code="nope",
                academic_year="2025-27",
                value=150,
            )
        assert set(exc.value.message_dict) == {"kpi_code", "academic_year", "value"}
        with pytest.raises(PermissionDenied):  # another trust's academy
            kpi_target_set(
                actor=None,
                membership=leader,
                academy=world.b.academies[0],
                kpi_code="absence",
                academic_year="2025-26",
                value=5,
            )
        for value in (60, 65, 65):
            kpi_target_set(
                actor=None,
                membership=leader,
                academy=None,
                kpi_code="ks2_rwm_exp",
                academic_year="2025-26",
                value=value,
            )
        assert KpiTarget.objects.count() == 1
        assert (
            AuditEvent.objects.filter(action="kpi_target.set").count() == 2
        )  # the repeat changed nothing


@pytest.mark.django_db
def test_academy_target_overrides_trust_wide_in_figures_and_placement_evidence(world):
    pupils(world.a, [(n, "5", False, "F", "middle") for n in range(6)])
    pupils(
        world.a,
        [(n, "8", False, "F", "middle") for n in range(10, 16)],
        academy=world.a.academies[1],
    )
    attendance(world.a, {n: 5 for n in range(6)}, "2025-26-autumn")
    attendance(
        world.a, {n: 5 for n in range(10, 16)}, "2025-26-autumn", academy=world.a.academies[1]
    )
    leader = _membership(world.a, Role.TRUST_LEADER)
    with world.a.scope():
        kpi_target_set(
            actor=None,
            membership=leader,
            academy=None,
            kpi_code="absence",
            academic_year="2025-26",
            value=6.0,
        )
        kpi_target_set(
            actor=None,
            membership=leader,
            academy=world.a.academies[0],
            kpi_code="absence",
            academic_year="2025-26",
            value=4.0,
        )
        figures = kpi_figures_for(
            trust_id=world.a.trust.pk, term_codes=["2025-26-autumn"], groups=["all", "girls"]
        )
        by = {(f.academy_id, f.group): f.target for f in figures if f.kpi_code == "absence"}
        assert by[(world.a.academies[0].pk, "all")] == 4.0
        assert by[(world.a.academies[1].pk, "all")] == 6.0
        assert by[(None, "all")] == 6.0
        assert by[(world.a.academies[0].pk, "girls")] is None  # targets are for all pupils

        from phases.evidence import evidence_for

        evidence = evidence_for(world.a.academies[0], "2025-26-autumn")
        assert next(k for k in evidence.kpis if k.code == "absence").target == 4.0


@pytest.mark.django_db
def test_targets_page_leader_edits_officer_reads(world, client_for):
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    response = leader.post(
        "/t/alpha/kpis/targets/",
        {"academy": "", "kpi_code": "y1_phonics", "academic_year": "2025-26", "value": "83"},
    )
    assert response.status_code == 302
    page = leader.get("/t/alpha/kpis/targets/").content.decode()
    assert "Whole trust" in page and "83.0%" in page and "Save target" in page
    bad = leader.post(
        "/t/alpha/kpis/targets/", {"kpi_code": "y1_phonics", "academic_year": "26", "value": "x"}
    )
    assert bad.status_code == 400 and "Enter the year like 2025-26." in bad.content.decode()
    officer = client_for(world.a.user(Role.IMPROVEMENT_OFFICER))
    assert "Save target" not in officer.get("/t/alpha/kpis/targets/").content.decode()
    assert (
        officer.post(
            "/t/alpha/kpis/targets/",
            {"kpi_code": "y1_phonics", "academic_year": "2025-26", "value": "1"},
        ).status_code
        == 403
    )
    with world.a.scope():
        target = KpiTarget.objects.get()
    assert officer.post(f"/t/alpha/kpis/targets/{target.pk}/delete/").status_code == 403
    assert leader.post(f"/t/alpha/kpis/targets/{target.pk}/delete/").status_code == 302
    with world.a.scope():
        assert not KpiTarget.objects.exists()
        assert AuditEvent.objects.filter(action="kpi_target.delete").exists()


@pytest.mark.django_db
def test_targets_api_create_update_and_refusals(world, client_for):
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    url = "/api/v1/t/alpha/kpis/targets/"
    created = leader.post(
        url,
        {
            "urn": world.a.academies[0].urn,
            "kpi_code": "ks2_rwm_exp",
            "academic_year": "2025-26",
            "value": 70,
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["urn"] == world.a.academies[0].urn
    pk = created.json()["id"]
    updated = leader.patch(f"{url}{pk}/", {"value": 72.5}, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["value"] == 72.5
    assert (
        leader.patch(f"{url}{pk}/", {"value": 170}, content_type="application/json").status_code
        == 400
    )
    assert (
        leader.post(
            url,
            {
                "urn": world.b.academies[0].urn,
                "kpi_code": "ks2_rwm_exp",
                "academic_year": "2025-26",
                "value": 70,
            },
            content_type="application/json",
        ).status_code
        == 404
    )
    staff = client_for(world.a.user(Role.SCHOOL_STAFF))
    assert (
        staff.patch(f"{url}{pk}/", {"value": 1}, content_type="application/json").status_code == 403
    )
    assert [t["value"] for t in staff.get(url).json()["results"]] == [72.5]
