"""Who may see which report. Governors: their academy's (board members: the trust's too)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from academies.models import Academy
from academies.selectors import academy_list_for
from trust_si.accounts.roles import Role
from trust_si.terms import term_label, term_sort_key
from trust_si.web.links import pk_url

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


def _newest_versions(reports: QuerySet[Report], term_code: str | None) -> QuerySet[Report]:
    """Only the newest row of each (kind, academy, term), ranked by the database.

    Every version of a report shares its scope, so ranking after the scope filter loses none.
    PARTITION BY groups the board's NULL academy as one.
    """
    if term_code:
        reports = reports.filter(term_code=term_code)
    return reports.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("kind"), F("academy_id"), F("term_code")],
            order_by=F("version").desc(),
        )
    ).filter(rank=1)


def report_latest_versions(membership: Membership, term_code: str | None = None) -> list[Report]:
    """The newest version of each report in scope (older versions stay on the report page).

    The list never shows the snapshot or commentary, so their JSON is not read (it was most of
    the page's CPU).
    """
    return sorted(
        _newest_versions(report_list_for(membership), term_code).defer(
            "snapshot", "commentary", "error"
        ),
        key=lambda r: (
            r.term_code,
            r.kind != ReportKind.TRUST,
            r.academy.name if r.academy else "",
        ),
        reverse=False,
    )


def report_rows(
    in_scope: QuerySet[Report], term_code: str | None, *, trust_slug: str
) -> list[dict[str, Any]]:
    """The reports list's rows, as the strings it shows: the rows of `report_latest_versions`,
    in its order, read as values (issue 17: no model per row, URLs reversed once)."""
    detail = pk_url("reporting:detail", trust_slug=trust_slug)
    download = pk_url("reporting:download", trust_slug=trust_slug)
    statuses = dict(Report._meta.get_field("status").flatchoices)
    keyed: list[tuple[tuple[str, bool, str], dict[str, Any]]] = []
    for pk, kind, academy_id, academy, term, version, status in _newest_versions(
        in_scope, term_code
    ).values_list("pk", "kind", "academy_id", "academy__name", "term_code", "version", "status"):
        # The board's report has no academy.
        name = academy if academy_id is not None else None
        row = {
            "href": detail(pk),
            "download": download(pk),
            "academy": name,
            "term": term_label(str(term)) if term else "",
            "version": version,
            "status": status,
            "status_label": str(statuses.get(status, status)),
        }
        keyed.append(((term, kind != ReportKind.TRUST, name or ""), row))
    # report_latest_versions' order (a stable sort of the database's order).
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def report_terms_for(
    membership: Membership, *, in_scope: QuerySet[Report] | None = None
) -> list[str]:
    """The terms of the reports in scope, newest first (one short query, no report rows)."""
    reports = report_list_for(membership) if in_scope is None else in_scope
    codes = reports.order_by().values_list("term_code", flat=True).distinct()
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
