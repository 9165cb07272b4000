"""manage.py load_benchmarks --file <csv> [--check]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessment.kpis.benchmarks import COLUMNS, parse_benchmarks
from assessment.kpis.services import national_benchmarks_load


class Command(BaseCommand):
    help = (
        "Load or refresh national benchmarks from a CSV with the columns "
        f"{', '.join(COLUMNS)} (as assessment/kpis/data/national_benchmarks.csv). Rows replace "
        "the shipped figure of the same KPI and year for every trust; re-running changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", required=True)
        parser.add_argument("--check", action="store_true", help="validate only, load nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        rows, problems = parse_benchmarks(path.read_bytes())
        if problems:
            shown = "\n".join(problems[:50])
            more = f"\n...and {len(problems) - 50} more." if len(problems) > 50 else ""
            raise CommandError(
                f"{path.name} was not loaded ({len(problems)} problem(s)):\n{shown}{more}"
            )
        if options["check"]:
            self.stdout.write(f"{path.name}: {len(rows)} rows are valid (nothing loaded: --check).")
            return
        counts = national_benchmarks_load(rows=rows)
        self.stdout.write(
            f"{path.name}: {len(rows)} rows; {counts['created']} added, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged."
        )
