"""manage.py demo_totp <email>: the current TOTP code of a demo user. Refused in production."""

from __future__ import annotations

from typing import Any

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trust_si.site.demo import demo_totp_secret


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (demo secrets are derived from the email)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TRUST_SI_IS_PRODUCTION:
            raise CommandError("demo_totp is refused with production settings.")
        counters = list(yield_hotp_counters_from_time())
        counter = counters[len(counters) // 2]  # the current window, whatever the tolerance
        self.stdout.write(
            format_hotp_value(hotp_value(demo_totp_secret(options["email"]), counter))
        )
