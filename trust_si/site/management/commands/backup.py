"""manage.py backup --out DIR: the database and the media folder, with a manifest of counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from trust_si.site.backup import backup_write


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite backup) and MEDIA_ROOT into a folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="Folder to write (created).")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = backup_write(Path(options["out"]))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and "
            f"{manifest['media_files']} media files to {options['out']}."
        )
