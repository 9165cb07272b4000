"""The two-trust isolation contract, which every trust-scoped route must register a case for.

Each app's `tests/<app>/isolation.py` defines `CASES: list[Case]` (and optionally
`setup(world)` that creates the objects its cases point at, for both trusts). The test in
tests/test_isolation.py enumerates every URL pattern with `<trust_slug>` and fails when one has
no case, so a new route cannot ship unchecked. For each case it asserts:

1. a member of trust A whose role allows it gets a non-error answer for A's object;
2. a member of trust B gets 404 for A's object under A's slug, and under B's own slug;
3. an anonymous caller gets the login page (HTML) or 401 (API);
4. a member of A whose role does not allow it gets 403 (when `forbidden_role` is set).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trust_si.accounts.roles import Role


@dataclass
class Case:
    # "namespace:name" of the route, as reverse() takes it.
    route: str
    # Route kwargs (besides trust_slug) that point at the given trust world's objects.
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda tw: {})
    method: str = "get"
    # Form / JSON data for POST-like methods, built from the trust world.
    data: Callable[[Any], dict[str, Any]] | None = None
    allowed_role: Role = Role.TRUST_ADMIN
    forbidden_role: Role | None = None
    # Statuses the allowed user may get (a POST with no data may answer 400 or re-render 200).
    ok_statuses: tuple[int, ...] = (200, 201, 202, 204, 302, 303)
    # False when the kwargs name no trust-owned object (e.g. a template's kind and format).
    kwargs_are_objects: bool = True

    @property
    def is_api(self) -> bool:
        return self.route.split(":")[0].endswith("_api")

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.route}"
