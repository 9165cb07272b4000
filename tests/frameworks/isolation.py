from assessment.frameworks.models import FrameworkVersion
from assessment.models import Enrolment
from tests.isolation import Case
from tests.moderation.helpers import judgements
from trust_si.accounts.roles import Role

STAFF = Role.SCHOOL_STAFF


def setup(world):
    for tw in (world.a, world.b):
        judgements(tw, per_school=2)
        with tw.scope():
            tw.extra["version"] = FrameworkVersion.objects.filter(status="published").first()
            judgement = (
                tw.extra["version"].teacher_judgements.filter(academy=tw.academies[0]).first()
            )
            Enrolment.objects.get_or_create(
                trust=tw.trust,
                pupil=judgement.pupil,
                academic_year="2025-26",
                defaults={"academy": tw.academies[0], "year_group": "6", "sex": "F"},
            )
            tw.extra["pupil"] = judgement.pupil


def _grid(tw):
    return {
        "academy": tw.academies[0].urn,
        "year": "6",
        "subject": "writing",
        "term": "2025-26-summer",
    }


def _save(tw):
    return {**_grid(tw), "pupil": tw.extra["pupil"].pk, "secure": ["EXS1"]}


CASES = [
    Case("frameworks:list", allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
    Case(
        "frameworks:version",
        kwargs=lambda tw: {"pk": tw.extra["version"].pk},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case("frameworks:grid", data=_grid, allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
    Case(
        "frameworks:grid_save",
        method="post",
        data=_save,
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        body_ids=lambda tw: {"pupil": tw.extra["pupil"].pk},
    ),
]
CASES += [
    Case("frameworks_api:framework-list", allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
    Case(
        "frameworks_api:version",
        kwargs=lambda tw: {"pk": tw.extra["version"].pk},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case("frameworks_api:judgement-list", allowed_role=STAFF, forbidden_role=Role.GOVERNOR),
]
