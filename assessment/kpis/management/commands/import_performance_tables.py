"""manage.py import_performance_tables --trust <slug> --file <path> [--year 2018-19]"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessment.kpis import similar
from assessment.kpis.dfe import read_performance_file, year_from_filename
from assessment.kpis.services import published_results_import
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Import DfE KS4 headline or KS2 performance tables for a trust's academies (by URN)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--file", required=True)
        parser.add_argument(
            "--year", help="academic year, e.g. 2018-19 (else as the file or its name states it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust with slug {options['trust']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        parsed = read_performance_file(path.read_bytes())
        if parsed.problems:
            raise CommandError(" ".join(parsed.problems))
        given = options.get("year")
        if given and parsed.year and given != parsed.year:
            raise CommandError(f"The file says its year is {parsed.year}, not {given}.")
        # The file's own word first (its prior-year columns), then a name that states the year.
        year = given or parsed.year or year_from_filename(path.name)
        if not year or not re.fullmatch(r"\d{4}-\d{2}", year):
            raise CommandError(
                "The file does not say its academic year: give it with --year, e.g. --year 2018-19."
            )
        with trust_scope(trust):
            counts = published_results_import(
                actor=None, trust=trust, parsed=parsed, year=year, source=path.name
            )
        self.stdout.write(
            f"{parsed.kind.upper()} {year} from {path.name}: {counts['rows_read']} school rows read, "
            f"{counts['matched']} academies matched ({counts['as_predecessor']} as predecessor "
            f"school), {counts['unmatched']} unmatched, "
            f"{counts['not_published']} with nothing published; {counts['created']} figures added, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged."
        )
        if counts["comparison_schools"]:
            self.stdout.write(
                f"{counts['comparison_schools']} schools kept for similar schools "
                "(with prior attainment, disadvantage, SEND and size)."
            )
        else:
            missing = similar.missing_columns(parsed.kind, parsed.header)
            self.stdout.write(
                "No schools kept for similar schools: the file has no "
                + (", ".join(missing) if missing else "school with all four context figures")
                + " (DfE's full download has them; the headline download does not)."
            )
        if parsed.skipped:
            self.stdout.write(f"{len(parsed.skipped)} rows skipped:")
            for row, column, reason in parsed.skipped[:50]:
                self.stdout.write(f"  row {row}, {column}: {reason}")
            if len(parsed.skipped) > 50:
                self.stdout.write(f"  ... and {len(parsed.skipped) - 50} more")
