"""PostgreSQL row-level security: the database itself keeps each trust's rows to that trust.

The suite connects as a superuser (CI's root), which row-level security never filters; these
tests switch to `trust_si_app`, a plain role like the one production's DATABASE_URL names
(docs/security.md), with `SET LOCAL ROLE` inside the test's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from academies.models import Academy
from academies.tasks import scope_probe
from tests.conftest import World, build_trust_world
from tests.isolation import Case, name_world, response_text, sentinels_in, sentinels_of
from tests.test_isolation import CASES, MODULES, _request
from trust_si.accounts.models import Membership
from trust_si.accounts.selectors import memberships_of
from trust_si.tenancy.checks import app_role_is_held_by_row_level_security
from trust_si.tenancy.context import current_scope, dangerously_unscoped, trust_scope
from trust_si.tenancy.rls import POLICY, policy_status, tenant_tables

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row-level security is PostgreSQL's; SQLite has none (run with DATABASE_URL=postgres://...)",
    ),
]

APP_ROLE = "trust_si_app"


def _create_app_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE trust_si_app NOLOGIN NOSUPERUSER NOBYPASSRLS;"
            " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO trust_si_app"
        )
        cursor.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO trust_si_app")


@pytest.fixture
def as_app_role(db: Any) -> Iterator[None]:
    """The rest of the test runs as the non-superuser, non-owner role (undone by the rollback)."""
    _create_app_role()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE trust_si_app")
        cursor.execute(
            "SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
        )
        assert cursor.fetchone() == (APP_ROLE, False)
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.fixture(scope="module")
def populated(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Both trusts, filled by every app's isolation `setup` (rows in nearly every table),
    built once in a transaction each test nests in (as tests/test_isolation.py does)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # type: ignore[attr-defined]
        atomic.__enter__()
        try:
            world = World(a=build_trust_world("alpha"), b=build_trust_world("beta"))
            name_world(world)
            for module in MODULES:
                setup = getattr(module, "setup", None)
                if setup is not None:
                    setup(world)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _rows_by_trust() -> dict[str, dict[int, int]]:
    """As the superuser (not filtered): each tenant table's row count per trust (a link
    table's rows counted under its owning row's trust)."""
    counts: dict[str, dict[int, int]] = {}
    with connection.cursor() as cursor:
        for table, spec in tenant_tables().items():
            if spec.owner is None:
                cursor.execute(f'SELECT trust_id, count(*) FROM "{table}" GROUP BY 1')
            else:
                cursor.execute(
                    f'SELECT o.trust_id, count(*) FROM "{table}" t JOIN "{spec.owner}" o'
                    f' ON o."{spec.owner_pk}" = t."{spec.owner_column}" GROUP BY 1'
                )
            counts[table] = dict(cursor.fetchall())
    return counts


def _visible(table: str) -> dict[int, int]:
    """As the app role: what a plain `SELECT` of the table sees, counted per trust_id
    (a link table, which has none, counted under -1)."""
    with connection.cursor() as cursor:
        if tenant_tables()[table].owner is not None:
            cursor.execute(f'SELECT -1, count(*) FROM "{table}" HAVING count(*) > 0')
        else:
            cursor.execute(f'SELECT trust_id, count(*) FROM "{table}" GROUP BY 1')
        return dict(cursor.fetchall())


def test_every_tenant_table_has_row_level_security_and_the_policy(db: Any) -> None:
    status = policy_status(connection)
    assert len(status) >= 40, sorted(status)  # the registry was read, not a short list
    missing = {
        table: s
        for table, s in status.items()
        if not (s.get("enabled") and s.get("forced") and s.get("policy"))
    }
    assert not missing, f"tenant tables without row-level security or {POLICY}: {missing}"
    for table, s in status.items():
        assert "current_setting('app.trust_id'" in s["policy"] or "EXISTS" in s["policy"], table


def test_raw_sql_in_one_trusts_scope_sees_no_other_trusts_rows(
    populated: World, as_app_role: None
) -> None:
    a, b = populated.a.trust.pk, populated.b.trust.pk
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    truth = _rows_by_trust()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE trust_si_app")
    with_b_rows = [t for t, per_trust in truth.items() if per_trust.get(b)]
    # Not vacuous: the isolation world gives trust B rows in most tenant tables (56 of 71).
    assert len(with_b_rows) >= 0.75 * len(truth), sorted(set(truth) - set(with_b_rows))

    leaks = {}
    with trust_scope(a):
        for table, per_trust in truth.items():
            key = -1 if tenant_tables()[table].owner is not None else a
            expected = {key: per_trust[a]} if per_trust.get(a) else {}
            seen = _visible(table)
            if seen != expected:
                leaks[table] = {"seen": seen, "trust A has": per_trust.get(a, 0)}
    assert not leaks, leaks


def test_with_no_scope_raw_sql_sees_no_rows_at_all(populated: World, as_app_role: None) -> None:
    assert current_scope() is None
    seen = {}
    with connection.cursor() as cursor:
        for table in tenant_tables():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            seen[table] = cursor.fetchone()[0]
    assert not any(seen.values()), {t: n for t, n in seen.items() if n}


def test_writes_into_another_trust_are_refused(populated: World, as_app_role: None) -> None:
    a, b = populated.a, populated.b
    with trust_scope(a.trust), connection.cursor() as cursor:
        own = Academy.objects.count()
        cursor.execute('UPDATE "academies_academy" SET name = name || %s', [" (renamed)"])
        assert cursor.rowcount == own
        cursor.execute('DELETE FROM "academies_academy" WHERE trust_id = %s', [b.trust.pk])
        assert cursor.rowcount == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute(
                'UPDATE "academies_academy" SET trust_id = %s WHERE id = %s',
                [b.trust.pk, a.academies[0].pk],
            )
    with dangerously_unscoped():
        assert set(Academy.objects.filter(trust=b.trust).values_list("name", flat=True)) == {
            x.name for x in b.academies
        }


def test_the_named_bypass_and_the_keyed_lookup_are_the_only_ways_across(
    populated: World, as_app_role: None
) -> None:
    with dangerously_unscoped(), connection.cursor() as cursor:
        cursor.execute('SELECT count(DISTINCT trust_id) FROM "academies_academy"')
        assert cursor.fetchone()[0] == 2
    # A user's own memberships, before any trust is in scope (the trust switcher).
    user = populated.a.users["trust_admin"]
    with dangerously_unscoped():
        own = set(Membership.objects.filter(user=user, is_active=True).values_list("pk", flat=True))
    assert own and {m.pk for m in memberships_of(user)} == own
    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "accounts_membership"')
        assert cursor.fetchone()[0] == 0  # the lookup's table closed again after it


@pytest.mark.parametrize("scope_before", ["none", "other trust"])
def test_a_scopes_first_query_through_a_server_side_cursor_sees_its_rows(
    populated: World, as_app_role: None, scope_before: str
) -> None:
    """`.iterator()` reads through a server-side cursor (a form's choices do): the statement is
    only DECLAREd and runs when rows are fetched, so a `set_config` sent through that cursor
    never ran. The scope must reach the database when the first query of a scope is one."""
    a, b = populated.a, populated.b
    if scope_before == "none":
        with connection.cursor() as cursor:
            cursor.execute('SELECT count(*) FROM "academies_academy"')
            assert cursor.fetchone()[0] == 0
    else:
        with trust_scope(b.trust):
            assert Academy.objects.count() == len(b.academies)
    with trust_scope(a.trust):
        names = {x.name for x in Academy.objects.all().iterator(chunk_size=10)}
    assert names == {x.name for x in a.academies}


# --- The app works as the plain role ---------------------------------------------------------


def test_pages_and_the_api_work_as_the_app_role(populated: World, as_app_role: None) -> None:
    client = Client()
    client.force_login(populated.a.users["trust_admin"])
    page = client.get(f"/t/{populated.a.slug}/")
    assert page.status_code == 200
    assert populated.a.academies[0].name in page.content.decode()
    assert populated.b.academies[0].name not in page.content.decode()
    api = client.get(f"/api/v1/t/{populated.a.slug}/academies/")
    assert api.status_code == 200
    names = {row["name"] for row in api.json()["results"]}
    assert names == {x.name for x in populated.a.academies}
    # The trust switcher's cross-trust read (a keyed lookup) works too.
    assert client.get("/").status_code in (200, 302)


def test_a_task_works_as_the_app_role(populated: World, as_app_role: None) -> None:
    assert scope_probe.delay(trust_id=populated.b.trust.pk, tag="rls").get() == len(
        populated.b.academies
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_tenant_route_works_as_the_app_role(
    case: Case, populated: World, as_app_role: None
) -> None:
    """Every (route, method) of the isolation test, by A's allowed member, under row-level
    security: the app keeps working when the database holds it to the trust in scope."""
    a, b = populated.a, populated.b
    client = Client()
    client.force_login(a.users[case.allowed_role.value])
    data = case.data(a) if case.data else {}
    response = _request(client, case, a.slug, case.kwargs(a), data)
    assert response.status_code in case.ok_statuses, response.status_code
    if case.method == "get":
        text = response_text(response)
        assert not sentinels_in(text, sentinels_of(b))
        if case.shows_sentinel:
            assert sentinels_in(text, a.extra["sentinels"]), "A's page shows none of A's rows"


def test_production_warns_when_the_app_role_is_not_held(db: Any, settings: Any) -> None:
    settings.RLS_REQUIRE_APP_ROLE = True
    settings.DATABASE_APP_ROLE = ""
    # The suite's own role (root) is a superuser.
    assert [w.id for w in app_role_is_held_by_row_level_security(None, ["default"])] == [
        "tenancy.W001"
    ]
    _create_app_role()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE trust_si_app")
    assert app_role_is_held_by_row_level_security(None, ["default"]) == []


def test_the_bulk_insert_works_under_row_level_security_as_the_first_statement_of_a_scope(
    populated: World, as_app_role: None
) -> None:
    """PostgreSQL refuses COPY FROM into a table whose row-level security applies ("COPY FROM
    not supported with row-level security"), so as production's role the upload pipeline's
    bulk insert stages its rows; and psycopg's COPY bypasses Django's execute wrappers (where
    the scope is sent), so it must work as the first statement after the scope changed."""
    import pandas as pd

    from assessment.models import Pupil
    from assessment.slices import _insert

    a = populated.a
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the session now holds "no trust" as its scope
    with trust_scope(a.trust):
        _insert(Pupil, 2, {"trust_id": a.trust.pk, "key": pd.Series(["rls-copy-1", "rls-copy-2"])})
        assert set(
            Pupil.objects.filter(key__startswith="rls-copy-").values_list("trust_id", flat=True)
        ) == {a.trust.pk}


def test_an_upload_is_checked_and_committed_as_the_app_role(
    populated: World, as_app_role: None
) -> None:
    """The whole upload pipeline (store, check, confirm, bulk insert) as production's role."""
    from assessment.demo import _commit, _upn
    from assessment.models import Enrolment, Upload, UploadStatus

    a = populated.a
    academy = a.academies[0]
    pupils = [_upn(f"rls-upload-{n}") for n in range(8)]
    with trust_scope(a.trust):
        _commit(
            a.trust,
            academy,
            "2025-26-autumn",
            "pupils",
            ["upn,year_group,disadvantaged,send,eal,sex,prior_band"]
            + [f"{upn},6,N,N,N,F,middle" for upn in pupils],
            None,
        )
        upload = Upload.objects.filter(academy=academy, kind="pupils").latest("pk")
        assert upload.status == UploadStatus.COMMITTED
        assert Enrolment.objects.filter(academy=academy, academic_year="2025-26").count() >= 8
