"""Permission-aware reads of uploads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from academies.selectors import academy_list_for

from .models import Upload, UploadStatus

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def upload_list_for(membership: Membership) -> QuerySet[Upload]:
    return Upload.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy", "term", "uploaded_by")


# The JSON an upload's own page shows (every problem, the preview, the column mapping): a list
# of uploads never needs it, and a file with thousands of problems makes it large.
DETAIL_ONLY = ("errors", "preview", "mapping")


def upload_summaries_for(membership: Membership, *, with_counts: bool = False) -> QuerySet[Upload]:
    """Uploads for a list: without the detail page's JSON (and without counts unless asked)."""
    return upload_list_for(membership).defer(*DETAIL_ONLY, *(() if with_counts else ("counts",)))


def upload_get_for(membership: Membership, pk: int) -> Upload:
    upload = upload_list_for(membership).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload


def slice_uploads(upload: Upload) -> QuerySet[Upload]:
    """The other uploads of the same academy, term and kind."""
    return Upload.objects.filter(
        academy_id=upload.academy_id, term_id=upload.term_id, kind=upload.kind
    ).exclude(pk=upload.pk)


def upload_previous_version(upload: Upload) -> Upload | None:
    """The upload that was current before this one: what a restore brings back."""
    return (
        slice_uploads(upload)
        .filter(status=UploadStatus.SUPERSEDED, confirmed_at__isnull=False)
        .order_by("-confirmed_at")
        .first()
    )
