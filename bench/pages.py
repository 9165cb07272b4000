"""One request at a time (issue 17): wall time, CPU time and queries per page on the seeded demo.

Signs in as the first trust's leader (a test client in this process, so the CPU measured is the
request's own: view, template, ORM) and times each page `--repeat` times after one warm-up
request. `--profile ROUTE` prints the top of a cProfile of that page.

    DATABASE_URL=postgres://root@127.0.0.1:5432/<db> DJANGO_SETTINGS_MODULE=trust_si.settings.local \\
        .venv/bin/python manage.py seed_demo   # once
    ... .venv/bin/python bench/pages.py [--repeat 5] [--profile "KPI table"]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", default="", help="a route name: print its cProfile")
    parser.add_argument(
        "--ci",
        action="store_true",
        help="CI size: one timing per page; skipped (exit 0) when no demo is seeded",
    )
    args = parser.parse_args()
    if args.ci:
        args.repeat = 1
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.local")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from academies.models import Academy
    from trust_si.accounts.models import Membership
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust

    migrated = Trust._meta.db_table in connection.introspection.table_names()
    trusts = Trust.objects.order_by("pk") if migrated else Trust.objects.none()
    if args.ci:
        # CI's database holds the suite's and the other benchmarks' trusts, not the demo's.
        trusts = trusts.filter(slug="northmoor")
    trust = trusts.first()
    if trust is None:
        if args.ci:
            # The page figures in the README come from a seeded demo (see the docstring).
            print("bench/pages.py: skipped, no seeded demo in this database (see its docstring)")
            return
        sys.exit("no trust: run manage.py seed_demo first")
    with trust_scope(trust):
        membership = (
            Membership.objects.filter(trust=trust, role="trust_leader")
            .select_related("user")
            .first()
        )
        academy = Academy.objects.filter(trust=trust, is_active=True).order_by("name").first()
    assert membership is not None and academy is not None
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(membership.user)
    t = f"/t/{trust.slug}"
    routes = {
        "heat map": f"{t}/heatmap/",
        "KPI table": f"{t}/kpis/",
        "academy KPIs": f"{t}/kpis/{academy.urn}/",
        "placements": f"{t}/placements/",
        "reports": f"{t}/reports/",
        "visits": f"{t}/visits/",
        "uploads": f"{t}/uploads/",
        "API kpis": f"/api/v1{t}/kpis/",
        "dashboard": f"{t}/",
    }
    print(f"trust {trust.slug}, academy {academy.urn}; {args.repeat} requests each after a warm-up")
    print(f"{'route':<14} {'status':>6} {'wall ms':>8} {'cpu ms':>7} {'queries':>7} {'KB':>6}")
    for name, url in routes.items():
        client.get(url)
        walls, cpus = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                w, c = time.perf_counter(), time.process_time()
                response = client.get(url)
                cpus.append((time.process_time() - c) * 1000)
                walls.append((time.perf_counter() - w) * 1000)
        print(
            f"{name:<14} {response.status_code:>6} {statistics.median(walls):>8.0f} "
            f"{statistics.median(cpus):>7.0f} {len(queries):>7} {len(response.content) / 1024:>6.0f}"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(routes[args.profile])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
