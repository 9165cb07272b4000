"""Thin views: people management, invitations, API tokens, the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from trust_si.accounts import selectors, services
from trust_si.accounts.models import Invitation
from trust_si.tenancy.context import trust_scope
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from .forms import AcceptInvitationForm, AuditFilterForm, InviteForm, MembershipForm


def people(request: TenantRequest) -> HttpResponse:
    membership = require(request, "users.manage")
    members = list(selectors.member_list_for(membership))
    return render(
        request,
        "accounts/people.html",
        {
            "members": members,
            "mfa": selectors.mfa_user_ids([m.user_id for m in members]),
            "invitations": selectors.invitation_list_for(membership),
        },
    )


def _scope_args(form: Any) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "role": d["role"],
        "academies": list(d["academies"]),
        "staff_role": d["staff_role"],
        "is_board": d["is_board"],
    }


def invite(request: TenantRequest) -> HttpResponse:
    require(request, "users.manage")
    form = InviteForm(request.POST or None, trust=request.trust)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                trust=request.trust,
                email=form.cleaned_data["email"],
                accept_url_base=request.build_absolute_uri("/")[:-1],
                **_scope_args(form),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"An invitation has been sent to {invitation.email}.")
            return redirect("people", trust_slug=request.trust.slug)
    return render(
        request, "accounts/invite.html", {"form": form}, status=400 if form.errors else 200
    )


def member_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "users.manage")
    member = selectors.member_get_for(membership, pk)
    initial = {
        "role": member.role,
        "staff_role": member.staff_role,
        "is_board": member.is_board,
        "academies": list(member.academies.all()),
    }
    form = MembershipForm(request.POST or None, initial=initial, trust=request.trust)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(actor=request.user, membership=member, **_scope_args(form))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{member.user.display_name}'s role has been saved.")
            return redirect("people", trust_slug=request.trust.slug)
    return render(
        request,
        "accounts/member_form.html",
        {"form": form, "member": member},
        status=400 if form.errors else 200,
    )


@require_POST
def member_set_active(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "users.manage")
    member = selectors.member_get_for(membership, pk)
    active = request.POST.get("active") == "1"
    try:
        services.membership_set_active(actor=request.user, membership=member, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        word = "reactivated" if active else "deactivated"
        messages.success(request, f"{member.user.display_name} has been {word}.")
    return redirect("people", trust_slug=request.trust.slug)


def api_token(request: TenantRequest) -> HttpResponse:
    require(request, "api.token")
    new_key = None
    if request.method == "POST":
        new_key = services.api_token_rotate(actor=request.user).key
    has_token = Token.objects.filter(user=request.user).exists()
    return render(request, "accounts/api_token.html", {"new_key": new_key, "has_token": has_token})


def audit_log(request: TenantRequest) -> HttpResponse:
    membership = require(request, "audit.view")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.audit_list_for(membership, filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accepting needs no account: the token in the emailed link is the proof."""
    # Looked up by its unguessable token only; everything after runs in its trust.
    invitation = Invitation.by_token.lookup(token).select_related("trust").first()
    if invitation is None or not invitation.is_usable:
        return render(
            request, "accounts/invitation_invalid.html", status=410 if invitation else 404
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with trust_scope(invitation.trust):
            try:
                user = services.invitation_accept(
                    invitation=invitation,
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                )
            except ValidationError:
                return render(request, "accounts/invitation_invalid.html", status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("dashboard", trust_slug=invitation.trust.slug)
    return render(
        request,
        "accounts/accept.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )
