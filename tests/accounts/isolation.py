from datetime import timedelta

from django.utils import timezone

from tests.isolation import Case
from trust_si.accounts.models import ApiToken, Invitation, Membership
from trust_si.accounts.roles import Role


def member_pk(tw):
    with tw.scope():
        return {"pk": Membership.objects.get(user=tw.user(Role.GOVERNOR)).pk}


def setup(world) -> None:
    for tw in (world.a, world.b):
        with tw.scope():
            tw.extra["invitation"] = Invitation.objects.create(
                trust=tw.trust, email=f"pending@{tw.slug}.test", role=Role.GOVERNOR, is_board=True
            )
            staff = tw.user(Role.SCHOOL_STAFF)
            tw.extra["api_token"] = ApiToken.objects.create(
                trust=tw.trust,
                user=staff,
                name=f"token of {tw.slug}",
                prefix=tw.slug[:8],
                digest=f"isolation-{tw.slug}",
                auth_hash=staff.get_session_auth_hash(),
                expires_at=timezone.now() + timedelta(days=30),
            )


def api_token_pk(tw):
    return {"pk": tw.extra["api_token"].pk}


def invitation_pk(tw):
    return {"pk": tw.extra["invitation"].pk}


def _invite_form(tw) -> dict:
    return {
        "email": f"new.head@{tw.slug}.test",
        "role": "school_staff",
        "staff_role": "head",
        "academies": [tw.academies[0].pk],
    }


def _member_form(tw) -> dict:
    # A local governor of the trust's other academy.
    return {"role": "governor", "academies": [tw.academies[1].pk]}


def _academy_ids(tw) -> dict:
    return {"academies": [tw.academies[1].pk]}


def _actor(tw) -> dict:
    # The audit log's filter by person: another trust's admin has done nothing here.
    return {"actor": tw.user(Role.TRUST_ADMIN).email}


CASES = [
    Case("dashboard", allowed_role=Role.GOVERNOR, shows_sentinel=True),
    Case("people", forbidden_role=Role.TRUST_LEADER, shows_sentinel=True),
    Case("invite", forbidden_role=Role.TRUST_LEADER, shows_sentinel=True),
    Case(
        "invite",
        method="post",
        data=_invite_form,
        body_ids=_academy_ids,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case("member_edit", kwargs=member_pk, forbidden_role=Role.TRUST_LEADER, shows_sentinel=True),
    Case(
        "member_edit",
        kwargs=member_pk,
        method="post",
        data=_member_form,
        body_ids=_academy_ids,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "member_set_active",
        kwargs=member_pk,
        method="post",
        data=lambda tw: {"active": "1"},
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case(
        "invitation_revoke",
        kwargs=invitation_pk,
        method="post",
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case("api_token", allowed_role=Role.SCHOOL_STAFF, forbidden_role=Role.GOVERNOR),
    Case(
        "api_token",
        method="post",
        data=lambda tw: {"name": "isolation", "days": "30"},
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "api_token_revoke",
        kwargs=api_token_pk,
        method="post",
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "audit_log",
        forbidden_role=Role.TRUST_LEADER,
        query_ids=_actor,
        shows_sentinel=True,
    ),
    Case(
        "accounts_api:audit-event-list",
        forbidden_role=Role.TRUST_LEADER,
        query_ids=_actor,
        shows_sentinel=True,
    ),
    Case("accounts_api:member-list", forbidden_role=Role.IMPROVEMENT_OFFICER, shows_sentinel=True),
]
