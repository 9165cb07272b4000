"""Shared plumbing for the benchmarks: a throwaway PostgreSQL database, Django set up on it, timers.

Each benchmark prints its figures and a ratio against a baseline measured in the same run, so the
numbers mean something on any machine. Run one with `.venv/bin/python bench/<name>.py` (full size)
or `--ci` (the small size CI runs). DATABASE_URL names the server (default the local PostgreSQL);
the benchmark creates its own database beside it and drops it afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import resource
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://root@127.0.0.1:5432/test"


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--ci", action="store_true", help="the small size that CI runs")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return parser.parse_args()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _migrations_digest() -> str:
    """A digest of every migration file: a template migrated from other files is never reused."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" in path.parts or ".tools" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@contextlib.contextmanager
def bench_database(label: str, keep: bool = False) -> Iterator[str]:
    """Create `bench_<label>_<random>` next to DATABASE_URL's database, set Django up on it, migrate.

    Migrating takes longer than most CI-size benchmarks, so the first one leaves a migrated
    template (`bench_template_<digest of the migrations>`) on the server and the others copy it.
    """
    import psycopg

    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not server.startswith("postgres"):
        sys.exit("benchmarks need PostgreSQL: set DATABASE_URL=postgres://...")
    name = f"bench_{label}_{uuid.uuid4().hex[:6]}"
    template = f"bench_template_{_migrations_digest()}"
    with psycopg.connect(server, autocommit=True) as admin:
        have_template = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (template,)
        ).fetchone()
        if have_template:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            admin.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(server, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.test")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        if not have_template:
            call_command("migrate", verbosity=0, interactive=False)
            connections.close_all()  # a database is copied only while no one is connected
            with (
                psycopg.connect(server, autocommit=True) as admin,
                contextlib.suppress(psycopg.errors.DuplicateDatabase),
            ):
                admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def timed(results: dict[str, float], key: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[key] = time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident memory of this process. /proc's VmHWM is this process's own peak; getrusage
    in a child would report the parent's peak it inherited at fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n== {title}")
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
