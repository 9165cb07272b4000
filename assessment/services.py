"""Writes for pupil data: receive an upload, check it, confirm it atomically, restore.

Nothing reaches results until a person confirms; the commit is one transaction that replaces
the academy's slice (academy, term, kind) and keeps the slice it replaced, so the previous
version can be restored. The same data twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from academies.models import Academy
from phases.recompute import recompute_request
from trust_si.audit.services import audit_record
from trust_si.tenancy.models import Trust

from .kinds import KINDS
from .models import (
    Attendance,
    ColumnMapping,
    Enrolment,
    Pupil,
    Result,
    Season,
    Term,
    Upload,
    UploadStatus,
)
from .parsing import Checked, UploadRejected, check_rows, match_headers, read_table

PREVIEW_ROWS = 20


def term_get_or_create(*, trust: Trust, code: str) -> Term:
    """'2025-26-summer' -> the trust's Term row (ValueError for a malformed code)."""
    year, _, season = code.rpartition("-")
    if season not in Season.values or len(year) != 7 or year[4] != "-":
        raise ValueError(f"{code!r} is not a term like 2025-26-summer.")
    start = int(year[:4])
    if int(year[5:]) != (start + 1) % 100:
        raise ValueError(f"{code!r} is not a term like 2025-26-summer.")
    term, _ = Term.objects.get_or_create(trust=trust, academic_year=year, season=season)
    return term


@transaction.atomic
def upload_create(*, actor: Any, academy: Academy, term: Term, kind: str, name: str,
                  content: bytes) -> Upload:
    """Store the file under the trust's folder and queue its check after commit."""
    upload = Upload(trust_id=academy.trust_id, academy=academy, term=term, kind=kind,
                    original_name=name[:255], size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor)
    upload.file.save(name[-100:], ContentFile(content), save=False)
    upload.save()
    audit_record(actor=actor, action="upload.create", target=upload,
                 changes={"kind": kind, "term": term.code, "academy": academy.urn, "size": len(content)})
    from .tasks import upload_validate_task

    transaction.on_commit(lambda: upload_validate_task.delay(trust_id=academy.trust_id, upload_id=upload.pk))
    return upload


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
    if upload.kind != "pupils" or not checked.rows:
        return
    keys = {r["pupil_key"] for r in checked.rows}
    clash = set(Enrolment.objects.filter(
        pupil__key__in=keys, academic_year=upload.term.academic_year).exclude(
        academy=upload.academy).values_list("pupil__key", flat=True))
    if not clash:
        return
    from .parsing import Problem

    kept = []
    for number, row in enumerate(checked.rows, start=2):
        if row["pupil_key"] in clash:
            checked.problems.append(Problem(number, "upn", "(hidden)",
                                            "This pupil is enrolled at another academy of the trust this year."))
        else:
            kept.append(row)
    checked.rows = kept


def content_hash(rows: list[dict[str, Any]]) -> str:
    lines = sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def upload_validate(*, upload: Upload) -> Upload:
    """Check the whole file and record counts, a preview and every problem. Writes no results."""
    _progress(upload, 5, UploadStatus.VALIDATING)
    try:
        checked, _columns, missing, headers = _checked(upload)
    except UploadRejected as exc:
        Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.FAILED, progress=100,
                                                   message=str(exc), errors=[])
        upload.refresh_from_db()
        return upload
    _progress(upload, 70)
    if missing:
        errors = [{"row": 1, "column": name, "value": "", "message":
                   "This column is missing: map one of your columns to it."} for name in missing]
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.INVALID, progress=100, errors=errors,
            counts={"rows": 0, "valid": 0, "problems": len(errors), "headers": headers},
            message="Some template columns were not found. Choose which of your columns they are.")
        upload.refresh_from_db()
        return upload
    _other_academy_problems(upload, checked)
    problems = [p.as_dict() for p in checked.problems]
    rows_total = len(checked.rows) + len({p["row"] for p in problems})
    preview = [{k: v for k, v in r.items() if k != "pupil_key"} for r in checked.rows[:PREVIEW_ROWS]]
    status = UploadStatus.INVALID if problems else UploadStatus.VALID
    if not checked.rows and not problems:
        status = UploadStatus.INVALID
        problems = [{"row": 2, "column": "", "value": "", "message": "The file has a header row but no data."}]
    Upload.objects.filter(pk=upload.pk).update(
        status=status, progress=100, errors=problems, preview=preview,
        content_hash=content_hash(checked.rows) if not problems else "",
        counts={"rows": rows_total, "valid": len(checked.rows), "problems": len(problems)},
        message="" if not problems else f"{len(problems)} problem(s) to fix. Nothing has been saved.")
    upload.refresh_from_db()
    return upload


def _slice(upload: Upload) -> Any:
    if upload.kind == "pupils":
        return Enrolment.objects.filter(academy=upload.academy, academic_year=upload.term.academic_year)
    model = Result if upload.kind == "results" else Attendance
    return model.objects.filter(academy=upload.academy, term=upload.term)


def _serialise(upload: Upload) -> list[dict[str, Any]]:
    rows = _slice(upload).select_related("pupil")
    if upload.kind == "pupils":
        return [{"pupil_key": e.pupil.key, "year_group": e.year_group, "disadvantaged": e.disadvantaged,
                 "send": e.send, "eal": e.eal, "sex": e.sex, "prior_band": e.prior_band} for e in rows]
    if upload.kind == "results":
        return [{"pupil_key": r.pupil.key, "subject": r.subject, "measure": r.measure, "value": r.value,
                 "numeric": r.numeric} for r in rows]
    return [{"pupil_key": a.pupil.key, "sessions_possible": a.sessions_possible,
             "sessions_missed": a.sessions_missed} for a in rows]


def _write_slice(upload: Upload, rows: list[dict[str, Any]]) -> None:
    """Replace the slice with these rows: delete, then bulk insert (one transaction)."""
    keys = {r["pupil_key"] for r in rows}
    existing = dict(Pupil.objects.filter(key__in=keys).values_list("key", "pk"))
    Pupil.objects.bulk_create([Pupil(trust_id=upload.trust_id, key=k) for k in keys - set(existing)],
                              batch_size=2000)
    ids = dict(Pupil.objects.filter(key__in=keys).values_list("key", "pk"))
    _slice(upload).delete()
    base = {"trust_id": upload.trust_id, "academy_id": upload.academy_id, "upload_id": upload.pk}
    if upload.kind == "pupils":
        Enrolment.objects.bulk_create([
            Enrolment(**base, pupil_id=ids[r["pupil_key"]], academic_year=upload.term.academic_year,
                      year_group=r["year_group"], disadvantaged=r["disadvantaged"], send=r["send"],
                      eal=r["eal"], sex=r["sex"], prior_band=r["prior_band"]) for r in rows], batch_size=2000)
    elif upload.kind == "results":
        Result.objects.bulk_create([
            Result(**base, pupil_id=ids[r["pupil_key"]], term_id=upload.term_id, subject=r["subject"],
                   measure=r["measure"], value=r["value"], numeric=r["numeric"]) for r in rows], batch_size=2000)
    else:
        Attendance.objects.bulk_create([
            Attendance(**base, pupil_id=ids[r["pupil_key"]], term_id=upload.term_id,
                       sessions_possible=r["sessions_possible"], sessions_missed=r["sessions_missed"])
            for r in rows], batch_size=2000)


def _current(upload: Upload) -> Upload | None:
    return Upload.objects.filter(academy=upload.academy, term=upload.term, kind=upload.kind,
                                 status=UploadStatus.COMMITTED).exclude(pk=upload.pk).first()


def upload_confirm(*, actor: Any, upload: Upload) -> Upload:
    """Commit a checked upload in one transaction; a second confirm (or a twin) does nothing.

    1. Claim it: valid -> committing with a conditional update; if no row changed, someone
       else confirmed it first, and this call returns without writing.
    2. Re-read the stored file (it is the source of truth) and re-check it.
    3. If its rows equal the slice's current upload, mark it unchanged: nothing is written.
    4. Otherwise keep the current slice in the upload (for restore), replace the slice, and
       mark the previous upload superseded. Request the recompute after commit.
    """
    claimed = Upload.objects.filter(pk=upload.pk, status=UploadStatus.VALID).update(
        status=UploadStatus.COMMITTING)
    if not claimed:
        upload.refresh_from_db()
        return upload
    try:
        with transaction.atomic():
            upload = Upload.objects.select_for_update().get(pk=upload.pk)
            checked, _, missing, _ = _checked(upload)
            _other_academy_problems(upload, checked)
            if missing or checked.problems:
                raise UploadRejected("The file changed since it was checked.")
            current = Upload.objects.select_for_update().filter(
                academy=upload.academy, term=upload.term, kind=upload.kind,
                status=UploadStatus.COMMITTED).first()
            if current is not None and current.content_hash == content_hash(checked.rows):
                upload.status = UploadStatus.UNCHANGED
                upload.message = "Identical to the data already confirmed: nothing changed."
                upload.save(update_fields=["status", "message"])
                audit_record(actor=actor, action="upload.unchanged", target=upload)
                return upload
            upload.replaced = _serialise(upload)
            _write_slice(upload, checked.rows)
            if current is not None:
                Upload.objects.filter(pk=current.pk).update(status=UploadStatus.SUPERSEDED)
            upload.status = UploadStatus.COMMITTED
            upload.confirmed_by = actor
            upload.confirmed_at = timezone.now()
            upload.message = f"{len(checked.rows)} rows confirmed."
            upload.save()
            audit_record(actor=actor, action="upload.confirm", target=upload,
                         changes={"rows": len(checked.rows), "replaced": len(upload.replaced),
                                  "previous": current.pk if current else None})
            recompute_request(trust_id=upload.trust_id, academy_id=upload.academy_id, reason="upload")
    except UploadRejected as exc:
        Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.INVALID, message=str(exc))
    upload.refresh_from_db()
    return upload


@transaction.atomic
def upload_restore(*, actor: Any, upload: Upload) -> Upload:
    """Put back the slice this (current) upload replaced; the upload before it is current again."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.COMMITTED:
        raise ValueError("Only the confirmed, current upload can be rolled back.")
    _write_slice(upload, upload.replaced)
    previous = Upload.objects.filter(
        Q(status=UploadStatus.SUPERSEDED), academy=upload.academy, term=upload.term,
        kind=upload.kind, confirmed_at__isnull=False).exclude(pk=upload.pk).order_by("-confirmed_at").first()
    upload.status = UploadStatus.SUPERSEDED
    upload.message = "Rolled back: the previous version is current again."
    upload.save(update_fields=["status", "message"])
    if previous is not None:
        Upload.objects.filter(pk=previous.pk).update(status=UploadStatus.COMMITTED)
    audit_record(actor=actor, action="upload.restore", target=upload,
                 changes={"restored_rows": len(upload.replaced), "current": previous.pk if previous else None})
    recompute_request(trust_id=upload.trust_id, academy_id=upload.academy_id, reason="restore")
    return upload


@transaction.atomic
def upload_map_columns(*, actor: Any, upload: Upload, mapping: dict[str, str]) -> Upload:
    """Save the user's column mapping (remembered for the academy and kind) and check again."""
    upload.mapping = {k: v for k, v in mapping.items() if v}
    upload.status = UploadStatus.RECEIVED
    upload.progress = 0
    upload.save(update_fields=["mapping", "status", "progress"])
    ColumnMapping.objects.update_or_create(trust_id=upload.trust_id, academy=upload.academy,
                                           kind=upload.kind, defaults={"mapping": upload.mapping})
    audit_record(actor=actor, action="upload.map_columns", target=upload, changes=upload.mapping)
    from .tasks import upload_validate_task

    transaction.on_commit(lambda: upload_validate_task.delay(trust_id=upload.trust_id, upload_id=upload.pk))
    return upload
