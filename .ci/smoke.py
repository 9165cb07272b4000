"""Smoke test of the demo's processes: web (gunicorn) + Celery worker on the embedded broker.

Starts them from a fresh var/ folder exactly as `make demo` does, waits for /healthz, signs in
over HTTP as a governor (password only) and as a trust leader (password + TOTP code), fetches
the dashboard and checks the trust's name is on it, then stops everything.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "smoke-demo-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as r:
            return r.geturl(), r.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as r:
            return r.geturl(), r.read().decode()


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def main() -> int:
    var = tempfile.mkdtemp(prefix="trust-si-smoke-")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trust_si.settings.local",
        "TRUST_SI_VAR_DIR": var,
        "DEMO_PASSWORD": PASSWORD,
    }
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_EAGER"):
        env.pop(key, None)
    started = time.monotonic()
    run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], env)
    # collectstatic only copies files: it runs beside the seed instead of after it.
    static = subprocess.Popen(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
    )
    run([str(BIN / "python"), "manage.py", "seed_demo"], env)
    if static.wait() != 0:
        raise SystemExit("smoke: collectstatic failed")
    print(f"smoke: prepared the demo in {time.monotonic() - started:.0f}s")
    log = open(Path(var) / "processes.log", "w")  # noqa: SIM115 - closed in finally
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "trust_si", "worker", "-l", "warning", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "trust_si.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                    body = r.read().decode()
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            raise SystemExit("smoke: /healthz never answered 200")
        print(f"smoke: /healthz {body}")

        governor = Browser(base)
        url, page = governor.post(
            "/accounts/login/", {"login": "governor@northmoor.example", "password": PASSWORD}
        )
        url, page = governor.get("/t/northmoor/")
        assert "Northmoor Learning Trust" in page, "governor dashboard does not name the trust"
        print("smoke: governor signed in and saw the Northmoor dashboard")

        leader = Browser(base)
        url, page = leader.post(
            "/accounts/login/", {"login": "trust_leader@northmoor.example", "password": PASSWORD}
        )
        assert "/2fa/" in url or "code" in page.lower(), f"leader was not asked for a code: {url}"
        code = subprocess.run(
            [str(BIN / "python"), "manage.py", "demo_totp", "trust_leader@northmoor.example"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        path = urllib.parse.urlparse(url).path
        url, page = leader.post(path, {"code": code})
        url, page = leader.get("/t/northmoor/")
        assert "Northmoor Learning Trust" in page, "leader dashboard does not name the trust"
        try:
            leader.get("/t/riverside/")
            raise AssertionError("a northmoor leader reached the riverside trust")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404, exc.code
        print("smoke: leader passed TOTP, saw Northmoor, and got 404 for Riverside")
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    print(f"smoke: ok in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
