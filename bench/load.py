"""Load benchmark (issue 17): N signed-in clients against a real gunicorn on production settings.

Data: one trust from the scale generator (`trust_si.site.scale`), placements and heat map from
the real recompute. Server: `gunicorn trust_si.wsgi -c gunicorn.conf.py` with
`trust_si.settings.production` (PostgreSQL, Redis as cache; the clients send the
`X-Forwarded-Proto: https` a TLS proxy adds). Each user has its own signed-in session and
keep-alive connection and loops over the pages a leader reads (heat map, dashboard, KPI table,
an academy's KPIs, placements, reports, visits, uploads) and two API lists (KPI figures and
academies, first page), with `--think` seconds between requests (0: as fast as the server
answers; users start spread over the first think time, as people do). Printed: p50 / p95 / p99
per route, errors, requests/s, the same figures for `/healthz` (no template, no session: the
server's floor in the same run), and the server's CPU per request of each route, measured after
the load by one user alone (the gunicorn processes' user + system time from /proc over
`--cpu-requests` requests of the route), with the median over the pages. The machine's load
average is printed before and after: on a shared machine it says how far to trust the figures.

Clients are a thread pool over `http.client` (the standard library): neither httpx nor requests
is in uv.lock, and at these sizes the client threads spend their time waiting on sockets, so a
dependency would measure nothing more. The clients share the machine's cores with the server.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/load.py [--ci] [--users 50 --think 5 --duration 60]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, bench_database, report


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ci", action="store_true", help="the small size CI runs (< 30 s)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--users", "--clients", dest="clients", type=int, help="concurrent signed-in users"
    )
    parser.add_argument(
        "--duration", "--seconds", dest="seconds", type=float, help="how long the users run (s)"
    )
    parser.add_argument(
        "--cpu-requests", type=int, default=10, help="requests per route for the CPU figure"
    )
    parser.add_argument("--think", type=float, default=0.0, help="seconds between requests")
    parser.add_argument("--academies", type=int)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8717)
    return parser.parse_args()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def wait_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def _ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def server_cpu_seconds(master: int) -> float:
    """CPU used so far by gunicorn's master and its workers (Linux /proc)."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return sum(_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    args = parse()
    clients = args.clients or (8 if args.ci else 20)
    seconds = args.seconds or (5.0 if args.ci else 30.0)
    academies = args.academies or (8 if args.ci else 60)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"
    # The sessions made here are checked by the server: both must share the secret key.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    # Production refuses to start without its own key for the second-factor secrets.
    os.environ.setdefault(
        "MFA_SECRET_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    )
    began = time.perf_counter()
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with bench_database("load", keep=args.keep) as url:
        setup = time.perf_counter()
        from django.conf import settings
        from django.test import Client

        from academies.models import Academy
        from phases.pipeline import recompute_run
        from trust_si.site.scale import scale_generate
        from trust_si.tenancy.context import trust_scope

        summary = scale_generate(
            trusts=1,
            academies=academies,
            pupils=academies * (100 if args.ci else 200),
            years=2,
            prefix="load",
        )
        [trust] = summary.trusts
        with trust_scope(trust):
            recompute_run(trust=trust)
        leader = summary.leaders[trust.slug]
        cookies = []
        for _ in range(clients):
            session = Client()
            session.force_login(leader)  # one session per client, as N browsers would have
            cookies.append(session.cookies[settings.SESSION_COOKIE_NAME].value)
        with trust_scope(trust):
            urn = Academy.objects.filter(trust=trust, is_active=True).order_by("name")[0].urn
        t = f"/t/{trust.slug}"
        routes = {
            "heat map": f"{t}/heatmap/",
            "dashboard": f"{t}/",
            "KPI table": f"{t}/kpis/",
            "academy KPIs": f"{t}/kpis/{urn}/",
            "placements": f"{t}/placements/",
            "reports": f"{t}/reports/",
            "visits": f"{t}/visits/",
            "uploads": f"{t}/uploads/",
            "API kpis": f"/api/v1{t}/kpis/",
            "API academies": f"/api/v1{t}/academies/",
        }
        pages = [name for name in routes if not name.startswith("API")]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trust_si.settings.production",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.threads),
        }
        # Production settings serve hashed static names from the manifest collectstatic writes
        # (once: it takes longer than the rest of the CI run).
        if not (ROOT / "var/staticfiles/staticfiles.json").exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115  # kept open for the server's life
            prefix="bench-load-gunicorn-", suffix=".log", delete=False
        )
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "trust_si.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,  # a file, never an unread pipe: a full pipe would stall the server
        )
        try:
            wait_up(args.port, server)
            ready = time.perf_counter()
            samples: dict[str, list[float]] = {name: [] for name in [*routes, "healthz"]}
            errors: dict[str, int] = dict.fromkeys(samples, 0)
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            names = list(routes)

            def get(conn: http.client.HTTPConnection, path: str, cookie: str | None) -> int:
                headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
                if cookie:
                    headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                return response.status

            def run(cookie: str, index: int, until: float, floor: bool) -> None:
                if args.think and not floor:
                    time.sleep(random.uniform(0, args.think))  # users do not start in step
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                n = index
                while time.monotonic() < until:
                    name = "healthz" if floor else names[n % len(names)]
                    path = "/healthz" if floor else routes[name]
                    start = time.perf_counter()
                    try:
                        status = get(conn, path, None if floor else cookie)
                    except (OSError, http.client.HTTPException):
                        # gunicorn closes a keep-alive connection idle for 2 s: after a think
                        # time a browser opens a new one and sends again; so does this client.
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                        try:
                            status = get(conn, path, None if floor else cookie)
                        except (OSError, http.client.HTTPException):
                            status = 0
                            conn.close()
                            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                    elapsed = time.perf_counter() - start
                    with lock:
                        samples[name].append(elapsed)
                        if status != 200:
                            errors[name] += 1
                            statuses[status] = statuses.get(status, 0) + 1
                    n += 1
                    if args.think:
                        time.sleep(args.think)
                conn.close()

            def phase(floor: bool, length: float) -> float:
                until = time.monotonic() + length
                start = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    for i, cookie in enumerate(cookies):
                        pool.submit(run, cookie, i, until, floor)
                return time.perf_counter() - start

            # Warm every worker's per-process caches (templates, vocab) before timing.
            phase(False, min(2.0, seconds / 5))
            for name in samples:
                samples[name].clear()
                errors[name] = 0
            floor_seconds = phase(True, max(1.5, seconds / 5))
            cpu_before = server_cpu_seconds(server.pid)
            load_seconds = phase(False, seconds)
            load_cpu = server_cpu_seconds(server.pid) - cpu_before
            # CPU per request of each route: one user alone, after the load.
            cpu_ms: dict[str, float] = {}
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            for name, path in routes.items():
                get(conn, path, cookies[0])
                before = server_cpu_seconds(server.pid)
                for _ in range(args.cpu_requests):
                    get(conn, path, cookies[0])
                cpu_ms[name] = (server_cpu_seconds(server.pid) - before) * 1000 / args.cpu_requests
            conn.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        rows = []
        total = sum(len(samples[n]) for n in routes)
        for name, values in samples.items():
            if not values:
                rows.append((name, "no requests"))
                continue
            rows.append(
                (
                    name,
                    f"n={len(values):5d}  p50 {statistics.median(values) * 1000:6.0f} ms  "
                    f"p95 {percentile(values, 0.95) * 1000:6.0f} ms  "
                    f"p99 {percentile(values, 0.99) * 1000:6.0f} ms  errors {errors[name]}"
                    + (f"  cpu {cpu_ms[name]:5.1f} ms/req" if name in cpu_ms else ""),
                )
            )
        rows.append(("pages + API, requests/s", f"{total / load_seconds:.1f}"))
        rows.append(
            (
                "server CPU per request",
                f"median over the pages {statistics.median(cpu_ms[n] for n in pages):.1f} ms "
                f"(one user alone); under the load {load_cpu * 1000 / max(total, 1):.1f} ms "
                "(all routes)",
            )
        )
        worst = max(percentile(samples[n], 0.95) for n in routes if samples[n])
        rows.append(("worst p95 over the routes", f"{worst * 1000:.0f} ms (target < 300 ms)"))
        rows.append(
            (
                "load average before / after",
                f"{load_start} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            )
        )
        rows.append(("healthz, requests/s", f"{len(samples['healthz']) / floor_seconds:.1f}"))
        rows.append(
            (
                "wall time: migrate / data+server / load",
                f"{setup - began:.1f} s / {ready - setup:.1f} s / {time.perf_counter() - ready:.1f} s",
            )
        )
        report(
            f"load: {clients} clients, think {args.think:g} s, {seconds:g} s, gunicorn "
            f"{args.workers}x{args.threads}, {academies} academies",
            rows,
        )
        if sum(errors.values()):
            sys.exit(
                f"{sum(errors.values())} requests failed (status: count {statuses}); "
                f"server log: {log.name}"
            )


if __name__ == "__main__":
    main()
