"""trust_si.limits: one test per bound, and the two files that used to exhaust a worker (a sheet
declaring the whole grid, a zip bomb) read in bounded memory and time, refused with the reason."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from assessment.parsing import UploadRejected, read_table
from trust_si.limits import (
    UPLOAD,
    Deadline,
    LimitExceeded,
    bounded_rows,
    check_archive,
    check_bytes,
    csv_rows,
    xlsx_rows,
)

SMALL = dataclasses.replace(
    UPLOAD, max_bytes=1000, max_rows=3, max_columns=4, max_cell_chars=10, max_seconds=5
)
HEADER = "upn,subject,measure,value\n"


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(data: bytes, sheet_xml: bytes) -> bytes:
    """The same workbook with its first sheet's XML replaced (what an attacker hand-writes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, body)
    return out.getvalue()


def _sheet(rows: list[str], dimension: str) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(rows)}</sheetData></worksheet>'
    ).encode()


def _row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{col}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for col, v in zip("ABCD", values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


def test_bytes() -> None:
    check_bytes(1000, SMALL)
    with pytest.raises(LimitExceeded, match="larger than"):
        check_bytes(1001, SMALL)
    with pytest.raises(UploadRejected, match="larger than 20 MB"):
        read_table(b"x" * (UPLOAD.max_bytes + 1), "big.csv")


def test_uncompressed_bytes_and_ratio() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (3 * 1024 * 1024))
    archive = zipfile.ZipFile(io.BytesIO(bomb.getvalue()))
    with pytest.raises(LimitExceeded, match="expands to more than 2 MB"):
        check_archive(archive, dataclasses.replace(UPLOAD, max_uncompressed=2 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match=r"compressed \d+ to 1"):
        check_archive(archive, UPLOAD)


def test_rows() -> None:
    rows = [["a"], [], ["b"], [""], ["c"]]  # blank rows are not counted
    assert list(bounded_rows(rows, SMALL, str)) == [["a"], ["b"], ["c"]]
    with pytest.raises(LimitExceeded, match="more than 3 rows"):
        list(bounded_rows([*rows, ["d"]], SMALL, str))


def test_columns() -> None:
    with pytest.raises(LimitExceeded, match="5 columns; at most 4"):
        list(csv_rows("a,b,c,d,e\n", ",", SMALL))
    # The 50,000-column CSV is refused at its first line, before a mapping page exists.
    wide = (",".join(f"c{i}" for i in range(50_000)) + "\n" + "1," * 49_999 + "1\n").encode()
    started = time.monotonic()
    with pytest.raises(UploadRejected, match="columns; at most 200"):
        read_table(wide, "wide.csv")
    assert time.monotonic() - started < 2


def test_cell_length() -> None:
    with pytest.raises(LimitExceeded, match="Row 2, column 2: a cell of 11 characters"):
        list(csv_rows("a,b\nx,abcdefghijk\n", ",", SMALL))
    long_cell = (HEADER + "A123456789012,reading,ta," + "E" * 2000 + "\n").encode()
    with pytest.raises(UploadRejected, match="Row 2, column 4"):
        read_table(long_cell, "long.csv")
    with pytest.raises(UploadRejected, match="column 4"):
        read_table(
            _xlsx([["upn", "subject", "measure", "value"], ["A", "b", "c", "E" * 2000]]), "x.xlsx"
        )


def test_time() -> None:
    ticks = itertools.count(step=1.0)
    deadline = Deadline(SMALL, clock=lambda: next(ticks))
    deadline.check()
    with pytest.raises(LimitExceeded, match="more than 5 seconds"):
        for _ in range(10):
            deadline.check()


def test_a_sheet_declaring_the_whole_grid_is_read_as_its_own_cells() -> None:
    """`A1:XFD1048576` with a cell in the last row: the declared dimension is ignored, so the
    gap costs nothing and the rows are as wide as their cells."""
    base = _xlsx([["upn"]])
    rows = [
        _row(1, ["upn", "subject", "measure", "value"]),
        _row(2, ["A123456789012", "reading", "ta", "EXS"]),
    ]
    rows.append(_row(1_048_576, ["B123456789013", "writing", "ta", "GDS"]))
    data = _with_sheet(base, _sheet(rows, "A1:XFD1048576"))
    assert len(data) < 20_000
    started = time.monotonic()
    table = read_table(data, "grid.xlsx")
    assert time.monotonic() - started < 10
    assert table.headers == ["upn", "subject", "measure", "value"]
    assert table.rows == [
        ["A123456789012", "reading", "ta", "EXS"],
        ["B123456789013", "writing", "ta", "GDS"],
    ]


def test_a_cell_far_to_the_right_is_refused() -> None:
    base = _xlsx([["upn"]])
    row = '<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(UploadRejected, match="16,384 columns"):
        read_table(_with_sheet(base, _sheet([row], "A1:XFD1")), "far.xlsx")


def test_malformed_sheet_xml_is_refused_with_a_reason() -> None:
    data = _with_sheet(_xlsx([["upn"]]), b"<worksheet><sheetData><row r='1'><c")
    with pytest.raises(UploadRejected, match="could not be read"):
        read_table(data, "broken.xlsx")


def test_xlsx_rows_streams() -> None:
    data = _xlsx([["a", "b"], ["c", "d"]])
    assert list(xlsx_rows(data, UPLOAD, str)) == [["a", "b"], ["c", "d"]]


BOMB_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from assessment.parsing import UploadRejected, read_table
data = open({path!r}, "rb").read()
started = time.monotonic()
try:
    read_table(data, "bomb.xlsx")
    outcome = "read"
except UploadRejected as exc:
    outcome = "refused: " + str(exc)
print(outcome)
print("seconds", round(time.monotonic() - started, 2))
# VmHWM: this process's own peak (ru_maxrss would carry over the forking parent's).
print("maxrss_kb", next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""


@pytest.mark.parametrize("kind", ["whole grid", "zip bomb"])
def test_a_worker_reading_the_hostile_files_stays_small(kind: str, tmp_path: Path) -> None:
    """Measured in a fresh process (what a worker's pool child is): under 300 MB, a final
    answer with the reason, in seconds."""
    base = _xlsx([["upn"]])
    if kind == "whole grid":
        rows = [_row(1, ["upn", "subject", "measure", "value"]), _row(1_048_576, ["x"])]
        data = _with_sheet(base, _sheet(rows, "A1:XFD1048576"))
    else:  # 160 MB of cells (under the 200 MB bound), compressed to well under a megabyte
        row = _row(2, ["A123456789012", "reading", "ta", "EXS"])
        data = _with_sheet(base, _sheet([row] * 640_000, "A1:D2"))
        assert len(data) < 2 * 1024 * 1024
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    root = str(Path(__file__).resolve().parents[2])
    result = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT.format(root=root, path=str(path))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = result.stdout
    maxrss_mb = int(re.search(r"maxrss_kb (\d+)", out).group(1)) / 1024
    assert maxrss_mb < 300, out
    assert float(re.search(r"seconds ([\d.]+)", out).group(1)) < 30, out
    if kind == "zip bomb":
        assert "refused: " in out and "compressed" in out, out
