"""manage.py import_academies_gias --trust <slug> --group-uid <uid> --file <path>"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from academies.gias import read_group
from academies.services import academies_import_gias
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Import (or refresh) a trust's academies from a GIAS group-links CSV; never duplicates."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--group-uid", required=True)
        parser.add_argument("--file", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust with slug {options['trust']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = read_group(path.read_bytes(), options["group_uid"])
        for p in result.problems:
            self.stderr.write(f"row {p.row}, {p.column} {p.value!r}: {p.message}")
        if not result.rows:
            raise CommandError(f"Nothing imported for group {options['group_uid']}.")
        with trust_scope(trust):
            counts = academies_import_gias(actor=None, trust=trust, rows=result.rows)
        self.stdout.write(
            f"{result.group_name}: {len(result.rows)} academies read, {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{len(result.problems)} rows skipped."
        )
