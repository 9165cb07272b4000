"""Issue 16, done when: "a worker given the whole-grid sheet or the zip bomb stays under 300 MB
and ends the upload as refused with the reason". On a real `celery worker` (PostgreSQL + Redis,
run by .ci/run's PostgreSQL stage; skipped on SQLite): the upload is made as a person makes it,
the worker's pool checks it, and the peak resident memory (VmHWM) of every process of that
worker is read from /proc once the upload has its final state."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.models import Upload
from assessment.services import term_get_or_create, upload_create
from tests.conftest import CeleryWorkers, wait_for
from trust_si.accounts.roles import Role

from ..kernel.test_limits import _row, _sheet, _with_sheet, _xlsx

pytestmark = pytest.mark.worker
FINAL = {"failed", "invalid", "valid"}


def _whole_grid() -> bytes:
    """The issue's file: a sheet declaring A1:XFD1048576 with a cell in its last row (at the
    grid's far corner), a couple of kilobytes."""
    base = _xlsx([["upn"]])
    rows = [_row(1, ["upn", "subject", "measure", "value"])]
    rows.append('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    data = _with_sheet(base, _sheet(rows, "A1:XFD1048576"))
    assert len(data) < 20_000
    return data


def _zip_bomb() -> bytes:
    """160 MB of sheet XML (under the 200 MB bound on the members' sizes) in under 2 MB."""
    row = _row(2, ["A123456789012", "reading", "ta", "EXS"])
    data = _with_sheet(_xlsx([["upn"]]), _sheet([row] * 640_000, "A1:D2"))
    assert len(data) < 2 * 1024 * 1024
    return data


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("whole grid", "16,384 columns; at most 200"), ("zip bomb", "compressed")],
)
def test_a_worker_given_a_hostile_workbook_stays_small_and_refuses_it(
    world, celery_workers: CeleryWorkers, kind: str, reason: str
):
    a = world.a
    worker = celery_workers.start()
    # Both pool processes (--concurrency 2) up before the job is sent.
    pool = wait_for(
        lambda: (
            len(celery_workers.pool_children(worker)) == 2 and celery_workers.pool_children(worker)
        ),
        timeout=60,
    )
    data = _whole_grid() if kind == "whole grid" else _zip_bomb()
    with a.scope():
        upload = upload_create(
            actor=a.user(Role.SCHOOL_STAFF),
            academy=a.academies[0],
            term=term_get_or_create(trust=a.trust, code="2025-26-summer"),
            kind="results",
            name="hostile.xlsx",
            content=data,
        )

    def final():
        with a.scope():
            row = Upload.objects.filter(pk=upload.pk).values("status", "message").get()
        return row if row["status"] in FINAL else None

    done = wait_for(final, timeout=120)
    assert done["status"] == "failed", done
    assert reason in done["message"], done
    # Every process of the worker (its main process and each pool child that could have
    # run the check), at its peak since it started.
    assert sorted(celery_workers.pool_children(worker)) == sorted(pool), "a pool process died"
    peaks = {pid: _peak_mb(pid) for pid in [worker.pid, *pool]}
    print(f"{kind}: peak MB by process {peaks}")
    assert max(peaks.values()) < 300, peaks
    # The worker is still there to take the next job: no crash loop.
    assert worker.poll() is None
