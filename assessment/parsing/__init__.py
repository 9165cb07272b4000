"""Reading and validating uploaded pupil data. Pure: no ORM import.

Everything is checked before anything is written: the caller gets every problem with its row,
column, value and reason, or clean rows ready to commit in one transaction.

A trust's results file can hold hundreds of thousands of rows, so nothing here loops over rows in
Python. A file is read into columns of codes pointing at each column's distinct cell texts (what
pyarrow calls dictionary encoding); every check runs once per distinct text (a term's file has a
few thousand distinct UPNs and a few dozen distinct grades) and numpy spreads the answer back to
the rows. The checks themselves are plain per-cell functions (in `cells` and each kind's module).

`reading` turns a file into columns; `cells` holds what every kind shares (the column store,
problems, checksums, per-cell checks); `rows` runs the shared checks then the kind's own module
(`pupils`, `results`, `attendance`, `judgements`). Callers import from here.
"""

from .cells import (
    CHECKSUM_CHUNK_ROWS,
    EXCEL_EPOCH,
    FIELDS,
    MAX_UPLOAD_BYTES,
    NUMBER_FIELDS,
    TEXT_FIELDS,
    UPN,
    Cells,
    Checked,
    Problem,
    Table,
    UploadRejected,
    parse_uk_date,
    plain,
    pupil_key,
    rows_checksum,
)
from .reading import match_headers, read_table
from .results import MAX_VALUE_LENGTH
from .rows import check_rows

__all__ = [
    "CHECKSUM_CHUNK_ROWS",
    "EXCEL_EPOCH",
    "FIELDS",
    "MAX_UPLOAD_BYTES",
    "MAX_VALUE_LENGTH",
    "NUMBER_FIELDS",
    "TEXT_FIELDS",
    "UPN",
    "Cells",
    "Checked",
    "Problem",
    "Table",
    "UploadRejected",
    "check_rows",
    "match_headers",
    "parse_uk_date",
    "plain",
    "pupil_key",
    "read_table",
    "rows_checksum",
]
