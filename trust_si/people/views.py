"""Thin views: people management, invitations, API tokens, the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from trust_si.accounts import selectors, services
from trust_si.accounts.models import Invitation
from trust_si.tenancy.context import trust_scope
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from .forms import AcceptInvitationForm, ApiTokenForm, AuditFilterForm, InviteForm, MembershipForm


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
    """The member's tokens for this trust: create one (its key shown once), see, revoke."""
    membership = require(request, "api.token")
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                actor=request.user,
                membership=membership,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                session_passed_mfa=selectors.session_passed_mfa(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiTokenForm()
    tokens = selectors.api_tokens_of(membership).select_related("user")
    return render(
        request, "accounts/api_token.html", {"new_key": new_key, "form": form, "tokens": tokens}
    )


@require_POST
def api_token_revoke(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "api.token")
    token = selectors.api_token_get_for(membership, pk)
    services.api_token_revoke(actor=request.user, membership=membership, token=token)
    messages.success(request, f"The token “{token.name}” has been revoked.")
    return redirect("api_token", trust_slug=request.trust.slug)


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


@require_POST
def invitation_revoke(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "users.manage")
    invitation = selectors.invitation_get_for(membership, pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} has been revoked.")
    return redirect("people", trust_slug=request.trust.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation. Accepting never signs anyone in.

    An address nobody holds gets a new account (the link proves the address), and its owner
    then signs in as anyone does. An address an account holds is accepted only by that account,
    signed in through the real login (password and second factor), with one more click.
    """
    # Looked up by its unguessable token only; everything after runs in its trust.
    invitation = Invitation.by_token.lookup(token).select_related("trust").first()
    if invitation is None or not invitation.is_usable:
        return render(
            request, "accounts/invitation_invalid.html", status=410 if invitation else 404
        )
    holder = selectors.invitation_holder(invitation)
    context: dict[str, Any] = {"invitation": invitation, "holder": holder}
    if holder is not None:
        if not request.user.is_authenticated:
            login_url = reverse("account_login") + "?" + urlencode({"next": request.path})
            return render(
                request, "accounts/accept_sign_in.html", {**context, "login_url": login_url}
            )
        if request.user.pk != holder.pk:
            return render(request, "accounts/accept_sign_in.html", context, status=403)
        if request.method == "POST":
            with trust_scope(invitation.trust):
                try:
                    services.invitation_accept(invitation=invitation, user=holder)
                except ValidationError as exc:
                    return _invitation_refused(request, exc)
            messages.success(request, f"You have joined {invitation.trust.name}.")
            return redirect("dashboard", trust_slug=invitation.trust.slug)
        return render(request, "accounts/accept_existing.html", context)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with trust_scope(invitation.trust):
            try:
                services.invitation_accept(
                    invitation=invitation,
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                )
            except ValidationError as exc:
                return _invitation_refused(request, exc)
        messages.success(
            request, "Your account is ready. Sign in with your email address and new password."
        )
        return redirect("account_login")
    return render(
        request,
        "accounts/accept.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


def _invitation_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return render(
        request, "accounts/invitation_invalid.html", {"reason": " ".join(exc.messages)}, status=410
    )
