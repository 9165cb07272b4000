"""Accounts: invitation-only sign-up, MFA by role, rate limits, roles and academy scopes."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import totp_code
from tests.factories import TEST_PASSWORD, member
from trust_si.accounts.models import Invitation, Membership, User
from trust_si.accounts.roles import Role
from trust_si.accounts.services import invitation_create, membership_set_active, membership_update
from trust_si.audit.models import AuditEvent
from trust_si.tenancy.context import dangerously_unscoped
from trust_si.tenancy.models import Trust

pytestmark = pytest.mark.django_db


def _invite(world, role=Role.IMPROVEMENT_OFFICER, email="new.officer@example.org"):
    with world.a.scope():
        return invitation_create(
            actor=world.a.user(Role.TRUST_ADMIN),
            trust=world.a.trust,
            email=email,
            role=role,
            academies=[] if role == Role.TRUST_LEADER else [world.a.academies[1]],
        )


def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert b"Sign up closed" in response.content or b"closed" in response.content.lower()
    client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": "Abcdef12345!", "password2": "Abcdef12345!"},
    )
    assert not User.objects.filter(email="x@example.org").exists()


def test_invitation_email_and_acceptance(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(world)
    assert invitation.token in mail.outbox[0].body
    client = Client()
    url = reverse("invitation_accept", kwargs={"token": invitation.token})
    response = client.post(
        url, {"full_name": "New Officer", "password": "a-long-enough-passphrase"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.officer@example.org")
    with world.a.scope():
        membership = Membership.objects.get(user=user)
        assert membership.role == Role.IMPROVEMENT_OFFICER
        assert list(membership.academies.all()) == [world.a.academies[1]]
    # Used once: the link is dead now.
    assert Client().get(url).status_code == 410


def test_expired_invitation_gets_a_clear_page(world):
    invitation = _invite(world)
    with world.a.scope():
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(days=1)
        )
    response = Client().get(reverse("invitation_accept", kwargs={"token": invitation.token}))
    assert response.status_code == 410
    assert b"cannot be used" in response.content
    assert Client().get(reverse("invitation_accept", kwargs={"token": "nope"})).status_code == 404


def test_pupil_data_roles_must_set_up_totp_governors_need_not(world, client_for):
    officer = member(
        world.a.trust,
        Role.IMPROVEMENT_OFFICER,
        academies=[world.a.academies[0]],
        email="no-totp@example.org",
    )
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=officer).delete()
    response = client_for(officer).get("/t/alpha/")
    assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"]
    api = client_for(officer).get("/api/v1/t/alpha/academies/")
    assert api.status_code == 403
    governor = world.a.user(Role.GOVERNOR)
    assert client_for(governor).get("/t/alpha/").status_code == 200


def test_login_asks_for_the_totp_code(world):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": world.a.user(Role.TRUST_LEADER).email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert client.get("/t/alpha/").status_code == 302  # not signed in until the code
    response = client.post(response["Location"], {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/t/alpha/").status_code == 200


def test_failed_logins_are_rate_limited(world):
    client = Client()
    email = world.a.user(Role.GOVERNOR).email
    pages = [
        client.post("/accounts/login/", {"login": email, "password": "wrong"}) for _ in range(7)
    ]
    assert "Too many failed login attempts" in pages[-1].content.decode()
    # Even the right password is refused while the limit holds.
    right = client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
    assert right.status_code != 302


def test_scope_rules_and_cross_trust_academies_are_refused(world):
    with world.a.scope():
        staff = Membership.objects.get(user=world.a.user(Role.SCHOOL_STAFF))
        admin = world.a.user(Role.TRUST_ADMIN)
        with pytest.raises(ValidationError):
            membership_update(
                actor=admin, membership=staff, role=Role.SCHOOL_STAFF, academies=world.a.academies
            )  # staff: exactly one academy
        with pytest.raises(ValidationError):
            membership_update(
                actor=admin,
                membership=staff,
                role=Role.IMPROVEMENT_OFFICER,
                academies=[world.b.academies[0]],
            )  # another trust's academy
        changes = membership_update(
            actor=admin,
            membership=staff,
            role=Role.IMPROVEMENT_OFFICER,
            academies=world.a.academies,
        )
        assert changes["role"] == ["school_staff", "improvement_officer"]
        assert AuditEvent.objects.filter(action="membership.update").count() == 1


def test_admin_cannot_deactivate_themselves_but_can_others(world):
    with world.a.scope():
        admin_user = world.a.user(Role.TRUST_ADMIN)
        own = Membership.objects.get(user=admin_user)
        with pytest.raises(ValidationError):
            membership_set_active(actor=admin_user, membership=own, active=False)
        governor = Membership.objects.get(user=world.a.user(Role.GOVERNOR))
        membership_set_active(actor=admin_user, membership=governor, active=False)
    client = Client()
    client.force_login(world.a.user(Role.GOVERNOR))
    assert client.get("/t/alpha/").status_code == 404


def test_people_page_lists_members_for_admins_only(world, client_for):
    response = client_for(world.a.user(Role.TRUST_ADMIN)).get("/t/alpha/people/")
    assert world.a.user(Role.GOVERNOR).email in response.content.decode()
    assert world.b.user(Role.GOVERNOR).email not in response.content.decode()
    assert client_for(world.a.user(Role.TRUST_LEADER)).get("/t/alpha/people/").status_code == 403


def test_audit_log_filters(world, client_for):
    with world.a.scope():
        membership_update(
            actor=world.a.user(Role.TRUST_ADMIN),
            membership=Membership.objects.get(user=world.a.user(Role.GOVERNOR)),
            role=Role.GOVERNOR,
            academies=[],
            is_board=True,
        )
    client = client_for(world.a.user(Role.TRUST_ADMIN))
    page = client.get("/t/alpha/audit/", {"action": "membership"}).content.decode()
    assert "Membership updated" in page  # the action in words (trust_si.vocab), not its code
    api = client.get("/api/v1/t/alpha/audit-events/", {"action": "nothing-like-this"}).json()
    assert api["count"] == 0
    assert (
        client.get("/api/v1/t/alpha/audit-events/", {"date_from": "not a date"}).status_code == 400
    )


def test_create_trust_command_is_idempotent_and_invites(db):
    out = StringIO()
    call_command(
        "create_trust",
        "--slug",
        "oakwood",
        "--name",
        "Oakwood Trust",
        "--admin-email",
        "head@oakwood.example",
        stdout=out,
    )
    call_command("create_trust", "--slug", "oakwood", "--name", "Oakwood Academy Trust", stdout=out)
    assert Trust.objects.filter(slug="oakwood").count() == 1
    assert Trust.objects.get(slug="oakwood").name == "Oakwood Academy Trust"
    assert "/accounts/invitation/" in out.getvalue()
    with dangerously_unscoped():
        assert Invitation.objects.get().role == Role.TRUST_ADMIN


def test_user_without_memberships_sees_a_clear_page(db):
    user = User.objects.create_user("lonely@example.org", TEST_PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert b"not a member of any trust" in response.content


def test_api_token_works_for_the_api(world):
    client = Client()
    _real_login(client, world.a.user(Role.TRUST_LEADER).email)
    page = client.post("/t/alpha/people/api-token/", {"name": "reports", "days": "90"})
    key = re.search(r"tsi_[0-9a-f]{8}_[A-Za-z0-9_-]+", page.content.decode()).group(0)
    api = Client().get("/api/v1/t/alpha/academies/", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 200 and api.json()["count"] == 2
    assert (
        Client().get("/api/v1/t/beta/academies/", HTTP_AUTHORIZATION=f"Token {key}").status_code
        == 404
    )


# --- The two invitation takeovers (issue 16), driven through the real login ----------------


def _real_login(client, email, password=TEST_PASSWORD, totp=True):
    """Sign in through allauth's form, with the TOTP step when the account has one."""
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302, response.content[:400]
    if "/2fa/authenticate/" in response["Location"]:
        assert totp, "the account asked for a second factor"
        response = client.post(response["Location"], {"code": totp_code()})
        assert response.status_code == 302
    return response


def _signed_in_as(client):
    response = client.get("/")
    user = response.wsgi_request.user
    return user if user.is_authenticated else None


def test_claiming_an_invited_address_does_not_take_the_membership(world):
    """Row 1: a user of trust B adds the invitee's address to their own account; the real
    invitee's acceptance must make *their* account, and B's user gets nothing in A."""
    invited = "new.head@alpha.test"
    squatter = world.b.user(Role.GOVERNOR)
    attacker = Client()
    _real_login(attacker, squatter.email)
    attacker.post("/accounts/email/", {"email": invited, "action_add": ""})
    attacker.post("/accounts/email/", {"email": invited, "action_primary": ""})
    squatter.refresh_from_db()
    assert squatter.email != invited  # an unverified address never becomes the login
    invitation = _invite(world, role=Role.TRUST_LEADER, email=invited)

    # The squatter's unverified address does not make them the invitation's holder.
    url = reverse("invitation_accept", kwargs={"token": invitation.token})
    assert b"Sign in to accept" not in attacker.get(url).content

    invitee = Client()
    response = invitee.post(url, {"full_name": "New Head", "password": "the-invitees-own-pass"})
    assert response.status_code == 302
    head = User.objects.get(email=invited)
    assert head.pk != squatter.pk
    with world.a.scope():
        assert Membership.objects.get(user=head).role == Role.TRUST_LEADER
        assert not Membership.objects.filter(user=squatter).exists()
    # The invitee's chosen password works (then MFA set-up, since leaders see pupil data).
    _real_login(Client(), invited, password="the-invitees-own-pass")


def test_an_invitation_link_never_signs_in_to_an_existing_account(world):
    """Row 2: an admin of A invites the address of B's trust leader (TOTP-protected). Whoever
    holds the link is not signed in; only the owner, after password and code, can accept."""
    victim = world.b.user(Role.TRUST_LEADER)
    invitation = _invite(world, role=Role.SCHOOL_STAFF, email=victim.email)
    url = reverse("invitation_accept", kwargs={"token": invitation.token})

    holder_of_link = Client()
    page = holder_of_link.get(url)
    assert page.status_code == 200 and b"Sign in to accept" in page.content
    response = holder_of_link.post(url, {"full_name": "X", "password": "a-long-enough-pass"})
    assert response.status_code == 200  # the sign-in page again, nothing accepted
    assert _signed_in_as(holder_of_link) is None
    assert holder_of_link.get("/t/beta/").status_code == 302
    with world.a.scope():
        assert not Membership.objects.filter(user=victim).exists()

    # Someone else, signed in, cannot accept it either.
    other = Client()
    _real_login(other, world.a.user(Role.GOVERNOR).email)
    assert other.post(url).status_code == 403

    # The owner signs in for real (password + TOTP) and accepts with one click.
    owner = Client()
    _real_login(owner, victim.email)
    assert owner.post(url).status_code == 302
    with world.a.scope():
        assert Membership.objects.get(user=victim).role == Role.SCHOOL_STAFF
    assert Client().get(url).status_code == 410


def test_accepting_as_a_new_account_does_not_sign_in(world):
    invitation = _invite(world)
    client = Client()
    url = reverse("invitation_accept", kwargs={"token": invitation.token})
    response = client.post(url, {"full_name": "New", "password": "a-long-enough-passphrase"})
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert _signed_in_as(client) is None


def test_one_open_invitation_per_address_revocable_and_audited(world, client_for):
    invitation = _invite(world)
    with pytest.raises(ValidationError):
        _invite(world)
    admin = client_for(world.a.user(Role.TRUST_ADMIN))
    assert b"Revoke" in admin.get("/t/alpha/people/").content
    response = admin.post(f"/t/alpha/people/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    url = reverse("invitation_accept", kwargs={"token": invitation.token})
    assert Client().get(url).status_code == 410
    with world.a.scope():
        assert AuditEvent.objects.filter(action="invitation.revoke").count() == 1
    _invite(world)  # a new one may be sent now


def test_a_deactivated_member_does_not_come_back_through_an_invitation(world):
    governor = world.a.user(Role.GOVERNOR)
    admin = world.a.user(Role.TRUST_ADMIN)
    with world.a.scope():
        pending = Invitation.objects.create(
            trust=world.a.trust, email=governor.email, role=Role.TRUST_LEADER
        )
        membership_set_active(
            actor=admin, membership=Membership.objects.get(user=governor), active=False
        )
        pending.refresh_from_db()
        assert not pending.is_usable  # deactivating closed the pending invitation
    with pytest.raises(ValidationError):
        _invite(world, role=Role.TRUST_LEADER, email=governor.email)
    client = Client()
    _real_login(client, governor.email)
    url = reverse("invitation_accept", kwargs={"token": pending.token})
    assert client.post(url).status_code == 410
    with world.a.scope():
        assert not Membership.objects.get(user=governor).is_active


def test_rate_limits_key_on_the_client_behind_the_trusted_proxy(world, settings):
    """One client's failed logins behind the TLS proxy lock out that client and that account,
    not every login (all requests share the proxy's REMOTE_ADDR); a forged X-Forwarded-For
    prefix does not escape the limit."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.5")
    target = world.a.user(Role.GOVERNOR).email
    for n in range(7):
        # The attacker varies the part of the header the client controls: still one client.
        attacker.post(
            "/accounts/login/",
            {"login": target, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.5",
        )
    refused = attacker.post(
        "/accounts/login/", {"login": world.b.user(Role.GOVERNOR).email, "password": "wrong"}
    )
    assert "Too many failed login attempts" in refused.content.decode()
    someone_else = Client(HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = someone_else.post(
        "/accounts/login/",
        {"login": world.b.user(Role.GOVERNOR).email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
