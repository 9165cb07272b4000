"""Fixtures with two trusts in every set: trust A (alice's) and trust B (bob's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from academies.models import Academy
from trust_si.accounts.models import User
from trust_si.accounts.roles import Role
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

from .factories import AcademyFactory, TrustFactory, member


@dataclass
class TrustWorld:
    """One trust with two academies and a user for every role.

    Scoped roles (officer, staff, governor, partner) cover `academies[0]` only, so tests can
    check both "another trust" and "another academy of the same trust".
    """

    trust: Trust
    academies: list[Academy]
    users: dict[str, User]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.trust.slug

    def user(self, role: Role | str) -> User:
        return self.users[Role(role).value]

    def scope(self) -> Any:
        return trust_scope(self.trust)


def build_trust_world(slug: str) -> TrustWorld:
    trust = TrustFactory(slug=slug, name=f"{slug.title()} Learning Trust")
    academies = [
        AcademyFactory(trust=trust, name=f"{slug.title()} Primary Academy"),
        AcademyFactory(trust=trust, name=f"{slug.title()} High School",
                       phase_of_education="secondary", age_low=11, age_high=18),
    ]
    users = {}
    for role in Role:
        scoped = role not in (Role.TRUST_ADMIN, Role.TRUST_LEADER)
        users[role.value] = member(trust, role, academies=[academies[0]] if scoped else [])
    return TrustWorld(trust=trust, academies=academies, users=users)


@dataclass
class World:
    a: TrustWorld
    b: TrustWorld


@pytest.fixture
def world(db: Any) -> World:
    return World(a=build_trust_world("alpha"), b=build_trust_world("beta"))


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A logged-in test client for a user (MFA already satisfied for the session)."""

    def _client(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client
