"""The DRF base every tenant API view uses: resolves the membership, then runs in scope."""

from __future__ import annotations

from contextvars import Token
from typing import Any

from django.http import Http404
from rest_framework import exceptions, generics, mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trust_si.accounts.models import ApiToken, Membership, User
from trust_si.accounts.selectors import membership_holder_has_totp, membership_of_request
from trust_si.tenancy.context import Scope, activate, deactivate
from trust_si.tenancy.models import Trust
from trust_si.web.pagination import TrustPagination


class TenantAPIMixin:
    """Authenticated members of the trust in the URL only; 404 for everyone else.

    `required_capability` (see trust_si.accounts.roles) answers 403 to members whose role does
    not allow the view. Querysets must still come from selectors that filter by trust and role.
    """

    required_capability: str | None = None
    _scope_token: Token[Scope | None] | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authenticates
        slug = getattr(request._request, "trust_slug", None)
        if slug is None:
            raise Http404
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        membership = membership_of_request(request._request, request.user, slug)
        if membership is None:
            raise Http404
        token = request.auth
        if isinstance(token, ApiToken):
            # A token is for one trust: another trust's URL is not found, even for a member.
            if token.trust_id != membership.trust_id:
                raise Http404
            # The session middleware cannot see token callers: the second factor is checked here.
            if membership.requires_mfa and not membership_holder_has_totp(membership):
                raise exceptions.PermissionDenied(
                    "Two-factor authentication must be set up before using the API."
                )
        request._request.trust = membership.trust  # type: ignore[attr-defined]
        request._request.membership = membership  # type: ignore[attr-defined]
        self._scope_token = activate(membership.trust)
        if self.required_capability and not membership.can(self.required_capability):
            raise exceptions.PermissionDenied("Your role does not allow this.")

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # An exception DRF does not handle (a body over DATA_UPLOAD_MAX_MEMORY_SIZE) skips
        # finalize_response: the scope is left here on every path, so the thread's next
        # request starts with none and the fail-closed managers stay armed.
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        finally:
            token = getattr(self, "_scope_token", None)
            if token is not None:
                deactivate(token)
                self._scope_token = None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        # Render inside the scope, then leave it: the serializer may still touch the database.
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        token = getattr(self, "_scope_token", None)
        if token is not None:
            deactivate(token)
            self._scope_token = None
        return response

    @property
    def trust(self) -> Trust:
        trust: Trust = self.request._request.trust
        return trust

    @property
    def membership(self) -> Membership:
        membership: Membership = self.request._request.membership
        return membership

    @property
    def actor(self) -> User:
        """The signed-in caller (initial() has refused everyone else)."""
        user: User = self.request.user
        return user

    request: Any


class TenantAPIView(TenantAPIMixin, APIView):
    pass


class TenantListAPIView(TenantAPIView):
    """A list route: `pagination_class` makes drf-spectacular document the page envelope and
    the `page` / `page_size` parameters for every GET whose response is `many=True`."""

    pagination_class = TrustPagination

    def paginated(
        self, items: Any, serializer_class: type[serializers.BaseSerializer[Any]], **kwargs: Any
    ) -> Response:
        paginator = self.pagination_class()
        page: list[Any] | None = paginator.paginate_queryset(items, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True, **kwargs).data)

    def paginated_rows(self, rows: Any) -> Response:
        """Rows already shaped as the response (dicts, in a list or a sequence that reads the
        slice asked for): paginate them as they are."""
        paginator = self.pagination_class()
        page: list[Any] | None = paginator.paginate_queryset(rows, self.request, view=self)
        return paginator.get_paginated_response(page)


class TenantGenericAPIView(TenantAPIMixin, generics.GenericAPIView[Any]):
    pass


class TenantReadOnlyViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet[Any]):
    pass


class TenantModelViewSet(TenantAPIMixin, viewsets.ModelViewSet[Any]):
    pass


__all__ = [
    "TenantAPIMixin",
    "TenantAPIView",
    "TenantGenericAPIView",
    "TenantListAPIView",
    "TenantModelViewSet",
    "TenantReadOnlyViewSet",
    "TrustPagination",
    "mixins",
]
