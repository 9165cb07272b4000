"""The landing redirect, the trust switcher and each trust's dashboard (it links every app)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from academies.selectors import academy_list_for
from phases.selectors import own_school_phases_for
from planning.selectors import overdue_reviews_for
from trust_si.accounts.roles import CAPABILITIES, Role
from trust_si.accounts.selectors import memberships_of
from trust_si.web.access import require
from trust_si.web.http import TenantRequest
from trust_si.web.links import route_url, urn_url
from visits.selectors import action_rows, overdue_actions_for


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


# What each capability lets a person do, in words, for the dashboard.
DASHBOARD_LINKS = [
    ("heatmap.view", "phases:heatmap", "Review the trust heat map and phase placements"),
    ("academy.view", "academies:list", "See your academies"),
    ("pupil_data.upload", "assessment:upload_list", "Upload this term's pupil data"),
    ("kpi.view", "kpis:trust_table", "Compare outcomes with national figures and targets"),
    ("visit.view", "visits:list", "Plan and record visits, and follow up actions"),
    ("cpd.view", "cpd:dashboard", "Professional development"),
    ("partnership.view", "partnerships:dashboard", "External partnerships"),
    ("planning.view", "planning:overview", "Self-evaluation, improvement plans and reviews"),
    ("risk.view", "planning:risks", "The trust risk register"),
    ("report.view", "reporting:list", "Read and download termly reports"),
    ("users.manage", "people", "Invite people and set their roles"),
    ("audit.view", "audit_log", "Audit log: who changed what"),
]


def dashboard(request: TenantRequest) -> HttpResponse:
    membership = require(request, "academy.view")
    links = []
    for capability, route, label in DASHBOARD_LINKS:
        if capability in CAPABILITIES and membership.can(capability):
            url = route_url(route, trust_slug=request.trust.slug)
            links.append({"url": url, "label": label})
    # Heads and governors land on their own school: its phase and what decided it.
    school_level = membership.role_enum in (Role.SCHOOL_STAFF, Role.GOVERNOR)
    own_schools = own_school_phases_for(membership) if school_level else []
    slug = request.trust.slug
    own_links = {}
    if own_schools:
        # Each school's links, reversed once for all of them rather than per school.
        kpi_url = urn_url("kpis:academy", trust_slug=slug)
        for school in own_schools:
            school["kpi_href"] = kpi_url(school["academy"]["urn"])
        own_links = {
            route.split(":")[0]: route_url(route, trust_slug=slug)
            for route in ("phases:own", "visits:list", "reporting:list")
        }
    # Rows of the strings each list shows, each link reversed once per list (issue 17).
    overdue = None
    if membership.can("visit.view"):
        overdue = action_rows(overdue_actions_for(membership)[:10], trust_slug=slug)
    overdue_reviews = None
    if membership.can("planning.view"):
        plan_url = urn_url("planning:academy", trust_slug=slug)
        overdue_reviews = [
            {
                "href": plan_url(o["academy"].urn),
                "title": o["priority"].title,
                "academy": o["academy"].name,
                "first": o["overdue"][0].label,
                "later": len(o["overdue"]) - 1,
            }
            for o in overdue_reviews_for(membership, dt.date.today())[:10]
        ]
    academy_url = urn_url("academies:detail", trust_slug=slug)
    academies = [
        {"href": academy_url(urn), "name": name}
        for urn, name in academy_list_for(membership).values_list("urn", "name")[:12]
    ]
    return render(
        request,
        "dashboard.html",
        {
            "overdue_reviews": overdue_reviews,
            "role": membership.role_enum,
            "links": links,
            "academies": academies,
            "overdue": overdue,
            "own_schools": own_schools,
            "own_links": own_links,
            "can_kpis": membership.can("kpi.view"),
            "can_reports": membership.can("report.view"),
            "can_visits": membership.can("visit.read"),
        },
    )
