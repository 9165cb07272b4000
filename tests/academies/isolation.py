from tests.isolation import Case
from trust_si.accounts.roles import Role


def urn(tw):
    return {"urn": tw.academies[0].urn}


CASES = [
    Case("academies:list"),
    Case("academies:detail", kwargs=urn, allowed_role=Role.GOVERNOR),
    Case("academies:create", forbidden_role=Role.TRUST_LEADER),
    Case(
        "academies:create",
        method="post",
        data=lambda tw: {"urn": "123"},
        ok_statuses=(400,),
        forbidden_role=Role.GOVERNOR,
    ),
    Case("academies:edit", kwargs=urn, forbidden_role=Role.SCHOOL_STAFF),
    Case(
        "academies:edit",
        kwargs=urn,
        method="post",
        data=lambda tw: {"name": ""},
        ok_statuses=(400,),
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case("academies:inspection_create", kwargs=urn, forbidden_role=Role.GOVERNOR),
    Case("academies:import", forbidden_role=Role.TRUST_LEADER),
    Case("academies_api:academy-list", allowed_role=Role.SCHOOL_STAFF),
    Case(
        "academies_api:academy-list",
        method="post",
        data=lambda tw: {"urn": "1"},
        ok_statuses=(400,),
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case("academies_api:academy-detail", kwargs=urn, allowed_role=Role.GOVERNOR),
    Case(
        "academies_api:academy-detail",
        kwargs=urn,
        method="patch",
        data=lambda tw: {"name": "Renamed"},
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case("academies_api:inspection-list", kwargs=urn, allowed_role=Role.IMPROVEMENT_OFFICER),
]
