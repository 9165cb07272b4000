"""The active trust scope, held in a ContextVar.

A scope is either one trust (every tenant-owned query is filtered to it) or the loudly named
`dangerously_unscoped()` escape hatch for operators' commands and migrations. With no scope at
all, tenant-owned managers raise: a forgotten scope fails closed instead of showing every trust.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Trust


class NoTrustScope(RuntimeError):
    """A tenant-owned model was queried with no trust scope active."""


class CrossTrustWrite(RuntimeError):
    """A tenant-owned row of one trust was saved while acting for another."""


@dataclass(frozen=True)
class Scope:
    trust_id: int | None
    unscoped: bool = False


_scope: ContextVar[Scope | None] = ContextVar("trust_si_scope", default=None)
# The one table a KeyedLookupManager query may read before a trust is in scope (see
# managers.KeyedLookupQuerySet): PostgreSQL's policies let that table, and no other, through.
_lookup: ContextVar[str] = ContextVar("trust_si_keyed_lookup", default="")
logger = logging.getLogger("trust_si.tenancy")


def current_scope() -> Scope | None:
    return _scope.get()


def current_trust_id() -> int:
    """The id of the trust in scope; raises when there is none (or when unscoped)."""
    scope = _scope.get()
    if scope is None or scope.trust_id is None:
        raise NoTrustScope("No trust scope is active.")
    return scope.trust_id


def activate(trust: Trust | int) -> Token[Scope | None]:
    trust_id = trust if isinstance(trust, int) else trust.pk
    return _scope.set(Scope(trust_id=trust_id))


def deactivate(token: Token[Scope | None]) -> None:
    _scope.reset(token)
    _database_follows_scope()


def database_settings() -> tuple[str, str, str]:
    """What PostgreSQL's row-level security policies read: app.trust_id, app.rls_bypass,
    app.rls_lookup (see trust_si/tenancy/rls.py). Empty strings: no trust, every policy
    answers no rows."""
    scope = _scope.get()
    trust_id = "" if scope is None or scope.trust_id is None else str(scope.trust_id)
    bypass = "on" if scope is not None and scope.unscoped else ""
    return trust_id, bypass, _lookup.get()


def _database_follows_scope() -> None:
    """Leaving a scope also clears it on the database session now, not at the next query.

    The PostgreSQL backend (trust_si/tenancy/postgresql) already sets the scope before every
    query, so a stale session setting is never read through Django; this closes the gap for
    anything that reaches the raw connection, and for a pooled connection handed on.
    """
    from django.db import connection

    follow = getattr(connection, "rls_follow_scope", None)
    if follow is not None:
        follow()


@contextlib.contextmanager
def trust_scope(trust: Trust | int) -> Iterator[None]:
    """Run the block inside one trust: tenant-owned queries see that trust's rows only."""
    token = activate(trust)
    try:
        yield
    finally:
        deactivate(token)


@contextlib.contextmanager
def keyed_lookup(table: str) -> Iterator[None]:
    """Only for managers.KeyedLookupQuerySet: while its query runs, PostgreSQL lets that one
    table's rows through unscoped (the queryset itself filters by its one key)."""
    token = _lookup.set(table)
    try:
        yield
    finally:
        _lookup.reset(token)
        _database_follows_scope()


@contextlib.contextmanager
def dangerously_unscoped() -> Iterator[None]:
    """Escape hatch: tenant-owned managers return every trust's rows inside this block.

    For operators' commands (create_trust, seed_demo, the nightly fan-out) and data migrations
    only. Never in a request or in a task that acts for one trust. On PostgreSQL it also sets
    `app.rls_bypass`, the one setting that lets row-level security show every trust: each
    entry is logged with the command that asked for it (audited, never silent).
    """
    import sys

    logger.warning("Row-level security bypassed (dangerously_unscoped) by %s", " ".join(sys.argv))
    token = _scope.set(Scope(trust_id=None, unscoped=True))
    try:
        yield
    finally:
        deactivate(token)
