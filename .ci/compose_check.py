"""Checks docker-compose.yml without a Docker engine: its shape, and that its commands exist.

`docker compose config -q` is used when the client has the compose plugin; on machines without
it (ours), the YAML is parsed and every command the services run is resolved for real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
REQUIRED = {"postgres", "redis", "web", "worker", "beat"}


def fail(message: str) -> None:
    print(f"compose check FAILED: {message}")
    sys.exit(1)


def main() -> None:
    env = {**os.environ, "POSTGRES_PASSWORD": "check"}
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        subprocess.run(["docker", "compose", "config", "-q"], cwd=ROOT, env=env, check=True)
        print("docker compose config -q: ok")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose.get("services") or {}
    missing = REQUIRED - set(services)
    if missing:
        fail(f"services missing: {sorted(missing)}")
    for name in ("postgres", "redis", "web", "worker"):
        if "healthcheck" not in services[name]:
            fail(f"{name} has no healthcheck")
    if not {"pgdata", "media"} <= set(compose.get("volumes") or {}):
        fail("named volumes pgdata and media are required")
    if not (ROOT / services["web"].get("build", ".")).joinpath("Dockerfile").exists():
        fail("the web service builds from a Dockerfile that does not exist")

    check_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trust_si.settings.production",
        "SECRET_KEY": "x" * 64,
        # A real Fernet key (not the published placeholder, which production refuses).
        "MFA_SECRET_KEYS": "Y29tcG9zZS1jaGVjay1rZXktLS0tLTMyLWJ5dGVzISE=",
        "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "compose-check.sqlite3"),
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "ALLOWED_HOSTS": "localhost",
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
    }
    for name, service in services.items():
        command = service.get("command")
        if not command or name in ("postgres", "redis"):
            continue
        if isinstance(command, str):
            command = command.split()
        exe = command[0]
        if shutil.which(exe, path=check_env["PATH"]) is None:
            fail(f"{name}: command {exe!r} not found")
        if exe == "gunicorn":
            # The WSGI app must import under production settings.
            subprocess.run(
                [str(VENV_BIN / "python"), "-c", f"import {command[1].split(':')[0]}"],
                cwd=ROOT,
                env=check_env,
                check=True,
            )
            if (
                "--config" in command
                and not (ROOT / command[command.index("--config") + 1]).exists()
            ):
                fail(f"{name}: gunicorn config file missing")
        elif exe == "celery":
            sub = command[command.index("-A") + 2]
            subprocess.run(
                [str(VENV_BIN / "celery"), "-A", "trust_si", sub, "--help"],
                cwd=ROOT,
                env=check_env,
                check=True,
                capture_output=True,
            )
        elif exe == "python" and command[1] == "manage.py":
            subprocess.run(
                [str(VENV_BIN / "python"), "manage.py", command[2], "--help"],
                cwd=ROOT,
                env=check_env,
                check=True,
                capture_output=True,
            )
        print(f"{name}: {' '.join(command[:4])} ... ok")
    print("compose check: ok")


if __name__ == "__main__":
    main()
