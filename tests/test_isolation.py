"""Every trust-scoped route, checked with two trusts. See tests/isolation.py for the contract."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.isolation import Case


def _iter_patterns(resolver: URLResolver, prefix: str = "", ns: str = "") -> Any:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            new_ns = ns
            if entry.namespace:
                new_ns = f"{ns}:{entry.namespace}" if ns else entry.namespace
            yield from _iter_patterns(entry, prefix + str(entry.pattern), new_ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{ns}:{entry.name}" if ns else entry.name


def tenant_routes() -> set[str]:
    return {
        name for pattern, name in _iter_patterns(get_resolver()) if "<slug:trust_slug>" in pattern
    }


def load_modules() -> list[Any]:
    modules = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                modules.append(importlib.import_module(f"tests.{info.name}.isolation"))
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.isolation":
                    raise
    return modules


MODULES = load_modules()
CASES: list[Case] = [case for module in MODULES for case in getattr(module, "CASES", [])]


def test_every_tenant_route_has_an_isolation_case() -> None:
    registered = {case.route for case in CASES}
    missing = sorted(name for name in tenant_routes() if name not in registered)
    assert not missing, f"Routes without a two-trust isolation case: {missing}"
    unknown = sorted(registered - tenant_routes())
    assert not unknown, f"Isolation cases for routes that do not exist: {unknown}"


def _request(client: Client, case: Case, slug: str, kwargs: dict[str, Any], data: Any) -> Any:
    url = reverse(case.route, kwargs={"trust_slug": slug, **kwargs})
    method = getattr(client, case.method)
    if case.method == "get":
        return method(url, data or {})
    if case.is_api:
        return method(url, data or {}, content_type="application/json")
    return method(url, data or {})


@pytest.fixture
def populated(world: Any) -> Any:
    for module in MODULES:
        setup = getattr(module, "setup", None)
        if setup is not None:
            setup(world)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_route_is_isolated(case: Case, populated: Any, client_for: Any) -> None:
    a, b = populated.a, populated.b
    kwargs_a = case.kwargs(a)
    data_a = case.data(a) if case.data else None

    # 1. Allowed member of A reaches A's object (otherwise the 404s below would prove nothing).
    response = _request(client_for(a.user(case.allowed_role)), case, a.slug, kwargs_a, data_a)
    assert response.status_code in case.ok_statuses, (case.id, response.status_code)

    # 2. A member of B (same role) gets 404 for A's object, under A's slug and under B's.
    outsider = client_for(b.user(case.allowed_role))
    assert _request(outsider, case, a.slug, kwargs_a, data_a).status_code == 404
    if kwargs_a and case.kwargs_are_objects:
        assert _request(outsider, case, b.slug, kwargs_a, data_a).status_code == 404

    # 3. Anonymous: the login page for HTML, 401 for the API.
    response = _request(Client(), case, a.slug, kwargs_a, data_a)
    if case.is_api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    # 4. A member of A whose role does not allow it: 403.
    if case.forbidden_role is not None:
        response = _request(client_for(a.user(case.forbidden_role)), case, a.slug, kwargs_a, data_a)
        assert response.status_code == 403, (case.id, response.status_code)
