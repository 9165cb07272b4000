"""Reliability benchmark: what the sweepers, the broker-down fallback and session writes cost.

Baselines measured in the same run, so the ratios mean something on any machine:
- sweep: the three sweepers (uploads, recomputes, reports) over a trust with N jobs stuck in
  every state they look for, against one raw SQL count of the same stuck rows;
- broker down: receiving an upload while the broker refuses connections, against the same with
  a broker that takes the job (the fallback's cost is the short publish retry policy);
- sessions: a signed-in page, with the session written on every request (main before i17)
  against written only when changed (now): session writes per request and median time.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python bench/reliability.py [--ci]
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import arguments, bench_database, report, timed

UPN = "A123456789012"
CONTENT = f"upn,subject,measure,value\n{UPN},reading,scaled_score,104\n".encode()


def main() -> None:
    args = arguments(__doc__ or "")
    stuck = 50 if args.ci else 500
    requests = 20 if args.ci else 100
    with bench_database("reliability", keep=args.keep):
        from django.db import connection
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from assessment.models import Upload
        from assessment.services import term_get_or_create, upload_create, upload_sweep
        from phases.models import RecomputeJob
        from phases.pipeline import recompute_sweep
        from reporting.models import Report
        from reporting.services import report_sweep
        from tests.factories import AcademyFactory, member
        from trust_si.accounts.roles import Role
        from trust_si.celery import app
        from trust_si.tenancy.context import trust_scope
        from trust_si.tenancy.models import Trust

        trust = Trust.objects.create(slug="bench", name="Bench Trust")
        academy = AcademyFactory(trust=trust)
        staff = member(trust, Role.SCHOOL_STAFF, academies=[academy])
        leader = member(trust, Role.TRUST_LEADER, academies=[])
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
        app._pool = None
        app.amqp._producer_pool = None
        results: dict[str, float] = {}
        old = timezone.now() - dt.timedelta(hours=2)
        with trust_scope(trust):
            term = term_get_or_create(trust=trust, code="2025-26-summer")

            def receive() -> Upload:
                return upload_create(
                    actor=staff,
                    academy=academy,
                    term=term,
                    kind="results",
                    name="r.csv",
                    content=CONTENT,
                )

            with timed(results, "receive_up"):
                for _ in range(10):
                    receive()
            app.conf.broker_url = "redis://127.0.0.1:1/0"  # refused
            app._pool = None
            app.amqp._producer_pool = None
            with timed(results, "receive_down"):
                for _ in range(10):
                    receive()
            app.conf.broker_url = "memory://"
            app._pool = None
            app.amqp._producer_pool = None

            for i in range(stuck):
                upload = receive()
                status = ["validating", "received", "commit_queued"][i % 3]
                claimed = (
                    old if status != "commit_queued" else timezone.now() - dt.timedelta(minutes=5)
                )
                Upload.objects.filter(pk=upload.pk).update(status=status, claimed_at=claimed)
            for i in range(stuck):
                job = RecomputeJob.objects.create(trust=trust, academy=academy)
                RecomputeJob.objects.filter(pk=job.pk).update(
                    status="running" if i % 2 else "queued", started_at=old, requested_at=old
                )
                Report.objects.create(
                    trust=trust,
                    kind="academy",
                    academy=academy,
                    term_code="2025-26-summer",
                    version=i + 1,
                    status="generating",
                    claimed_at=old,
                    attempts=i % 4,
                )
            with timed(results, "baseline_count"), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT (SELECT COUNT(*) FROM assessment_upload WHERE status IN "
                    "('validating','received','commit_queued') AND trust_id=%s),"
                    "(SELECT COUNT(*) FROM phases_recomputejob WHERE status IN "
                    "('running','queued') AND trust_id=%s),"
                    "(SELECT COUNT(*) FROM reporting_report WHERE status='generating' "
                    "AND trust_id=%s)",
                    [trust.pk] * 3,
                )
                cursor.fetchone()
            with timed(results, "sweep"):
                swept = [
                    upload_sweep(trust=trust),
                    recompute_sweep(trust=trust),
                    report_sweep(trust=trust),
                ]
            left = (
                Upload.objects.filter(status="validating").count()
                + RecomputeJob.objects.filter(status="running").count()
                + Report.objects.filter(status="generating").count()
            )

        client = Client()
        client.force_login(leader)
        url = f"/t/{trust.slug}/uploads/"
        client.get(url)
        page: dict[bool, tuple[float, float]] = {}
        for every in (True, False):
            with override_settings(SESSION_SAVE_EVERY_REQUEST=every):
                times = []
                writes = 0
                for _ in range(requests):
                    with CaptureQueriesContext(connection) as queries:
                        start = time.perf_counter()
                        assert client.get(url).status_code == 200
                        times.append(time.perf_counter() - start)
                    writes += sum(
                        1
                        for q in queries.captured_queries
                        if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")
                    )
                page[every] = (statistics.median(times) * 1000, writes / requests)

    per_up = results["receive_up"] / 10 * 1000
    per_down = results["receive_down"] / 10 * 1000
    report(
        f"reliability ({stuck} stuck jobs of each kind, {requests} page requests)",
        [
            ("receive an upload, broker up", f"{per_up:.1f} ms"),
            ("receive an upload, broker refusing", f"{per_down:.1f} ms ({per_down / per_up:.1f}x)"),
            (
                "sweep all three kinds",
                f"{results['sweep'] * 1000:.0f} ms ({results['sweep'] / results['baseline_count']:.0f}x "
                f"the raw count of stuck rows, {results['baseline_count'] * 1000:.1f} ms)",
            ),
            ("swept", f"{swept}"),
            ("jobs still stuck after one sweep", f"{left}"),
            (
                "page, session saved every request",
                f"{page[True][0]:.1f} ms median, {page[True][1]:.2f} session writes/request",
            ),
            (
                "page, session saved when changed",
                f"{page[False][0]:.1f} ms median, {page[False][1]:.2f} session writes/request "
                f"({page[False][0] / page[True][0]:.2f}x)",
            ),
        ],
    )
    if left:
        sys.exit("some jobs were left stuck after a sweep")


if __name__ == "__main__":
    main()
