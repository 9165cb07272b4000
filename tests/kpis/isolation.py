from assessment.kpis.models import PublishedResult
from tests.isolation import Case
from trust_si.accounts.roles import Role


def setup(world):
    for tw in (world.a, world.b):
        with tw.scope():
            PublishedResult.objects.create(trust=tw.trust, academy=tw.academies[1], year="2018-19",
                                           field="P8MEA", value=0.2, lower=0.0, upper=0.4,
                                           banding="3", source="test")


CASES = [
    Case("kpis:trust_table", allowed_role=Role.GOVERNOR, forbidden_role=Role.EXTERNAL_PARTNER),
    Case("kpis:trust_table_csv", allowed_role=Role.IMPROVEMENT_OFFICER, forbidden_role=Role.EXTERNAL_PARTNER),
    Case("kpis:published_results", allowed_role=Role.GOVERNOR, forbidden_role=Role.EXTERNAL_PARTNER),
    Case("kpis:published_results", method="post", data=lambda tw: {}, ok_statuses=(400,),
         allowed_role=Role.TRUST_LEADER, forbidden_role=Role.IMPROVEMENT_OFFICER),
    Case("kpis_api:published-result-list", allowed_role=Role.SCHOOL_STAFF,
         forbidden_role=Role.EXTERNAL_PARTNER),
]
