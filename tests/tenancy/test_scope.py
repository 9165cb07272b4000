"""Tenancy fails closed: managers raise outside a scope, tasks run inside the trust given."""

from __future__ import annotations

import pytest
from django.apps import apps

from academies.tasks import scope_probe
from tests.conftest import wait_for
from trust_si.audit.models import AuditEvent
from trust_si.tenancy.context import NoTrustScope, dangerously_unscoped, trust_scope
from trust_si.tenancy.models import TenantModel

TENANT_MODELS = [m for m in apps.get_models() if issubclass(m, TenantModel)]


def test_there_are_tenant_models_to_check():
    labels = {m._meta.label for m in TENANT_MODELS}
    assert {"academies.Academy", "accounts.Membership", "audit.AuditEvent"} <= labels


@pytest.mark.django_db
@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.label)
def test_manager_raises_outside_a_scope(model):
    with pytest.raises(NoTrustScope):
        model.objects.count()
    with pytest.raises(NoTrustScope):
        list(model.objects.all())


@pytest.mark.django_db
def test_manager_filters_to_the_scope(world):
    with world.a.scope():
        from academies.models import Academy

        assert set(Academy.objects.values_list("trust_id", flat=True)) == {world.a.trust.pk}
        assert Academy.objects.filter(pk=world.b.academies[0].pk).count() == 0
    with dangerously_unscoped():
        assert Academy.objects.count() == 4


@pytest.mark.django_db
def test_eager_task_runs_inside_the_trust_it_was_given(world):
    visible = scope_probe.delay(trust_id=world.a.trust.pk, tag="eager").get()
    assert visible == 2
    with trust_scope(world.a.trust):
        assert AuditEvent.objects.filter(action="tenancy.probe").count() == 1
    with trust_scope(world.b.trust):
        assert AuditEvent.objects.filter(action="tenancy.probe").count() == 0


def test_task_refuses_to_run_without_a_trust_id():
    with pytest.raises(TypeError):
        scope_probe.apply(kwargs={"tag": "x"}).get()


@pytest.mark.worker
def test_real_worker_runs_the_task_in_the_given_trust_only(world, celery_worker_process):
    scope_probe.delay(trust_id=world.b.trust.pk, tag="worker")

    def probe_row():
        with trust_scope(world.b.trust):
            return AuditEvent.objects.filter(action="tenancy.probe").first()

    event = wait_for(probe_row)
    assert event.changes == {"tag": "worker", "academies": 2}
    with trust_scope(world.a.trust):
        assert not AuditEvent.objects.filter(action="tenancy.probe").exists()


@pytest.mark.django_db
def test_a_row_of_another_trust_cannot_be_saved_inside_a_scope(world):
    from academies.models import Academy
    from trust_si.tenancy.context import CrossTrustWrite

    other = world.b.academies[0]
    with world.a.scope(), pytest.raises(CrossTrustWrite):
        Academy(trust_id=other.trust_id, urn="999111", name="Smuggled in").save()
    with world.a.scope(), pytest.raises(CrossTrustWrite):
        other.name = "Renamed from trust A"
        other.save()
    with dangerously_unscoped():
        assert Academy.objects.get(pk=other.pk).name != "Renamed from trust A"


@pytest.mark.django_db
def test_keyed_lookups_answer_one_key_only(world):
    from trust_si.accounts.models import Membership

    with pytest.raises(NoTrustScope):
        Membership.of_user.count()
    user = world.a.user("trust_leader")
    assert {m.trust_id for m in Membership.of_user.lookup(user)} == {world.a.trust.pk}
    assert not Membership.of_user.lookup(None).exists()
    assert Membership._default_manager is Membership.objects
