"""`pk_url` / `urn_url` (issue 17): a route reversed once gives what `reverse` gives per row."""

from __future__ import annotations

from django.urls import reverse

from trust_si.web.links import urn_url


def test_urn_url_is_reverse_for_any_urn():
    url = urn_url("academies:detail", trust_slug="alpha")
    for urn in ["100001", "12 34", "a%b", "x?y", "é", "'&\""]:
        assert url(urn) == reverse(
            "academies:detail", kwargs={"trust_slug": "alpha", "urn": urn}
        ), urn
