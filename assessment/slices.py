"""An academy's slice of pupil data (academy, term, kind) and the one way to replace it.

A slice is what one upload owns: the academy's enrolments of the academic year (pupils), or its
results or attendance of the term. `slice_replace` deletes it and inserts the new rows in bulk,
inside the caller's transaction, after `slice_lock` has made every other commit of the same slice
wait: two commits of one slice never interleave their delete and insert.

Rows go in as columns, never as one model object each: PostgreSQL gets them through COPY, other
databases through executemany.
"""

from __future__ import annotations

import hashlib
import io
from itertools import batched
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, models, transaction
from django.utils import timezone

from .frameworks.checks import DERIVED
from .frameworks.models import TeacherJudgement
from .models import Attendance, Enrolment, Exclusion, Pupil, Result, Upload
from .parsing import FIELDS

# The columns each kind writes: the parser's fields and, for judgements, the framework checks'.
WRITTEN = {**FIELDS, "judgements": [*FIELDS["judgements"], *DERIVED]}
MODELS: dict[str, type[models.Model]] = {
    "results": Result,
    "attendance": Attendance,
    "judgements": TeacherJudgement,
    "exclusions": Exclusion,  # issue 13, i13-4b
}

# Whether row-level security applies to this session's role (neither superuser nor BYPASSRLS;
# the policies are FORCEd, so the owner is held too).
RLS_APPLIES = "SELECT NOT (rolsuper OR rolbypassrls) FROM pg_roles WHERE rolname = current_user"
STAGE = "trust_si_copy_stage"
COPY_BATCH_ROWS = 100_000  # rows per chunk sent to PostgreSQL's COPY (bounds the memory used)
INSERT_BATCH_ROWS = 20_000  # rows per executemany on other databases
KEY_BATCH = 5_000  # pupil keys per IN (...) lookup: SQLite caps the parameters of one query


def frame_of(kind: str, rows: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=FIELDS[kind])


def slice_rows(upload: Upload) -> Any:
    """The rows of the upload's slice, whichever upload wrote them."""
    if upload.kind == "pupils":
        return Enrolment.objects.filter(
            academy=upload.academy, academic_year=upload.term.academic_year
        )
    return MODELS[upload.kind]._default_manager.filter(academy=upload.academy, term=upload.term)


def slice_lock(upload: Upload) -> None:
    """Wait for, then hold until the transaction ends, the lock of the upload's slice.

    A transaction-scoped advisory lock on PostgreSQL (its key a hash of the slice). SQLite lets one
    writer at a time in, so it needs none.
    """
    if connection.vendor != "postgresql":
        return
    part = upload.term.academic_year if upload.kind == "pupils" else upload.term_id
    name = f"assessment.slice:{upload.trust_id}:{upload.academy_id}:{upload.kind}:{part}"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def slice_replace(upload: Upload, rows: pd.DataFrame | list[dict[str, Any]]) -> int:
    """Replace the slice with these rows (delete, then insert in bulk); returns the rows written.

    Runs inside the caller's transaction, which holds `slice_lock(upload)`.
    """
    frame = frame_of(upload.kind, rows)
    ids = _pupil_ids(upload.trust_id, pd.unique(frame["pupil_key"]).tolist())
    slice_rows(upload).delete()
    if frame.empty:
        return 0
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
        model = MODELS[upload.kind]
        values["term_id"] = upload.term_id
    if upload.kind == "judgements":
        values["recorded_by_id"] = upload.confirmed_by_id
        values["updated_at"] = timezone.now()
    for name in WRITTEN[upload.kind][1:]:
        values[name] = frame[name]
    _insert(model, len(frame), values)
    return len(frame)


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

    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # PostgreSQL refuses COPY FROM into a table whose row-level security applies to the
            # role ("COPY FROM not supported with row-level security"): production's app role
            # (docs/security.md). Then the rows are copied into a temporary table of the same
            # columns (no policy) and moved with one INSERT ... SELECT, which the policy checks
            # row by row; a superuser or owner-without-force (the suite, the benchmarks) copies
            # straight in.
            cursor.execute(RLS_APPLIES)
            staged = bool(cursor.fetchone()[0])
            into = STAGE if staged else table
            if staged:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {STAGE} ON COMMIT DROP AS "  # noqa: S608 - names from meta
                    f"SELECT {columns} FROM {table} WITH NO DATA"
                )
            options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
            copy_rows = f"COPY {into} ({columns}) FROM STDIN WITH (FORMAT csv)"
            # psycopg's copy() is not wrapped by Django: its errors become Django's here (a
            # broken unique rule is an IntegrityError, as it is from executemany).
            with connection.wrap_database_errors, cursor.copy(copy_rows) as copy:
                for start in range(0, count, COPY_BATCH_ROWS):
                    stop = min(start + COPY_BATCH_ROWS, count)
                    batch = pa.table({n: _arrow(values[n], start, stop) for n in names})
                    sink = io.BytesIO()
                    pacsv.write_csv(batch, sink, options)
                    copy.write(sink.getvalue())
            if staged:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE}"  # noqa: S608
                )
                cursor.execute(f"DROP TABLE {STAGE}")
        return
    with connection.cursor() as cursor:
        # Names come from the model's meta, quoted; every value is a bound parameter.
        insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        for start in range(0, count, INSERT_BATCH_ROWS):
            stop = min(start + INSERT_BATCH_ROWS, count)
            cursor.executemany(
                insert, list(zip(*(column(n, start, stop) for n in names), strict=True))
            )


def _arrow(value: Any, start: int, stop: int) -> Any:
    """One column of rows start..stop for pyarrow; a category column is written as its text."""

    if isinstance(value, pd.Series):
        array = pa.array(value.iloc[start:stop], from_pandas=True)
        return array.dictionary_decode() if pa.types.is_dictionary(array.type) else array
    if isinstance(value, np.ndarray):
        return pa.array(value[start:stop])
    return pa.array([value] * (stop - start))
