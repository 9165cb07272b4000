from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.frameworks.models import FrameworkVersion
from assessment.frameworks.services import (
    framework_create,
    piece_add,
    statement_add,
    version_draft_create,
)
from assessment.models import Enrolment
from tests.isolation import Case, sentinel
from tests.moderation.helpers import judgements
from trust_si.accounts.roles import Role

STAFF = Role.SCHOOL_STAFF
LEADER = Role.TRUST_LEADER
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
            tw.extra["judgement"] = judgement
            tw.extra["piece"] = piece_add(
                actor=None, judgement=judgement, data=PDF, name=f"{sentinel(tw, 'Essay')}.pdf"
            )
            framework = framework_create(
                actor=None, trust=tw.trust, subject="writing", year_group="3"
            )
            draft = version_draft_create(actor=None, framework=framework)
            tw.extra["draft"] = draft
            tw.extra["statement"] = statement_add(
                actor=None,
                version=draft,
                strand_name="Composition",
                code="EXS1",
                level="EXS",
                text=sentinel(tw, "Statement"),
            )


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


def _draft(tw):
    return {"pk": tw.extra["draft"].pk}


def _statement(tw):
    return {"pk": tw.extra["draft"].pk, "statement_pk": tw.extra["statement"].pk}


def _typed_statement(tw):
    return {"strand": "Composition", "code": "EXS7", "level": "EXS", "text": "Writes for a reader"}


def _edit_case(route, method="get", kwargs=_draft, **extra):
    return Case(
        route,
        method=method,
        kwargs=kwargs,
        allowed_role=LEADER,
        forbidden_role=STAFF,
        **extra,
    )


CASES += [
    _edit_case("frameworks:start", kwargs=lambda tw: {}),
    _edit_case(
        "frameworks:start",
        method="post",
        kwargs=lambda tw: {},
        data=lambda tw: {
            "subject": "writing",
            "year_group": "7",
            "source": tw.extra["version"].pk,
        },
        body_ids=lambda tw: {"source": tw.extra["version"].pk},
    ),
    _edit_case("frameworks:version_edit"),
    _edit_case(
        "frameworks:version_edit",
        method="post",
        data=lambda tw: {"authors": "The writing working party", "allow_one_weakness": "on"},
    ),
    _edit_case("frameworks:publish", method="post"),
    _edit_case(
        "frameworks:new_draft", method="post", kwargs=lambda tw: {"pk": tw.extra["version"].pk}
    ),
    _edit_case("frameworks:import"),
    _edit_case(
        "frameworks:import",
        method="post",
        data=lambda tw: {
            "file": SimpleUploadedFile(
                "grid.csv", b"strand,code,level,statement\nComposition,EXS1,EXS,Plans\n"
            )
        },
    ),
    Case(
        "frameworks:export",
        kwargs=_draft,
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    _edit_case("frameworks:statement_add", method="post", data=_typed_statement),
    _edit_case("frameworks:statement", kwargs=_statement, shows_sentinel=True),
    _edit_case("frameworks:statement", method="post", kwargs=_statement, data=_typed_statement),
    _edit_case("frameworks:statement_remove", method="post", kwargs=_statement),
    Case(
        "frameworks:pieces",
        kwargs=lambda tw: {"pk": tw.extra["judgement"].pk},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "frameworks:pieces",
        method="post",
        kwargs=lambda tw: {"pk": tw.extra["judgement"].pk},
        data=lambda tw: {"file": SimpleUploadedFile("second.pdf", PDF)},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "frameworks:piece",
        kwargs=lambda tw: {"pk": tw.extra["piece"].pk},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
    ),
]
CASES += [
    Case(
        route,
        kwargs=lambda tw: {"key": tw.extra["pupil"].key},
        allowed_role=STAFF,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    )
    for route in ("frameworks:pupil_history", "frameworks_api:pupil-history")
]
