"""Load benchmark (issue 17): N signed-in clients against a real gunicorn on production settings.

Data: one trust from the scale generator (`trust_si.site.scale`), placements and heat map from
the real recompute. Server: `gunicorn trust_si.wsgi -c gunicorn.conf.py` with
`trust_si.settings.production` (PostgreSQL, Redis as cache and broker; the clients send the
`X-Forwarded-Proto: https` a TLS proxy adds), and a real Celery worker. Each user has its own
signed-in session and keep-alive connection, and a role (`MIX`): half are trust leaders, who
loop over the pages a leader reads (heat map, dashboard, KPI table, an academy's KPIs,
placements, reports, visits, uploads) and two API lists (KPI figures and academies, first
page); school staff upload a pupils file (multipart, with the CSRF token a browser sends; the
worker checks each one) and read the uploads page; improvement officers save a draft visit as
they type (the htmx autosave) and read the visits page; governors download their academy's
governor report PDF (rendered for real before the run) and read the reports page. `--think`
seconds between requests (0: as fast as the server answers; users start spread over the first
think time, as people do). Printed: p50 / p95 / p99
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
import datetime as dt
import http.client
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

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


# Who the users are (issue 17's scenario): leaders read the heat map and the other pages, school
# staff upload a termly file (checked by the real worker), officers save a visit as they type,
# governors download their academy's governor report. Shares of the clients, in that order.
MIX = (("leader", 0.5), ("staff", 0.2), ("officer", 0.15), ("governor", 0.15))
CSRF = "b" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value


def _roles(clients: int) -> list[str]:
    """One role per client, in MIX's shares (at least one leader)."""
    roles: list[str] = []
    for role, share in MIX[1:]:
        roles += [role] * int(clients * share)
    return ["leader"] * (clients - len(roles)) + roles


def _pupils_file(academy: int, n: int = 30) -> bytes:
    """A small pupils file of new pupils: it passes the check (no clash with other academies)."""
    lines = ["upn,year_group,disadvantaged,send,eal,sex"]
    for p in range(n):
        upn = f"Z{academy:05d}{p:06d}A"
        lines.append(f"{upn},{p % 6 + 1},{'Y' if p % 3 == 0 else 'N'},N,N,{'F' if p % 2 else 'M'}")
    return ("\n".join(lines) + "\n").encode()


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _people(
    trust: Any, academies: list[Any], roles: list[str], leader: Any, media: Path
) -> list[Any]:
    """Each client's user, and what it requests: [(role, user, routes)], routes being
    {name: (method, path, body, content type)}. Makes the staff, officers and governors (with
    a second factor where their role needs one), a draft visit per officer and one governor
    report PDF per governor's academy."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.test import override_settings

    from assessment.services import term_get_or_create
    from reporting.models import Report, ReportKind, ReportStatus
    from reporting.services import report_generate
    from trust_si.accounts.models import Membership, User
    from trust_si.accounts.roles import Role
    from visits.models import Visit, VisitStatus, VisitType

    t = f"/t/{trust.slug}"
    pages = {
        "heat map": ("GET", f"{t}/heatmap/", b"", ""),
        "dashboard": ("GET", f"{t}/", b"", ""),
        "KPI table": ("GET", f"{t}/kpis/", b"", ""),
        "academy KPIs": ("GET", f"{t}/kpis/{academies[0].urn}/", b"", ""),
        "placements": ("GET", f"{t}/placements/", b"", ""),
        "reports": ("GET", f"{t}/reports/", b"", ""),
        "visits": ("GET", f"{t}/visits/", b"", ""),
        "uploads": ("GET", f"{t}/uploads/", b"", ""),
        "API kpis": ("GET", f"/api/v1{t}/kpis/", b"", ""),
        "API academies": ("GET", f"/api/v1{t}/academies/", b"", ""),
    }
    term = term_get_or_create(trust=trust, code="2025-26-autumn")
    visit_type = VisitType.objects.get(trust=trust, code="review")
    reports: dict[int, Any] = {}
    out = []
    for i, role in enumerate(roles):
        academy = academies[i % len(academies)]
        if role == "leader":
            out.append((role, leader, pages))
            continue
        user = User.objects.create_user(email=f"{role}{i}@{trust.slug}.test")
        User.objects.email_proven(user)
        membership = Membership.objects.create(
            trust=trust,
            user=user,
            role={
                "staff": Role.SCHOOL_STAFF,
                "officer": Role.IMPROVEMENT_OFFICER,
                "governor": Role.GOVERNOR,
            }[role],
            staff_role="data_lead" if role == "staff" else "",
        )
        membership.academies.set([academy])
        if role != "governor":
            TOTP.activate(user, base64.b32encode(secrets.token_bytes(20)).decode())
        if role == "staff":
            body, kind = _multipart(
                {"academy": str(academy.pk), "term": term.term_code.code, "kind": "pupils"},
                f"{academy.urn}-pupils.csv",
                _pupils_file(academy.pk),
            )
            routes = {
                "staff: upload a file": ("POST", f"{t}/uploads/new/", body, kind),
                "staff: uploads": pages["uploads"],
            }
        elif role == "officer":
            visit = Visit.objects.create(
                trust=trust,
                academy=academy,
                visit_type=visit_type,
                date=dt.date(2025, 11, 12),
                status=VisitStatus.DRAFT,
                created_by=user,
            )
            form = f"date={visit.date:%Y-%m-%d}&focus_areas=Reading&evidence=Books+seen+in+Year+4"
            routes = {
                "officer: save a visit": (
                    "POST",
                    f"{t}/visits/{visit.pk}/autosave/",
                    form.encode(),
                    "application/x-www-form-urlencoded",
                ),
                "officer: visits": pages["visits"],
            }
        else:
            if academy.pk not in reports:
                # The scale generator's report for the academy, rendered for real.
                report = Report.objects.get(trust=trust, kind=ReportKind.ACADEMY, academy=academy)
                Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED)
                report.refresh_from_db()
                with override_settings(MEDIA_ROOT=str(media)):
                    report_generate(report=report)
                report.refresh_from_db()
                if report.status != ReportStatus.READY:
                    sys.exit(f"the governor report did not render: {report.error}")
                reports[academy.pk] = report
            routes = {
                "governor: download the report": (
                    "GET",
                    f"{t}/reports/{reports[academy.pk].pk}/download/",
                    b"",
                    "",
                ),
                "governor: reports": pages["reports"],
            }
        out.append((role, user, routes))
    return out


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
        from django.db.models import Count
        from django.test import Client

        from academies.models import Academy
        from assessment.models import Upload
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
        var_dir = Path(tempfile.mkdtemp(prefix="bench-load-var-"))
        with trust_scope(trust):
            ordered = list(Academy.objects.filter(trust=trust, is_active=True).order_by("name"))
            people = _people(trust, ordered, _roles(clients), leader, var_dir / "media")
        cookies = []
        for _role, user, _routes in people:
            session = Client()
            session.force_login(user)  # one session per client, as N browsers would have
            cookies.append(session.cookies[settings.SESSION_COOKIE_NAME].value)
        # Every route, named once; the CPU figure of each uses the first client that requests it.
        routes: dict[str, tuple[str, str, bytes, str]] = {}
        owner: dict[str, int] = {}
        for i, (_role, _user, own) in enumerate(people):
            for name, route in own.items():
                routes.setdefault(name, route)
                owner.setdefault(name, i)
        pages = [name for name in routes if not name.startswith("API") and ":" not in name]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trust_si.settings.production",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.threads),
            # Uploads and the governors' PDFs in a folder of the run's own.
            "TRUST_SI_VAR_DIR": str(var_dir),
        }
        # Production settings serve hashed static names from the manifest collectstatic writes
        # (once: it takes longer than the rest of the CI run).
        if not (ROOT / "var/staticfiles/staticfiles.json").exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env={**env, "TRUST_SI_VAR_DIR": str(ROOT / "var")},
                check=True,
            )
        (var_dir / "staticfiles").symlink_to(ROOT / "var/staticfiles")
        # The real worker that checks the staff's uploads (it shares the machine, as in
        # production on one host).
        worker = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "trust_si",
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
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

            def get(conn: http.client.HTTPConnection, path: str, cookie: str | None) -> int:
                return send(conn, ("GET", path, b"", ""), cookie)

            def send(
                conn: http.client.HTTPConnection,
                route: tuple[str, str, bytes, str],
                cookie: str | None,
            ) -> int:
                method, path, body, kind = route
                headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
                if cookie:
                    headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}; csrftoken={CSRF}"
                if method == "POST":
                    # What a browser sends with a form: the CSRF token, and the page it came from.
                    headers |= {
                        "X-CSRFToken": CSRF,
                        "Referer": f"https://127.0.0.1{path}",
                        "Content-Type": kind,
                        "HX-Request": "true",
                    }
                conn.request(method, path, body=body or None, headers=headers)
                response = conn.getresponse()
                response.read()
                # A form that saved answers with a redirect to what it made.
                return 200 if method == "POST" and response.status == 302 else response.status

            def run(cookie: str, index: int, until: float, floor: bool) -> None:
                own = people[index][2]
                names = list(own)
                if args.think:
                    # Users do not start in step. The /healthz floor starts spread the same way:
                    # all clients at once would time the first burst's queue, not the server.
                    time.sleep(random.uniform(0, args.think))
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                n = index
                while time.monotonic() < until:
                    name = "healthz" if floor else names[n % len(names)]
                    route = ("GET", "/healthz", b"", "") if floor else own[name]
                    start = time.perf_counter()
                    try:
                        status = send(conn, route, None if floor else cookie)
                    except (OSError, http.client.HTTPException):
                        # gunicorn closes a keep-alive connection idle for 2 s: after a think
                        # time a browser opens a new one and sends again; so does this client.
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                        try:
                            status = send(conn, route, None if floor else cookie)
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
            for name, route in routes.items():
                send(conn, route, cookies[owner[name]])
                before = server_cpu_seconds(server.pid)
                for _ in range(args.cpu_requests):
                    send(conn, route, cookies[owner[name]])
                cpu_ms[name] = (server_cpu_seconds(server.pid) - before) * 1000 / args.cpu_requests
            conn.close()
            with trust_scope(trust):
                checks = dict(
                    Upload.objects.filter(trust=trust, kind="pupils")
                    .values_list("status")
                    .annotate(n=Count("pk"))
                )
        finally:
            from trust_si.processes import process_stop  # Django set up: ROOT on the path

            for process in (server, worker):
                process_stop(process)
            shutil.rmtree(var_dir, ignore_errors=True)
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
                "staff uploads, by state at the end",
                ", ".join(f"{state} {n}" for state, n in sorted(checks.items())) or "none",
            )
        )
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
