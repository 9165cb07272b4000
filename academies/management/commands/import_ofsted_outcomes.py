"""manage.py import_ofsted_outcomes --trust <slug> --file <csv>"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from academies.models import Academy
from academies.ofsted import NotAnOfstedFile, read_outcomes
from academies.services import inspections_import_ofsted
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = (
        "Import the latest inspections of a trust's academies from Ofsted's monthly management "
        "information CSV (state-funded schools inspections and outcomes); never duplicates."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--file", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust with slug {options['trust']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with trust_scope(trust):
            urns = set(Academy.objects.filter(trust=trust).values_list("urn", flat=True))
            try:
                result = read_outcomes(path.read_bytes(), urns)
            except NotAnOfstedFile as exc:
                raise CommandError(str(exc)) from exc
            for ours, theirs in result.matched.items():
                self.stdout.write(f"matched {theirs!r} as {ours}")
            for p in result.skipped:
                self.stdout.write(f"skipped row {p.row}, {p.column} {p.value!r}: {p.message}")
            for p in result.problems:
                self.stderr.write(f"row {p.row}, {p.column} {p.value!r}: {p.message}")
            if result.problems:
                raise CommandError(
                    f"{len(result.problems)} rows could not be read: nothing was imported."
                )
            counts = inspections_import_ofsted(actor=None, trust=trust, rows=result.rows)
        self.stdout.write(
            f"{result.rows_read} rows read, {len(result.rows)} inspections of {trust.slug}'s "
            f"academies: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged; {len(result.skipped)} skipped; "
            f"{result.other_schools} rows of other schools not read."
        )
