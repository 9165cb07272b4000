"""Frameworks: versions (a published version never changes), copying, CSV import/export, and
teacher judgements through the existing upload pipeline (the judgements kind)."""

from __future__ import annotations

import pytest

from assessment.frameworks.models import TeacherJudgement
from assessment.frameworks.services import (
    FrameworkInvalid,
    FrameworkLocked,
    framework_create,
    judgement_record,
    starter_apply,
    statement_add,
    version_csv,
    version_draft_create,
    version_import_csv,
    version_publish,
)
from assessment.frameworks.starters import YEAR_6
from assessment.models import Pupil, Upload, UploadStatus
from assessment.parsing import pupil_key
from assessment.services import (
    term_get_or_create,
    upload_confirm_now,
    upload_create,
    upload_validate,
)
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
ADMIN, STAFF = Role.TRUST_ADMIN, Role.SCHOOL_STAFF
UPN1, UPN2, UPN3 = "A123456789012", "B123456789013", "C12345678901D"


def published(tw, year="6", allow=False):
    with tw.scope():
        framework = framework_create(actor=None, trust=tw.trust, subject="writing", year_group=year)
        version = version_draft_create(actor=None, framework=framework)
        version.allow_one_weakness = allow
        version.save()
        starter_apply(actor=None, version=version, starter=YEAR_6)
        return version_publish(actor=tw.user(ADMIN), version=version)


def test_published_version_never_changes_and_a_new_draft_copies_it(world):
    version = published(world.a)
    with world.a.scope():
        with pytest.raises(FrameworkLocked):
            statement_add(
                actor=None, version=version, strand_name="X", code="EXS99", level="EXS", text="t"
            )
        with pytest.raises(FrameworkLocked):
            version_import_csv(actor=None, version=version, content=version_csv(version))
        draft = version_draft_create(actor=None, framework=version.framework, source=version)
        assert draft.number == 2 and not draft.is_published
        assert draft.statement_levels() == version.statement_levels()
        statement_add(
            actor=None, version=draft, strand_name="Spelling", code="GDS9", level="GDS", text="t"
        )
        assert len(draft.statement_levels()) == len(version.statement_levels()) + 1


def test_copy_to_another_year_group_and_csv_round_trip(world):
    version = published(world.a)
    with world.a.scope():
        year5 = framework_create(actor=None, trust=world.a.trust, subject="writing", year_group="5")
        copy = version_draft_create(actor=None, framework=year5, source=version)
        assert copy.copied_from == version and copy.number == 1
        other = version_draft_create(
            actor=None,
            framework=framework_create(
                actor=None, trust=world.a.trust, subject="reading", year_group="5"
            ),
        )
        count = version_import_csv(actor=None, version=other, content=version_csv(version))
        assert count == len(version.statement_levels())
        assert other.statement_levels() == version.statement_levels()


def test_csv_import_reports_every_bad_row_and_writes_nothing(world):
    with world.a.scope():
        framework = framework_create(
            actor=None, trust=world.a.trust, subject="writing", year_group="4"
        )
        draft = version_draft_create(actor=None, framework=framework)
        bad = b"strand,code,level,statement\nComp,EXS1,EXS,ok\nComp,EXS1,XYZ,\n,B A,EXS,t\n"
        with pytest.raises(FrameworkInvalid) as caught:
            version_import_csv(actor=None, version=draft, content=bad)
        rows = {(row, column) for row, column, _ in caught.value.problems}
        assert {(3, "code"), (3, "level"), (3, "statement"), (4, "strand"), (4, "code")} <= rows
        assert draft.statements.count() == 0
        with pytest.raises(FrameworkInvalid):
            version_import_csv(actor=None, version=draft, content=b"x" * 300_000)


def test_publish_refused_without_exs(world):
    with world.a.scope():
        framework = framework_create(
            actor=None, trust=world.a.trust, subject="writing", year_group="3"
        )
        draft = version_draft_create(actor=None, framework=framework)
        with pytest.raises(FrameworkInvalid):
            version_publish(actor=None, version=draft)


EXS_ALL = "EXS1;EXS2;EXS3;EXS4;EXS5;EXS6;EXS7;EXS8;EXS9"


def _judgements(tw, body: str):
    content = (
        "upn,year_group,subject,secure,independence,source_subject,judgement,reason\n" + body
    ).encode()
    with tw.scope():
        term = term_get_or_create(trust=tw.trust, code="2025-26-summer")
        upload = upload_create(
            actor=tw.user(STAFF),
            academy=tw.academies[0],
            term=term,
            kind="judgements",
            name="j.csv",
            content=content,
        )
        return upload_validate(upload=upload)


def test_judgement_upload_through_the_pipeline(world):
    version = published(world.a)
    upload = _judgements(
        world.a,
        f"{UPN1},6,writing,{EXS_ALL},independent,history,,\n"
        f"{UPN2},6,writing,EXS1;EXS2,scaffolded,,,\n"
        f"{UPN3},6,writing,{EXS_ALL};GDS1;GDS2;GDS3,,,EXS,Only one piece at greater depth\n",
    )
    assert upload.status == UploadStatus.VALID, upload.errors
    with world.a.scope():
        upload_confirm_now(actor=world.a.user(STAFF), upload=upload)
        upload.refresh_from_db()
        assert upload.status == UploadStatus.COMMITTED, upload.message
        got = {j.pupil.key: j for j in TeacherJudgement.objects.select_related("pupil")}
        secret = world.a.trust.pseudonym_secret
        one, two, three = (got[pupil_key(u, secret)] for u in (UPN1, UPN2, UPN3))
        assert (one.level, one.proposed, one.source_subject) == ("EXS", "EXS", "history")
        assert (two.level, two.independence) == ("WTS", "scaffolded")
        assert (three.proposed, three.level, three.overridden) == ("GDS", "EXS", True)
        assert one.version == version
        assert not Pupil.objects.filter(key__contains=UPN1).exists()


def test_judgement_upload_reports_framework_problems_row_by_row(world):
    published(world.a)
    upload = _judgements(
        world.a,
        f"{UPN1},5,writing,EXS1,,,,\n"  # no published Year 5 framework
        f"{UPN2},6,writing,EXS1;ZZZ9,,,,\n"  # ZZZ9 is not a statement
        f"{UPN3},6,writing,EXS1,,,GDS,\n"  # differs from the proposal, no reason
        f"{UPN3},6,sewing,EXS1,sometimes,,X?Z,\n",
    )
    assert upload.status == UploadStatus.INVALID
    found = {(e["row"], e["column"]) for e in upload.errors}
    assert {(2, "year_group"), (3, "secure"), (4, "reason")} <= found
    assert {(5, "subject"), (5, "independence"), (5, "judgement")} <= found
    assert (
        "no published writing framework"
        in next(e for e in upload.errors if e["row"] == 2)["message"]
    )
    with world.a.scope():
        assert not TeacherJudgement.objects.exists()
        assert not Upload.objects.filter(status=UploadStatus.COMMITTED).exists()


def test_grid_record_proposes_and_requires_a_reason_to_differ(world):
    published(world.a, allow=True)
    with world.a.scope():
        term = term_get_or_create(trust=world.a.trust, code="2025-26-summer")
        pupil = Pupil.objects.create(trust=world.a.trust, key="k" * 64)
        kwargs = dict(
            actor=None,
            academy=world.a.academies[0],
            term=term,
            pupil=pupil,
            subject="writing",
            year_group="6",
        )
        j = judgement_record(
            **kwargs, secure=["EXS1", "EXS2", "EXS3", "EXS4", "EXS5", "EXS6", "EXS7", "EXS8"]
        )
        assert j.level == "EXS"  # one weakness allowed
        with pytest.raises(FrameworkInvalid):
            judgement_record(**kwargs, secure=["EXS1"], level="EXS")
        j = judgement_record(**kwargs, secure=["EXS1"], level="EXS", reason="Strong in books")
        assert (j.proposed, j.level) == ("WTS", "EXS")
        with pytest.raises(FrameworkInvalid):
            judgement_record(**{**kwargs, "year_group": "4"}, secure=[])
        with pytest.raises(FrameworkInvalid):
            judgement_record(**{**kwargs, "academy": world.a.academies[1]}, secure=[])
        assert TeacherJudgement.objects.count() == 1
