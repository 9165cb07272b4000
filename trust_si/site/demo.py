"""The demo trusts, their people and the per-app demo hooks (used by `manage.py seed_demo`)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from academies import demo as academies_demo
from assessment import demo as assessment_demo
from assessment import demo_primary as assessment_primary_demo
from assessment.frameworks import demo as frameworks_demo
from cpd import demo as cpd_demo
from moderation import demo as moderation_demo
from partnerships import demo as partnerships_demo
from phases import demo as phases_demo
from planning import demo as planning_demo
from reporting import demo as reporting_demo
from trust_si.accounts.models import Membership, User
from trust_si.accounts.roles import MFA_REQUIRED_ROLES, Role, StaffRole
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust
from visits import demo as visits_demo

DEMO_TRUSTS = [
    ("northmoor", "Northmoor Learning Trust"),
    ("riverside", "Riverside Primary Partnership"),
]
# Apps' demo hooks, in dependency order: each module has seed(trust, ctx).
DEMO_HOOKS = [
    academies_demo,
    assessment_demo,
    assessment_primary_demo,  # issue 13 (i13-4a): GPS, MTC, EYFS areas, earlier years
    frameworks_demo,
    cpd_demo,
    partnerships_demo,
    visits_demo,
    phases_demo,
    planning_demo,
    moderation_demo,
    reporting_demo,
]
CONSULTANT = "consultant@example.org"


def demo_totp_secret(email: str) -> str:
    """A deterministic base32 TOTP secret per demo user, so `demo_totp` can print codes."""
    digest = hashlib.sha1(f"demo-totp:{email}".encode()).digest()  # noqa: S324 - demo seed only
    return base64.b32encode(digest).decode()[:32]


def _user(email: str, name: str, encoded_password: str, mfa: bool) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": name})
    user.full_name = name
    user.password = encoded_password
    user.save()
    User.objects.email_proven(user)
    if mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo_totp_secret(email))
    return user


def _membership(trust: Trust, user: User, role: Role, academies: list[Any], **extra: Any) -> None:
    with trust_scope(trust):
        membership, created = Membership.objects.update_or_create(
            user=user, defaults={"role": role.value, "is_active": True, **extra}
        )
        # A partner's academies follow its commissions (partnerships keeps them in step), so a
        # second seed leaves them as the first one ended.
        if created or role != Role.EXTERNAL_PARTNER:
            membership.academies.set(academies)


def seed_people(trust: Trust, academies: list[Any], password: str) -> dict[str, User]:
    """A user for every role, named <role>@<slug>.example, with sensible academy scopes."""
    slug = trust.slug
    weakest_first = academies  # the order the academies demo returns: officers get a spread
    scopes: dict[Role, list[Any]] = {
        Role.TRUST_ADMIN: [],
        Role.TRUST_LEADER: [],
        Role.IMPROVEMENT_OFFICER: weakest_first[: max(2, min(5, len(academies)))],
        Role.SCHOOL_STAFF: academies[:1],
        Role.GOVERNOR: academies[:1],
        Role.EXTERNAL_PARTNER: academies[1:3],
    }
    users: dict[str, User] = {}
    # Every demo login has the same password: hash it once (the production hasher, one salt)
    # instead of once per user, which was a tenth of the whole seed.
    password = make_password(password)
    for role, scope in scopes.items():
        email = f"{role.value}@{slug}.example"
        user = _user(email, f"Demo {role.label}", password, role in MFA_REQUIRED_ROLES)
        extra = {"staff_role": StaffRole.HEAD.value} if role == Role.SCHOOL_STAFF else {}
        _membership(trust, user, role, scope, **extra)
        users[role.value] = user
    board = _user(f"board-governor@{slug}.example", "Demo board governor", password, False)
    _membership(trust, board, Role.GOVERNOR, [], is_board=True)
    users["board_governor"] = board
    consultant = _user(CONSULTANT, "Demo consultant (two trusts)", password, True)
    _membership(trust, consultant, Role.IMPROVEMENT_OFFICER, academies[-2:])
    return users


def run_hooks(trust: Trust, ctx: dict[str, Any], log: Any) -> None:
    for module in DEMO_HOOKS:
        with trust_scope(trust):
            module.seed(trust, ctx)
        if module is academies_demo:
            ctx["users"] = seed_people(trust, ctx["academies"], ctx["password"])
        log(f"  {trust.slug}: {module.__name__} done")
