"""manage.py restore --from DIR [--database-url URL] [--media-root DIR] --yes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from trust_si.site.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup` into a database (default: the configured one; "
        "its tables are replaced) and a media folder, then compare every table's row count."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="source", required=True)
        parser.add_argument("--database-url", default="", help="A fresh database to restore into.")
        parser.add_argument("--media-root", default="")
        parser.add_argument("--yes", action="store_true", help="Yes, replace the data there.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Restoring replaces the target's data: pass --yes to go on.")
        report = backup_restore(
            Path(options["source"]),
            database_url=options["database_url"],
            media_root=options["media_root"],
        )
        differ = {t: c for t, c in report["tables"].items() if c[0] != c[1]}
        for table, (expected, found) in differ.items():
            self.stderr.write(f"{table}: {expected} rows in the backup, {found} restored")
        if not report["identical"]:
            raise CommandError(f"The restore differs from the backup: {differ or report}")
        self.stdout.write(
            f"Restored {len(report['tables'])} tables and {report['media_files'][1]} media "
            "files; every count matches the backup."
        )
