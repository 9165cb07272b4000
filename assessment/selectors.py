"""Permission-aware reads of uploads, and how many pupils a term's data covers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from academies.selectors import academy_list_for
from trust_si.terms import TermCode
from trust_si.web.links import pk_url

from .models import Attendance, Enrolment, Result, Term, Upload, UploadStatus

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


def upload_rows(uploads: QuerySet[Upload], *, trust_slug: str) -> list[dict[str, Any]]:
    """The rows of the upload list, as the strings it shows (issue 17: a model instance per
    upload, with its academy, term and uploader, was most of the page's CPU)."""
    detail = pk_url("assessment:upload_detail", trust_slug=trust_slug)
    kinds = dict(Upload._meta.get_field("kind").flatchoices)
    statuses = dict(Upload._meta.get_field("status").flatchoices)
    return [
        {
            "href": detail(pk),
            "name": name,
            "academy": academy,
            "term": TermCode.of(academic_year, season).label,
            "kind": str(kinds.get(kind, kind)),
            "status": str(statuses.get(status, status)),
        }
        for pk, name, academy, academic_year, season, kind, status in uploads.values_list(
            "pk",
            "original_name",
            "academy__name",
            "term__academic_year",
            "term__season",
            "kind",
            "status",
        )
    ]


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


def pupils_with_data(
    trust_id: int, academy_ids: list[int], term_ids: list[int]
) -> dict[tuple[int, int], dict[str, int]]:
    """(academy, term) -> {year group that year: pupils with results or attendance in the term}.

    A pupil counts once whatever data they have; one not enrolled at the academy that year is
    counted under "". Counted by the database: a page needs the counts, not the rows (a term's
    rows are tens of thousands, and reading them made this the costliest part of the
    placements page).
    """
    if not academy_ids or not term_ids:
        return {}
    academies = ", ".join(["%s"] * len(academy_ids))
    terms = ", ".join(["%s"] * len(term_ids))
    # Table names come from the models' meta; every value is a parameter.
    data = " UNION ".join(
        f"SELECT academy_id, term_id, pupil_id FROM {model._meta.db_table}"  # noqa: S608
        f" WHERE trust_id = %s AND academy_id IN ({academies}) AND term_id IN ({terms})"
        for model in (Result, Attendance)
    )
    sql = (
        f"SELECT d.academy_id, d.term_id, COALESCE(e.year_group, ''), COUNT(*)"  # noqa: S608
        f" FROM ({data}) d JOIN {Term._meta.db_table} t ON t.id = d.term_id"
        f" LEFT JOIN {Enrolment._meta.db_table} e ON e.trust_id = %s"
        " AND e.academy_id = d.academy_id AND e.pupil_id = d.pupil_id"
        " AND e.academic_year = t.academic_year"
        " GROUP BY d.academy_id, d.term_id, COALESCE(e.year_group, '')"
    )
    params = [trust_id, *academy_ids, *term_ids] * 2 + [trust_id]
    out: dict[tuple[int, int], dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for academy_id, term_id, year_group, pupils in cursor.fetchall():
            out.setdefault((academy_id, term_id), {})[year_group] = pupils
    return out
