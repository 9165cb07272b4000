"""Main navigation, collected from each app's `nav.py` (ITEMS) and filtered by capability."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str  # a tenant route name taking only trust_slug
    capability: str
    order: int = 100


APPS = [
    "trust_si.accounts",
    "academies",
    "assessment",
    "assessment.kpis",
    "phases",
    "visits",
    "cpd",
    "partnerships",
    "reporting",
]


@cache
def _all_items() -> list[NavItem]:
    items: list[NavItem] = []
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "ITEMS", []))
    return sorted(items, key=lambda i: (i.order, i.label))


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    membership = getattr(request, "membership", None)
    trust = getattr(request, "trust", None)
    if membership is None or trust is None:
        return []
    current = request.path
    entries = []
    for item in _all_items():
        if not membership.can(item.capability):
            continue
        try:
            url = reverse(item.route, kwargs={"trust_slug": trust.slug})
        except NoReverseMatch:
            continue
        is_current = current == url or (
            url.rstrip("/") != f"/t/{trust.slug}" and current.startswith(url)
        )
        entries.append({"label": item.label, "url": url, "current": is_current})
    return entries
