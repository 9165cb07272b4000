"""The demo walked in Chromium as each of its members: axe finds no violation on any page.

The pages come from the same walk as `tests/site/test_words_not_codes.py` (the nav pages and
the links on them, breadth first); each is opened in the browser with that member's session
and checked with the vendored axe-core (WCAG 2.2 AA tags).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from reporting.models import Report
from tests.browser.conftest import axe_violations
from tests.site.pagewalk import walk
from trust_si.site.demo import run_hooks
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

PER_ROLE = 14  # pages per member: every nav page, then the first pages they link to


@pytest.mark.django_db(transaction=True)
def test_demo_pages_have_no_axe_violations_for_any_role(page, live_server, settings):
    settings.TRUST_SI_DEMO_PASSWORD = "demo-password-for-tests"
    trust = Trust.objects.create(slug="riverside", name="Riverside Primary Partnership")
    ctx: dict[str, Any] = {"demo": True, "password": settings.TRUST_SI_DEMO_PASSWORD}
    run_hooks(trust, ctx, lambda *_: None)
    prefix = f"/t/{trust.slug}/"
    with trust_scope(trust):
        report = Report.objects.filter(status="ready").order_by("pk").first()
    # The two pages the issue found failing (report detail, audit log), whatever the walk reaches.
    named = [f"{prefix}audit/"] + ([f"{prefix}reports/{report.pk}/"] if report else [])
    found: list[str] = []
    checked = 0
    for key, user in ctx["users"].items():
        client = Client()
        client.force_login(user)
        urls = list(walk(client, prefix, [prefix], limit=PER_ROLE).pages)
        urls += [u for u in named if u not in urls and client.get(u).status_code == 200]
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        for url in urls:
            page.goto(url)
            checked += 1
            for v in axe_violations(page):
                found.append(f"{key} {url}: {v['id']} ({len(v['nodes'])} nodes)")
    assert checked >= 3 * len(ctx["users"])
    assert not found, "\n".join(found)
