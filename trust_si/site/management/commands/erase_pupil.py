"""manage.py erase_pupil --trust SLUG --upn UPN: a UK GDPR erasure request, across the trust."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessment.retention import pupil_erase
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Erase one pupil's data (rows, and its lines in stored CSV and .xlsx files) across a trust; audited in counts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True, help="The trust's slug.")
        parser.add_argument("--upn", required=True, help="The pupil's UPN (not stored or logged).")

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust.objects.filter(slug=options["trust"]).first()
        if trust is None:
            raise CommandError(f"No trust {options['trust']!r}.")
        with trust_scope(trust):
            counts = pupil_erase(actor=None, trust=trust, upn=options["upn"])
        self.stdout.write(
            f"Erased {counts['rows']} rows; {counts['files_redacted']} stored files checked or "
            f"rewritten; {counts['files_not_redacted']} files that could not be read (delete or replace them by hand)."
        )
