"""Backups: the database (pg_dump, or SQLite's online backup) and the media folder, with a
manifest of row counts per table so a restore can be checked against it.

A backup folder holds `db.dump` (PostgreSQL custom format) or `db.sqlite3`, `media.tar.gz` and
`manifest.json` ({"engine", "tables": {table: rows}, "media_files": n}). `restore` loads both
into a database (the configured one, or a fresh one named by URL) and compares the counts.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection


def _model_tables() -> set[str]:
    return {m._meta.db_table for m in apps.get_models(include_auto_created=True)}


def _tables() -> list[str]:
    return sorted(_model_tables() & set(connection.introspection.table_names()))


def _count(cursor: Any, tables: list[str], quote: str = '"') -> dict[str, int]:
    counts = {}
    for table in tables:
        # Table names come from our models (never from input): see _model_tables.
        cursor.execute(f"SELECT COUNT(*) FROM {quote}{table}{quote}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_url(db: dict[str, Any]) -> str:
    user = db.get("USER") or "root"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _media_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def backup_write(out: Path) -> dict[str, Any]:
    """Write a backup of the configured database and MEDIA_ROOT into `out` (created)."""
    out.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    tables = _tables()
    with connection.cursor() as cursor:
        counts = _count(cursor, tables)
    if connection.vendor == "postgresql":
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "-f", str(out / "db.dump"), _pg_url(db)],
            check=True,
        )
    else:
        connection.ensure_connection()
        target = sqlite3.connect(out / "db.sqlite3")
        connection.connection.backup(target)  # type: ignore[union-attr]
        target.close()
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(out / "media.tar.gz", "w:gz") as tar:
        if media.exists():
            tar.add(media, arcname="media")
    manifest = {"engine": connection.vendor, "tables": counts, "media_files": _media_files(media)}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def backup_restore(source: Path, *, database_url: str = "", media_root: str = "") -> dict[str, Any]:
    """Load a backup into `database_url` (default: the configured database) and `media_root`
    (default: MEDIA_ROOT), then count every table again. Returns {"tables": {table: [expected,
    found]}, "media_files": [expected, found], "identical": bool}."""
    manifest = json.loads((source / "manifest.json").read_text())
    tables = sorted(set(manifest["tables"]) & _model_tables())
    if manifest["engine"] == "postgresql":
        url = database_url or _pg_url(connection.settings_dict)
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "-d",
                url,
                str(source / "db.dump"),
            ],
            check=True,
        )
        with psycopg.connect(url) as conn, conn.cursor() as cursor:
            found = _count(cursor, tables)
    else:
        path = (
            urlparse(database_url).path if database_url else str(connection.settings_dict["NAME"])
        )
        backup = sqlite3.connect(source / "db.sqlite3")
        target = sqlite3.connect(path)
        backup.backup(target)
        found = _count(target.cursor(), tables)
        backup.close()
        target.close()
    media = Path(media_root or settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar.gz", "r:gz") as tar:
        for member in tar.getmembers():
            if not member.name.startswith("media"):
                continue
            member.name = os.path.relpath(member.name, "media")
            if member.name != ".":
                tar.extract(member, media, filter="data")
    compared = {t: [manifest["tables"][t], found.get(t)] for t in tables}
    files = [manifest["media_files"], _media_files(media)]
    identical = all(a == b for a, b in compared.values()) and files[0] == files[1]
    return {"tables": compared, "media_files": files, "identical": identical}
