"""The active trust scope, held in a ContextVar.

A scope is either one trust (every tenant-owned query is filtered to it) or the loudly named
`dangerously_unscoped()` escape hatch for operators' commands and migrations. With no scope at
all, tenant-owned managers raise: a forgotten scope fails closed instead of showing every trust.
"""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def trust_scope(trust: Trust | int) -> Iterator[None]:
    """Run the block inside one trust: tenant-owned queries see that trust's rows only."""
    token = activate(trust)
    try:
        yield
    finally:
        _scope.reset(token)


@contextlib.contextmanager
def dangerously_unscoped() -> Iterator[None]:
    """Escape hatch: tenant-owned managers return every trust's rows inside this block.

    For operators' commands (create_trust, seed_demo, the nightly fan-out) and data migrations
    only. Never in a request or in a task that acts for one trust.
    """
    token = _scope.set(Scope(trust_id=None, unscoped=True))
    try:
        yield
    finally:
        _scope.reset(token)
