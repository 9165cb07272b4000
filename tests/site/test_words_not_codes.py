"""Words, not codes: the vocabulary, and a walk of the demo as every role finding no raw code and
no unstyled error page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.site.pagewalk import parse, walk
from trust_si.accounts.roles import Role
from trust_si.site.demo import run_hooks
from trust_si.tenancy.models import Trust
from trust_si.vocab import action_words, change_sentences, codes_in_words, raw_codes_in, words


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2025-26-summer", "Summer term 2025-26"),
        ("eyfs", "Early years (EYFS)"),
        ("rwm", "Reading, writing and maths"),
        ("english_maths", "English and maths"),
        ("attainment8", "Attainment 8"),
        ("attendance_behaviour", "Attendance and behaviour"),
        ("kpi_sustain_gap", "Gap sustained over terms"),
        ("ks2_rwm_exp", "KS2 reading, writing and maths: expected standard"),
        ("ks2_mat_exp", "KS2 maths expected standard"),
        ("prior_band", "Prior band"),
        ("Already words", "Already words"),
    ],
)
def test_words_for_codes(code, expected):
    assert words(code) == expected
    assert not raw_codes_in(words(code))


def test_audit_changes_read_as_sentences():
    assert change_sentences({"status": ["draft", "published"]}) == [
        "Status changed from draft to published"
    ]
    assert change_sentences({"rationale": ["", "Leadership is new"]}) == [
        "Rationale set to Leadership is new"
    ]
    assert change_sentences({"term": "2025-26-summer", "group": "non_disadvantaged"}) == [
        "Term: summer term 2025-26",
        "Group: not disadvantaged",
    ]
    assert action_words("placement.confirm") == "Placement confirmed"
    assert action_words("upload.restore") == "Upload restored"
    assert codes_in_words("Upload for 2025-26-spring") == "Upload for Spring term 2025-26"


def test_raw_code_finder_ignores_emails_and_finds_codes():
    assert raw_codes_in("Sign out trust_admin@northmoor.example") == []
    assert raw_codes_in("attendance-2025-26-autumn.csv") == []  # a file's own name
    assert raw_codes_in("KS2 rwm: ks2_rwm_exp in 2025-26-summer") == [
        "2025-26-summer",
        "ks2_rwm_exp",
    ]


def _assert_styled_error(html: str) -> None:
    assert 'role="main"' in html and 'aria-label="Main"' in html, "no landmarks or navigation"
    assert "govuk-frontend" in html, "unstyled"
    assert "What you can do" in html


def test_error_pages_are_styled_with_navigation(world):
    a = world.a
    governor = Client()
    governor.force_login(a.user(Role.GOVERNOR))
    resp = governor.get(f"/t/{a.slug}/heatmap/")
    assert resp.status_code == 403
    html = resp.content.decode()
    _assert_styled_error(html)
    assert "Governor" in parse(html)[0] or "governor" in parse(html)[0]
    resp = governor.get(f"/t/{a.slug}/academies/999999999/")
    assert resp.status_code == 404
    _assert_styled_error(resp.content.decode())


@pytest.mark.django_db(transaction=False)
def test_demo_pages_show_no_raw_code_for_any_role(db, settings):
    """Riverside's demo, walked as each of its members: no page fails, none shows a code, and
    every error page (a 403 for a page the role may not open) has the site's layout."""
    settings.TRUST_SI_DEMO_PASSWORD = "demo-password-for-tests"
    trust = Trust.objects.create(slug="riverside", name="Riverside Primary Partnership")
    ctx: dict[str, Any] = {"demo": True, "password": settings.TRUST_SI_DEMO_PASSWORD}
    run_hooks(trust, ctx, lambda *_: None)
    found: dict[str, set[str]] = {}
    failures: list[str] = []
    for key, user in ctx["users"].items():  # the demo's logins, one per role
        client = Client()
        client.force_login(user)
        walked = walk(client, f"/t/{trust.slug}/", [f"/t/{trust.slug}/"], limit=50)
        pages = walked.pages
        assert pages, f"{key}: no page reached"
        failures += [f"{key} unstyled error page {u}" for u in walked.unstyled]
        for url, (status, text) in pages.items():
            if status >= 500:
                failures.append(f"{key} {url}: {status}")
            for code in raw_codes_in(text):
                found.setdefault(code, set()).add(f"{key} {url}")
            # A rule's source is a document named in words (`trust_si.sources`), never "seed 003".
            for cited in re.findall(r"seeds? 00\d", text, flags=re.IGNORECASE):
                found.setdefault(cited, set()).add(f"{key} {url}")
    assert not failures, failures
    assert not found, "\n".join(f"{c}: {sorted(u)[:3]}" for c, u in sorted(found.items()))
