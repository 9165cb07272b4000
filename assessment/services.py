"""Writes for pupil data: receive an upload, check it, confirm it atomically, restore.

Nothing reaches results until a person confirms; the commit is one transaction that replaces
the academy's slice (academy, term, kind) and keeps the slice it replaced, so the previous
version can be restored. The same data twice changes nothing.
"""

from __future__ import annotations

import hashlib
import io
from itertools import batched
from typing import Any

import numpy as np
import pandas as pd
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from academies.models import Academy
from trust_si.audit.services import audit_record
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode

from . import signals
from .kinds import KINDS
from .models import (
    Attendance,
    ColumnMapping,
    Enrolment,
    Pupil,
    Result,
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

PREVIEW_ROWS = 20
COPY_BATCH_ROWS = 100_000  # rows per chunk sent to PostgreSQL's COPY (bounds the memory used)
INSERT_BATCH_ROWS = 20_000  # rows per executemany on other databases
KEY_BATCH = 5_000  # pupil keys per IN (...) lookup: SQLite caps the parameters of one query


def term_get_or_create(*, trust: Trust, code: str | TermCode) -> Term:
    """'2025-26-summer' -> the trust's Term row (TermError, a ValueError, for a malformed code)."""
    term_code = code if isinstance(code, TermCode) else TermCode.parse(code)
    term, _ = Term.objects.get_or_create(
        trust=trust, academic_year=term_code.academic_year, season=term_code.season.code
    )
    return term


@transaction.atomic
def upload_create(
    *, actor: Any, academy: Academy, term: Term, kind: str, name: str, content: bytes
) -> Upload:
    """Store the file under the trust's folder and queue its check after commit."""
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
    upload.file.save(name[-100:], ContentFile(content), save=False)
    upload.save()
    audit_record(
        actor=actor,
        action="upload.create",
        target=upload,
        changes={"kind": kind, "term": term.code, "academy": academy.urn, "size": len(content)},
    )
    from .tasks import upload_validate_task

    transaction.on_commit(
        lambda: upload_validate_task.delay(trust_id=academy.trust_id, upload_id=upload.pk)
    )
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


def content_hash(kind: str, rows: pd.DataFrame | list[dict[str, Any]]) -> str:
    """Checksum of the clean rows of an upload, whatever their order."""
    return rows_checksum(_frame(kind, rows), FIELDS[kind])


def _frame(kind: str, rows: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=FIELDS[kind])


def upload_validate(*, upload: Upload) -> Upload:
    """Check the whole file and record counts, a preview and every problem. Writes no results."""
    _progress(upload, 5, UploadStatus.VALIDATING)
    try:
        checked, _columns, missing, headers = _checked(upload)
    except UploadRejected as exc:
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.FAILED, progress=100, message=str(exc), errors=[]
        )
        upload.refresh_from_db()
        return upload
    _progress(upload, 70)
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
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.INVALID,
            progress=100,
            errors=errors,
            counts={"rows": 0, "valid": 0, "problems": len(errors), "headers": headers},
            message="Some template columns were not found. Choose which of your columns they are.",
        )
        upload.refresh_from_db()
        return upload
    _other_academy_problems(upload, checked)
    problems = [p.as_dict() for p in checked.problems]
    valid = len(checked.frame)
    rows_total = valid + len({p["row"] for p in problems})
    preview = [
        {k: v for k, v in r.items() if k != "pupil_key"} for r in checked.records(PREVIEW_ROWS)
    ]
    status = UploadStatus.INVALID if problems else UploadStatus.VALID
    if not valid and not problems:
        status = UploadStatus.INVALID
        problems = [
            {
                "row": 2,
                "column": "",
                "value": "",
                "message": "The file has a header row but no data.",
            }
        ]
    Upload.objects.filter(pk=upload.pk).update(
        status=status,
        progress=100,
        errors=problems,
        preview=preview,
        content_hash=content_hash(upload.kind, checked.frame) if not problems else "",
        counts={"rows": rows_total, "valid": valid, "problems": len(problems)},
        message=""
        if not problems
        else f"{len(problems)} problem(s) to fix. Nothing has been saved.",
    )
    upload.refresh_from_db()
    return upload


def _slice(upload: Upload) -> Any:
    if upload.kind == "pupils":
        return Enrolment.objects.filter(
            academy=upload.academy, academic_year=upload.term.academic_year
        )
    model = Result if upload.kind == "results" else Attendance
    return model.objects.filter(academy=upload.academy, term=upload.term)


def _serialise(upload: Upload) -> list[dict[str, Any]]:
    """The slice as plain rows (what _write_slice takes), kept so it can be restored."""
    fields = FIELDS[upload.kind]
    rows = _slice(upload).values_list("pupil__key", *fields[1:])
    return [dict(zip(fields, row, strict=True)) for row in rows.iterator(chunk_size=KEY_BATCH)]


def _pupil_ids(trust_id: int, keys: list[str]) -> dict[str, int]:
    """Pupil key -> id, creating the pupils seen for the first time."""

    def lookup(wanted: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in batched(wanted, KEY_BATCH, strict=False):
            found.update(
                Pupil.objects.filter(trust_id=trust_id, key__in=chunk).values_list("key", "pk")
            )
        return found

    ids = lookup(keys)
    new = [k for k in keys if k not in ids]
    if new:
        # ignore_conflicts: a concurrent upload of another academy may create the same pupil.
        Pupil.objects.bulk_create(
            [Pupil(trust_id=trust_id, key=k) for k in new], batch_size=2000, ignore_conflicts=True
        )
        ids.update(lookup(new))
    return ids


def _write_slice(upload: Upload, rows: pd.DataFrame | list[dict[str, Any]]) -> None:
    """Replace the slice with these rows: delete, then insert them in bulk (one transaction).

    Rows go in as columns, never as one model object each: PostgreSQL gets them through COPY,
    other databases through executemany.
    """
    frame = _frame(upload.kind, rows)
    ids = _pupil_ids(upload.trust_id, pd.unique(frame["pupil_key"]).tolist())
    _slice(upload).delete()
    if frame.empty:
        return
    values: dict[str, Any] = {
        "trust_id": upload.trust_id,
        "academy_id": upload.academy_id,
        "upload_id": upload.pk,
        "pupil_id": frame["pupil_key"].map(ids).to_numpy(dtype=np.int64),
    }
    model: type[models.Model]
    if upload.kind == "pupils":
        model = Enrolment
        values["academic_year"] = upload.term.academic_year
    else:
        model = Result if upload.kind == "results" else Attendance
        values["term_id"] = upload.term_id
    for name in FIELDS[upload.kind][1:]:
        values[name] = frame[name]
    _insert(model, len(frame), values)


def _insert(model: type[models.Model], count: int, values: dict[str, Any]) -> None:
    """Insert count rows; each value is one column (a sequence) or the same for every row."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = list(values)
    column_of = {f.attname: f.column or f.attname for f in model._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[n]) for n in names)

    def column(name: str, start: int, stop: int) -> list[Any]:
        value = values[name]
        if not isinstance(value, (pd.Series, np.ndarray)):
            return [value] * (stop - start)
        part = (
            value.iloc[start:stop] if isinstance(value, pd.Series) else pd.Series(value[start:stop])
        )
        if part.dtype.kind == "f":  # NaN means "no number": NULL
            return [None if v != v else v for v in part.tolist()]
        return part.tolist()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            import pyarrow as pa
            import pyarrow.csv as pacsv

            options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for start in range(0, count, COPY_BATCH_ROWS):
                    stop = min(start + COPY_BATCH_ROWS, count)
                    batch = pa.table({n: _arrow(values[n], start, stop) for n in names})
                    sink = io.BytesIO()
                    pacsv.write_csv(batch, sink, options)
                    copy.write(sink.getvalue())
            return
        # Names come from the model's meta, quoted; every value is a bound parameter.
        insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        for start in range(0, count, INSERT_BATCH_ROWS):
            stop = min(start + INSERT_BATCH_ROWS, count)
            cursor.executemany(
                insert, list(zip(*(column(n, start, stop) for n in names), strict=True))
            )


def _arrow(value: Any, start: int, stop: int) -> Any:
    """One column of rows start..stop for pyarrow; a category column is written as its text."""
    import pyarrow as pa

    if isinstance(value, pd.Series):
        array = pa.array(value.iloc[start:stop], from_pandas=True)
        return array.dictionary_decode() if pa.types.is_dictionary(array.type) else array
    if isinstance(value, np.ndarray):
        return pa.array(value[start:stop])
    return pa.array([value] * (stop - start))


def _current(upload: Upload) -> Upload | None:
    return (
        Upload.objects.filter(
            academy=upload.academy,
            term=upload.term,
            kind=upload.kind,
            status=UploadStatus.COMMITTED,
        )
        .exclude(pk=upload.pk)
        .first()
    )


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
        status=UploadStatus.COMMITTING
    )
    if not claimed:
        upload.refresh_from_db()
        return upload
    try:
        with transaction.atomic():
            upload = Upload.objects.select_for_update().get(pk=upload.pk)
            checked, _, missing, _ = _checked(upload)
            _other_academy_problems(upload, checked)
            rows = checked.frame
            if missing or checked.problems:
                raise UploadRejected("The file changed since it was checked.")
            current = (
                Upload.objects.select_for_update()
                .filter(
                    academy=upload.academy,
                    term=upload.term,
                    kind=upload.kind,
                    status=UploadStatus.COMMITTED,
                )
                .first()
            )
            if current is not None and current.content_hash == content_hash(upload.kind, rows):
                upload.status = UploadStatus.UNCHANGED
                upload.message = "Identical to the data already confirmed: nothing changed."
                upload.save(update_fields=["status", "message"])
                audit_record(actor=actor, action="upload.unchanged", target=upload)
                return upload
            upload.replaced = _serialise(upload)
            _write_slice(upload, rows)
            if current is not None:
                Upload.objects.filter(pk=current.pk).update(status=UploadStatus.SUPERSEDED)
            upload.status = UploadStatus.COMMITTED
            upload.confirmed_by = actor
            upload.confirmed_at = timezone.now()
            upload.message = f"{len(rows)} rows confirmed."
            upload.save()
            audit_record(
                actor=actor,
                action="upload.confirm",
                target=upload,
                changes={
                    "rows": len(rows),
                    "replaced": len(upload.replaced),
                    "previous": current.pk if current else None,
                },
            )
            signals.pupil_data_changed.send(
                sender=Upload,
                trust_id=upload.trust_id,
                academy_id=upload.academy_id,
                reason="upload",
            )
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
    previous = (
        Upload.objects.filter(
            Q(status=UploadStatus.SUPERSEDED),
            academy=upload.academy,
            term=upload.term,
            kind=upload.kind,
            confirmed_at__isnull=False,
        )
        .exclude(pk=upload.pk)
        .order_by("-confirmed_at")
        .first()
    )
    upload.status = UploadStatus.SUPERSEDED
    upload.message = "Rolled back: the previous version is current again."
    upload.save(update_fields=["status", "message"])
    if previous is not None:
        Upload.objects.filter(pk=previous.pk).update(status=UploadStatus.COMMITTED)
    audit_record(
        actor=actor,
        action="upload.restore",
        target=upload,
        changes={
            "restored_rows": len(upload.replaced),
            "current": previous.pk if previous else None,
        },
    )
    signals.pupil_data_changed.send(
        sender=Upload, trust_id=upload.trust_id, academy_id=upload.academy_id, reason="restore"
    )
    return upload


@transaction.atomic
def upload_map_columns(*, actor: Any, upload: Upload, mapping: dict[str, str]) -> Upload:
    """Save the user's column mapping (remembered for the academy and kind) and check again."""
    upload.mapping = {k: v for k, v in mapping.items() if v}
    upload.status = UploadStatus.RECEIVED
    upload.progress = 0
    upload.save(update_fields=["mapping", "status", "progress"])
    ColumnMapping.objects.update_or_create(
        trust_id=upload.trust_id,
        academy=upload.academy,
        kind=upload.kind,
        defaults={"mapping": upload.mapping},
    )
    audit_record(actor=actor, action="upload.map_columns", target=upload, changes=upload.mapping)
    from .tasks import upload_validate_task

    transaction.on_commit(
        lambda: upload_validate_task.delay(trust_id=upload.trust_id, upload_id=upload.pk)
    )
    return upload
