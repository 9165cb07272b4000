"""The trust scope is left on the database session on every path, errors included.

Run in autocommit (transactional tests), as production runs: the session's own setting is read
past Django, which would otherwise send the scope before the query.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from academies.models import Academy
from academies.tasks import scope_probe
from tests.conftest import World, build_trust_world
from trust_si.tenancy.context import current_scope

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row-level security is PostgreSQL's; SQLite has none (run with DATABASE_URL=postgres://...)",
    ),
]


def _session_setting() -> Any:
    """The database session's own value, read past Django (which would send the scope first)."""
    return connection.connection.execute("SELECT current_setting('app.trust_id', true)").fetchone()[
        0
    ]


def _a_scoped_query_then(exc: Exception) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        list(Academy.objects.all())  # the scope reaches the database session first
        raise exc

    return fail


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["page", "api"])
def test_the_scope_is_cleared_after_a_request_that_raised(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    world = World(a=build_trust_world("alpha"), b=build_trust_world("beta"))
    client = Client()
    client.force_login(world.a.users["trust_admin"])
    if path == "page":
        monkeypatch.setattr(
            "trust_si.site.views.academy_list_for", _a_scoped_query_then(RuntimeError())
        )
        url = f"/t/{world.a.slug}/"
    else:
        monkeypatch.setattr("academies.api.academy_list_for", _a_scoped_query_then(RuntimeError()))
        url = f"/api/v1/t/{world.a.slug}/academies/"
    with pytest.raises(RuntimeError):
        client.get(url)
    assert current_scope() is None
    assert _session_setting() in ("", None)


@pytest.mark.django_db(transaction=True)
def test_the_scope_is_cleared_after_a_task_that_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(a=build_trust_world("alpha"), b=build_trust_world("beta"))
    monkeypatch.setattr("academies.tasks.audit_record", _a_scoped_query_then(RuntimeError()))
    with pytest.raises(RuntimeError):
        scope_probe(trust_id=world.a.trust.pk, tag="boom")
    assert current_scope() is None
    assert _session_setting() in ("", None)
