"""PostgreSQL row-level security on every tenant-owned table, kept in step at every `migrate`.

The scoped managers are the seatbelt; this is the wall behind it. A raw query, a forgotten
`.filter(trust=...)`, a base manager or a related lookup still sees only the trust in scope,
because the database itself filters on the session setting the backend sends before each
statement (trust_si/tenancy/postgresql/base.py).

The tables are read from the model registry, not listed by hand: every concrete TenantModel,
and every many-to-many table such a model declares (its rows follow the visibility of the
owning row). `apply_policies` runs after every `migrate` (post_migrate), so a new tenant model
is covered by the migrate that creates its table, and `tests/tenancy/test_rls.py` fails if a
tenant table has none.

Each table gets `ENABLE` and `FORCE ROW LEVEL SECURITY` (FORCE: the owner is filtered too, so
an app wrongly run as the owner is still held; superusers and BYPASSRLS roles never are) and one
policy, `trust_si_trust_scope`, for every command (reads, and the rows a write may touch or make):

    trust_id = app.trust_id                    the trust in scope
    OR app.rls_bypass = 'on'                   the unscoped escape hatch (context.py): operators'
                                               commands and `migrate` only, each one logged
    OR app.rls_lookup = '<this table>'         a KeyedLookupManager query (a user's own
                                               memberships, an invitation or API token by its
                                               secret), for that one table only

With none of them set (no scope) every policy answers no rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import TenantModel

POLICY = "trust_si_trust_scope"


@dataclass(frozen=True)
class TenantTable:
    """A tenant-owned table: its own `trust_id`, or (a many-to-many link) its owning row's."""

    name: str
    owner: str | None = None  # the owning model's table, for a link table
    owner_pk: str = ""
    owner_column: str = ""  # the link table's column naming the owning row

    @property
    def condition(self) -> str:
        if self.owner is not None:
            # A link is visible when its owning row is: the subquery is itself filtered.
            # (Identifiers from the model registry, never from input.)
            return (
                f'(EXISTS (SELECT 1 FROM "{self.owner}" owner'  # noqa: S608
                f' WHERE owner."{self.owner_pk}" = "{self.name}"."{self.owner_column}"))'
            )
        return (
            "(trust_id = NULLIF(current_setting('app.trust_id', true), '')::bigint"
            " OR current_setting('app.rls_bypass', true) = 'on'"
            f" OR current_setting('app.rls_lookup', true) = '{self.name}')"
        )


def tenant_tables() -> dict[str, TenantTable]:
    """Every tenant-owned table, read from the model registry."""
    tables: dict[str, TenantTable] = {}
    for model in apps.get_models(include_auto_created=False):
        if not issubclass(model, TenantModel) or model._meta.proxy or not model._meta.managed:
            continue
        table = model._meta.db_table
        tables[table] = TenantTable(table)
        for field in model._meta.local_many_to_many:
            through: type[models.Model] = field.remote_field.through  # type: ignore[assignment]
            if not through._meta.auto_created:
                continue  # an explicit through model is a model of its own, covered if tenant
            tables[through._meta.db_table] = TenantTable(
                through._meta.db_table,
                owner=table,
                owner_pk=str(model._meta.pk.column),
                owner_column=field.m2m_column_name(),
            )
    return tables


def _marker(condition: str) -> str:
    return "trust_si " + hashlib.sha256(condition.encode()).hexdigest()[:16]


def _current(cursor: Any) -> dict[str, str | None]:
    """Each table's policy marker (None: the table exists, its policy is missing or stale)."""
    cursor.execute(
        "SELECT c.relname,"
        " CASE WHEN c.relrowsecurity AND c.relforcerowsecurity THEN"
        "  (SELECT obj_description(p.oid, 'pg_policy') FROM pg_policy p"
        "   WHERE p.polrelid = c.oid AND p.polname = %s) END"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'r'",
        [POLICY],
    )
    return {row[0]: row[1] for row in cursor.fetchall()}


def apply_policies(connection: BaseDatabaseWrapper) -> list[str]:
    """(Re)create the policy on every tenant table that exists; returns the tables done.

    Idempotent: run after every migrate (and every test flush), as the tables' owner; a table
    whose policy is already the current one (its comment names the condition's hash) is left
    alone, so a flush costs one query. Grants the app's role (settings.DATABASE_APP_ROLE) its
    reads and writes when one is named.
    """
    if connection.vendor != "postgresql":
        return []
    done = []
    with connection.cursor() as cursor:
        current = _current(cursor)
        for table, spec in sorted(tenant_tables().items()):
            condition = spec.condition
            if table not in current or current[table] == _marker(condition):
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {quoted}")
            cursor.execute(
                f"CREATE POLICY {POLICY} ON {quoted} FOR ALL"
                f" USING {condition} WITH CHECK {condition}"
            )
            cursor.execute(f"COMMENT ON POLICY {POLICY} ON {quoted} IS %s", [_marker(condition)])
            done.append(table)
        role = getattr(settings, "DATABASE_APP_ROLE", "")
        if role:
            grantee = connection.ops.quote_name(role)
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {grantee}"
            )
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {grantee}")
    return done


def policy_status(connection: BaseDatabaseWrapper) -> dict[str, dict[str, Any]]:
    """For each tenant table: row security enabled, forced, and its policy's condition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT p.qual FROM pg_policies p"
            "   WHERE p.schemaname = current_schema() AND p.tablename = c.relname"
            "   AND p.policyname = %s)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'",
            [POLICY],
        )
        rows = {r[0]: {"enabled": r[1], "forced": r[2], "policy": r[3]} for r in cursor.fetchall()}
    return {table: rows.get(table, {}) for table in tenant_tables()}


def apply_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    apply_policies(connections[using])
