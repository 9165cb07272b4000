"""Permission-aware reads of uploads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from academies.selectors import academy_list_for

from .models import Upload

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def upload_list_for(membership: Membership) -> QuerySet[Upload]:
    return Upload.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy", "term", "uploaded_by")


def upload_get_for(membership: Membership, pk: int) -> Upload:
    upload = upload_list_for(membership).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload
