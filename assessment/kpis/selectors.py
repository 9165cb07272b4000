"""Permission-aware reads of published results (DfE performance tables)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from academies.selectors import academy_list_for
from assessment.contracts import PublishedFigure
from phases.banding import P8Band, band_from_dfe_code

from .models import PublishedResult


def published_results_for(membership: Any) -> QuerySet[PublishedResult]:
    return PublishedResult.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy")


def banding_label(result: PublishedResult) -> str:
    """DfE's banding in words: P8 codes 1-5 (SUPP: not banded), KS2 descriptors as published."""
    if result.field == "P8MEA":
        return band_from_dfe_code(result.banding).label if result.banding else P8Band.NOT_BANDED.label
    return result.banding


def published_figures_for(*, trust_id: int, academy_ids: list[int] | None = None) -> list[PublishedFigure]:
    rows = PublishedResult.objects.filter(trust_id=trust_id)
    if academy_ids is not None:
        rows = rows.filter(academy_id__in=academy_ids)
    return [PublishedFigure(academy_id=r.academy_id, field=r.field, year=r.year, value=r.value,
                            code=r.code, lower=r.lower, upper=r.upper, dfe_banding=r.banding,
                            source=r.source) for r in rows]
