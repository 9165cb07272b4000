"""Django's PostgreSQL backend, telling the database which trust is in scope before each query.

Row-level security (trust_si/tenancy/rls.py) filters every tenant-owned table on the session
settings `app.trust_id`, `app.rls_bypass` and `app.rls_lookup`. They are set here, from the
ContextVar scope (context.database_settings), just before any statement that would run with a
different value: the first query of a scope pays one `set_config`, the rest pay nothing.

Why session settings (`set_config(..., false)`) checked per statement, rather than
`SET LOCAL` per transaction: Django runs in autocommit, so outside `atomic()` every statement
is its own transaction and a transaction-local setting would be gone before the next one.
Why not only when a scope is entered: a connection is reused across requests and tasks
(CONN_MAX_AGE, a pool), may be reopened inside a scope, and a rollback undoes a `set_config`
made inside the rolled-back transaction; so the value last sent is remembered per connection,
forgotten on connect and on every rollback, and compared with the scope before each statement.
Leaving a scope also sends the cleared value at once (context._database_follows_scope), in the
`finally` of every scope, outside a transaction (inside one, the next statement or the rollback
settles it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.db.backends.postgresql import base

from trust_si.tenancy.context import database_settings

logger = logging.getLogger("trust_si.tenancy")

SET_SCOPE = (
    "SELECT set_config('app.trust_id', %s, false), set_config('app.rls_bypass', %s, false), "
    "set_config('app.rls_lookup', %s, false)"
)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # None: unknown (a new or rolled-back session), so the next statement sets it.
        self.rls_sent: tuple[str, str, str] | None = None
        self.execute_wrappers.insert(0, self._rls_before_statement)

    def get_new_connection(self, conn_params: Any) -> Any:
        self.rls_sent = None
        return super().get_new_connection(conn_params)

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self.rls_sent = None

    def _savepoint_rollback(self, sid: str) -> None:
        try:
            super()._savepoint_rollback(sid)  # type: ignore[misc]
        finally:
            self.rls_sent = None

    def _close(self) -> None:
        self.rls_sent = None
        super()._close()  # type: ignore[misc]

    def _rls_before_statement(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        wanted = database_settings()
        if wanted != self.rls_sent:
            # A raw cursor of its own: the setting is not one of the request's queries (query
            # counts, the debug toolbar) and runs on the same session as the statement after
            # it. Never the statement's cursor: for `.iterator()` that is a server-side cursor,
            # which only DECLAREs a query and runs it when rows are fetched, so a `set_config`
            # sent through it never ran (tests/tenancy/test_rls.py, server_side_cursor).
            with self.wrap_database_errors, self.connection.cursor() as cursor:
                cursor.execute(SET_SCOPE, wanted)
            self.rls_sent = wanted
        return execute(sql, params, many, context)

    def rls_follow_scope(self) -> None:
        """Send the scope now if it changed (called when a scope is left)."""
        if self.connection is None or self.in_atomic_block:
            return
        wanted = database_settings()
        if wanted == self.rls_sent:
            return
        try:
            with self.wrap_database_errors, self.connection.cursor() as cursor:
                cursor.execute(SET_SCOPE, wanted)
            self.rls_sent = wanted
        except DatabaseError:
            # Never mask the exception that is leaving the scope; the next statement sets it.
            logger.warning("Could not clear the trust scope on the database session.")
            self.rls_sent = None
