"""Hashed, per-trust API tokens (issue 16, "MFA guards browser sessions only")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.browser.conftest import totp_code
from tests.factories import TEST_PASSWORD, MembershipFactory
from trust_si.accounts.models import ApiToken
from trust_si.accounts.roles import Role
from trust_si.accounts.services import api_token_create, membership_set_active, membership_update
from trust_si.audit.models import AuditEvent
from trust_si.tenancy.context import trust_scope

KEY = re.compile(r"tsi_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


def _api(key: str, slug: str) -> int:
    return (
        Client().get(f"/api/v1/t/{slug}/academies/", HTTP_AUTHORIZATION=f"Token {key}").status_code
    )


def _membership(tw, user):
    from trust_si.accounts.models import Membership

    with tw.scope():
        return Membership.objects.get(user=user)


def _create(tw, user, name="script", days=30):
    return api_token_create(
        actor=user,
        membership=_membership(tw, user),
        name=name,
        days=days,
        session_passed_mfa=True,
    )


def _signed_in(user) -> Client:
    """Through allauth's form: password, then the TOTP step."""
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert "/2fa/authenticate/" in response["Location"]
    assert client.post(response["Location"], {"code": totp_code()}).status_code == 302
    return client


def test_a_token_is_shown_once_and_only_its_hash_is_stored(world):
    user = world.a.user(Role.TRUST_LEADER)
    client = _signed_in(user)
    page = client.post("/t/alpha/people/api-token/", {"name": "board pack", "days": "30"})
    key = KEY.search(page.content.decode()).group(0)
    assert _api(key, "alpha") == 200
    # Never again on the page: the list shows the name and the prefix only.
    again = client.get("/t/alpha/people/api-token/").content.decode()
    assert key not in again
    assert "board pack" in again and key[: len("tsi_") + 8] in again
    # No column of any row holds the key.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert not any(key in str(value) or key[13:] in str(value) for value in rows[0])
    with world.a.scope():
        token = ApiToken.objects.get()
        assert token.last_used_at is not None
        assert token.expires_at - timezone.now() < timedelta(days=31)
        assert AuditEvent.objects.filter(action="api_token.create").exists()


def test_a_token_for_one_trust_never_reads_another_even_for_a_member_of_both(world):
    user = world.b.user(Role.TRUST_LEADER)
    MembershipFactory(trust=world.a.trust, user=user, role=Role.TRUST_LEADER)
    _t, key_b = _create(world.b, user)
    _t, key_a = _create(world.a, user)
    assert _api(key_b, "beta") == 200 and _api(key_a, "alpha") == 200
    assert _api(key_b, "alpha") == 404
    assert _api(key_a, "beta") == 404
    # The session of the same user still reaches both: the limit is the token's.
    assert Client().get("/api/v1/t/alpha/academies/").status_code == 401


@pytest.mark.parametrize("how", ["revoked", "expired", "password", "deactivated", "role", "totp"])
def test_a_token_stops_working(world, client_for, how):
    leader = world.a.user(Role.TRUST_LEADER)
    user = world.a.user(Role.IMPROVEMENT_OFFICER)
    token, key = _create(world.a, user)
    assert _api(key, "alpha") == 200
    if how == "revoked":
        client = client_for(user)
        assert client.post(f"/t/alpha/people/api-token/{token.pk}/revoke/").status_code == 302
        assert "Revoked" in client.get("/t/alpha/people/api-token/").content.decode()
    elif how == "expired":
        with world.a.scope():
            ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif how == "password":
        user.set_password("a new and long passphrase")
        user.save()
    elif how == "deactivated":
        with world.a.scope():
            membership_set_active(actor=leader, membership=_membership(world.a, user), active=False)
    elif how == "role":
        with world.a.scope():
            membership_update(
                actor=leader,
                membership=_membership(world.a, user),
                role=Role.TRUST_LEADER,
                academies=[],
            )
    elif how == "totp":
        client = client_for(user)
        client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
        response = client.post("/accounts/2fa/totp/deactivate/")
        assert not Authenticator.objects.filter(user=user, type="totp").exists(), response
    assert _api(key, "alpha") in (401, 403, 404)
    if how in ("deactivated", "role", "totp", "revoked"):
        with world.a.scope():
            assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    # Reactivating or going back does not bring a token back.
    if how == "deactivated":
        with world.a.scope():
            membership_set_active(actor=leader, membership=_membership(world.a, user), active=True)
        assert _api(key, "alpha") == 401


def test_deactivation_in_one_trust_keeps_the_tokens_for_another(world):
    user = world.b.user(Role.TRUST_LEADER)
    MembershipFactory(trust=world.a.trust, user=user, role=Role.TRUST_LEADER)
    _t, key_a = _create(world.a, user)
    _t, key_b = _create(world.b, user)
    with world.a.scope():
        membership_set_active(
            actor=world.a.user(Role.TRUST_ADMIN),
            membership=_membership(world.a, user),
            active=False,
        )
    assert _api(key_a, "alpha") in (401, 404)
    assert _api(key_b, "beta") == 200


def test_a_pupil_data_role_without_a_second_factor_gets_no_token_and_no_api(world):
    user = world.a.user(Role.IMPROVEMENT_OFFICER)
    _token, key = _create(world.a, user)
    # The second factor vanishes without the signal (an operator deleting it in the database).
    Authenticator.objects.filter(user=user).delete()
    assert _api(key, "alpha") == 403
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _create(world.a, user)


def test_an_unknown_or_plain_token_is_refused(world):
    assert _api("tsi_00000000_" + "x" * 43, "alpha") == 401
    assert _api("0123456789abcdef0123456789abcdef01234567", "alpha") == 401
    with trust_scope(world.a.trust):
        assert not ApiToken.objects.exists()


def test_another_members_token_cannot_be_revoked(world, client_for):
    owner = world.a.user(Role.TRUST_LEADER)
    token, key = _create(world.a, owner)
    other = client_for(world.a.user(Role.TRUST_ADMIN))
    assert other.post(f"/t/alpha/people/api-token/{token.pk}/revoke/").status_code == 404
    assert _api(key, "alpha") == 200


def test_a_pupil_data_role_gets_a_token_only_from_a_session_that_passed_mfa(world, client_for):
    user = world.a.user(Role.TRUST_LEADER)
    # A session that never proved the second factor (force_login: no sign-in record).
    page = client_for(user).post("/t/alpha/people/api-token/", {"name": "x", "days": "30"})
    assert KEY.search(page.content.decode()) is None
    assert "second factor" in page.content.decode()
    with world.a.scope():
        assert not ApiToken.objects.exists()
    page = _signed_in(user).post("/t/alpha/people/api-token/", {"name": "x", "days": "30"})
    assert KEY.search(page.content.decode()) is not None


def test_an_operator_without_a_second_factor_is_sent_to_set_one_up(db):
    from trust_si.accounts.models import User

    operator = User.objects.create_superuser("operator@example.org", TEST_PASSWORD)
    client = Client()
    client.force_login(operator)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate/" in response["Location"]


@pytest.mark.parametrize(
    ("data", "field"), [({"name": "", "days": "30"}, "name"), ({"name": "x", "days": "0"}, "days")]
)
def test_a_bad_token_form_is_shown_again_with_the_reason(world, data, field):
    page = _signed_in(world.a.user(Role.TRUST_LEADER)).post("/t/alpha/people/api-token/", data)
    assert page.status_code == 200
    assert KEY.search(page.content.decode()) is None
    assert (
        f'id="{field}-error"' in page.content.decode()
        or "govuk-error-message" in page.content.decode()
    )
    with world.a.scope():
        assert not ApiToken.objects.exists()


def test_a_token_sent_with_another_users_session_acts_as_the_tokens_user(world):
    """The tenant middleware answers from the memberships the request already read; those are
    the session user's. A token on the same request is another user: its own membership (an
    officer's, who may not upload) decides, never the signed-in leader's."""
    officer = world.a.user(Role.IMPROVEMENT_OFFICER)
    _token, key = _create(world.a, officer)
    leader_session = _signed_in(world.a.user(Role.TRUST_LEADER))
    assert leader_session.get("/api/v1/t/alpha/uploads/").status_code == 200
    as_officer = leader_session.get("/api/v1/t/alpha/uploads/", HTTP_AUTHORIZATION=f"Token {key}")
    assert as_officer.status_code == 403
