"""Operations: health, the API schema and docs, production settings that refuse to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_cache_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_openapi_schema_documents_tenant_routes(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = (
        response.json()
        if response["Content-Type"].endswith("json")
        else yaml.safe_load(response.content)
    )
    paths = schema["paths"]
    assert "/api/v1/t/{trust_slug}/academies/" in paths
    assert "/api/v1/t/{trust_slug}/academies/{urn}/" in paths
    assert schema["info"]["title"] == "trust-si API"


@pytest.mark.django_db
def test_api_docs_load_their_assets_locally(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def _production(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "MFA_SECRET_KEYS", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "trust_si.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_its_secrets():
    result = _production({})
    assert result.returncode != 0
    assert "refuse to start without" in result.stderr
    for name in ("SECRET_KEY", "MFA_SECRET_KEYS", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
        assert name in result.stderr


_PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 64,
    # A Fernet key of its own (32 bytes, url-safe base64), not the local default.
    "MFA_SECRET_KEYS": "cHJvZHVjdGlvbi10ZXN0LWtleS0tLTMyLWJ5dGVzISE=",
    "DATABASE_URL": "postgres://u@127.0.0.1/x",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "ALLOWED_HOSTS": "example.org",
}


def test_production_starts_with_them():
    result = _production(_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def _example_value(name: str) -> str:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} is not in .env.example")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", _example_value("SECRET_KEY")),
        ("SECRET_KEY", "insecure-local-only-key-do-not-use-in-production"),
        ("MFA_SECRET_KEYS", _example_value("MFA_SECRET_KEYS")),
        ("MFA_SECRET_KEYS", "aW5zZWN1cmUtbG9jYWwtb25seS1tZmEta2V5LTMyYiE="),
    ],
)
def test_production_refuses_the_published_placeholder_keys(name, value):
    """Issue 16: production accepted the `.env.example` secret key (it is long enough)."""
    result = _production({**_PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_openapi_schema_generates_without_warnings():
    """A name clash or an ambiguous enum would make integrators' generated clients wrong."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/t/{trust_slug}/heatmap/" in schema["paths"]
    assert "/api/v1/t/{trust_slug}/placements/" in schema["paths"]
    assert not GENERATOR_STATS._warn_cache, sorted(GENERATOR_STATS._warn_cache)
