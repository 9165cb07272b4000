"""Retention and erasure of pupil data (UK GDPR).

Storage limitation: each trust keeps pupil-level data for a number of academic years, and a
daily job deletes what is older. Erasure: `pupil_erase` removes one pupil across the trust.

A trust's period is `trust.config["retention_years"]` (whole academic years, counting the
current one), or settings.TRUST_SI_RETENTION_YEARS. Aggregates (placements, heat-map rows,
report snapshots) hold no pupil-level data and are kept as the trust's history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import zipfile
from typing import Any
from zipfile import BadZipFile

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from trust_si.audit.services import audit_record
from trust_si.limits import (
    UPLOAD,
    Deadline,
    LimitExceeded,
    check_archive,
    check_bytes,
    check_cell,
    check_columns,
)
from trust_si.tenancy.models import Trust
from trust_si.terms import AcademicYear

from .kpis.store import kpi_figures_invalidate
from .models import Attendance, Enrolment, Pupil, Result, Term, Upload
from .parsing import pupil_key

logger = logging.getLogger(__name__)


def retention_years(trust: Trust) -> int:
    configured = (trust.config or {}).get("retention_years")
    default: int = getattr(settings, "TRUST_SI_RETENTION_YEARS", 6)
    return max(1, int(configured) if configured else default)


def pupil_data_retention_apply(*, trust: Trust, today: dt.date | None = None) -> dict[str, int]:
    """Delete the trust's pupil-level data older than its retention period; returns counts.

    1. The first academic year kept is the current one minus (retention_years - 1).
    2. For every term before it: its results and attendance, then its uploads (their stored files
       are removed after commit), then the term. Enrolments of those years go too.
    3. Pupils left with no enrolment, result or attendance are deleted (their pseudonymous key
       goes with them).
    4. One audit row records what was deleted, in counts (never keys).
    """
    today = today or timezone.localdate()
    first_kept = AcademicYear.for_date(today).start - (retention_years(trust) - 1)
    old_years = sorted(
        {
            y
            for y in Term.objects.filter(trust=trust).values_list("academic_year", flat=True)
            if AcademicYear.parse(y).start < first_kept
        }
        | {
            y
            for y in Enrolment.objects.filter(trust=trust)
            .values_list("academic_year", flat=True)
            .distinct()
            if AcademicYear.parse(y).start < first_kept
        }
    )
    counts = {"results": 0, "attendance": 0, "uploads": 0, "enrolments": 0, "pupils": 0}
    if not old_years:
        return counts
    with transaction.atomic():
        terms = Term.objects.filter(trust=trust, academic_year__in=old_years)
        counts["results"] = Result.objects.filter(trust=trust, term__in=terms).delete()[0]
        counts["attendance"] = Attendance.objects.filter(trust=trust, term__in=terms).delete()[0]
        uploads = Upload.objects.filter(trust=trust, term__in=terms)
        files = [(u.file.storage, u.file.name) for u in uploads if u.file.name]
        counts["uploads"] = uploads.delete()[0]
        terms.delete()
        counts["enrolments"] = Enrolment.objects.filter(
            trust=trust, academic_year__in=old_years
        ).delete()[0]
        counts["pupils"] = (
            Pupil.objects.filter(trust=trust)
            .filter(enrolments__isnull=True, results__isnull=True, attendance__isnull=True)
            .delete()[0]
        )
        kpi_figures_invalidate(trust_id=trust.pk)
        audit_record(
            actor=None,
            action="pupil_data.retention",
            changes={"years": old_years, "first_kept": AcademicYear(first_kept).code, **counts},
        )

        def remove_files() -> None:
            for storage, name in files:
                try:
                    storage.delete(name)
                except OSError:
                    logger.warning("Could not remove a stored upload past retention.")

        transaction.on_commit(remove_files)
    return counts


def _redact_xlsx(data: bytes, needle: str) -> bytes | None:
    """The workbook without the rows naming the UPN (on every sheet); None if none did.

    Read as the upload check reads, within `trust_si.limits.UPLOAD` (bytes, uncompressed
    bytes and ratio before anything is inflated; then row by row in read-only mode with the
    declared dimension thrown away, each row's width and cells and the rows and seconds
    bounded), and written row by row to a new workbook: a stored file that was refused (a zip
    bomb, a sheet declaring the whole grid) costs no more here than at its check, and raises
    LimitExceeded instead. The new workbook holds the values and formulas, not the styles,
    and no blank rows; its shared strings are written afresh from the cells that remain, so
    the UPN is gone from the file, not only from the sheet."""
    check_bytes(len(data), UPLOAD)
    check_archive(zipfile.ZipFile(io.BytesIO(data)), UPLOAD)
    source = load_workbook(io.BytesIO(data), read_only=True)
    target = Workbook(write_only=True)
    deadline = Deadline(UPLOAD)
    removed = kept = 0
    try:
        for sheet in source.worksheets:
            sheet.reset_dimensions()  # type: ignore[union-attr]
            out = target.create_sheet(sheet.title)
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number % 1000 == 0:
                    deadline.check()
                check_columns(len(row), UPLOAD)
                texts = ["" if v is None else str(v) for v in row]
                if not any(texts):
                    continue
                for column, text in enumerate(texts, start=1):
                    check_cell(text, number, column, UPLOAD)
                if any(needle in text.upper() for text in texts):
                    removed += 1
                    continue
                kept += 1
                if kept > UPLOAD.max_rows:
                    raise LimitExceeded(f"more than {UPLOAD.max_rows:,} rows")
                out.append(row)
        deadline.check()
    except BaseException:
        for sheet in target.worksheets:  # end each half-written sheet and its temporary file
            sheet.close()  # type: ignore[union-attr]
        raise
    finally:
        source.close()
    if not removed:
        return None
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def _redact(upload: Upload, upn: str) -> bool:
    """Rewrite a stored CSV or workbook without the lines / rows naming the UPN; False for a
    file it cannot read (a damaged workbook), which the caller reports."""
    name = upload.original_name.lower()
    if not upload.file.name or not name.endswith((".csv", ".txt", ".xlsx")):
        return False
    with upload.file.open("rb") as fh:
        data = fh.read()
    needle = upn.strip().upper()
    if name.endswith(".xlsx"):
        try:
            redacted = _redact_xlsx(data, needle)
        # Not a workbook openpyxl can read, or one past its bounds (LimitExceeded is a
        # ValueError): left for the operator, counted in files_not_redacted.
        except (BadZipFile, KeyError, ValueError, OSError):
            return False
        if redacted is None:
            return True
        content = redacted
    else:
        lines = data.decode("utf-8-sig", errors="replace").splitlines(keepends=True)
        kept = [line for line in lines if needle not in line.upper()]
        if len(kept) == len(lines):
            return True
        content = "".join(kept).encode()
    with upload.file.storage.open(upload.file.name, "wb") as fh:
        fh.write(content)
    Upload.objects.filter(pk=upload.pk).update(
        size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
    return True


@transaction.atomic
def pupil_erase(*, actor: Any, trust: Trust, upn: str) -> dict[str, int]:
    """Erase one pupil across the trust (a UK GDPR erasure request); returns counts.

    1. The pupil is found by its pseudonymous key (the UPN is never stored).
    2. Its enrolments, results and attendance go with it (cascade), in every academy.
    3. Every stored CSV and .xlsx workbook of the trust's uploads is rewritten without the lines
       or rows that name it, so a restore or re-check cannot bring it back; a file that cannot be
       read as either is counted in `files_not_redacted` for the operator to delete or replace.
    4. One audit row records the counts (never the key or the UPN).
    """
    key = pupil_key(upn, trust.pseudonym_secret)
    pupil = Pupil.objects.filter(trust=trust, key=key).first()
    counts = {"rows": 0, "files_redacted": 0, "files_not_redacted": 0}
    if pupil is not None:
        counts["rows"] = pupil.delete()[0]
    for upload in Upload.objects.filter(trust=trust):
        if upload.file.name and _redact(upload, upn):
            counts["files_redacted"] += 1
        elif upload.file.name:
            counts["files_not_redacted"] += 1
    if pupil is not None:
        kpi_figures_invalidate(trust_id=trust.pk)
    audit_record(actor=actor, action="pupil.erase", changes=counts)
    return counts
