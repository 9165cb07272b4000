"""`manage.py check --database default`: is the app's database role held by row-level security?"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def app_role_is_held_by_row_level_security(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Production only (RLS_REQUIRE_APP_ROLE), and not for `migrate` as the owner (which names
    the app's role in DATABASE_APP_ROLE): a superuser, a BYPASSRLS role or the tables' owner
    would make the policies decoration."""
    if not getattr(settings, "RLS_REQUIRE_APP_ROLE", False) or settings.DATABASE_APP_ROLE:
        return []
    found: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.rolsuper, r.rolbypassrls, EXISTS (SELECT 1 FROM pg_tables t"
                " WHERE t.schemaname = current_schema() AND t.tableowner = current_user)"
                " FROM pg_roles r WHERE r.rolname = current_user"
            )
            superuser, bypass, owner = cursor.fetchone()
        if superuser or bypass or owner:
            what = "a superuser" if superuser else "BYPASSRLS" if bypass else "the tables' owner"
            found.append(
                checks.Warning(
                    f"The app connects to database {alias!r} as {what}: row-level security "
                    "does not hold it to one trust.",
                    hint="Connect as trust_si_app (docs/security.md, 'Two database roles').",
                    id="tenancy.W001",
                )
            )
    return found
