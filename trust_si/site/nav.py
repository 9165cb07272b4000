"""The main navigation: every app's items, by plain import, filtered by the reader's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from academies import nav as academies_nav
from assessment import nav as assessment_nav
from assessment.frameworks import nav as frameworks_nav
from assessment.kpis import nav as kpis_nav
from cpd import nav as cpd_nav
from moderation import nav as moderation_nav
from partnerships import nav as partnerships_nav
from phases import nav as phases_nav
from planning import nav as planning_nav
from reporting import nav as reporting_nav
from trust_si.nav import NavItem
from trust_si.people import nav as accounts_nav
from trust_si.web.links import route_url
from visits import nav as visits_nav

ITEMS: list[NavItem] = sorted(
    [
        *accounts_nav.ITEMS,
        *academies_nav.ITEMS,
        *assessment_nav.ITEMS,
        *kpis_nav.ITEMS,
        *frameworks_nav.ITEMS,
        *moderation_nav.ITEMS,
        *phases_nav.ITEMS,
        *visits_nav.ITEMS,
        *cpd_nav.ITEMS,
        *partnerships_nav.ITEMS,
        *planning_nav.ITEMS,
        *reporting_nav.ITEMS,
    ],
    key=lambda i: (i.order, i.label),
)


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    membership = getattr(request, "membership", None)
    trust = getattr(request, "trust", None)
    if membership is None or trust is None:
        return []
    current = request.path
    entries = []
    for item in ITEMS:
        if not membership.can(item.capability):
            continue
        url = route_url(item.route, trust_slug=trust.slug)
        is_current = current == url or (
            url.rstrip("/") != f"/t/{trust.slug}" and current.startswith(url)
        )
        entries.append({"label": item.label, "url": url, "current": is_current})
    return entries
