"""The save of a confirmed upload on real workers (PostgreSQL + Redis): a worker killed in the
middle of writing leaves the upload recoverable, and the next run writes every row exactly once.

The file is big enough (200,000 rows) that its COPY takes long enough to be caught in the act.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import connection
from django.db.models import Count

from assessment.models import Result, Upload
from assessment.services import term_get_or_create, upload_confirm, upload_create
from tests.conftest import wait_for
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

pytestmark = pytest.mark.worker
STAFF = Role.SCHOOL_STAFF
PUPILS = 20_000
SUBJECTS = [
    "reading",
    "writing",
    "maths",
    "science",
    "history",
    "geography",
    "french",
    "computing",
    "art",
    "music",
]
# Seconds before Redis hands a job delivered but never acknowledged to a worker again (an hour
# in production: a worker started after the kill does not get the job any sooner). A save that
# runs longer than this is also handed out a second time while it runs: the second run waits for
# the first's row lock, then finds the upload saved and writes nothing.
VISIBILITY_TIMEOUT = 10


def _results(subjects: list[str], value: str) -> bytes:
    lines = ["upn,subject,measure,value"]
    lines += [f"A{p:012d},{s},ta,{value}" for p in range(PUPILS) for s in subjects]
    return ("\n".join(lines) + "\n").encode()


def _status(tw, upload):
    with tw.scope():
        return Upload.objects.filter(pk=upload.pk).values_list("status", flat=True).get()


def _checked_upload(tw, content: bytes) -> Upload:
    """Received, then checked by the worker."""
    with tw.scope():
        upload = upload_create(
            actor=tw.user(STAFF),
            academy=tw.academies[0],
            term=term_get_or_create(trust=tw.trust, code="2025-26-summer"),
            kind="results",
            name="results.csv",
            content=content,
        )
    assert wait_for(lambda: _status(tw, upload) == "valid", timeout=120)
    return upload


def _copying() -> bool:
    """Some connection is sending the results' rows (the save is half way through)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
            " AND state = 'active' AND query LIKE %s",
            ['COPY "assessment_result"%'],
        )
        return cursor.fetchone() is not None


def _confirm_and_catch_the_copy(tw, upload: Upload) -> None:
    with tw.scope():
        upload_confirm(actor=tw.user(STAFF), upload=upload)
    assert wait_for(lambda: _status(tw, upload) == "committing", timeout=60, interval=0.05)
    deadline = time.monotonic() + 60
    while not _copying():
        assert _status(tw, upload) == "committing", "saved before the worker could be killed"
        assert time.monotonic() < deadline, "the save never reached its COPY"
        time.sleep(0.02)


def _slice(tw) -> dict[int | None, int]:
    """Rows of the slice by the upload that wrote them."""
    with tw.scope():
        rows = Result.objects.filter(academy=tw.academies[0]).values("upload")
        return dict(rows.annotate(n=Count("id")).values_list("upload", "n"))


def _assert_saved_once(tw, big: Upload, previous: Upload, rows: int) -> None:
    assert _slice(tw) == {big.pk: rows}  # every row of the file, once
    with tw.scope():
        distinct = (
            Result.objects.filter(academy=tw.academies[0])
            .values("pupil", "subject", "measure")
            .distinct()
            .count()
        )
        assert distinct == rows
        previous.refresh_from_db()
        big.refresh_from_db()
        assert previous.status == "superseded"
        assert big.message == f"{rows} rows confirmed."
        assert (
            AuditEvent.objects.filter(action="upload.confirm", object_id=str(big.pk)).count() == 1
        )


def _previous_and_big(world, subjects: list[str]) -> tuple[Upload, Upload]:
    """A first upload saved by the worker (the slice's current data), then a big one checked."""
    a = world.a
    previous = _checked_upload(a, _results(SUBJECTS[:1], "WTS"))
    with a.scope():
        upload_confirm(actor=a.user(STAFF), upload=previous)
    assert wait_for(lambda: _status(a, previous) == "committed", timeout=120)
    big = _checked_upload(a, _results(subjects, "EXS"))
    return previous, big


def test_a_worker_killed_while_saving_is_recovered_by_the_next_worker(world, celery_workers):
    """kill -9 of the whole worker (main process and pool) in the middle of the COPY: nothing is
    written and the upload stays "saving"; Redis hands the unacknowledged job (acks_late) to the
    next worker after the visibility timeout, and that run saves every row once and supersedes
    the previous data."""
    a = world.a
    first = celery_workers.start(visibility_timeout=VISIBILITY_TIMEOUT)
    previous, big = _previous_and_big(world, SUBJECTS)
    _confirm_and_catch_the_copy(a, big)
    celery_workers.kill(first)

    # The killed transaction rolled back: the previous data is whole and still current.
    assert _slice(a) == {previous.pk: PUPILS}
    assert _status(a, big) == "committing" and _status(a, previous) == "committed"

    # Nothing but Redis's redelivery can save it now (no one confirms again, no beat runs).
    celery_workers.start(visibility_timeout=VISIBILITY_TIMEOUT)
    assert wait_for(lambda: _status(a, big) == "committed", timeout=VISIBILITY_TIMEOUT + 180)
    _assert_saved_once(a, big, previous, PUPILS * len(SUBJECTS))


def test_a_pool_process_killed_while_saving_is_retried_at_once(world, celery_workers):
    """kill -9 of the process running the save (the OOM killer's way): the worker itself sees
    it lost and, with reject_on_worker_lost, puts the job back; the retry saves every row once."""
    a = world.a
    worker = celery_workers.start()  # Redis's visibility timeout is an hour here
    previous, big = _previous_and_big(world, SUBJECTS[:5])
    _confirm_and_catch_the_copy(a, big)
    for pid in celery_workers.pool_children(worker):
        os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: _status(a, big) == "committed", timeout=180)
    _assert_saved_once(a, big, previous, PUPILS * 5)
