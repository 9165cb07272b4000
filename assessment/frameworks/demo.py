"""Demo frameworks: Y2 and Y6 starters and the Y4, Y8 and Y10 writing frameworks that seed
000's trust published first, each published once (idempotent)."""

from __future__ import annotations

from typing import Any

from trust_si.tenancy.models import Trust

from . import services
from .models import Framework
from .starters import STARTERS, generic

WORKING_PARTY = "Trust writing working party (English leads of first, middle and high schools)"


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    for year in ("2", "4", "6", "8", "10"):
        if Framework.objects.filter(trust=trust, subject="writing", year_group=year).exists():
            continue
        framework = services.framework_create(
            actor=None, trust=trust, subject="writing", year_group=year
        )
        version = services.version_draft_create(actor=None, framework=framework)
        services.version_update(
            actor=None,
            version=version,
            authors=WORKING_PARTY,
            allow_one_weakness=year in ("2", "6"),
        )
        services.starter_apply(
            actor=None, version=version, starter=STARTERS.get(year) or generic(year)
        )
        services.version_publish(actor=None, version=version)
