"""manage.py create_trust --slug <slug> --name <name> [--admin-email <email>]"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trust_si.accounts.roles import Role
from trust_si.accounts.services import invitation_create
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Create a trust (or rename an existing one); optionally invite its first trust admin."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "TRUST_SI_BASE_URL", ""),
            help="Site address for the invitation link, e.g. https://trust-si.example.org",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        trust = Trust(slug=options["slug"], name=options["name"])
        try:
            trust.full_clean(
                exclude=["slug"] if Trust.objects.filter(slug=options["slug"]).exists() else None
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        with transaction.atomic():
            trust, created = Trust.objects.update_or_create(
                slug=options["slug"], defaults={"name": options["name"]}
            )
            self.stdout.write(
                f"{'Created' if created else 'Updated'} trust {trust.slug}: {trust.name}"
            )
            if options.get("admin_email"):
                try:
                    invitation = invitation_create(
                        actor=None,
                        trust=trust,
                        email=options["admin_email"],
                        role=Role.TRUST_ADMIN,
                        academies=[],
                        accept_url_base=options["base_url"],
                    )
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from exc
                self.stdout.write(
                    f"Invited {invitation.email} as trust admin. Accept at: "
                    f"{options['base_url']}/accounts/invitation/{invitation.token}/"
                )
