"""factory_boy factories. Tenant-owned rows are created inside their trust's scope."""

from __future__ import annotations

from typing import Any

import factory
from allauth.mfa.totp.internal.auth import TOTP

from academies.models import Academy, PhaseOfEducation
from trust_si.accounts.models import Membership, User
from trust_si.accounts.roles import Role
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

TEST_PASSWORD = "correct-horse-battery-staple"
# A fixed base32 TOTP secret for test users, so tests can compute valid codes.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates tenant-owned rows inside the scope of the trust they belong to."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        trust = kwargs["trust"]
        with trust_scope(trust):
            return super()._create(model_class, *args, **kwargs)


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"trust-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Academy Trust")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.save()
        if create:  # a verified address, so the real login lets them in
            User.objects.email_proven(self)
        if create and extracted:
            TOTP.activate(self, TEST_TOTP_SECRET)


class AcademyFactory(TenantFactory):
    class Meta:
        model = Academy

    trust = factory.SubFactory(TrustFactory)
    urn = factory.Sequence(lambda n: f"{140000 + n:06d}")
    name = factory.Sequence(lambda n: f"Academy {n} Primary")
    phase_of_education = PhaseOfEducation.PRIMARY
    age_low = 4
    age_high = 11
    pupils_on_roll = 300


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    trust = factory.SubFactory(TrustFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.TRUST_LEADER

    @factory.post_generation
    def academies(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            with trust_scope(self.trust):
                self.academies.set(extracted)


def member(
    trust: Trust,
    role: Role | str,
    academies: list[Academy] | None = None,
    email: str | None = None,
    **extra: Any,
) -> User:
    """A user with one membership in `trust`; pupil-data roles get TOTP so MFA is satisfied."""
    role = Role(role)
    needs_totp = role not in (Role.GOVERNOR, Role.EXTERNAL_PARTNER)
    user = UserFactory(email=email or f"{role.value}@{trust.slug}.test", totp=needs_totp)
    MembershipFactory(trust=trust, user=user, role=role, academies=academies or [], **extra)
    return user
