from academies.models import Inspection
from tests.isolation import Case
from trust_si.accounts.roles import Role


def setup(world):
    """An inspection of each trust's first academy, so its inspection list is not empty."""
    for tw in (world.a, world.b):
        with tw.scope():
            Inspection.objects.create(
                academy=tw.academies[0],
                kind=Inspection.Kind.LEGACY,
                inspected_on="2023-03-01",
                overall_grade=2,
                report_url=f"https://reports.example.org/{tw.slug}",
            )


def urn(tw):
    return {"urn": tw.academies[0].urn}


def _inspection_form(tw) -> dict:
    return {"kind": "legacy", "inspected_on": "2024-01-10", "overall_grade": "2"}


CASES = [
    Case("academies:list", shows_sentinel=True),
    Case("academies:detail", kwargs=urn, allowed_role=Role.GOVERNOR, shows_sentinel=True),
    Case("academies:create", forbidden_role=Role.TRUST_LEADER),
    Case(
        "academies:create",
        method="post",
        data=lambda tw: {"urn": "123"},
        ok_statuses=(400,),
        forbidden_role=Role.GOVERNOR,
    ),
    Case("academies:edit", kwargs=urn, forbidden_role=Role.SCHOOL_STAFF, shows_sentinel=True),
    Case(
        "academies:edit",
        kwargs=urn,
        method="post",
        data=lambda tw: {"name": ""},
        ok_statuses=(400,),
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "academies:inspection_create",
        kwargs=urn,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "academies:inspection_create",
        kwargs=urn,
        method="post",
        data=_inspection_form,
        forbidden_role=Role.GOVERNOR,
    ),
    Case("academies:import", forbidden_role=Role.TRUST_LEADER),
    # No file: the form refuses (400) before anything is read; who may post is what counts.
    Case(
        "academies:import",
        method="post",
        data=lambda tw: {"group_uid": "4320"},
        ok_statuses=(400,),
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case("academies:ofsted_import", forbidden_role=Role.TRUST_LEADER),
    Case(
        "academies:ofsted_import",
        method="post",
        data=lambda tw: {},
        ok_statuses=(400,),
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case("academies_api:academy-list", allowed_role=Role.SCHOOL_STAFF, shows_sentinel=True),
    Case(
        "academies_api:academy-list",
        method="post",
        data=lambda tw: {"urn": "1"},
        ok_statuses=(400,),
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case(
        "academies_api:academy-detail",
        kwargs=urn,
        allowed_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "academies_api:academy-detail",
        kwargs=urn,
        method="patch",
        data=lambda tw: {"name": "Renamed"},
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case("academies_api:inspection-list", kwargs=urn, allowed_role=Role.IMPROVEMENT_OFFICER),
]
