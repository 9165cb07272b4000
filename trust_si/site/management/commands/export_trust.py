"""manage.py export_trust --trust SLUG --out FILE.zip: everything held for one trust."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from trust_si.audit.services import audit_record
from trust_si.site.export import trust_export_write
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Export one trust's rows (a CSV per table) and stored files to a zip; audited."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust {options['trust']!r}.")
        counts = trust_export_write(trust=trust, out=Path(options["out"]))
        with trust_scope(trust):
            audit_record(actor=None, action="trust.export", changes={"tables": len(counts) - 1})
        rows = sum(v for k, v in counts.items() if k != "files")
        self.stdout.write(f"Exported {rows} rows and {counts['files']} files to {options['out']}.")
