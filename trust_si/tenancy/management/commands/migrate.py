"""`migrate`, run with row-level security bypassed, and every tenant table's policy renewed.

Migrations run as the tables' owner, and FORCE ROW LEVEL SECURITY holds the owner too: a data
migration must see every trust's rows, so the whole command runs inside
`dangerously_unscoped()` (logged). The policies themselves are (re)applied on post_migrate
(trust_si/tenancy/rls.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate

from trust_si.tenancy.context import dangerously_unscoped


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        with dangerously_unscoped():
            super().handle(*args, **options)
