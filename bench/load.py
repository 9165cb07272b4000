"""Load benchmark (issue 17): N signed-in clients against a real gunicorn on production settings.

Data: one trust from the scale generator (`trust_si.site.scale`), placements and heat map from
the real recompute. Server: `gunicorn trust_si.wsgi -c gunicorn.conf.py` with
`trust_si.settings.production` (PostgreSQL, Redis as cache; the clients send the
`X-Forwarded-Proto: https` a TLS proxy adds). Each client has its own signed-in session and
keep-alive connection and loops over the heat map, the dashboard and an API list (academies,
first page), with `--think` seconds between requests (0: as fast as the server answers). Printed:
p50 / p95 / p99 per route, errors, requests/s, and the same figures for `/healthz` (no
template, no session: the server's floor in the same run).

Clients are a thread pool over `http.client` (the standard library): neither httpx nor requests
is in uv.lock, and at these sizes the client threads spend their time waiting on sockets, so a
dependency would measure nothing more. The clients share the machine's cores with the server.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/load.py [--ci] [--clients 50 --think 5 --seconds 120]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
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
    parser.add_argument("--clients", type=int, help="concurrent signed-in clients")
    parser.add_argument("--seconds", type=float, help="how long the clients run")
    parser.add_argument("--think", type=float, default=0.0, help="seconds between requests")
    parser.add_argument("--academies", type=int)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8717)
    return parser.parse_args()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def wait_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
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
    with bench_database("load", keep=args.keep) as url:
        setup = time.perf_counter()
        from django.conf import settings
        from django.test import Client

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
        routes = {
            "heat map": f"/t/{trust.slug}/heatmap/",
            "dashboard": f"/t/{trust.slug}/",
            "API academies": f"/api/v1/t/{trust.slug}/academies/",
        }
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
            load_seconds = phase(False, seconds)
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
                    f"p99 {percentile(values, 0.99) * 1000:6.0f} ms  errors {errors[name]}",
                )
            )
        rows.append(("pages + API, requests/s", f"{total / load_seconds:.1f}"))
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
