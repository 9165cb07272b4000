"""Every trust-scoped route and method, checked with two trusts. See tests/isolation.py for the contract."""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import pkgutil
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, path, re_path, reverse
from django.urls.resolvers import RegexPattern
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import tests
from tests.conftest import World, build_trust_world
from tests.isolation import (
    Case,
    cross_trust_references,
    fingerprint_diff,
    name_world,
    response_text,
    sentinels_in,
    sentinels_of,
    trust_fingerprint,
)
from trust_si.accounts.roles import Role

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# A function view with no method decorator answers every method; it handles a POST when its
# body reads the method or the posted data.
PROCESSES_POST = re.compile(r"request\.method\b|request\.POST\b|request\.FILES\b|request\.body\b")


# --- The routes, by their URL arguments -----------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: frozenset[str]
    callback: Any


def _kwarg_names(entry: URLPattern | URLResolver) -> set[str]:
    """The kwargs this pattern captures, whatever converter or regex spelt them.

    Read from the compiled regex (a path() converter becomes a named group): a pattern's
    `converters` dict is not its own, since resolving merges the parents' into it.
    """
    return set(entry.pattern.regex.groupindex)


def walk(resolver: URLResolver, ns: str = "", kwargs: frozenset[str] = frozenset()) -> Any:
    for entry in resolver.url_patterns:
        names = kwargs | _kwarg_names(entry)
        if isinstance(entry, URLResolver):
            new_ns = ns
            if entry.namespace:
                new_ns = f"{ns}:{entry.namespace}" if ns else entry.namespace
            yield from walk(entry, new_ns, names)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{ns}:{entry.name}" if ns else entry.name
            yield Route(name=name, kwargs=names, callback=entry.callback)


def _refuses(callback: Any, method: str, kwargs: frozenset[str]) -> bool:
    """True when the view answers 405 to the method before doing anything else.

    The probe has no membership, so a view that lets the method through stops at its first
    `require()` (404): nothing is read or written.
    """
    request = getattr(RequestFactory(), method.lower())("/")
    request.user = AnonymousUser()
    request.trust = request.membership = None
    logger = logging.getLogger("django.request")
    level, logger.level = logger.level, logging.ERROR  # no "Method Not Allowed" per probe
    try:
        response = callback(request, **{k: "0" for k in kwargs if k != "trust_slug"})
    except Exception:  # the body ran: the method got through
        return False
    finally:
        logger.setLevel(level)
    return isinstance(response, HttpResponseNotAllowed)


def view_methods(route: Route) -> set[str]:
    callback = route.callback
    cls = getattr(callback, "cls", None)
    if cls is not None:  # DRF
        actions = getattr(callback, "actions", None)
        if actions:  # a ViewSet: the methods mapped in as_view({...}) (HEAD follows GET)
            return {m.upper() for m in actions} & set(METHODS)
        return {
            m.upper() for m in cls.http_method_names if m.upper() in METHODS and hasattr(cls, m)
        }
    refused = {m for m in METHODS if _refuses(callback, m, route.kwargs)}
    if refused:  # require_POST / require_GET / require_http_methods
        return set(METHODS) - refused
    methods = {"GET"}
    if PROCESSES_POST.search(inspect.getsource(inspect.unwrap(callback))):
        methods.add("POST")
    return methods


@functools.cache
def tenant_routes() -> dict[tuple[str, str], Route]:
    """(route name, method) of every route whose URL carries a trust slug."""
    return {
        (route.name, method): route
        for route in walk(get_resolver())
        if "trust_slug" in route.kwargs
        for method in view_methods(route)
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


def test_every_tenant_route_and_method_has_an_isolation_case() -> None:
    expected = set(tenant_routes())
    registered = {case.key for case in CASES}
    missing = sorted(expected - registered)
    assert not missing, f"(route, method) without a two-trust isolation case: {missing}"
    unknown = sorted(registered - expected)
    assert not unknown, f"Isolation cases for a (route, method) that does not exist: {unknown}"
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "Two cases share an id: give one a label"


def test_cases_that_send_foreign_ids_have_data_that_succeeds() -> None:
    """A cross-body 400 proves something only when the same body with B's own ids succeeds;
    query ids are for reads."""
    for case in CASES:
        if case.body_ids is not None or case.ignored_body_ids is not None:
            assert case.method != "get" and 400 not in case.ok_statuses, case.id
        if case.query_ids is not None:
            assert case.method == "get", case.id


def _view(request: Any, pk: str) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse("posted")
    return HttpResponse()


def _read_only(request: Any) -> HttpResponse:
    return HttpResponse()


def test_routes_and_methods_are_read_from_the_urls_and_views() -> None:
    """Any converter or regex naming `trust_slug` makes a route tenant-scoped; methods come from
    the decorators, or from the body for a view without one."""
    resolver = URLResolver(
        RegexPattern(r"^"),
        [
            path("a/<str:trust_slug>/<int:pk>/", _view, name="form"),
            re_path(r"^b/(?P<trust_slug>[a-z-]+)/$", require_POST(_read_only), name="post"),
            path("c/<slug:trust_slug>/", require_GET(_read_only), name="get"),
            path(
                "d/<path:trust_slug>/",
                require_http_methods(["GET", "DELETE"])(_read_only),
                name="get_delete",
            ),
            path("e/<str:trust_slug>/", _read_only, name="read"),
            path("f/<int:pk>/", _view, name="no_trust"),
        ],
    )
    found = {r.name: view_methods(r) for r in walk(resolver) if "trust_slug" in r.kwargs}
    assert found == {
        "form": {"GET", "POST"},
        "post": {"POST"},
        "get": {"GET"},
        "get_delete": {"GET", "DELETE"},
        "read": {"GET"},
    }
    routes = tenant_routes()
    assert set(m for name, m in routes if name == "kpis_api:kpi-target-detail") == {
        "GET",
        "PATCH",
        "DELETE",
    }
    assert {m for name, m in routes if name == "cpd_api:programme-list"} == {"GET"}


# --- The populated world, built once for the module -----------------------------------------


@pytest.fixture(scope="module")
def populated(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Both trusts, named with sentinels and filled by every app's `setup`, built once.

    Built inside a transaction that each test's own (savepoint) transaction nests in, as
    Django's TestCase does with setUpTestData, and rolled back after the module's last test.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # As in TestCase: a service's durable atomic block may run inside this one.
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            world = World(a=build_trust_world("alpha"), b=build_trust_world("beta"))
            name_world(world)
            for module in MODULES:
                setup = getattr(module, "setup", None)
                if setup is not None:
                    setup(world)
            # Logged in once: the sessions live in this transaction, like the world.
            for tw in (world.a, world.b):
                tw.extra["clients"] = {}
                for role, user in tw.users.items():
                    tw.extra["clients"][role] = client = Client()
                    client.force_login(user)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_the_populated_world_is_sound(populated: Any) -> None:
    references = cross_trust_references()
    assert not references, references
    for tw in (populated.a, populated.b):
        assert len(tw.extra["sentinels"]) >= 20, tw.slug


# --- One case, every check ------------------------------------------------------------------


def _member(tw: Any, role: Role) -> Client:
    """The module's logged-in client for the trust's member with that role."""
    client: Client = tw.extra["clients"][Role(role).value]
    # Only the session carries over between tests: a message cookie left by an earlier test's
    # redirect must not show on this one's pages.
    for name in [n for n in client.cookies if n != settings.SESSION_COOKIE_NAME]:
        del client.cookies[name]
    return client


def _data(case: Case, tw: Any) -> dict[str, Any]:
    return case.data(tw) if case.data else {}


def _request(client: Client, case: Case, slug: str, kwargs: dict[str, Any], data: Any) -> Any:
    url = reverse(case.route, kwargs={"trust_slug": slug, **kwargs})
    send = getattr(client, case.method)
    if case.method == "get":
        return send(url, data)
    if case.is_api and not case.multipart:
        return send(url, data, content_type="application/json")
    if case.method == "post":
        return send(url, data)
    return send(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def _assert_unchanged(before: dict[str, Any], trust: Any, what: str) -> None:
    changed = fingerprint_diff(before, trust_fingerprint(trust))
    assert not changed, f"{what} changed trust {trust.slug}'s rows: {changed}"


CROSS_STATUSES = (400, 404)


def _cross_body(
    case: Case,
    outsider: Client,
    world: World,
    before: dict[str, Any],
    body: dict[str, Any],
    statuses: tuple[int, ...],
) -> None:
    """B's member posts to B's own route with one of A's ids in the body."""
    a, b = world.a, world.b
    # Each attempt rolled back, so the next one (and A's own check) starts from the same rows.
    with transaction.atomic():
        response = _request(outsider, case, b.slug, case.kwargs(b), {**_data(case, b), **body})
        what = f"{case.id} with A's {body} in B's body"
        assert response.status_code in statuses, (what, response.status_code)
        _assert_unchanged(before, a.trust, what)
        references = cross_trust_references()
        assert not references, f"{what}: {references}"
        # A form may echo the value it refuses ("140000 is not one of the choices"): the
        # caller's own input, not A's data.
        sent = {
            str(v)
            for value in body.values()
            for v in (value if isinstance(value, list) else [value])
        }
        leaked = [
            s for s in sentinels_in(response_text(response), sentinels_of(a)) if s not in sent
        ]
        assert not leaked, f"{what} answered with A's data: {leaked}"
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_route_is_isolated(case: Case, populated: Any) -> None:
    a, b = populated.a, populated.b
    kwargs_a = case.kwargs(a)
    write = case.method != "get"
    before = trust_fingerprint(a.trust) if write else {}

    # 1. A member of B (same role) gets 404 for A's object, under A's slug and under B's, and
    #    the 404 says nothing of A (beyond the URL's own URN, which the caller sent).
    outsider = _member(b, case.allowed_role)
    checks = [("B's member under A's slug", a.slug)]
    if kwargs_a and case.kwargs_are_objects:
        checks.append(("A's object under B's slug", b.slug))
    for what, slug in checks:
        response = _request(outsider, case, slug, kwargs_a, _data(case, a))
        assert response.status_code == 404, (what, response.status_code)
        sent = {str(v) for v in kwargs_a.values()}
        leaked = [
            s for s in sentinels_in(response_text(response), sentinels_of(a)) if s not in sent
        ]
        assert not leaked, f"{what}: the 404 shows A's data: {leaked}"

    # 2. Anonymous: the login page for HTML, 401 for the API.
    response = _request(Client(), case, a.slug, kwargs_a, _data(case, a))
    if case.is_api:
        assert response.status_code == 401, response.status_code
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    # 3. A member of A whose role does not allow it: 403.
    if case.forbidden_role is not None:
        client = _member(a, case.forbidden_role)
        response = _request(client, case, a.slug, kwargs_a, _data(case, a))
        assert response.status_code == 403, ("forbidden role", response.status_code)

    # 4. None of that touched A's rows.
    if write:
        _assert_unchanged(before, a.trust, "a refused request")

    # 5. Cross-body: A's ids in B's own request change nothing in A and point nowhere.
    for ids, statuses in (
        (case.body_ids, CROSS_STATUSES),
        (case.ignored_body_ids, case.ok_statuses),
    ):
        for field, value in (ids(a) if ids else {}).items():
            _cross_body(case, outsider, populated, before, {field: value}, statuses)

    # 6. The allowed member of A reaches A's object (otherwise the 404s above prove nothing).
    response = _request(_member(a, case.allowed_role), case, a.slug, kwargs_a, _data(case, a))
    assert response.status_code in case.ok_statuses, ("allowed member", response.status_code)
    if write:
        references = cross_trust_references()
        assert not references, f"A's own write: {references}"
        return

    # 7. Sentinels: neither trust's page, JSON or export shows the other's data.
    text_a = response_text(response)
    leaked = sentinels_in(text_a, sentinels_of(b))
    assert not leaked, f"B's data on A's page: {leaked}"
    response = _request(outsider, case, b.slug, case.kwargs(b), _data(case, b))
    assert response.status_code in case.ok_statuses, ("B's own page", response.status_code)
    text_b = response_text(response)
    leaked = sentinels_in(text_b, sentinels_of(a))
    assert not leaked, f"A's data on B's page: {leaked}"
    for param, value in (case.query_ids(a) if case.query_ids else {}).items():
        response = _request(
            outsider, case, b.slug, case.kwargs(b), {**_data(case, b), param: value}
        )
        what = f"{case.id} filtered by A's {param}={value!r}"
        assert response.status_code in (*case.ok_statuses, *CROSS_STATUSES), what
        leaked = [
            s for s in sentinels_in(response_text(response), sentinels_of(a)) if s != str(value)
        ]
        assert not leaked, f"{what} shows A's data: {leaked}"
    if case.shows_sentinel:
        for tw, text in ((a, text_a), (b, text_b)):
            shown = sentinels_in(text, tw.extra["sentinels"])
            assert shown, f"{tw.slug}'s page shows none of its own sentinels (shows_sentinel)"


# --- Celery tasks given another trust's ids (issue 16) ---------------------------------------

# Each trust-scoped task that names an object: kwargs pointing at trust A's objects, sent with
# trust B's id. The task runs in B's scope, so A's object is not found and nothing of A's moves.
TASK_CASES: dict[str, Any] = {
    "reporting.tasks.report_generate_task": lambda a: {"report_id": a.extra["report"].pk},
    "assessment.tasks.upload_validate_task": lambda a: {"upload_id": a.extra["upload"].pk},
    "assessment.tasks.upload_commit_task": lambda a: {"upload_id": a.extra["upload"].pk},
    "phases.tasks.placement_recompute_task": lambda a: {"academy_id": a.academies[0].pk},
}
# Tasks whose other arguments name no trust-owned object (text, addresses, a tag).
TASKS_WITHOUT_OBJECT_IDS = {
    "phases.tasks.phase_change_mail_task",
    "academies.tasks.scope_probe",
}


def _tenant_tasks() -> dict[str, Any]:
    from celery import current_app

    from trust_si.tenancy.tasks import TenantTask

    current_app.loader.import_default_modules()
    return {
        name: task
        for name, task in current_app.tasks.items()
        if isinstance(task, TenantTask) and not name.startswith("celery.")
    }


# The database mark: loading Celery's task registry runs its Django fixup, whose system checks
# open a connection (the same reason as the time-limit table test).
@pytest.mark.django_db
def test_every_task_that_names_an_object_has_a_cross_trust_case() -> None:
    uncovered = []
    for name, task in _tenant_tasks().items():
        params = set(inspect.signature(task.run).parameters) - {"self", "trust_id"}
        if params and name not in TASK_CASES and name not in TASKS_WITHOUT_OBJECT_IDS:
            uncovered.append(name)
    assert not uncovered, f"tasks taking ids with no case in TASK_CASES: {uncovered}"
    assert set(TASK_CASES) <= set(_tenant_tasks()), "a case for a task that does not exist"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TASK_CASES))
def test_a_task_given_another_trusts_ids_does_nothing_to_that_trust(
    name: str, populated: Any
) -> None:
    a, b = populated.a, populated.b
    task = _tenant_tasks()[name]
    before = trust_fingerprint(a.trust)
    result = task.apply(kwargs={"trust_id": b.trust.pk, **TASK_CASES[name](a)}).get()
    assert result in ("missing", 0, None), (name, result)
    assert not fingerprint_diff(before, trust_fingerprint(a.trust)), name
    references = cross_trust_references()
    assert not references, references
