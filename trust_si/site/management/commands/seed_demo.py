"""manage.py seed_demo: the two fictional demo trusts, idempotent. Refused in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trust_si.site.demo import CONSULTANT, DEMO_TRUSTS, run_hooks
from trust_si.tenancy.models import Trust


class Command(BaseCommand):
    help = "Create (or refresh) the demo trusts northmoor and riverside with every role's login."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TRUST_SI_IS_PRODUCTION:
            raise CommandError("seed_demo is refused with production settings.")
        password = settings.TRUST_SI_DEMO_PASSWORD
        if not password:
            raise CommandError("Set DEMO_PASSWORD (the password every demo login will use).")
        logins = []
        for slug, name in DEMO_TRUSTS:
            trust, _ = Trust.objects.update_or_create(slug=slug, defaults={"name": name})
            ctx: dict[str, Any] = {"demo": True, "password": password}
            run_hooks(trust, ctx, self.stdout.write)
            for key, user in ctx["users"].items():
                logins.append((user.email, key.replace("_", " "), slug))
        logins.append((CONSULTANT, "improvement officer in both trusts", "northmoor, riverside"))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: " + password + ")"))
        width = max(len(e) for e, _, _ in logins)
        for email, role, slug in logins:
            self.stdout.write(f"  {email:<{width}}  {role:<36} {slug}")
        self.stdout.write(
            "Admins, leaders, officers and school staff use two-factor codes: "
            "`make totp EMAIL=<email>` (or `manage.py demo_totp <email>`) prints the current one."
        )
