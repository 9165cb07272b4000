"""Every route outside /t/<slug>/ (home, trust switch, invitations, allauth, MFA, schema, health,
operator admin), reached by an anonymous caller, by a member of trust B signed in through the
real login (password + TOTP) and by a consultant who belongs to both trusts.

tests/test_isolation.py covers the routes that carry a trust slug; this module covers the rest,
so between them every URL pattern the resolver knows has a case. For each case:

1. an anonymous caller gets one of `anonymous` (never a 500) and none of either trust's data;
2. B's member gets one of `member` and none of A's sentinels (beyond `allowed`, e.g. the trust
   name on an invitation to A, which the link's holder was sent);
3. the member of both trusts gets one of `member`, and on pages about one trust (`/t/beta/`)
   nothing of the other;
4. writes (`method="post"`) change none of A's rows.

Third-party views (allauth, Django admin) are reached with GET: what they write is their own
tested code, and their reads are what could show a trust's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from tests.browser.conftest import totp_code
from tests.conftest import World, build_trust_world
from tests.factories import TEST_PASSWORD, MembershipFactory
from tests.isolation import (
    fingerprint_diff,
    name_world,
    response_text,
    sentinels_in,
    sentinels_of,
    trust_fingerprint,
)
from tests.test_isolation import walk
from trust_si.accounts.models import Invitation
from trust_si.accounts.roles import Role

SEEN = (200, 302)


@dataclass
class GlobalCase:
    route: str
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    method: str = "get"
    anonymous: tuple[int, ...] = SEEN
    member: tuple[int, ...] = SEEN
    # Strings of A's that this route may show B's member (the invitation's own trust name).
    allowed: Callable[[World], list[str]] = field(default=lambda w: [])
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.route}" + (f" [{self.label}]" if self.label else "")


def _a_invitation(w: World) -> dict[str, Any]:
    return {"token": w.a.extra["invitation"].token}


def _a_trust_name(w: World) -> list[str]:
    return [w.a.trust.name]


def _admin_kwargs(w: World) -> dict[str, Any]:
    # Django admin's object routes take an id (A's admin user); app routes an app label.
    return {
        "object_id": w.a.user(Role.TRUST_ADMIN).pk,
        "app_label": "account",
        "content_type_id": 1,
    }


PROTECTED = (302,)  # the login page
CASES: list[GlobalCase] = [
    GlobalCase("home", anonymous=PROTECTED, member=SEEN),
    GlobalCase("switch_trust", anonymous=PROTECTED, member=(200,)),
    GlobalCase("healthz", anonymous=(200,), member=(200,)),
    # Another trust's invitation link: the holder of the link sees which trust sent it, no more;
    # B's member, signed in, is not the invitation's holder and cannot use it for themselves.
    GlobalCase(
        "invitation_accept",
        kwargs=_a_invitation,
        anonymous=(200,),
        member=(200,),
        allowed=_a_trust_name,
    ),
    GlobalCase(
        "invitation_accept",
        kwargs=_a_invitation,
        method="post",
        anonymous=(200, 400),
        member=(200, 400),
        allowed=_a_trust_name,
    ),
    GlobalCase(
        "invitation_accept",
        kwargs=lambda w: {"token": "not-a-real-token"},
        anonymous=(404,),
        member=(404,),
        label="unknown token",
    ),
    GlobalCase("account_login"),
    GlobalCase("account_logout"),
    GlobalCase("account_inactive"),
    GlobalCase("account_signup"),
    GlobalCase("account_reauthenticate"),
    GlobalCase("account_email"),
    GlobalCase("account_email_verification_sent"),
    GlobalCase("account_change_password"),
    GlobalCase("account_set_password"),
    GlobalCase("account_reset_password"),
    GlobalCase("account_confirm_login_code"),
    GlobalCase(
        "account_confirm_email",
        kwargs=lambda w: {"key": "not-a-real-key"},
        anonymous=(200, 302, 404),
        member=(200, 302, 404),
    ),
    GlobalCase("account_reset_password_from_key_done"),
    GlobalCase(
        "account_reset_password_from_key",
        kwargs=lambda w: {"uidb36": "1", "key": "not-a-real-key"},
    ),
    GlobalCase("account_reset_password_done"),
    GlobalCase("mfa_index", anonymous=PROTECTED),
    GlobalCase("mfa_authenticate"),
    GlobalCase("mfa_reauthenticate", anonymous=PROTECTED),
    GlobalCase("mfa_activate_totp", anonymous=PROTECTED),
    GlobalCase("mfa_deactivate_totp", anonymous=PROTECTED),
    # 404 for an account that has no recovery codes yet.
    GlobalCase("mfa_view_recovery_codes", anonymous=PROTECTED, member=(*SEEN, 404)),
    GlobalCase("mfa_generate_recovery_codes", anonymous=PROTECTED, member=(*SEEN, 404)),
    GlobalCase("mfa_download_recovery_codes", anonymous=PROTECTED, member=(*SEEN, 404)),
    GlobalCase("schema", anonymous=(200,), member=(200,)),
    GlobalCase("api-docs", anonymous=(200,), member=(200,)),
]


def _admin_cases() -> list[GlobalCase]:
    """The operator admin, every one of its routes: only staff, so a trust member (however
    senior) and an anonymous caller both get the admin's login page."""
    return [
        GlobalCase(route.name, kwargs=_admin_kwargs, anonymous=statuses, member=statuses)
        for route in walk(get_resolver())
        if route.name.startswith("admin:")
        # The admin's own sign-in page is the one it sends everyone else to.
        for statuses in [SEEN if route.name == "admin:login" else PROTECTED]
    ]


ALL_CASES = CASES + _admin_cases()


def global_route_names() -> set[str]:
    return {r.name for r in walk(get_resolver()) if "trust_slug" not in r.kwargs}


def test_every_route_outside_a_trust_has_a_case() -> None:
    expected = global_route_names()
    registered = {case.route for case in ALL_CASES}
    missing = sorted(expected - registered)
    assert not missing, f"routes outside /t/<slug>/ without an isolation case: {missing}"
    unknown = sorted(registered - expected)
    assert not unknown, f"cases for routes that do not exist: {unknown}"
    ids = [case.id for case in ALL_CASES]
    assert len(ids) == len(set(ids)), "two cases share an id: give one a label"


def _real_login(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, "the real login refused the test user"
    if "/2fa/authenticate/" in response["Location"]:
        response = client.post(response["Location"], {"code": totp_code()})
        assert response.status_code == 302 and "/2fa/" not in response["Location"]


@pytest.fixture(scope="module")
def signed_in(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Both trusts under sentinel names, an open invitation in each, B's trust leader and a
    consultant of both trusts signed in through the real login; rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            world = World(a=build_trust_world("alpha"), b=build_trust_world("beta"))
            name_world(world)
            for tw in (world.a, world.b):
                with tw.scope():
                    tw.extra["invitation"] = Invitation.objects.create(
                        trust=tw.trust, email=f"invited@{tw.slug}.test", role=Role.GOVERNOR
                    )
            # The consultant: an officer in B, a partner in A, the same account.
            consultant = world.b.user(Role.IMPROVEMENT_OFFICER)
            MembershipFactory(
                trust=world.a.trust,
                user=consultant,
                role=Role.EXTERNAL_PARTNER,
                academies=[world.a.academies[0]],
            )
            clients = {}
            for name, user in (("member", world.b.user(Role.TRUST_LEADER)), ("both", consultant)):
                clients[name] = Client()
                _real_login(clients[name], user.email)
            world.a.extra["clients"] = clients
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _reverse_kwargs(case: GlobalCase, world: World) -> dict[str, Any]:
    """The case's kwargs that this route takes (admin routes differ in which they take)."""
    names = next(r.kwargs for r in walk(get_resolver()) if r.name == case.route)
    return {k: v for k, v in case.kwargs(world).items() if k in names}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_global_route_is_isolated(case: GlobalCase, signed_in: World) -> None:
    a, b = signed_in.a, signed_in.b
    url = reverse(case.route, kwargs=_reverse_kwargs(case, signed_in))
    before = trust_fingerprint(a.trust) if case.method != "get" else {}
    allowed = set(case.allowed(signed_in))

    def check(client: Client, statuses: tuple[int, ...], who: str, foreign: list[str]) -> str:
        response = getattr(client, case.method)(url)
        assert response.status_code in statuses, (who, response.status_code)
        text = response_text(response)
        leaked = [s for s in sentinels_in(text, foreign) if s not in allowed]
        assert not leaked, f"{who} sees another trust's data: {leaked}"
        return text

    # 1. Anonymous: nothing of either trust.
    check(Client(), case.anonymous, "anonymous", sentinels_of(a) + sentinels_of(b))
    # 2. B's member, signed in for real: nothing of A.
    check(a.extra["clients"]["member"], case.member, "B's member", sentinels_of(a))
    # 3. The member of both trusts: their own people and trusts only, no academy data of
    #    either trust on a page that is about no trust.
    both = a.extra["clients"]["both"]
    academies = [x.name for tw in (a, b) for x in tw.academies]
    check(both, case.member, "the member of both trusts", academies)
    # 4. Writes: none of A's rows changed.
    if before:
        changed = fingerprint_diff(before, trust_fingerprint(a.trust))
        assert not changed, f"{case.id} changed trust A: {changed}"


@pytest.mark.django_db
def test_the_member_of_both_trusts_sees_one_trust_at_a_time(signed_in: World) -> None:
    """The consultant works in B: B's pages show none of A's academies, people or trust name;
    the switcher names both trusts (they belong to both) and nothing else of A."""
    a, b = signed_in.a, signed_in.b
    both = a.extra["clients"]["both"]
    for url in ("/t/beta/", "/t/beta/academies/", "/api/v1/t/beta/academies/"):
        response = both.get(url)
        assert response.status_code == 200, url
        assert not sentinels_in(response_text(response), sentinels_of(a)), url
    switcher = response_text(both.get(reverse("switch_trust")))
    assert a.trust.name in switcher and b.trust.name in switcher
    assert not sentinels_in(switcher, [s for s in sentinels_of(a) if s != a.trust.name])
    # Under A's slug, the partner membership: no B data (their own name is not B's data).
    own_name = b.user(Role.IMPROVEMENT_OFFICER).full_name
    response = both.get("/t/alpha/")
    assert response.status_code == 200
    assert not sentinels_in(response_text(response), [s for s in sentinels_of(b) if s != own_name])
