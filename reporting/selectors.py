"""Who may see which report. Governors: their academy's (board members: the trust's too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from academies.models import Academy
from academies.selectors import academy_list_for
from trust_si.accounts.roles import Role
from trust_si.terms import term_sort_key

from .logo import logo_data_uri
from .models import Report, ReportBatch, ReportKind

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def report_list_for(membership: Membership) -> QuerySet[Report]:
    """Reports the membership may see, filtered by trust and academy scope.

    1. Trust-wide roles (admin, leader, board governors) see every academy's report and the board's.
    2. Officers and local governors see the reports of the academies they cover. The board
       report covers every academy, so an officer sees it only when they cover every active
       academy of the trust (issue 16: it showed officers academies outside their scope);
       local governors never do.
    """
    queryset = Report.objects.filter(trust_id=membership.trust_id).select_related("academy")
    if membership.is_trust_wide:
        return queryset
    academies = academy_list_for(membership).values("pk")
    visible = Q(kind=ReportKind.ACADEMY, academy__in=academies)
    if membership.role == Role.IMPROVEMENT_OFFICER and _covers_every_academy(membership):
        visible |= Q(kind=ReportKind.TRUST)
    return queryset.filter(visible)


def _covers_every_academy(membership: Membership) -> bool:
    active = Academy.objects.filter(trust_id=membership.trust_id, is_active=True).values("pk")
    covered = academy_list_for(membership).values("pk")
    return not active.exclude(pk__in=covered).exists()


def report_get_for(membership: Membership, pk: int) -> Report:
    report = report_list_for(membership).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report.")
    return report


def report_latest_versions(membership: Membership, term_code: str | None = None) -> list[Report]:
    """The newest version of each report in scope (older versions stay on the report page).

    The database keeps only the newest row of each (kind, academy, term): every version of a
    report shares its scope, so ranking after the scope filter loses none. PARTITION BY groups
    the board's NULL academy as one. The list never shows the snapshot or commentary, so their
    JSON is not read (it was most of the page's CPU).
    """
    queryset = report_list_for(membership)
    if term_code:
        queryset = queryset.filter(term_code=term_code)
    newest = queryset.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("kind"), F("academy_id"), F("term_code")],
            order_by=F("version").desc(),
        )
    ).filter(rank=1)
    return sorted(
        newest.defer("snapshot", "commentary", "error"),
        key=lambda r: (
            r.term_code,
            r.kind != ReportKind.TRUST,
            r.academy.name if r.academy else "",
        ),
        reverse=False,
    )


def report_terms_for(membership: Membership) -> list[str]:
    """The terms of the reports in scope, newest first (one short query, no report rows)."""
    codes = report_list_for(membership).order_by().values_list("term_code", flat=True).distinct()
    return sorted(set(codes), key=term_sort_key, reverse=True)


def report_versions(report: Report) -> QuerySet[Report]:
    return Report.objects.filter(
        trust_id=report.trust_id,
        kind=report.kind,
        academy=report.academy,
        term_code=report.term_code,
    ).order_by("-version")


def batch_get_for(membership: Membership, pk: int) -> ReportBatch:
    if not membership.can("report.generate"):
        raise Http404
    batch = ReportBatch.objects.filter(trust_id=membership.trust_id, pk=pk).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch


def logo_data_uri_for(name: str | None) -> str:
    """The stored logo a snapshot names, as a data: URI ('' when there is none or it is gone).

    Only files under a trust's branding folder are read: a snapshot is data, not a path to trust.
    """

    if not name or not name.startswith("trusts/") or "/branding/" not in name or ".." in name:
        return ""
    try:
        with default_storage.open(name, "rb") as fh:
            return logo_data_uri(fh.read())
    except OSError:
        return ""
