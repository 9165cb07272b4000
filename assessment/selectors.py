"""Permission-aware reads of uploads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from academies.selectors import academy_list_for

from .models import Upload


def upload_list_for(membership: Any) -> QuerySet[Upload]:
    return Upload.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy", "term", "uploaded_by")


def upload_get_for(membership: Any, pk: int) -> Upload:
    upload = upload_list_for(membership).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload
