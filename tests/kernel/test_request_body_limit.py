"""Issue 16: "a 150 MB body is spooled before the 20 MB check". A body larger than its route
takes is refused on its Content-Length, before a byte is read: by Django (first middleware)
and so by gunicorn in front of it; the proxy's own limit is documented in docs/security.md."""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from trust_si.limits import BODY_LIMITS, MB, UPLOAD
from trust_si.processes import process_stop
from trust_si.web.middleware import RequestBodyLimitMiddleware

HUGE = 150 * MB


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def _post(path: str, size: int | str, **extra: str):
    return Client().generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": Unreadable()},
        **extra,
    )


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_refused_before_it_is_read():
    response = _post("/t/alpha/uploads/new/", HUGE)
    assert response.status_code == 413
    text = response.content.decode()
    assert "150.0 MB" in text and "at most 21 MB" in text and "Nothing was read" in text
    # The API's upload route: the same bound, the answer in JSON.
    api = _post("/api/v1/t/alpha/uploads/", HUGE)
    assert api.status_code == 413 and "at most 21 MB" in api.json()["detail"]


@pytest.mark.django_db
def test_every_other_route_takes_a_small_body():
    for path in (
        "/accounts/login/",
        "/t/alpha/visits/",
        "/api/v1/t/alpha/judgements/",
        "/nowhere/",
    ):
        response = _post(path, 3 * MB)
        assert response.status_code == 413, path
        assert "at most 2 MB" in response.content.decode(), path
    assert _post("/accounts/login/", "ten").status_code == 400


def test_a_body_within_its_routes_limit_goes_on():
    reached = RequestBodyLimitMiddleware(lambda request: HttpResponse("reached"))
    factory = RequestFactory()
    for name, path in (
        ("assessment:upload_new", "/t/alpha/uploads/new/"),
        ("academies:import", "/t/alpha/academies/import/"),
        ("academies:ofsted_import", "/t/alpha/academies/import-ofsted/"),
        ("kpis:published_results", "/t/alpha/published-results/"),
        ("reporting:settings", "/t/alpha/reports/settings/"),
        ("frameworks:pieces", "/t/alpha/judgements/1/pieces/"),
        ("frameworks:import", "/t/alpha/frameworks/versions/1/import/"),
        ("assessment_api:upload-list", "/api/v1/t/alpha/uploads/"),
    ):
        limit = BODY_LIMITS[name]
        for size, status in ((limit, 200), (limit + 1, 413)):
            request = factory.post(path, b"", content_type="text/plain")
            request.META["CONTENT_LENGTH"] = str(size)
            request.META["wsgi.input"] = Unreadable()
            assert reached(request).status_code == status, (name, size)
    assert BODY_LIMITS["assessment:upload_new"] == UPLOAD.max_bytes + MB


def _views(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _views(pattern, inner.strip(":"))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def test_every_route_that_takes_a_file_has_its_bound():
    """A view that reads request.FILES (or a DRF view with a multipart parser) must be named
    in trust_si.limits.BODY_LIMITS; and every name there is a route."""
    takes_files = set()
    names = set()
    for name, callback in _views(get_resolver()):
        names.add(name)
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view is not None:
            # DRF's default parsers include multipart: only a view that names its own takes files.
            parsers = [p.__name__ for p in vars(view).get("parser_classes", [])]
            if "MultiPartParser" in parsers:
                takes_files.add(name)
            continue
        if getattr(callback, "__module__", "").startswith(("django.", "allauth.")):
            continue
        try:
            source = inspect.getsource(inspect.unwrap(callback))
        except (OSError, TypeError):
            continue
        if "request.FILES" in source:
            takes_files.add(name)
    assert len(takes_files) >= 8
    assert takes_files <= set(BODY_LIMITS), takes_files - set(BODY_LIMITS)
    assert set(BODY_LIMITS) <= names, set(BODY_LIMITS) - names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_answers_413_while_the_body_is_still_on_the_wire(tmp_path: Path):
    """Through a real gunicorn (production's worker class): the headers of a 150 MB upload are
    answered with 413 at once; the client never has to send the body."""
    root = Path(__file__).resolve().parents[2]
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trust_si.settings.test",
        "TRUST_SI_VAR_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "trust_si.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 45
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    out = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"gunicorn did not start:\n{out}")
                time.sleep(0.3)
        with connection:
            connection.settimeout(20)
            # One request first: the worker imports the URLconf (every app) on its first
            # request, seconds on a slow machine, and the timing below is about the body only.
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            _read_until(connection, b"\r\n\r\n")
            connection.close()
            connection = socket.create_connection(("127.0.0.1", port), timeout=20)
        with connection:
            connection.settimeout(20)
            started = time.monotonic()
            connection.sendall(
                b"POST /t/alpha/uploads/new/ HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\n"
                + f"Content-Length: {HUGE}\r\n\r\n".encode()
                + b"x" * 65536  # the first bytes of the body, then nothing more
            )
            answer = _read_until(connection, b"Nothing was read")
            elapsed = time.monotonic() - started
        text = answer.decode(errors="replace")
        assert text.startswith("HTTP/1.1 413"), text[:500]
        assert "at most 21 MB" in text and "Nothing was read" in text
        assert elapsed < 10
    finally:
        process_stop(server)


def _read_until(connection: socket.socket, marker: bytes) -> bytes:
    """What the server sends until `marker` has arrived or it closes the connection."""
    answer = b""
    while marker not in answer:
        chunk = connection.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer
