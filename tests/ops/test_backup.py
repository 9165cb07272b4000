"""manage.py backup / restore: restored into a fresh database, every table's count and every
media file match. On PostgreSQL (DATABASE_URL) through pg_dump / pg_restore into a new database;
on SQLite through its online backup into a new file."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from assessment.services import term_get_or_create, upload_create, upload_validate
from trust_si.accounts.roles import Role

UPN = "A123456789012"


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_gives_identical_counts(
    world, tmp_path, settings
):
    with world.a.scope():
        upload_validate(
            upload=upload_create(
                actor=world.a.user(Role.SCHOOL_STAFF),
                academy=world.a.academies[0],
                term=term_get_or_create(trust=world.a.trust, code="2025-26-summer"),
                kind="results",
                name="r.csv",
                content=f"upn,subject,measure,value\n{UPN},reading,scaled_score,104\n".encode(),
            )
        )
    out = tmp_path / "backup"
    call_command("backup", out=str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tables"]["assessment_upload"] == 1
    assert manifest["tables"]["accounts_user"] == len(world.a.users) + len(world.b.users)
    assert manifest["media_files"] >= 1

    media = tmp_path / "restored-media"
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:6]}"
        base = f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        subprocess.run(
            ["createdb", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "root", name],
            check=True,
        )
        url = f"{base}/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        call_command("restore", source=str(out), database_url=url, media_root=str(media), yes=True)
    finally:
        if connection.vendor == "postgresql":
            subprocess.run(
                ["dropdb", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "root", name],
                check=False,
            )
    restored = [p for p in Path(media).rglob("*") if p.is_file()]
    assert len(restored) == manifest["media_files"]
    assert any(p.name.endswith("r.csv") for p in restored)
    assert os.path.commonpath([str(media), str(restored[0])]) == str(media)


@pytest.mark.django_db
def test_restore_refuses_without_yes(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", source=str(tmp_path))
