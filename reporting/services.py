"""Writes for reports: request a version, generate it (in a worker), start a batch, download."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from academies.models import Academy
from trust_si.audit.services import audit_record
from trust_si.tenancy.models import Trust

from . import tasks  # module reference: the tasks call back into these services
from .models import Report, ReportBatch, ReportKind, ReportStatus
from .reports import report_class_for

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership, User


def _next_version(*, trust_id: int, kind: str, academy_id: int | None, term_code: str) -> int:
    reports = Report.objects.filter(trust_id=trust_id, kind=kind, term_code=term_code)
    if academy_id is None:
        reports = reports.filter(academy__isnull=True)
    else:
        reports = reports.filter(academy_id=academy_id)
    current = reports.aggregate(v=Max("version"))["v"]
    return (current or 0) + 1


@transaction.atomic
def report_request(
    *,
    actor: User | None,
    trust: Trust,
    term_code: str,
    academy: Academy | None = None,
    batch: ReportBatch | None = None,
    enqueue: bool = True,
    commentary: dict[str, str] | None = None,
) -> Report:
    """Create the next version of a report and queue its generation after commit.

    Regenerating never overwrites: each request is a new version, and old ones stay downloadable.
    """
    if academy is not None and academy.trust_id != trust.pk:
        raise ValueError("That academy belongs to another trust.")
    kind = ReportKind.ACADEMY if academy is not None else ReportKind.TRUST
    # Lock the trust row so two requests for the same report cannot take the same version.
    Trust.objects.select_for_update().filter(pk=trust.pk).first()
    report = Report.objects.create(
        trust=trust,
        kind=kind,
        academy=academy,
        term_code=term_code,
        version=_next_version(
            trust_id=trust.pk,
            kind=kind,
            academy_id=academy.pk if academy else None,
            term_code=term_code,
        ),
        batch=batch,
        commentary={k: v.strip() for k, v in (commentary or {}).items() if v and v.strip()},
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="report.request",
        target=report,
        changes={"term": term_code, "version": report.version},
    )
    if enqueue:
        report_id = report.pk
        transaction.on_commit(lambda: report_send(trust_id=trust.pk, report_ids=[report_id]))
    return report


WAITING_FOR_WORKER = "Waiting for the worker: the report is generated as soon as it is available."
RESEND_AFTER = dt.timedelta(seconds=30)  # a report whose job could not be sent
LOST_AFTER = dt.timedelta(minutes=15)  # a report whose job the broker lost
GRACE = dt.timedelta(minutes=2)


def report_send(*, trust_id: int, report_ids: list[int]) -> bool:
    """Send the reports' jobs; when the broker is down, they say they are waiting for it and
    the sweeper (`report_sweep`) sends them when it is back."""
    sent = tasks.batch_enqueue(trust_id=trust_id, report_ids=report_ids)
    if not sent:
        Report.objects.filter(pk__in=report_ids, status=ReportStatus.QUEUED).update(
            error=WAITING_FOR_WORKER
        )
    return sent


def _generate_deadline() -> dt.timedelta:
    limits = getattr(settings, "TRUST_SI_TASK_TIME_LIMITS", {})
    return dt.timedelta(seconds=limits.get("reporting.tasks.report_generate_task", 600)) + GRACE


def report_generate(*, report: Report) -> Report:
    """Build the snapshot, render the PDF and store it. Runs in a worker (or --sync).

    1. Claim the report (queued/failed -> generating) with a conditional update: a retried or
       duplicated task never renders the same version twice at once.
    2. Snapshot the data (suppressed, aggregate only) unless the version already has one, so a
       regeneration of the same version renders the same content.
    3. Render HTML -> PDF/UA-1, store it under the trust's path, record its checksum and pages.
    """
    now = timezone.now()
    claimable = Q(status__in=[ReportStatus.QUEUED, ReportStatus.FAILED]) | Q(
        status=ReportStatus.GENERATING, claimed_at__lt=now - _generate_deadline()
    )  # generating far past its limit: its worker was lost
    claimed = (
        Report.objects.filter(pk=report.pk)
        .filter(claimable)
        .update(status=ReportStatus.GENERATING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        report.refresh_from_db()
        return report
    report.refresh_from_db()
    report_class = report_class_for(report.kind)
    if not report.snapshot:
        report.snapshot = report_class.build_snapshot(
            trust=report.trust, academy=report.academy, term_code=report.term_code
        )
        report.snapshot["commentary"] = report.commentary
        report.save(update_fields=["snapshot"])
    pdf_bytes, pages = report_class.render_pdf(report.snapshot, title=report.title)
    report.pdf.save(report.filename, ContentFile(pdf_bytes), save=False)
    report.pdf_sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    report.pages = pages
    report.status = ReportStatus.READY
    report.error = ""
    report.generated_at = timezone.now()
    report.save(update_fields=["pdf", "pdf_sha256", "pages", "status", "error", "generated_at"])
    if report.batch_id:
        batch_finish_if_complete(batch_id=report.batch_id)
    return report


def report_mark_failed(*, report_id: int, error: str, final: bool) -> None:
    """Record a failure. A retried one goes back to queued (with the error, for operators); a
    final one is failed, with what the user can do, and counts against its batch."""
    if not final:
        Report.objects.filter(pk=report_id).update(status=ReportStatus.QUEUED, error=error[:2000])
        return
    message = (
        f"The report could not be generated ({error[:300]}). Request it again; if it fails "
        "again, tell your trust's administrator."
    )
    Report.objects.filter(pk=report_id).update(status=ReportStatus.FAILED, error=message)
    report = Report.objects.filter(pk=report_id).first()
    if report is not None and report.batch_id:
        batch_finish_if_complete(batch_id=report.batch_id)


def batch_finish_if_complete(*, batch_id: int) -> None:
    """Count the batch from its reports' states (not increments: a job run twice, or killed
    between its report and its batch, counts once), and finish it when every one has ended."""
    reports = Report.objects.filter(batch_id=batch_id)
    done = reports.filter(status=ReportStatus.READY).count()
    failed = reports.filter(status=ReportStatus.FAILED).count()
    ReportBatch.objects.filter(pk=batch_id).update(done=done, failed=failed)
    batch = ReportBatch.objects.filter(pk=batch_id).first()
    if batch is not None and done + failed >= batch.total and not batch.finished_at:
        status = ReportStatus.READY if failed == 0 else ReportStatus.FAILED
        ReportBatch.objects.filter(pk=batch_id, finished_at__isnull=True).update(
            status=status, finished_at=timezone.now()
        )


INTERRUPTED_FINAL = (
    "The report was interrupted every time it was generated (the worker stopped or ran out of "
    "time). Request it again; if it fails again, tell your trust's administrator."
)


def report_sweep(*, trust: Trust) -> dict[str, int]:
    """Make every report job of the trust end. Beat, per trust, in the trust's scope.

    1. A report generating past its time limit plus GRACE lost its worker: queued again while
       it has tries left (tasks.MAX_RETRIES + 1 in all), otherwise failed with the reason.
    2. A queued report whose job could not be sent (the broker was down) is sent after
       RESEND_AFTER; any queued report is sent again after LOST_AFTER (the broker lost it).
       Generating is claimed with a conditional update, so a report sent twice renders once.
    3. Every unfinished batch is counted again from its reports, and finished when complete.
    Returns how many were sent again and how many ended.
    """
    now = timezone.now()
    reports = Report.objects.filter(trust=trust)
    stale = reports.filter(
        status=ReportStatus.GENERATING, claimed_at__lt=now - _generate_deadline()
    )
    ended = stale.filter(attempts__gt=tasks.MAX_RETRIES).update(
        status=ReportStatus.FAILED, error=INTERRUPTED_FINAL
    )
    stale.update(status=ReportStatus.QUEUED, claimed_at=now, error=WAITING_FOR_WORKER)
    queued = reports.filter(status=ReportStatus.QUEUED).annotate(
        since=Coalesce("claimed_at", "created_at")
    )
    due = queued.filter(
        Q(error=WAITING_FOR_WORKER, since__lt=now - RESEND_AFTER) | Q(since__lt=now - LOST_AFTER)
    )
    ids = list(due.values_list("pk", flat=True))
    resent = 0
    if ids:
        Report.objects.filter(pk__in=ids).update(claimed_at=now)
        resent = len(ids) if report_send(trust_id=trust.pk, report_ids=ids) else 0
    for batch_id in ReportBatch.objects.filter(trust=trust, finished_at__isnull=True).values_list(
        "pk", flat=True
    ):
        batch_finish_if_complete(batch_id=batch_id)
    return {"resent": resent, "ended": ended}


@transaction.atomic
def batch_start(
    *,
    actor: User | None,
    trust: Trust,
    term_code: str,
    academies: list[Academy],
    include_trust: bool = True,
) -> ReportBatch:
    """One report per academy (plus the board's), generated as a group of tasks after commit."""
    batch = ReportBatch.objects.create(
        trust=trust,
        term_code=term_code,
        status=ReportStatus.GENERATING,
        total=len(academies) + (1 if include_trust else 0),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    reports = [
        report_request(
            actor=actor, trust=trust, term_code=term_code, academy=a, batch=batch, enqueue=False
        )
        for a in academies
    ]
    if include_trust:
        reports.append(
            report_request(
                actor=actor, trust=trust, term_code=term_code, batch=batch, enqueue=False
            )
        )
    audit_record(
        actor=actor,
        action="report_batch.start",
        target=batch,
        changes={"term": term_code, "reports": len(reports)},
    )
    ids = [r.pk for r in reports]
    transaction.on_commit(lambda: report_send(trust_id=trust.pk, report_ids=ids))
    return batch


def report_download_record(*, actor: User | None, report: Report) -> None:
    """Every download is audited: who, which report and version, when."""
    audit_record(
        actor=actor,
        action="report.download",
        target=report,
        changes={"version": report.version, "sha256": report.pdf_sha256},
    )


def _require_trust_manager(membership: Membership, trust: Trust) -> None:
    if membership is None or membership.trust_id != trust.pk or not membership.can("trust.manage"):
        raise PermissionDenied("Only the trust's administrators can change its logo.")


@transaction.atomic
def trust_logo_set(
    *, actor: User | None, membership: Membership, trust: Trust, png: bytes
) -> Trust:
    """Store a new logo (already validated and re-encoded by reporting.logo) for the trust.

    The previous file is kept, not deleted: report snapshots already generated name it, and a
    regenerated version must render exactly as it first did.
    """
    _require_trust_manager(membership, trust)
    previous = trust.logo.name if trust.logo else ""
    # trust_logo_path puts it under trusts/<id>/branding/ with a random part.
    trust.logo.save("logo.png", ContentFile(png), save=False)
    trust.save(update_fields=["logo"])
    audit_record(
        actor=actor,
        action="trust.logo_set",
        target=trust,
        trust_id=trust.pk,
        changes={
            "logo": [previous, trust.logo.name],
            "bytes": len(png),
            "sha256": hashlib.sha256(png).hexdigest(),
        },
    )
    return trust


@transaction.atomic
def trust_logo_remove(*, actor: User | None, membership: Membership, trust: Trust) -> Trust:
    _require_trust_manager(membership, trust)
    previous = trust.logo.name if trust.logo else ""
    if previous:
        trust.logo = ""  # type: ignore[assignment]
        trust.save(update_fields=["logo"])
        audit_record(
            actor=actor,
            action="trust.logo_remove",
            target=trust,
            trust_id=trust.pk,
            changes={"logo": [previous, ""]},
        )
    return trust
