"""Writes for pupil data: receive an upload, check it, confirm it, save it, restore.

Nothing reaches results until a person confirms. Confirming only queues the save; a worker
(`upload_commit`) re-checks the stored file and replaces the academy's slice (academy, term,
kind) in one transaction, safe to run twice or after an interrupted run. Restoring saves the
previous upload's stored file again through the same commit. The same data twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from itertools import batched
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from academies.models import Academy
from assessment.kpis.store import kpi_figures_invalidate
from trust_si.audit.services import audit_record
from trust_si.tenancy.models import Trust
from trust_si.tenancy.tasks import job_send
from trust_si.terms import TermCode

from . import (
    signals,
    tasks,  # module reference: the tasks call back into these services
)
from .frameworks.checks import judgement_problems
from .kinds import EMPTY_ALLOWED, KINDS
from .models import (
    ColumnMapping,
    Enrolment,
    Term,
    Upload,
    UploadStatus,
)
from .parsing import (
    FIELDS,
    Checked,
    Problem,
    UploadRejected,
    check_rows,
    match_headers,
    read_table,
    rows_checksum,
)
from .selectors import slice_uploads, upload_previous_version
from .slices import KEY_BATCH, frame_of, slice_lock, slice_replace

if TYPE_CHECKING:
    from trust_si.accounts.models import User


logger = logging.getLogger(__name__)
PREVIEW_ROWS = 20


def term_get_or_create(*, trust: Trust, code: str | TermCode) -> Term:
    """'2025-26-summer' -> the trust's Term row (TermError, a ValueError, for a malformed code)."""
    term_code = code if isinstance(code, TermCode) else TermCode.parse(code)
    term, _ = Term.objects.get_or_create(
        trust=trust, academic_year=term_code.academic_year, season=term_code.season.code
    )
    return term


class UploadStoreError(Exception):
    """The server could not store the file (disk full, folder unwritable). For the user."""


STORE_FAILED = (
    "The file could not be stored: the server's storage is full or unavailable. Nothing was "
    "saved. Try again later, or tell your trust's administrator."
)
WAITING_FOR_WORKER = "Waiting for the worker: the check starts as soon as it is available."


def _file_remove(upload: Upload) -> None:
    if upload.file.name:
        try:
            if upload.file.storage.exists(upload.file.name):
                upload.file.storage.delete(upload.file.name)
        except OSError:
            logger.warning("Could not remove the stored file of a failed upload.")


def upload_create(
    *, actor: User | None, academy: Academy, term: Term, kind: str, name: str, content: bytes
) -> Upload:
    """Store the file under the trust's folder and queue its check after commit.

    The file is written inside the row's transaction and removed when that transaction fails,
    so a failed upload leaves neither a row nor a partial file. A full or unwritable disk is
    UploadStoreError, in words. When the broker is down the upload is received all the same and
    says it is waiting for the worker; the sweeper (`upload_sweep`) sends its check later.
    """
    upload = Upload(
        trust_id=academy.trust_id,
        academy=academy,
        term=term,
        kind=kind,
        original_name=name[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    # The stored name is chosen before writing: a write that fails half way (disk full) leaves
    # a partial file under this name, which the handlers below remove. upload_to puts a random
    # prefix in the name, so it is this upload's own.
    storage = upload.file.storage
    stored = storage.get_available_name(
        upload.file.field.generate_filename(upload, name[-100:]),
        max_length=upload.file.field.max_length,
    )
    try:
        with transaction.atomic():
            try:
                upload.file.name = storage.save(stored, ContentFile(content))
            except BaseException:
                upload.file.name = stored
                raise
            upload.save()
            audit_record(
                actor=actor,
                action="upload.create",
                target=upload,
                changes={
                    "kind": kind,
                    "term": term.code,
                    "academy": academy.urn,
                    "size": len(content),
                },
            )
    except OSError as exc:
        _file_remove(upload)
        logger.warning("Storing an upload failed: %s", exc.__class__.__name__)
        raise UploadStoreError(STORE_FAILED) from exc
    except BaseException:
        _file_remove(upload)
        raise
    _validate_send(upload)
    return upload


def _validate_send(upload: Upload) -> None:
    """Send the check after commit; when the broker is down, say so on the row."""
    trust_id, upload_id = upload.trust_id, upload.pk

    def send() -> None:
        if not job_send(
            tasks.upload_validate_task, kwargs={"trust_id": trust_id, "upload_id": upload_id}
        ):
            Upload.objects.filter(pk=upload_id, status=UploadStatus.RECEIVED).update(
                message=WAITING_FOR_WORKER
            )

    transaction.on_commit(send)


def _progress(upload: Upload, value: int, status: str | None = None) -> None:
    fields: dict[str, Any] = {"progress": value}
    if status:
        fields["status"] = status
    Upload.objects.filter(pk=upload.pk).update(**fields)


def _checked(upload: Upload) -> tuple[Checked, dict[str, int], list[str], list[str]]:
    """Read and check the stored file: (rows and problems, column indexes, missing, headers)."""
    with upload.file.open("rb") as fh:
        table = read_table(fh.read(), upload.original_name)
    remembered = ColumnMapping.objects.filter(academy=upload.academy, kind=upload.kind).first()
    mapping = {**(remembered.mapping if remembered else {}), **upload.mapping}
    columns, missing = match_headers(table.headers, KINDS[upload.kind], mapping)
    if missing:
        return Checked(), columns, missing, table.headers
    checked = check_rows(upload.kind, table, columns, upload.academy.trust.pseudonym_secret)
    return checked, columns, [], table.headers


def _other_academy_problems(upload: Upload, checked: Checked) -> None:
    """A pupil enrolled at another academy of the trust in the same year is an error."""
    frame = checked.frame
    if upload.kind != "pupils" or frame.empty:
        return
    clash: set[str] = set()
    for keys in batched(pd.unique(frame["pupil_key"]).tolist(), KEY_BATCH, strict=False):
        clash.update(
            Enrolment.objects.filter(
                trust_id=upload.trust_id,
                pupil__key__in=keys,
                academic_year=upload.term.academic_year,
            )
            .exclude(academy=upload.academy)
            .values_list("pupil__key", flat=True)
        )
    if not clash:
        return
    clashing = frame["pupil_key"].isin(clash).to_numpy()
    checked.problems.extend(
        Problem(
            row,
            "upn",
            "(hidden)",
            "This pupil is enrolled at another academy of the trust this year.",
        )
        for row in frame["row"][clashing].tolist()
    )
    checked.problems.sort(key=lambda p: p.row)
    checked.frame = frame[~clashing].reset_index(drop=True)


def _exclusion_problems(upload: Upload, checked: Checked) -> None:
    """A suspension or permanent exclusion belongs to the term it began in (DfE's school census
    counts it there): a day outside the upload's term is an error, row by row (issue 13)."""
    frame = checked.frame
    if frame.empty:
        return
    term = upload.term.term_code
    first, last = term.bounds
    days = pd.to_datetime(frame["date"].astype(str)).dt.date
    outside = ~days.map(term.contains).to_numpy(dtype=bool)
    if not outside.any():
        return
    checked.problems.extend(
        Problem(
            row,
            "date",
            day.strftime("%d/%m/%Y"),
            f"Not in {term.label} ({first:%d/%m/%Y} to {last:%d/%m/%Y}): upload it with the "
            "term it began in.",
        )
        for row, day in zip(frame["row"][outside].tolist(), days[outside].tolist(), strict=True)
    )
    checked.problems.sort(key=lambda p: p.row)
    checked.frame = frame[~outside].reset_index(drop=True)


# Kinds whose rows count only for pupils on the academy's roll for the term's year.
ON_ROLL_KINDS = ("results", "attendance", "exclusions")
NOT_ON_ROLL_SHOWN = 200


def _not_on_roll(upload: Upload, checked: Checked) -> tuple[dict[str, Any], str]:
    """Rows for pupils not in the academy's pupils of the term's year (issue 13): every figure
    counts a pupil where their enrolment puts them, so such a row would count nowhere. They are
    reported before confirm, row by row (not an error: the pupils file may come later), and the
    report stays on the upload after it is confirmed, so no confirmed row is dropped unsaid."""
    frame = checked.frame
    if upload.kind not in ON_ROLL_KINDS or frame.empty:
        return {}, ""
    year = upload.term.academic_year
    on_roll: set[str] = set()
    for keys in batched(pd.unique(frame["pupil_key"]).tolist(), KEY_BATCH, strict=False):
        on_roll.update(
            Enrolment.objects.filter(
                trust_id=upload.trust_id,
                academy=upload.academy,
                academic_year=year,
                pupil__key__in=keys,
            ).values_list("pupil__key", flat=True)
        )
    missing = ~frame["pupil_key"].isin(on_roll).to_numpy()
    if not missing.any():
        return {}, ""
    reason = (
        f"Not in this academy's pupils for {year}: this row will not count in any figure "
        f"until the academy's pupils file for {year} lists the pupil."
    )
    rows = frame["row"][missing].tolist()
    listed = [
        {"row": row, "column": "upn", "value": "(hidden)", "message": reason}
        for row in rows[:NOT_ON_ROLL_SHOWN]
    ]
    words = (
        f"{len(rows)} row(s) are for pupils not in this academy's pupils for {year}: they will "
        "not count in any figure (listed below)."
    )
    return {"not_on_roll": len(rows), "not_on_roll_rows": listed}, words


def content_hash(kind: str, rows: pd.DataFrame | list[dict[str, Any]]) -> str:
    """Checksum of the clean rows of an upload, whatever their order."""
    return rows_checksum(frame_of(kind, rows), FIELDS[kind])


def _outcome(
    upload: Upload, checked: Checked, missing: list[str], headers: list[str]
) -> dict[str, Any]:
    """What a check found, as the upload's fields: valid, or invalid with every problem."""
    if missing:
        errors = [
            {
                "row": 1,
                "column": name,
                "value": "",
                "message": "This column is missing: map one of your columns to it.",
            }
            for name in missing
        ]
        return {
            "status": UploadStatus.INVALID,
            "errors": errors,
            "counts": {"rows": 0, "valid": 0, "problems": len(errors), "headers": headers},
            "message": "Some template columns were not found. Choose which of your columns they are.",
        }
    _other_academy_problems(upload, checked)
    if upload.kind == "judgements":
        judgement_problems(upload, checked)
    if upload.kind == "exclusions":
        _exclusion_problems(upload, checked)
    problems = [p.as_dict() for p in checked.problems]
    valid = len(checked.frame)
    rows_total = valid + len({p["row"] for p in problems})
    off_roll, off_roll_words = _not_on_roll(upload, checked)
    status = UploadStatus.INVALID if problems else UploadStatus.VALID
    if not valid and not problems and upload.kind not in EMPTY_ALLOWED:
        status = UploadStatus.INVALID
        problems = [
            {
                "row": 2,
                "column": "",
                "value": "",
                "message": "The file has a header row but no data.",
            }
        ]
    return {
        "status": status,
        "errors": problems,
        "preview": [
            {k: v for k, v in r.items() if k != "pupil_key"} for r in checked.records(PREVIEW_ROWS)
        ],
        "content_hash": content_hash(upload.kind, checked.frame) if not problems else "",
        "counts": {"rows": rows_total, "valid": valid, "problems": len(problems), **off_roll},
        "message": off_roll_words
        if not problems
        else f"{len(problems)} problem(s) to fix. Nothing has been saved.",
    }


def upload_validate(*, upload: Upload) -> Upload:
    """Check the whole file and record counts, a preview and every problem. Writes no results.

    Only a received upload (or one whose check was interrupted) is checked: a check job run
    twice, or late, never reopens an upload that was confirmed or is being saved.
    """
    checkable = (UploadStatus.RECEIVED, UploadStatus.VALIDATING)
    claimed = Upload.objects.filter(pk=upload.pk, status__in=checkable).update(
        status=UploadStatus.VALIDATING, progress=5, claimed_at=timezone.now(), message=""
    )
    if not claimed:
        upload.refresh_from_db()
        return upload
    checking = Upload.objects.filter(pk=upload.pk, status=UploadStatus.VALIDATING)
    try:
        checked, _columns, missing, headers = _checked(upload)
    except UploadRejected as exc:
        checking.update(status=UploadStatus.FAILED, progress=100, message=str(exc), errors=[])
        upload.refresh_from_db()
        return upload
    except Exception:  # the task's soft time limit, or a file no check foresaw: a final state
        logger.exception("The check of upload %s failed; it is refused.", upload.pk)
        checking.update(
            status=UploadStatus.FAILED,
            progress=100,
            message="This file could not be checked. Save it again as .xlsx or .csv, or split it.",
            errors=[],
        )
        upload.refresh_from_db()
        return upload
    _progress(upload, 70)
    checking.update(progress=100, **_outcome(upload, checked, missing, headers))
    upload.refresh_from_db()
    return upload


class UploadStateError(Exception):
    """The upload is not in a state that allows this action. The message is for the user."""


INTERRUPTED = "The save was interrupted; nothing was changed. Confirm again."
# A save waiting or running this long was interrupted (a worker lost with the job in hand): the
# broker gives the job back only after its visibility timeout, so the user is told sooner.
STALLED_AFTER = dt.timedelta(minutes=15)
SAVING = (UploadStatus.COMMIT_QUEUED, UploadStatus.COMMITTING)
# Asking again for a save that is queued, running or done is not an error: nothing happens.
CONFIRMED = (*SAVING, UploadStatus.COMMITTED, UploadStatus.UNCHANGED)


def _commit_enqueue(upload: Upload) -> None:
    """Send the save after commit. A broker that is down leaves it waiting to be saved, which
    the page shows; `upload_sweep` sends it again (the save is safe to run twice)."""
    kwargs = {"trust_id": upload.trust_id, "upload_id": upload.pk}
    transaction.on_commit(lambda: job_send(tasks.upload_commit_task, kwargs=kwargs))


@transaction.atomic
def _confirm_claim(*, actor: User | None, upload: Upload) -> bool:
    """Ready to confirm -> waiting to be saved; False when it was asked for already."""
    claimed = Upload.objects.filter(pk=upload.pk, status=UploadStatus.VALID).update(
        status=UploadStatus.COMMIT_QUEUED,
        confirmed_by=actor,
        claimed_at=timezone.now(),
        progress=0,
        message="The save starts shortly. This page updates when it is done.",
    )
    if not claimed:
        status = Upload.objects.filter(pk=upload.pk).values_list("status", flat=True).first()
        if status in CONFIRMED:
            return False
        label = UploadStatus(status).label if status else "Deleted"
        raise UploadStateError(
            f"Only an upload that is ready to confirm can be confirmed. This one is: {label}."
        )
    audit_record(actor=actor, action="upload.confirm_request", target=upload)
    return True


def upload_confirm(*, actor: User | None, upload: Upload) -> Upload:
    """Ask for a checked upload to be saved: a worker commits it (`upload_commit`).

    The request only claims it (ready to confirm -> waiting to be saved, a conditional update,
    so a second click or a twin request claims nothing) and queues the job after commit; the
    upload's page follows the job. Raises UploadStateError for an upload not ready to confirm.
    """
    with transaction.atomic():
        if _confirm_claim(actor=actor, upload=upload):
            _commit_enqueue(upload)
    upload.refresh_from_db()
    return upload


def upload_confirm_now(*, actor: User | None, upload: Upload) -> Upload:
    """Confirm and save in this process (the demo, the benchmark): the same claim, then the
    same commit the worker runs, with no job queued."""
    _confirm_claim(actor=actor, upload=upload)
    upload_commit(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def upload_commit(*, upload_id: int) -> Upload | None:
    """Save a confirmed upload: the worker's job, safe to run twice, late, or after a killed run.

    1. Claim it: waiting to be saved -> saving (a conditional update, committed at once, so the
       page says "Saving"). A run that finds it saving already goes on: the run before was
       interrupted (its transaction rolled back and its locks went with it) or is still going.
    2. In one transaction: lock the upload's row. A second run waits here for the first, then
       finds the upload saved (or sent back) and does nothing: every row is written once.
    3. `_commit_locked` re-checks the file and replaces the slice, in the same transaction.
    4. Any error rolls that transaction back, so nothing changed: the upload goes back to ready
       to confirm, with the reason. Only when even that fails (the database is gone) does the
       error reach the caller, which retries: the upload is still "saving", so step 1 goes on.
    """
    Upload.objects.filter(pk=upload_id, status=UploadStatus.COMMIT_QUEUED).update(
        status=UploadStatus.COMMITTING,
        claimed_at=timezone.now(),
        progress=10,
        message="This page updates when it is done.",
    )
    try:
        with transaction.atomic():
            upload = Upload.objects.select_for_update().filter(pk=upload_id).first()
            if upload is None or upload.status not in SAVING:
                return upload  # saved already, or sent back to the user: nothing to do
            return _commit_locked(upload)
    except Exception as exc:
        logger.exception("The save of upload %s failed; it is sent back to the user.", upload_id)
        reason = (
            "Some rows clash with data saved for another academy (the same pupil's result or "
            "enrolment there); nothing was changed. Correct the file, or confirm again."
            if isinstance(exc, IntegrityError)
            else INTERRUPTED
        )
        Upload.objects.filter(pk=upload_id, status__in=SAVING).update(
            status=UploadStatus.VALID, progress=100, message=reason
        )
    return Upload.objects.filter(pk=upload_id).first()


def _commit_locked(upload: Upload) -> Upload:
    """Inside the transaction that holds the upload's row: re-check, then replace the slice.

    1. Hold the slice's lock: commits of the same slice run one after the other.
    2. Re-read the stored file (the source of truth) and re-check it; if it no longer passes
       (a pupil since enrolled at another academy, a changed column mapping), the upload has
       problems again, with the reason, and nothing is written.
    3. If its rows equal the slice's current upload, it is unchanged: nothing is written.
    4. Otherwise replace the slice, mark the current upload superseded and this one committed,
       audit, and announce the change (phases recomputes on commit).
    """
    slice_lock(upload)
    try:
        checked, _columns, missing, headers = _checked(upload)
    except (UploadRejected, OSError) as exc:  # the stored file is gone or no longer readable
        reason = str(exc) if isinstance(exc, UploadRejected) else "The stored file is missing."
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.FAILED,
            progress=100,
            message=f"{reason} Nothing has been saved: upload the file again."[:300],
        )
        upload.refresh_from_db()
        return upload
    outcome = _outcome(upload, checked, missing, headers)
    if outcome["status"] != UploadStatus.VALID:
        outcome["message"] = (
            "It no longer passes the checks (the data it is checked against changed since): "
            f"nothing has been saved. {outcome['message']}"
        )[:300]
        Upload.objects.filter(pk=upload.pk).update(progress=100, **outcome)
        audit_record(actor=upload.confirmed_by, action="upload.commit_refused", target=upload)
        upload.refresh_from_db()
        return upload
    rows = checked.frame
    restoring = upload.confirmed_at is not None  # it was current before: a restore
    current = (
        slice_uploads(upload)
        .filter(status=UploadStatus.COMMITTED)
        .select_for_update(of=("self",))
        .first()
    )
    if current is not None and current.content_hash == outcome["content_hash"]:
        upload.status = UploadStatus.UNCHANGED
        upload.progress = 100
        upload.message = "Identical to the data already confirmed: nothing changed."
        upload.save(update_fields=["status", "progress", "message"])
        audit_record(actor=upload.confirmed_by, action="upload.unchanged", target=upload)
        return upload
    written = slice_replace(upload, rows)
    if current is not None:
        Upload.objects.filter(pk=current.pk).update(status=UploadStatus.SUPERSEDED)
    upload.status = UploadStatus.COMMITTED
    upload.progress = 100
    upload.confirmed_at = timezone.now()
    upload.content_hash = outcome["content_hash"]
    upload.message = (
        f"{written} rows confirmed." if not restoring else f"Restored: {written} rows confirmed."
    )
    # What the commit found, rows for pupils not on the academy's roll among it: the page keeps
    # saying which rows count in no figure after they are confirmed (issue 13).
    upload.counts = outcome["counts"]
    upload.save(
        update_fields=["status", "progress", "confirmed_at", "content_hash", "message", "counts"]
    )
    audit_record(
        actor=upload.confirmed_by,
        action="upload.confirm",
        target=upload,
        changes={
            "rows": written,
            "previous": current.pk if current else None,
            "restore": restoring,
        },
    )
    # Last in the transaction: the stored KPI figures' row stays locked until this commits.
    kpi_figures_invalidate(trust_id=upload.trust_id)
    signals.pupil_data_changed.send(
        sender=Upload,
        trust_id=upload.trust_id,
        academy_id=upload.academy_id,
        reason="restore" if restoring else "upload",
    )
    return upload


@transaction.atomic
def upload_restore(*, actor: User | None, upload: Upload) -> Upload:
    """Make the version before this (current) upload current again; returns that version.

    Its stored file is checked and saved again by the same commit as a confirm (queued here),
    which supersedes this one. Refused for an upload that is not the current one, and for a
    term's first upload: there is no earlier version, and "restoring" would delete the data.
    """
    upload = Upload.objects.select_for_update(of=("self",)).get(pk=upload.pk)
    if upload.status != UploadStatus.COMMITTED:
        raise UploadStateError(
            "Only the current, confirmed upload can be rolled back. This one is: "
            f"{upload.get_status_display()}."
        )
    previous = upload_previous_version(upload)
    if previous is None:
        raise UploadStateError(
            "This is the first confirmed upload of this data for the term: there is no earlier "
            "version to restore. To change the data, upload a corrected file."
        )
    claimed = Upload.objects.filter(pk=previous.pk, status=UploadStatus.SUPERSEDED).update(
        status=UploadStatus.COMMIT_QUEUED,
        confirmed_by=actor,
        claimed_at=timezone.now(),
        progress=0,
        message="Restoring this version. This page updates when it is done.",
    )
    if not claimed:
        raise UploadStateError("The earlier version is already being restored.")
    audit_record(
        actor=actor, action="upload.restore", target=upload, changes={"restoring": previous.pk}
    )
    _commit_enqueue(previous)
    previous.refresh_from_db()
    return previous


def upload_stalled_release(*, trust: Trust) -> int:
    """Send back to the user the saves interrupted long ago; returns how many.

    A save waiting or running for STALLED_AFTER with no run holding its row (a run in progress
    holds it: `skip_locked` passes over it) lost its worker. Nothing was written (its
    transaction rolled back), so it goes back to ready to confirm, with the reason. A late
    redelivery of its job then finds nothing to do.
    """
    cutoff = timezone.now() - STALLED_AFTER
    with transaction.atomic():
        stalled = list(
            Upload.objects.select_for_update(skip_locked=True)
            .filter(trust=trust, status__in=SAVING, claimed_at__lt=cutoff)
            .only("pk")
        )
        for upload in stalled:
            Upload.objects.filter(pk=upload.pk).update(
                status=UploadStatus.VALID, progress=100, message=INTERRUPTED
            )
            audit_record(actor=None, action="upload.release", target=upload)
    return len(stalled)


# How long a job may wait in the broker before the sweeper sends it again (the broker was
# down when it was asked for, or lost it), and the margin past a job's time limit after which
# a job still running was lost with its worker.
RESEND_AFTER = dt.timedelta(minutes=2)
GRACE = dt.timedelta(minutes=2)
CHECK_INTERRUPTED = (
    "The check did not finish (the worker stopped or ran out of time). Nothing has been saved: "
    "upload the file again. If it happens again, split the file or tell your administrator."
)
CHECK_NEVER_STARTED = (
    "The check could not start: the worker was unavailable for too long. Nothing has been "
    "saved: upload the file again."
)


def job_deadline(task_name: str) -> dt.timedelta:
    """A job's time limit (settings.TRUST_SI_TASK_TIME_LIMITS) plus the grace margin."""
    limits = getattr(settings, "TRUST_SI_TASK_TIME_LIMITS", {})
    return dt.timedelta(seconds=limits.get(task_name, 15 * 60)) + GRACE


def upload_sweep(*, trust: Trust) -> dict[str, int]:
    """Make every upload job of the trust end: send again, or end with a reason. Beat, per trust.

    1. A check waiting longer than RESEND_AFTER (the broker was down, or lost it) is sent again;
       one waiting past the check's deadline ends as failed, with the reason.
    2. A check running past its deadline lost its worker: failed, with the reason (it wrote
       nothing but the upload's own row; a late run of it finds nothing to do).
    3. A save waiting longer than RESEND_AFTER is sent again (a save is safe to run twice).
    4. A save interrupted long ago goes back to ready to confirm (`upload_stalled_release`).
    Returns how many of each.
    """
    now = timezone.now()
    check_deadline = now - job_deadline("assessment.tasks.upload_validate_task")
    uploads = Upload.objects.filter(trust=trust)
    waiting = uploads.filter(status=UploadStatus.RECEIVED).annotate(
        since=Coalesce("claimed_at", "created_at")
    )
    never = waiting.filter(since__lt=check_deadline).values_list("pk", flat=True)
    failed = Upload.objects.filter(pk__in=list(never), status=UploadStatus.RECEIVED).update(
        status=UploadStatus.FAILED, progress=100, message=CHECK_NEVER_STARTED
    )
    resent = 0
    for upload_id in waiting.filter(since__lt=now - RESEND_AFTER).values_list("pk", flat=True):
        kwargs = {"trust_id": trust.pk, "upload_id": upload_id}
        resent += job_send(tasks.upload_validate_task, kwargs=kwargs)
    failed += uploads.filter(status=UploadStatus.VALIDATING, claimed_at__lt=check_deadline).update(
        status=UploadStatus.FAILED, progress=100, message=CHECK_INTERRUPTED
    )
    saves = uploads.filter(
        status=UploadStatus.COMMIT_QUEUED,
        claimed_at__lt=now - RESEND_AFTER,
        claimed_at__gte=now - STALLED_AFTER,
    )
    for upload_id in saves.values_list("pk", flat=True):
        kwargs = {"trust_id": trust.pk, "upload_id": upload_id}
        resent += job_send(tasks.upload_commit_task, kwargs=kwargs)
    released = upload_stalled_release(trust=trust)
    if failed:
        logger.warning("Upload sweep ended %s interrupted check(s) with a reason.", failed)
    return {"resent": resent, "failed": failed, "released": released}


MAP_COLUMNS_REFUSED = (
    "Columns can only be matched for a file refused because template columns were missing, "
    "before it is confirmed."
)


def upload_can_map_columns(upload: Upload) -> bool:
    """Only an upload still being received, or refused for missing columns, can be remapped."""
    return upload.status == UploadStatus.RECEIVED or (
        upload.status == UploadStatus.INVALID and bool(upload.counts.get("headers"))
    )


@transaction.atomic
def upload_map_columns(*, actor: User | None, upload: Upload, mapping: dict[str, str]) -> Upload:
    """Save the user's column mapping (remembered for the academy and kind) and check again."""
    upload = Upload.objects.select_for_update(of=("self",)).get(pk=upload.pk)
    if not upload_can_map_columns(upload):
        raise UploadStateError(MAP_COLUMNS_REFUSED)
    upload.mapping = {k: v for k, v in mapping.items() if v}
    upload.status = UploadStatus.RECEIVED
    upload.progress = 0
    upload.claimed_at = timezone.now()  # the sweeper measures a waiting check from here
    upload.save(update_fields=["mapping", "status", "progress", "claimed_at"])
    ColumnMapping.objects.update_or_create(
        trust_id=upload.trust_id,
        academy=upload.academy,
        kind=upload.kind,
        defaults={"mapping": upload.mapping},
    )
    audit_record(actor=actor, action="upload.map_columns", target=upload, changes=upload.mapping)
    _validate_send(upload)
    return upload
