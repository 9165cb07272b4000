"""N+1 guard: every main page and list API makes as many queries for 30 academies as for 5.

Two trusts from the scale generator (5 and 30 academies, each with pupils, two years of termly
results, a visit, an upload and a report per academy), placements and heat map from the real
recompute. A route whose query count grows with the rows fails here, naming the route.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from phases.pipeline import recompute_run
from trust_si.site.scale import scale_generate
from trust_si.tenancy.context import trust_scope

PAGES = [
    "/t/{slug}/",
    "/t/{slug}/heatmap/",
    "/t/{slug}/academies/",
    "/t/{slug}/kpis/",
    "/t/{slug}/placements/",
    "/t/{slug}/visits/",
    "/t/{slug}/uploads/",
    "/t/{slug}/reports/",
]
APIS = [
    "/api/v1/t/{slug}/academies/",
    "/api/v1/t/{slug}/heatmap/",
    "/api/v1/t/{slug}/kpis/?term=2025-26-summer",
    "/api/v1/t/{slug}/placements/",
    "/api/v1/t/{slug}/judgements/",
    "/api/v1/t/{slug}/visits/",
    "/api/v1/t/{slug}/actions/",
    "/api/v1/t/{slug}/visit-programme/",
    "/api/v1/t/{slug}/uploads/",
    "/api/v1/t/{slug}/reports/",
    "/api/v1/t/{slug}/kpis/targets/",
]


def _world(prefix: str, academies: int) -> tuple[str, Client]:
    summary = scale_generate(
        trusts=1, academies=academies, pupils=academies * 8, years=2, prefix=prefix
    )
    [trust] = summary.trusts
    with trust_scope(trust):
        recompute_run(trust=trust)
    client = Client()
    client.force_login(summary.leaders[trust.slug])
    return trust.slug, client


def _count(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), response


@pytest.fixture
def two_sizes(db: Any) -> dict[str, tuple[str, Client]]:
    return {"small": _world("qsmall", 5), "large": _world("qlarge", 30)}


def test_query_counts_do_not_grow_with_academies(two_sizes: dict[str, tuple[str, Client]]) -> None:
    grown = {}
    for route in PAGES + APIS:
        counts = {}
        for size, (slug, client) in two_sizes.items():
            url = route.format(slug=slug)
            client.get(url)  # warm per-process caches (vocab, settings), as a running server has
            counts[size], response = _count(client, url)
            assert response.status_code == 200, (url, response.status_code)
        if counts["large"] > counts["small"]:
            grown[route] = counts
    assert not grown, f"query count grows with the number of academies: {grown}"


def test_list_api_pages_and_caps_the_page_size(two_sizes: dict[str, tuple[str, Client]]) -> None:
    slug, client = two_sizes["large"]
    body = client.get(f"/api/v1/t/{slug}/academies/?page_size=10&page=2").json()
    assert body["count"] == 30 and len(body["results"]) == 10 and body["previous"]
    capped = client.get(f"/api/v1/t/{slug}/visits/?page_size=100000").json()
    assert capped["count"] == 30 and len(capped["results"]) == 30  # capped at 500, not refused
    assert client.get(f"/api/v1/t/{slug}/academies/?page=99").status_code == 404


def test_every_list_route_documents_its_pages() -> None:
    """The schema shows the page envelope and a bounded page_size for every GET that lists."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    bare, unbounded = [], []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        content = get["responses"].get("200", {}).get("content", {})
        body = content.get("application/json", {}).get("schema", {})
        if body.get("type") == "array":
            bare.append(path)
        if "$ref" in body and "/Paginated" in body["$ref"]:
            sizes = [p for p in get.get("parameters", []) if p["name"] == "page_size"]
            if not sizes or sizes[0]["schema"].get("maximum") != 500:
                unbounded.append(path)
    assert not bare, f"list routes answering a bare array: {bare}"
    assert not unbounded, f"paginated routes without a bounded page_size: {unbounded}"


def test_generate_scale_command_makes_the_slice_and_refuses_to_repeat(db: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    from academies.models import Academy
    from assessment.models import Pupil, Result
    from trust_si.tenancy.models import Trust

    out = StringIO()
    call_command(
        "generate_scale", trusts=2, academies=5, pupils=40, years=1, recompute=True, stdout=out
    )
    assert "Generated 2 trusts" in out.getvalue() and "Recomputed" in out.getvalue()
    trusts = list(Trust.objects.filter(slug__startswith="scale-").order_by("slug"))
    counts = []
    for trust in trusts:
        with trust_scope(trust):
            counts.append((Academy.objects.count(), Pupil.objects.count(), Result.objects.exists()))
    assert counts == [(3, 20, True), (2, 20, True)]
    with pytest.raises(CommandError, match="exist already"):
        call_command("generate_scale", trusts=1, academies=1, pupils=1, stdout=out)
