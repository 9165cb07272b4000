"""Second-factor secrets encrypted at rest (issue 16, "TOTP secrets in clear")."""

from __future__ import annotations

import importlib

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import connection
from django.test import Client

from tests.browser.conftest import totp_code
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from trust_si.accounts.roles import Role

MIGRATION = importlib.import_module("trust_si.accounts.migrations.0005_i16_encrypt_mfa_secrets")


def _raw_rows(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s", [user.pk])
        return " ".join(str(row[0]) for row in cursor.fetchall())


def _login_with_totp(email: str) -> int:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    response = client.post(response["Location"], {"code": totp_code()})
    return client.get("/t/alpha/").status_code if response.status_code == 302 else 0


def test_the_totp_secret_is_not_in_the_database_and_login_still_works(world):
    user = world.a.user(Role.TRUST_LEADER)
    raw = _raw_rows(user)
    assert "fernet:" in raw
    assert TEST_TOTP_SECRET not in raw
    assert _login_with_totp(user.email) == 200


def test_the_data_migration_encrypts_a_secret_stored_in_clear(world):
    user = world.a.user(Role.TRUST_LEADER)
    Authenticator.objects.filter(user=user, type="totp").update(data={"secret": TEST_TOTP_SECRET})
    assert TEST_TOTP_SECRET in _raw_rows(user)
    MIGRATION.encrypt_existing(apps, None)
    MIGRATION.encrypt_existing(apps, None)  # twice: the second run changes nothing
    raw = _raw_rows(user)
    assert TEST_TOTP_SECRET not in raw and raw.count("fernet:") >= 1
    assert _login_with_totp(user.email) == 200


def test_a_secret_left_in_clear_is_never_accepted(world):
    user = world.a.user(Role.TRUST_LEADER)
    Authenticator.objects.filter(user=user, type="totp").update(data={"secret": TEST_TOTP_SECRET})
    with pytest.raises(Exception, match="unencrypted"):
        _login_with_totp(user.email)
