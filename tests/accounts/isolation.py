from tests.isolation import Case
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role


def member_pk(tw):
    with tw.scope():
        return {"pk": Membership.objects.get(user=tw.user(Role.GOVERNOR)).pk}


CASES = [
    Case("dashboard", allowed_role=Role.GOVERNOR),
    Case("people", forbidden_role=Role.TRUST_LEADER),
    Case("invite", forbidden_role=Role.TRUST_LEADER),
    Case(
        "invite",
        method="post",
        data=lambda tw: {"email": "x"},
        ok_statuses=(400,),
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case("member_edit", kwargs=member_pk, forbidden_role=Role.TRUST_LEADER),
    Case(
        "member_edit",
        kwargs=member_pk,
        method="post",
        data=lambda tw: {"role": "governor", "is_board": "on"},
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "member_set_active",
        kwargs=member_pk,
        method="post",
        data=lambda tw: {"active": "1"},
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case("api_token", allowed_role=Role.SCHOOL_STAFF, forbidden_role=Role.GOVERNOR),
    Case("audit_log", forbidden_role=Role.TRUST_LEADER),
    Case("accounts_api:audit-event-list", forbidden_role=Role.TRUST_LEADER),
    Case("accounts_api:member-list", forbidden_role=Role.IMPROVEMENT_OFFICER),
]
