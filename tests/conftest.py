"""Fixtures with two trusts in every set: trust A (alice's) and trust B (bob's)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from academies.models import Academy
from trust_si.accounts.models import User
from trust_si.accounts.roles import Role
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

from .factories import AcademyFactory, TrustFactory, member

# Property tests check what is true, not how fast a shared 2-core CI box draws examples: no
# per-example deadline and no "too slow" health check, so load never turns them red.
hypothesis_settings.register_profile(
    "trust_si", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("trust_si")


@dataclass
class TrustWorld:
    """One trust with two academies and a user for every role.

    Scoped roles (officer, staff, governor, partner) cover `academies[0]` only, so tests can
    check both "another trust" and "another academy of the same trust".
    """

    trust: Trust
    academies: list[Academy]
    users: dict[str, User]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.trust.slug

    def user(self, role: Role | str) -> User:
        return self.users[Role(role).value]

    def scope(self) -> Any:
        return trust_scope(self.trust)


def build_trust_world(slug: str) -> TrustWorld:
    trust = TrustFactory(slug=slug, name=f"{slug.title()} Learning Trust")
    academies = [
        AcademyFactory(trust=trust, name=f"{slug.title()} Primary Academy"),
        AcademyFactory(
            trust=trust,
            name=f"{slug.title()} High School",
            phase_of_education="secondary",
            age_low=11,
            age_high=18,
        ),
    ]
    users = {}
    for role in Role:
        scoped = role not in (Role.TRUST_ADMIN, Role.TRUST_LEADER)
        users[role.value] = member(trust, role, academies=[academies[0]] if scoped else [])
    return TrustWorld(trust=trust, academies=academies, users=users)


@dataclass
class World:
    a: TrustWorld
    b: TrustWorld


@pytest.fixture
def world(db: Any) -> World:
    return World(a=build_trust_world("alpha"), b=build_trust_world("beta"))


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A logged-in test client for a user (MFA already satisfied for the session)."""

    def _client(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


def real_services() -> bool:
    """PostgreSQL and Redis are configured (the CI run's second phase)."""
    return os.environ.get("DATABASE_URL", "").startswith("postgres") and bool(
        os.environ.get("REDIS_URL")
    )


class CeleryWorkers:
    """Real `celery worker` processes on Redis, using this test's PostgreSQL database.

    `start()` starts one (it can be given broker transport options, e.g. a short visibility
    timeout), `kill(process)` kills it and its pool's children with SIGKILL, as the kernel's OOM
    killer or a lost machine would. Every worker listens on this test's own queue.
    """

    def __init__(self, env: dict[str, str], queue: str) -> None:
        self.env = env
        self.queue = queue
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, *, visibility_timeout: int | None = None) -> subprocess.Popen[str]:
        env = {**self.env, "CELERY_TEST_QUEUE": self.queue}  # read by trust_si.settings.test
        if visibility_timeout is not None:  # read by trust_si.settings.test
            env["CELERY_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        root = Path(__file__).resolve().parent.parent
        process = subprocess.Popen(
            [
                str(root / ".venv" / "bin" / "celery"),
                "-A",
                "trust_si",
                "worker",
                "-l",
                "warning",
                "--concurrency",
                "2",
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: kill() reaches the pool's children
        )
        self.processes.append(process)
        time.sleep(3)
        if process.poll() is not None:
            pytest.fail(
                "the Celery worker did not start:\n"
                + (process.stdout.read() if process.stdout else "")
            )
        return process

    @staticmethod
    def pool_children(process: subprocess.Popen[str]) -> list[int]:
        """The pids of the worker's pool processes (they run the tasks)."""
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def kill(self, process: subprocess.Popen[str]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


@pytest.fixture
def celery_workers(transactional_db: Any, settings: Any) -> Any:
    """Start real workers for this test (see CeleryWorkers); all are stopped at its end.

    Tasks are sent for real (not eager) while the fixture is active; the test's rows are
    committed (transactional_db) so the workers see them.
    """
    if not real_services():
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL): run by .ci/run")
    from django.db import connection

    from trust_si.celery import app

    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trust_si.settings.test",
        "DATABASE_URL": url,
        "CELERY_EAGER": "0",
        "TRUST_SI_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    workers = CeleryWorkers(env, queue=f"test-{uuid.uuid4().hex[:8]}")
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = workers.queue
    try:
        yield workers
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        workers.stop_all()


@pytest.fixture
def celery_worker_process(celery_workers: CeleryWorkers) -> Any:
    """One real `celery worker` process for this test (see celery_workers)."""
    return celery_workers.start()


def wait_for(predicate: Callable[[], Any], timeout: float = 60, interval: float = 0.3) -> Any:
    """Poll until predicate() is truthy (for jobs done by a real worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache: rate limits and used TOTP codes live there."""
    from django.core.cache import cache

    cache.clear()
    yield
