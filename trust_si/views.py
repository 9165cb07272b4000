"""Pages outside any one trust: the landing redirect, the no-trust page, health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from trust_si.tenancy.selectors import memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the trust they last worked in, or their only one; else explain."""
    memberships = memberships_of(request.user)
    if not memberships:
        return render(request, "no_trust.html", status=200)
    slugs = [m.trust.slug for m in memberships]
    last = request.session.get("current_trust")
    slug = last if last in slugs else slugs[0]
    return redirect("dashboard", trust_slug=slug)


@login_required
def switch_trust(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of(request.user)
    return render(request, "switch_trust.html", {"memberships": memberships})
