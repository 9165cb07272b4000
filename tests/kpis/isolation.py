from assessment.kpis.models import KpiTarget, PublishedResult
from tests.isolation import Case
from trust_si.accounts.roles import Role


def setup(world):
    for tw in (world.a, world.b):
        with tw.scope():
            PublishedResult.objects.create(
                trust=tw.trust,
                academy=tw.academies[1],
                year="2018-19",
                field="P8MEA",
                value=0.2,
                lower=0.0,
                upper=0.4,
                banding="3",
                source="test",
            )
            PublishedResult.objects.create(
                trust=tw.trust,
                academy=tw.academies[0],
                year="2018-19",
                field="PTRWM_EXP",
                value=65,
                source="test",
            )
            tw.extra["target"] = KpiTarget.objects.create(
                trust=tw.trust,
                academy=tw.academies[0],
                kpi_code="ks2_rwm_exp",
                academic_year="2025-26",
                value=70,
            )


def urn(tw):
    return {"urn": tw.academies[0].urn}


def target(tw):
    return {"pk": tw.extra["target"].pk}


CASES = [
    Case(
        "kpis:trust_table",
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis:trust_table_csv",
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis:trust_table_xlsx",
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis:academy",
        kwargs=urn,
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis:academy_xlsx",
        kwargs=urn,
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.EXTERNAL_PARTNER,
    ),
    Case(
        "kpis:transitions",
        kwargs=urn,
        allowed_role=Role.IMPROVEMENT_OFFICER,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis:targets",
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis:targets",
        method="post",
        data=lambda tw: {
            "academy": tw.academies[0].pk,
            "kpi_code": "y1_phonics",
            "academic_year": "2025-26",
            "value": "80",
        },
        body_ids=lambda tw: {"academy": tw.academies[0].pk},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "kpis:target_delete",
        kwargs=target,
        method="post",
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "kpis:published_results",
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis:published_results",
        method="post",
        data=lambda tw: {},
        ok_statuses=(400,),
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "kpis_api:published-result-list",
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.EXTERNAL_PARTNER,
        query_ids=urn,
        shows_sentinel=True,
    ),
    Case(
        "kpis_api:kpi-figure-list",
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
        query_ids=urn,
        shows_sentinel=True,
    ),
    Case(
        "kpis_api:kpi-target-list",
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis_api:kpi-target-list",
        method="post",
        data=lambda tw: {
            "urn": tw.academies[0].urn,
            "kpi_code": "y1_phonics",
            "academic_year": "2025-26",
            "value": 82,
        },
        body_ids=lambda tw: {"urn": tw.academies[0].urn},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "kpis_api:kpi-target-detail",
        kwargs=target,
        allowed_role=Role.SCHOOL_STAFF,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis_api:kpi-target-detail",
        kwargs=target,
        method="patch",
        data=lambda tw: {"value": 71},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.IMPROVEMENT_OFFICER,
    ),
    Case(
        "kpis_api:kpi-target-detail",
        kwargs=target,
        method="delete",
        allowed_role=Role.TRUST_ADMIN,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "kpis_api:transition-matrix",
        kwargs=urn,
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "kpis_api:forecast-list",
        kwargs=urn,
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
]
