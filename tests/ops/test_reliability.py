"""Every job ends: sweepers, broker and cache outages, refusing mail, unwritable media, races.

The tests in the first part run on any database (the sweepers' rules, on real rows, with the
clock moved by back-dating rows). Those marked `worker` run real `celery worker` processes on
PostgreSQL and Redis and kill them with SIGKILL (they skip on SQLite, like the other worker
tests).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assessment.models import Result, Upload
from assessment.services import (
    CHECK_INTERRUPTED,
    CHECK_NEVER_STARTED,
    UploadStoreError,
    term_get_or_create,
    upload_commit,
    upload_confirm,
    upload_create,
    upload_sweep,
    upload_validate,
)
from phases import pipeline
from phases.models import HeatmapRow, Placement, RecomputeJob
from phases.services import judgement_record
from reporting.models import Report, ReportBatch, ReportStatus
from reporting.services import INTERRUPTED_FINAL, report_request, report_sweep
from tests.conftest import real_services, wait_for
from trust_si.accounts.roles import Role
from trust_si.celery import app
from trust_si.tenancy.cache import DegradingRedisCache

STAFF = Role.SCHOOL_STAFF
TERM = "2025-26-summer"
UPN = "A123456789012"
RESULTS = f"upn,subject,measure,value\n{UPN},reading,scaled_score,104\n".encode()
RESULTS_2 = f"upn,subject,measure,value\n{UPN},reading,scaled_score,99\n".encode()
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


def _create(tw, content=RESULTS, kind="results"):
    with tw.scope():
        return upload_create(
            actor=tw.user(STAFF),
            academy=tw.academies[0],
            term=term_get_or_create(trust=tw.trust, code=TERM),
            kind=kind,
            name="results.csv",
            content=content,
        )


def _ago(**kwargs):
    return timezone.now() - dt.timedelta(**kwargs)


# --- settings -----------------------------------------------------------------------------


# Celery's Django fixup runs the system checks while importing the tasks modules, and the
# SQLite JSON-field check opens a connection, so the test needs the database.
@pytest.mark.django_db
def test_visibility_timeout_exceeds_every_task_time_limit():
    """Redis must not hand a job still running to a second worker: visibility > longest limit."""
    limits = django_settings.TRUST_SI_TASK_TIME_LIMITS
    app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    assert max(limits.values()) < django_settings.BROKER_VISIBILITY_TIMEOUT
    for name, limit in limits.items():
        assert name in app.tasks, f"{name} is not a task: the time limit table is stale"
        annotation = django_settings.CELERY_TASK_ANNOTATIONS[name]
        assert annotation["time_limit"] == limit
        assert annotation["soft_time_limit"] < limit
    for beat in ("upload-stalled-saves", "recompute-sweep", "report-sweep"):
        assert django_settings.CELERY_BEAT_SCHEDULE[beat]["task"] in app.tasks


# --- uploads ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_check_interrupted_past_its_deadline_ends_failed_with_a_reason(world):
    upload = _create(world.a)
    with world.a.scope():
        Upload.objects.filter(pk=upload.pk).update(status="validating", claimed_at=_ago(hours=1))
        never = _create(world.a, RESULTS_2)
        Upload.objects.filter(pk=never.pk).update(
            status="received", claimed_at=None, created_at=_ago(hours=1)
        )
        assert upload_sweep(trust=world.a.trust)["failed"] == 2
        upload.refresh_from_db()
        never.refresh_from_db()
    assert (upload.status, upload.message) == ("failed", CHECK_INTERRUPTED)
    assert (never.status, never.message) == ("failed", CHECK_NEVER_STARTED)
    # A late delivery of the check's job finds nothing to do: it stays failed, as the user saw.
    with world.a.scope():
        assert upload_validate(upload=upload).status == "failed"


@pytest.mark.django_db
def test_a_waiting_check_is_sent_again_and_then_runs(world, django_capture_on_commit_callbacks):
    upload = _create(world.a)
    with world.a.scope():
        Upload.objects.filter(pk=upload.pk).update(
            status="received", progress=0, created_at=_ago(minutes=5)
        )
        assert upload_sweep(trust=world.a.trust)["resent"] == 1  # eager here: it runs at once
        upload.refresh_from_db()
    assert upload.status == "valid"


@pytest.mark.django_db
def test_one_current_upload_per_slice_is_held_by_the_database(world):
    first = _create(world.a)
    second = _create(world.a, RESULTS_2)
    with world.a.scope():
        Upload.objects.filter(pk=first.pk).update(status="committed")
        with pytest.raises(IntegrityError), transaction.atomic():
            Upload.objects.filter(pk=second.pk).update(status="committed")


@pytest.mark.django_db
def test_unwritable_media_is_refused_in_words_and_leaves_nothing(world, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder's parent should be")
    settings.MEDIA_ROOT = str(blocker / "media")
    with pytest.raises(UploadStoreError, match="could not be stored"):
        _create(world.a)
    with world.a.scope():
        assert not Upload.objects.exists()


@pytest.mark.django_db
def test_unwritable_media_answers_a_page_not_a_500(world, settings, tmp_path, client_for):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker / "media")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.a.user(STAFF))
    response = client.post(
        f"/t/{world.a.slug}/uploads/new/",
        {
            "academy": world.a.academies[0].pk,
            "term": TERM,
            "kind": "results",
            "file": SimpleUploadedFile("r.csv", RESULTS, content_type="text/csv"),
        },
    )
    assert response.status_code == 503
    assert b"could not be stored" in response.content
    assert b"Traceback" not in response.content


# --- recomputes ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_recompute_lost_with_its_worker_ends_and_a_fresh_one_runs_once(world):
    a = world.a
    with a.scope():
        judgement_record(
            actor=a.user(Role.IMPROVEMENT_OFFICER),
            academy=a.academies[0],
            area="curriculum_teaching",
            grade="strong_standard",
            judged_on=dt.date.today() - dt.timedelta(days=3),
            source="direct",
        )
        lost = RecomputeJob.objects.create(trust=a.trust, academy=a.academies[0], reason="t")
        RecomputeJob.objects.filter(pk=lost.pk).update(status="running", started_at=_ago(hours=2))
        assert pipeline.recompute_sweep(trust=a.trust) == {"resent": 0, "ended": 1}
        lost.refresh_from_db()
        assert (lost.status, lost.message) == ("failed", pipeline.INTERRUPTED)
        fresh = RecomputeJob.objects.exclude(pk=lost.pk).get(academy=a.academies[0])
        assert fresh.status == "done"  # eager here: the fresh job ran
        placements = Placement.objects.filter(academy=a.academies[0], subject="").count()
        # A late redelivery of the lost job does nothing: it was ended.
        assert (
            pipeline.recompute_job_run(
                trust=a.trust, academy_id=a.academies[0].pk, job_id=lost.pk, cache_key=""
            )
            == 0
        )
        assert Placement.objects.filter(academy=a.academies[0], subject="").count() == placements
        assert HeatmapRow.objects.filter(academy=a.academies[0]).exists()


@pytest.mark.django_db
def test_a_recompute_interrupted_again_and_again_stops_with_a_reason(world):
    a = world.a
    with a.scope():
        for _ in range(pipeline.MAX_ATTEMPTS - 1):
            RecomputeJob.objects.create(
                trust=a.trust,
                academy=a.academies[0],
                status="failed",
                message=pipeline.INTERRUPTED,
                finished_at=_ago(minutes=10),
            )
        lost = RecomputeJob.objects.create(trust=a.trust, academy=a.academies[0])
        RecomputeJob.objects.filter(pk=lost.pk).update(status="running", started_at=_ago(hours=2))
        pipeline.recompute_sweep(trust=a.trust)
        lost.refresh_from_db()
        assert (lost.status, lost.message) == ("failed", pipeline.GAVE_UP)
        assert not RecomputeJob.objects.filter(status__in=["queued", "running"]).exists()


@pytest.mark.django_db
def test_a_refusing_mail_server_does_not_stop_the_recompute(world, settings):
    """The phase change is written with its heat-map row; the mail is its own (failing) job."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    a = world.a
    with a.scope():
        for area in ("curriculum_teaching", "leadership_governance"):
            judgement_record(
                actor=a.user(Role.IMPROVEMENT_OFFICER),
                academy=a.academies[0],
                area=area,
                grade="strong_standard",
                judged_on=dt.date.today() - dt.timedelta(days=10),
                source="direct",
            )
        pipeline.recompute_run(trust=a.trust)
        judgement_record(
            actor=a.user(Role.IMPROVEMENT_OFFICER),
            academy=a.academies[0],
            area="safeguarding",
            grade="not_met",
            judged_on=dt.date.today() - dt.timedelta(days=1),
            source="direct",
        )
        pipeline.recompute_run(trust=a.trust)  # the mail fails: the run does not
        placement = Placement.objects.filter(academy=a.academies[0], subject="").first()
        row = HeatmapRow.objects.get(academy=a.academies[0], term_code=row_term(a), group="all")
    assert placement.proposed_phase == "stabilise"
    assert row.phase == placement.phase


def row_term(tw):
    with tw.scope():
        return HeatmapRow.objects.filter(academy=tw.academies[0]).values_list(
            "term_code", flat=True
        )[0]


# --- reports ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_report_lost_with_its_worker_is_generated_again_and_its_batch_finishes(world):
    a = world.a
    with a.scope():
        batch = ReportBatch.objects.create(trust=a.trust, term_code=TERM, total=1)
        report = report_request(
            actor=None,
            trust=a.trust,
            term_code=TERM,
            academy=a.academies[0],
            batch=batch,
            enqueue=False,
        )
        # What a worker killed mid-render leaves: generating, one try taken, no PDF.
        Report.objects.filter(pk=report.pk).update(
            status="generating", attempts=1, claimed_at=_ago(hours=1)
        )
        assert report_sweep(trust=a.trust)["resent"] == 0  # requeued, waiting to be sent
        report.refresh_from_db()
        assert report.status == ReportStatus.QUEUED
        Report.objects.filter(pk=report.pk).update(claimed_at=_ago(minutes=1))
        assert report_sweep(trust=a.trust)["resent"] == 1  # eager here: generated at once
        report.refresh_from_db()
        batch.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 2
    assert (batch.done, batch.failed, batch.finished_at is not None) == (1, 0, True)


@pytest.mark.django_db
def test_a_report_interrupted_on_every_try_ends_failed_with_what_to_do(world):
    a = world.a
    with a.scope():
        batch = ReportBatch.objects.create(trust=a.trust, term_code=TERM, total=1)
        report = report_request(
            actor=None, trust=a.trust, term_code=TERM, batch=batch, enqueue=False
        )
        Report.objects.filter(pk=report.pk).update(
            status="generating", attempts=3, claimed_at=_ago(hours=1)
        )
        assert report_sweep(trust=a.trust)["ended"] == 1
        report.refresh_from_db()
        batch.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.FAILED, INTERRUPTED_FINAL)
    assert (batch.failed, batch.finished_at is not None) == (1, True)


# --- broker and cache outages -------------------------------------------------------------


@pytest.fixture
def broker_down():
    """Jobs are sent for real (not eager) to a broker nobody listens on."""
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_PORT
    _drop_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        _drop_connections()


def _drop_connections():
    """Forget pooled broker connections, so the next send connects to conf.broker_url."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_broker_down_an_upload_is_received_and_says_it_waits(world, broker_down, client_for):
    upload = _create(world.a)
    with world.a.scope():
        upload.refresh_from_db()
    assert upload.status == "received" and "Waiting for the worker" in upload.message
    page = client_for(world.a.user(STAFF)).get(f"/t/{world.a.slug}/uploads/{upload.pk}/")
    assert page.status_code == 200 and b"Waiting for the worker" in page.content
    # Confirming while the broker is down: the request succeeds and the upload waits.
    with world.a.scope():
        Upload.objects.filter(pk=upload.pk).update(status="valid", content_hash="x")
        upload = upload_confirm(actor=world.a.user(STAFF), upload=upload)
    assert upload.status == "commit_queued"
    page = client_for(world.a.user(STAFF)).get(f"/t/{world.a.slug}/uploads/{upload.pk}/")
    assert page.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_broker_down_a_report_waits_and_the_sweeper_sends_it_when_back(
    world, broker_down, client_for
):
    a = world.a
    with a.scope():
        report = report_request(actor=None, trust=a.trust, term_code=TERM, academy=a.academies[0])
        report.refresh_from_db()
        assert report.status == ReportStatus.QUEUED and "Waiting for the worker" in report.error
    page = client_for(a.user(Role.TRUST_LEADER)).get(f"/t/{a.slug}/reports/{report.pk}/")
    assert page.status_code == 200 and b"Waiting for the worker" in page.content
    app.conf.task_always_eager = True  # the broker is back (here: jobs run in-process)
    with a.scope():
        Report.objects.filter(pk=report.pk).update(created_at=_ago(minutes=5))
        assert report_sweep(trust=a.trust)["resent"] == 1
        report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_the_cache_answers_as_empty_while_redis_is_down():
    cache = DegradingRedisCache(CLOSED_PORT, {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("k", "default") == "default"
    assert cache.add("lock", 1) is True  # a caller taking a lock must not spin
    cache.set("k", 1)
    assert cache.get_many(["a"]) == {}
    assert cache.delete("k") is False


@pytest.mark.django_db
def test_sign_in_answers_while_redis_is_down(world, settings):
    """The rate limit cannot count: the sign-in page answers (no 500), wrong passwords refused."""
    settings.CACHES = {
        "default": {
            "BACKEND": "trust_si.tenancy.cache.DegradingRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    from django.test import Client

    response = Client().post(
        "/accounts/login/", {"login": world.a.user(STAFF).email, "password": "wrong"}
    )
    assert response.status_code in (200, 400)
    assert b"Traceback" not in response.content


# --- real workers on PostgreSQL and Redis -------------------------------------------------


def _needs_real():
    if not real_services():
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL)")


@pytest.mark.worker
def test_two_confirms_of_one_slice_at_once_leave_one_current_upload(world, transactional_db):
    """Two different uploads of an empty slice saved at the same moment, on PostgreSQL."""
    _needs_real()
    with world.a.scope():
        uploads = [
            upload_validate(upload=_create(world.a, content)) for content in (RESULTS, RESULTS_2)
        ]
        for upload in uploads:
            Upload.objects.filter(pk=upload.pk).update(status="commit_queued")
    errors: list[BaseException] = []

    def save(upload_id: int) -> None:
        try:
            with world.a.scope():
                upload_commit(upload_id=upload_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(u.pk,)) for u in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with world.a.scope():
        statuses = sorted(Upload.objects.values_list("status", flat=True))
        assert statuses == ["committed", "superseded"]
        current = Upload.objects.get(status="committed")
        assert Result.objects.filter(upload=current).count() == 1
        assert Result.objects.count() == 1  # nothing from the superseded one, nothing twice


@pytest.mark.worker
def test_a_worker_killed_holding_a_recompute_the_sweeper_ends_it_once(
    world, celery_workers, settings
):
    """The worker holds the job (a countdown: received, not acknowledged) and is killed."""
    a = world.a
    with a.scope():
        job = RecomputeJob.objects.create(trust=a.trust, academy=a.academies[0], reason="kill")
    worker = celery_workers.start()
    from phases.tasks import placement_recompute_task

    placement_recompute_task.apply_async(
        kwargs={"trust_id": a.trust.pk, "academy_id": a.academies[0].pk, "job_id": job.pk},
        countdown=30,
    )
    import time

    time.sleep(3)  # the worker has it in hand (an ETA job is held, unacknowledged)
    celery_workers.kill(worker)
    celery_workers.start()  # a fresh worker: Redis gives it the job only after an hour
    with a.scope():
        RecomputeJob.objects.filter(pk=job.pk).update(requested_at=_ago(minutes=10))
        assert pipeline.recompute_sweep(trust=a.trust)["resent"] == 1

    def done():
        with a.scope():
            return RecomputeJob.objects.filter(pk=job.pk, status="done").exists()

    assert wait_for(done, timeout=90)
    with a.scope():
        assert HeatmapRow.objects.filter(academy=a.academies[0], group="all").count() == 1


@pytest.mark.worker
def test_a_worker_killed_mid_report_batch_the_batch_still_finishes(world, celery_workers):
    a = world.a
    with a.scope():
        batch = ReportBatch.objects.create(
            trust=a.trust, term_code=TERM, total=2, status="generating"
        )
        reports = [
            report_request(
                actor=None, trust=a.trust, term_code=TERM, academy=ac, batch=batch, enqueue=False
            )
            for ac in a.academies
        ]
    worker = celery_workers.start()
    from reporting.tasks import batch_enqueue

    assert batch_enqueue(trust_id=a.trust.pk, report_ids=[r.pk for r in reports])

    def generating():
        with a.scope():
            return Report.objects.filter(batch=batch, status="generating").exists()

    wait_for(generating, timeout=60, interval=0.05)
    celery_workers.kill(worker)
    celery_workers.start()
    with a.scope():
        # Past the report's deadline (the clock moved on): the sweeper queues it again.
        Report.objects.filter(batch=batch, status="generating").update(claimed_at=_ago(hours=1))
        Report.objects.filter(batch=batch, status="queued").update(created_at=_ago(hours=1))
        report_sweep(trust=a.trust)

    def finished():
        with a.scope():
            report_sweep(trust=a.trust)
            return ReportBatch.objects.filter(pk=batch.pk, finished_at__isnull=False).first()

    done = wait_for(finished, timeout=120, interval=2)
    assert (done.done, done.failed) == (2, 0)
    with a.scope():
        assert all(r.pdf for r in Report.objects.filter(batch=batch))


# --- sessions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_is_not_written_on_every_request(world, client_for):
    from django.contrib.sessions.models import Session

    client = client_for(world.a.user(STAFF))
    client.get(f"/t/{world.a.slug}/uploads/")  # the first request after sign-in renews it
    key = client.session.session_key
    renewed = Session.objects.get(session_key=key).expire_date
    for _ in range(3):
        assert client.get(f"/t/{world.a.slug}/uploads/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == renewed
