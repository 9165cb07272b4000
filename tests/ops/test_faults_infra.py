"""Faults made with real infrastructure: a TCP proxy in front of PostgreSQL cut while a real
worker checks an upload, and a full tmpfs as the media folder.

The proxy is a few lines of asyncio in a thread of the test: every byte between the worker and
PostgreSQL goes through it, and `cut()` aborts every connection at once (as a failover or a
dropped link does) and refuses new ones until `restore()`. The tmpfs is a real mount of 1 MB
(the container runs as root with the capability to mount); where mounting is refused the test
says so and skips, rather than fake a full disk another way.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Upload
from assessment.services import UploadStoreError, term_get_or_create, upload_create
from tests.conftest import wait_for
from trust_si.accounts.roles import Role

STAFF = Role.SCHOOL_STAFF
TERM = "2025-26-summer"


class CuttableProxy:
    """A TCP forwarder that can drop every connection it carries, then come back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.accepting = True
        self.cut_connections = 0
        self._transports: set[asyncio.BaseTransport] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    def start(self) -> None:
        self._thread.start()
        start = asyncio.start_server(self._handle, "127.0.0.1", 0)
        self._server = asyncio.run_coroutine_threadsafe(start, self._loop).result(5)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.accepting:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._transports |= {writer.transport, up_writer.transport}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, ConnectionError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def _cut(self) -> None:
        self.accepting = False
        self.cut_connections += len(self._transports)
        for transport in list(self._transports):
            transport.abort()
        self._transports.clear()

    def cut(self) -> None:
        self._loop.call_soon_threadsafe(self._cut)
        time.sleep(0.1)

    def restore(self) -> None:
        self._loop.call_soon_threadsafe(setattr, self, "accepting", True)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._cut)
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def _status(tw: Any, upload: Upload) -> str:
    with tw.scope():
        return Upload.objects.filter(pk=upload.pk).values_list("status", flat=True).get()


@pytest.mark.worker
def test_postgres_cut_mid_check_is_retried_and_the_check_ends_valid(world, celery_workers):
    from django.db import connection

    db = connection.settings_dict
    proxy = CuttableProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    try:
        user = db["USER"] or "root"
        celery_workers.env["DATABASE_URL"] = (
            f"postgres://{user}@127.0.0.1:{proxy.port}/{db['NAME']}"
        )
        celery_workers.start()
        # Big enough (150,000 rows) that the check is still reading when the link drops.
        lines = ["upn,subject,measure,value"]
        lines += [
            f"A{p:012d},{s},ta,EXS" for p in range(50_000) for s in ("reading", "writing", "maths")
        ]
        with world.a.scope():
            upload = upload_create(
                actor=world.a.user(STAFF),
                academy=world.a.academies[0],
                term=term_get_or_create(trust=world.a.trust, code=TERM),
                kind="results",
                name="results.csv",
                content=("\n".join(lines) + "\n").encode(),
            )
        assert wait_for(lambda: _status(world.a, upload) == "validating", timeout=60, interval=0.02)
        proxy.cut()  # the worker's connection is dropped mid-check
        assert proxy.cut_connections >= 2, "the worker was not connected through the proxy"
        assert _status(world.a, upload) == "validating"
        time.sleep(2)  # PostgreSQL unreachable for 2 s: the task's retry (5 s) outlasts it
        proxy.restore()
        assert wait_for(lambda: _status(world.a, upload) in ("valid", "failed"), timeout=120)
        with world.a.scope():
            upload.refresh_from_db()
        # Retried after the blip and finished: the user can confirm it. Never a stack trace.
        assert upload.status == "valid", (upload.status, upload.message)
        assert upload.counts.get("rows") == 150_000
        assert "Traceback" not in upload.message
    finally:
        proxy.stop()


@pytest.fixture
def full_media(settings: Any, tmp_path: Path) -> Any:
    """A 1 MB tmpfs as MEDIA_ROOT, filled to the last byte."""
    mount = tmp_path / "media"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()})")
    try:
        settings.MEDIA_ROOT = str(mount)
        filler = mount / "filler"
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        # Bytes a file may still take are those that did not fit the last full block.
        assert os.statvfs(mount).f_bavail == 0
        yield mount, filler
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _files(mount: Path) -> set[str]:
    return {str(p.relative_to(mount)) for p in mount.rglob("*") if p.is_file()}


@pytest.mark.django_db
def test_a_full_disk_refuses_the_upload_in_words_and_leaves_no_partial_file(
    world, full_media, client_for, django_capture_on_commit_callbacks
):
    mount, filler = full_media
    lines = ["upn,subject,measure,value"]
    lines += [f"A{p:012d},{s},ta,EXS" for p in range(7000) for s in ("reading", "writing", "maths")]
    content = ("\n".join(lines) + "\n").encode()  # 600 KB: fits the tmpfs once it is emptied
    with world.a.scope(), pytest.raises(UploadStoreError, match="storage is full"):
        upload_create(
            actor=world.a.user(STAFF),
            academy=world.a.academies[0],
            term=term_get_or_create(trust=world.a.trust, code=TERM),
            kind="results",
            name="results.csv",
            content=content,
        )
    client = client_for(world.a.user(STAFF))
    response = client.post(
        f"/t/{world.a.slug}/uploads/new/",
        {
            "academy": world.a.academies[0].pk,
            "term": TERM,
            "kind": "results",
            "file": SimpleUploadedFile("r.csv", content, content_type="text/csv"),
        },
    )
    assert response.status_code == 503 and b"could not be stored" in response.content
    assert b"Traceback" not in response.content
    with world.a.scope():
        assert not Upload.objects.exists()  # nothing half-received for the user to wonder about
    assert _files(mount) == {"filler"}  # no partial file left on the full disk

    filler.unlink()  # the operator frees space: the same upload now goes through
    with django_capture_on_commit_callbacks(execute=True):  # its check runs (eagerly here)
        response = client.post(
            f"/t/{world.a.slug}/uploads/new/",
            {
                "academy": world.a.academies[0].pk,
                "term": TERM,
                "kind": "results",
                "file": SimpleUploadedFile("r.csv", content, content_type="text/csv"),
            },
        )
    assert response.status_code in (200, 302)
    with world.a.scope():
        assert Upload.objects.get().status == "valid"
