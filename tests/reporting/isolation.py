from django.core.files.base import ContentFile

from reporting.models import Report, ReportBatch, ReportKind, ReportStatus
from tests.isolation import Case
from trust_si.accounts.roles import Role

TERM = "2025-26-summer"


def setup(world):
    """A ready academy report and a batch in each trust (PDF bytes are a placeholder file:
    these cases check who may reach the routes, not how the PDF is rendered)."""
    for tw in (world.a, world.b):
        with tw.scope():
            report = Report(
                trust=tw.trust,
                kind=ReportKind.ACADEMY,
                academy=tw.academies[0],
                term_code=TERM,
                status=ReportStatus.READY,
                snapshot={
                    "kind": "academy",
                    "term": TERM,
                    "term_label": "Summer term 2025-26",
                    "trust": {"name": tw.trust.name},
                    "academy": {"name": tw.academies[0].name},
                    "placement": {},
                    "kpis": [],
                    "min_cohort": 5,
                },
            )
            report.pdf.save("r.pdf", ContentFile(b"%PDF-1.7 placeholder"), save=False)
            report.save()
            tw.extra["report"] = report
            tw.extra["batch"] = ReportBatch.objects.create(trust=tw.trust, term_code=TERM, total=1)


def report_pk(tw):
    return {"pk": tw.extra["report"].pk}


CASES = [
    Case("reporting:list", forbidden_role=Role.SCHOOL_STAFF, shows_sentinel=True),
    Case(
        "reporting:detail",
        kwargs=report_pk,
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.SCHOOL_STAFF,
        shows_sentinel=True,
    ),
    Case(
        "reporting:preview",
        kwargs=report_pk,
        forbidden_role=Role.EXTERNAL_PARTNER,
        shows_sentinel=True,
    ),
    Case(
        "reporting:download",
        kwargs=report_pk,
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case("reporting:csv", kwargs=report_pk, forbidden_role=Role.SCHOOL_STAFF),
    Case(
        "reporting:generate",
        method="post",
        data=lambda tw: {"term": TERM, "academy": tw.academies[0].urn},
        body_ids=lambda tw: {"academy": tw.academies[0].urn},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "reporting:batch",
        kwargs=lambda tw: {"pk": tw.extra["batch"].pk},
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "reporting:settings",
        kwargs_are_objects=False,
        allowed_role=Role.TRUST_ADMIN,
        forbidden_role=Role.TRUST_LEADER,
    ),
    Case(
        "reporting:settings",
        method="post",
        data=lambda tw: {},
        kwargs_are_objects=False,
        allowed_role=Role.TRUST_ADMIN,
        forbidden_role=Role.TRUST_LEADER,
        ok_statuses=(400,),
    ),
    Case(
        "reporting_api:report-list",
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.SCHOOL_STAFF,
        query_ids=lambda tw: {"urn": tw.academies[0].urn},
        shows_sentinel=True,
    ),
    Case(
        "reporting_api:report-detail",
        kwargs=report_pk,
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.SCHOOL_STAFF,
        shows_sentinel=True,
    ),
    Case(
        "reporting_api:report-download",
        kwargs=report_pk,
        allowed_role=Role.GOVERNOR,
        forbidden_role=Role.EXTERNAL_PARTNER,
    ),
]
