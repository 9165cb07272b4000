"""Writes of the KPI app: importing DfE performance tables."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from academies.models import Academy
from trust_si.audit.services import audit_record
from trust_si.tenancy.models import Trust

from .dfe import PerformanceFile
from .models import PublishedResult

# Cohort sizes are published even when every measure is suppressed: they do not count as results.
COUNT_FIELDS = {"TELIG", "TPUP", "P8PUP"}


@transaction.atomic
def published_results_import(*, actor: Any, trust: Trust, parsed: PerformanceFile, year: str,
                             source: str) -> dict[str, int]:
    """Store the file's figures for the trust's academies (matched by URN); re-running changes
    nothing. Returns rows read, academies matched, unmatched rows, schools with nothing
    published, and rows created / updated / unchanged."""
    academies = {a.urn: a for a in Academy.objects.filter(trust=trust, urn__in=list(parsed.schools))}
    counts = {"rows_read": parsed.rows_read, "matched": len(academies),
              "unmatched": parsed.rows_read - len(academies), "not_published": 0,
              "created": 0, "updated": 0, "unchanged": 0}
    existing = {(r.academy_id, r.field): r for r in PublishedResult.objects.filter(
        trust=trust, year=year, academy__in=academies.values())}
    for urn, academy in academies.items():
        rows = parsed.schools[urn]
        if all(r.value is None for r in rows if r.field not in COUNT_FIELDS):
            counts["not_published"] += 1
        for r in rows:
            values = {"value": r.value, "code": r.code, "lower": r.lower, "upper": r.upper,
                      "banding": r.banding, "source": source}
            current = existing.get((academy.pk, r.field))
            if current is None:
                PublishedResult.objects.create(trust=trust, academy=academy, year=year, field=r.field, **values)
                counts["created"] += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    audit_record(actor=actor, action="published_results.import", changes={**counts, "year": year,
                 "source": source, "kind": parsed.kind}, trust_id=trust.pk)
    return counts
