"""Resolves the trust in the URL, checks the user's membership and runs the view in its scope."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control

from trust_si.accounts.selectors import membership_of_request
from trust_si.limits import BODY_LIMITS, MB
from trust_si.tenancy.context import activate, deactivate

API_PREFIX = "/api/"


class TenantMiddleware:
    """For every URL with `<trust_slug>`: 404 unless the user is an active member, then scope.

    The trust slug is taken out of the view's kwargs: views read `request.trust` and
    `request.membership` instead. API views (token auth happens inside DRF) resolve the
    membership in `TenantAPIView.initial`, after DRF has authenticated the caller.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.trust = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_trust_scope_token", None)
            if token is not None:
                deactivate(token)
                request._trust_scope_token = None  # type: ignore[attr-defined]

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        slug = view_kwargs.pop("trust_slug", None)
        if slug is None:
            return None
        request.trust_slug = slug  # type: ignore[attr-defined]
        if request.path.startswith(API_PREFIX):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_of_request(request, request.user, slug)
        if membership is None:
            raise Http404("No such trust.")
        request.trust = membership.trust  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        if request.session.get("current_trust") != slug:  # written only when it changes
            request.session["current_trust"] = slug
        request._trust_scope_token = activate(membership.trust)  # type: ignore[attr-defined]
        return None


RENEW_EVERY_SECONDS = 5 * 60


class SessionRenewMiddleware:
    """Keep a signed-in session's idle expiry sliding without writing it on every request.

    SESSION_SAVE_EVERY_REQUEST is off (a write per page was a quarter of a page's time under
    load); instead a session is marked changed, and so saved with a fresh expiry, at most once
    every RENEW_EVERY_SECONDS. A visitor with no session gets none. A poll (htmx's
    `hx-trigger="every …"`, marked `X-Poll: 1` by static/js/app.js) renews nothing: only the
    person's own requests keep the session alive, not a tab left open on a progress page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if request.headers.get("X-Poll") == "1":
            return response
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get("_renewed_at", 0)) >= RENEW_EVERY_SECONDS:
                session["_renewed_at"] = now
        return response


class NoStoreMiddleware:
    """Nothing a signed-in person (or an API caller) is shown is kept by a browser or proxy cache.

    Pages, exports and API answers carry pupil data and names: a shared computer's back button
    or a caching proxy must not replay them. Anonymous pages (login, health) are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # DRF sets the Django request's user when it authenticates a token caller.
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


SMALLEST_ROUTE_LIMIT = min(BODY_LIMITS.values())


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than its route takes, before a byte of it is read.

    First in MIDDLEWARE: it looks only at the declared Content-Length, so a 150 MB body sent
    to a 20 MB upload form is answered 413 while it is still on the wire (Django would
    otherwise spool it to a temporary file before the form's own size check). A route that
    takes a file gets its file's bound (`trust_si.limits.BODY_LIMITS`); every other request
    `settings.REQUEST_BODY_MAX_BYTES`. A body without a Content-Length (chunked) is never read
    by Django at all. The proxy in front holds the same line (docs/security.md).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            size = int(declared)
        except ValueError:
            size = -1
        if size < 0:
            return self._refuse(request, 400, "The request's Content-Length is not a number.")
        limit = int(settings.REQUEST_BODY_MAX_BYTES)
        if size > min(limit, SMALLEST_ROUTE_LIMIT):  # most requests are below both: no resolve
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            limit = BODY_LIMITS.get(name, limit)
        if size > limit:
            return self._refuse(
                request,
                413,
                f"The request is {size / MB:.1f} MB; this page takes at most "
                f"{limit / MB:.0f} MB. Nothing was read: send a smaller file.",
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse({"detail": message}, status=status)
        else:
            response = HttpResponse(
                message, status=status, content_type="text/plain; charset=utf-8"
            )
        # No `Connection: close` here: it is the server's header (wsgiref refuses it from an
        # app); gunicorn discards an unread body itself before the next request.
        return response
