"""A navigation entry. Each app lists its own in `<app>/nav.py`; trust_si.site collects them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str  # a tenant route name taking only trust_slug
    capability: str
    order: int = 100
