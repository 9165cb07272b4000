"""Permission-aware reads of uploads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from academies.selectors import academy_list_for

from .models import Term, Upload


def upload_list_for(membership: Any) -> QuerySet[Upload]:
    return Upload.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy", "term", "uploaded_by")


def upload_get_for(membership: Any, pk: int) -> Upload:
    upload = upload_list_for(membership).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload


def term_choices(trust: Any) -> list[tuple[str, str]]:
    """Recent and current terms, newest first."""
    codes = []
    for start in (2026, 2025, 2024):
        for season in ("summer", "spring", "autumn"):
            codes.append(f"{start}-{str(start + 1)[-2:]}-{season}")
    labels = {t.code: str(t) for t in Term.objects.filter(trust=trust)}
    return [
        (c, labels.get(c, f"{c.rsplit('-', 1)[1].capitalize()} term {c.rsplit('-', 1)[0]}"))
        for c in codes
    ]
