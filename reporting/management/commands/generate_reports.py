"""manage.py generate_reports --trust <slug> --term <term> [--academy <urn>] [--out <dir>]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from academies.models import Academy
from reporting.models import ReportStatus
from reporting.services import report_generate, report_request
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode, TermError


class Command(BaseCommand):
    help = "Generate termly governor reports now (in this process), optionally writing the PDFs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True)
        parser.add_argument("--term", required=True, help="e.g. 2025-26-summer")
        parser.add_argument("--academy", help="URN; without it every academy and the board")
        parser.add_argument("--out", help="folder to write the PDFs to")

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust with slug {options['trust']!r}.")
        try:
            term = TermCode.parse(options["term"]).code
        except TermError as exc:
            raise CommandError(f"--term: {exc}") from exc
        out = Path(options["out"]) if options.get("out") else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
        with trust_scope(trust):
            academies = Academy.objects.filter(is_active=True).order_by("name")
            if options.get("academy"):
                academies = academies.filter(urn=options["academy"])
                if not academies.exists():
                    raise CommandError(f"No academy with URN {options['academy']} in {trust.slug}.")
                targets: list[Academy | None] = list(academies)
            else:
                targets = [*academies, None]
            failed = 0
            for academy in targets:
                report = report_request(
                    actor=None, trust=trust, term_code=term, academy=academy, enqueue=False
                )
                try:
                    report = report_generate(report=report)
                except Exception as exc:
                    failed += 1
                    self.stderr.write(f"FAILED {report}: {exc}")
                    continue
                line = f"{report.title} v{report.version}: {report.pages} pages"
                if out and report.status == ReportStatus.READY:
                    path = out / report.filename
                    with report.pdf.open("rb") as fh:
                        path.write_bytes(fh.read())
                    line += f" -> {path}"
                self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} report(s) failed.")
