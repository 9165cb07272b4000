"""Screenshots of the demo's main pages for each role, for the README: `make screenshots`.

Uses the demo as `make demo-prepare` left it (var/, local settings), serves it with Django's
own server on a spare port, signs each demo member in by a session (no password or two-factor
step to script) and saves full-page PNGs at 1366 px wide, in Debian's Chromium, under
docs/screenshots/<role>-<page>.png. The same names every run, so the README's links hold.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1366, 768
TRUST = "northmoor"

# role -> [(name, path under /t/<trust>/)]; each role's main pages, as its nav offers them.
PAGES: dict[str, list[tuple[str, str]]] = {
    "trust_leader": [
        ("dashboard", ""),
        ("heatmap", "heatmap/"),
        ("placements", "placements/"),
        ("kpis", "kpis/"),
        ("reports", "reports/"),
        ("report", "@report"),
    ],
    "trust_admin": [("audit", "audit/"), ("people", "people/")],
    "improvement_officer": [("dashboard", ""), ("visits", "visits/")],
    "school_staff": [("dashboard", ""), ("kpis", "@academy_kpis")],
    "governor": [("dashboard", ""), ("reports", "reports/"), ("report", "@report")],
}


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.local")
    import django

    django.setup()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _members() -> dict[str, Any]:
    """One demo member per role in PAGES (the first by e-mail), and their session cookie."""
    from django.conf import settings
    from django.test import Client

    from trust_si.accounts.models import Membership
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust

    out: dict[str, Any] = {}
    trust = Trust.objects.get(slug=TRUST)
    for role in PAGES:
        with trust_scope(trust):
            qs = Membership.objects.filter(trust=trust, role=role).select_related("user", "trust")
            if role == "governor":
                qs = qs.filter(is_board=False)  # a local governing body's governor
            if role == "school_staff":
                qs = qs.filter(staff_role="head")
            m = qs.order_by("user__email").first()
        if m is None:
            print(f"  no {role} in the demo: skipped")
            continue
        client = Client()
        client.force_login(m.user)
        out[role] = (m, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return out


def _resolve(path: str, membership: Any) -> str | None:
    from academies.models import Academy
    from reporting.models import Report
    from trust_si.tenancy.context import trust_scope

    with trust_scope(membership.trust):
        if path == "@report":
            reports = Report.objects.filter(status="ready").order_by("-version")
            if membership.role == "governor":
                reports = reports.filter(academy__in=membership.academies.all())
            report = reports.first()
            return f"reports/{report.pk}/preview/" if report else None
        if path == "@academy_kpis":
            academy = membership.academies.first() or Academy.objects.order_by("name").first()
            return f"kpis/{academy.urn}/" if academy else None
    return path


def _pdf_first_pages() -> list[Path]:
    """Page 1 of the demo's latest governor and board report PDFs (pdftoppm, 80 dpi)."""
    from reporting.models import Report
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust

    out = []
    with trust_scope(Trust.objects.get(slug=TRUST)):
        for kind, name in (("academy", "report-governor-page1"), ("trust", "report-board-page1")):
            report = (
                Report.objects.filter(kind=kind, status="ready")
                .order_by("academy__name", "-version")
                .first()
            )
            if report is None or not report.pdf:
                continue
            target = OUT / name
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-png",
                    "-singlefile",
                    report.pdf.path,
                    str(target),
                ],
                check=True,
            )
            out.append(target.with_suffix(".png"))
            print(f"  {out[-1].relative_to(ROOT)}")
    return out


def _drain_jobs(timeout: float = 600) -> None:
    """Run the recomputes the seed queued with a real worker, as `make demo` does, so the pages
    show the demo a minute after it starts ("Recomputed ... ago"), not "Recomputing…"."""
    from phases.models import RecomputeJob

    def pending() -> int:
        # Unscoped on purpose: every demo trust's queue, read by this local script only.
        return RecomputeJob._base_manager.filter(status__in=("queued", "running")).count()

    if not pending():
        return
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "trust_si.settings.local"}
    log = (ROOT / "var" / "screenshots-worker.log").open("w")
    worker = subprocess.Popen(
        [
            *(str(ROOT / ".venv/bin/celery"), "-A", "trust_si", "worker", "-l", "warning"),
            *("--concurrency", "1", "--pool", "solo"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout
        while pending() and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise SystemExit("The worker stopped: see var/screenshots-worker.log")
            time.sleep(2)
        left = pending()
        print(f"  recomputes: {'all done' if not left else f'{left} still queued, shown so'}")
    finally:
        from trust_si.processes import process_stop  # Django set up: ROOT on the path

        process_stop(worker, timeout=30)


def main() -> int:
    _setup_django()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    _drain_jobs()
    members = _members()
    # Every database read before Playwright starts (its event loop makes the ORM refuse).
    plan = {
        role: [(name, _resolve(path, membership)) for name, path in PAGES[role]]
        for role, (membership, _) in members.items()
    }
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "trust_si.settings.local"}
    log = (ROOT / "var" / "screenshots-server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--insecure",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # system checks take a while on a busy machine
            try:
                urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - our own local server
                break
            except OSError as exc:
                if getattr(exc, "code", None):  # any HTTP answer means the server is up
                    break
                if server.poll() is not None:
                    raise SystemExit("The server stopped: see var/screenshots-server.log") from exc
                time.sleep(0.5)
        written = []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
            )
            for role, (_, cookie) in members.items():
                context = browser.new_context(
                    base_url=base, viewport={"width": WIDTH, "height": HEIGHT}, locale="en-GB"
                )
                context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
                page = context.new_page()
                for name, resolved in plan[role]:
                    if resolved is None:
                        print(f"  {role} {name}: nothing to show, skipped")
                        continue
                    try:
                        response = page.goto(f"/t/{TRUST}/{resolved}", timeout=180_000)
                        page.wait_for_load_state("networkidle", timeout=60_000)
                    except Exception as exc:  # one slow page must not lose the others
                        print(f"  {role} {name}: {exc.__class__.__name__}, skipped")
                        continue
                    target = OUT / f"{role.replace('_', '-')}-{name}.png"
                    # The top of the page (up to two screens): what a reader sees first.
                    tall = page.evaluate("document.documentElement.scrollHeight")
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": WIDTH, "height": min(tall, 2 * HEIGHT)},
                    )
                    status = response.status if response else "?"
                    written.append(target)
                    print(f"  {target.relative_to(ROOT)} ({status})")
                context.close()
            browser.close()
    finally:
        from trust_si.processes import process_stop  # Django set up: ROOT on the path

        process_stop(server, timeout=10)
    written += _pdf_first_pages()
    print(f"{len(written)} screenshots in {OUT.relative_to(ROOT)}")
    return 0 if written else 1


if __name__ == "__main__":
    raise SystemExit(main())
