"""Issue 16: "every file the product reads has its limits in one place with a test per limit".
The readers not covered in test_limits.py (the upload reader's own limits there), test_dfe_limits
(DfE results, GIAS), test_logo and test_pieces: each bound of each, refused in words, before
more is read. The matrix of readers and bounds is in docs/security.md."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from academies.ofsted import NotAnOfstedFile, read_outcomes
from assessment import retention
from assessment.frameworks import services as frameworks
from assessment.kpis.benchmarks import parse_benchmarks
from assessment.parsing import UploadRejected, read_table, reading
from trust_si.limits import DFE, FRAMEWORK, OFSTED, UPLOAD, LimitExceeded

from .test_limits import _row, _sheet, _with_sheet, _xlsx

# ---- the pupil-data upload reader (read_table): rows and seconds on every path -------------

TINY = dataclasses.replace(UPLOAD, max_rows=3)
SLOW = dataclasses.replace(UPLOAD, max_seconds=-1)
TIDY = b"upn,subject,measure,value\n" + b"A123456789012,reading,ta,EXS\n" * 4
RAGGED = b"upn,subject,measure,value\n" + b"A123456789012,reading,ta,EXS,extra\n" * 4
BOOK = [["upn", "subject", "measure", "value"]] + [["A123456789012", "reading", "ta", "EXS"]] * 4


@pytest.mark.parametrize(
    ("name", "data"),
    [("tidy.csv", TIDY), ("ragged.csv", RAGGED), ("book.xlsx", None)],
    ids=["csv fast path", "csv ragged path", "xlsx"],
)
def test_the_upload_reader_keeps_to_its_rows_and_seconds(monkeypatch, name, data):
    data = data if data is not None else _xlsx(BOOK)
    assert read_table(data, name).height == 4
    monkeypatch.setattr(reading, "UPLOAD", TINY)
    with pytest.raises(UploadRejected, match="more than 3 rows"):
        read_table(data, name)
    monkeypatch.setattr(reading, "UPLOAD", SLOW)
    with pytest.raises(UploadRejected, match="more than -1 seconds"):
        read_table(data, name)


# ---- Ofsted's management information (academies.ofsted, OFSTED) ----------------------------

OFSTED_HEADER = (
    "URN,School name,Inspection start date,Publication date,Overall effectiveness,"
    "Quality of education\n"
)
OFSTED_ROW = "100001,A school,14/03/2023,20/04/2023,2,2\n"


def _ofsted(data: str, limits=OFSTED):
    return read_outcomes(data.encode(), {"100001"}, limits)


def test_the_ofsted_reader_within_its_bounds_reads_the_file():
    result = _ofsted(OFSTED_HEADER + OFSTED_ROW * 3)
    assert result.rows_read == 3 and [r.urn for r in result.rows] == ["100001"] * 3


@pytest.mark.parametrize(
    ("bound", "limits", "data", "words"),
    [
        ("bytes", dataclasses.replace(OFSTED, max_bytes=100), OFSTED_ROW * 5, "larger than"),
        ("rows", dataclasses.replace(OFSTED, max_rows=3), OFSTED_ROW * 5, "more than 3 rows"),
        ("columns", OFSTED, "1," * 300 + "1\n" + OFSTED_ROW, "301 columns; at most 300"),
        ("cell", OFSTED, OFSTED_ROW.replace("A school", "A" * 2001), "2,001 characters"),
        ("seconds", dataclasses.replace(OFSTED, max_seconds=-1), OFSTED_ROW, "seconds"),
    ],
)
def test_the_ofsted_reader_keeps_to_its_bounds(bound, limits, data, words):
    with pytest.raises(NotAnOfstedFile, match=words):
        _ofsted(OFSTED_HEADER + data, limits)


# ---- a framework's CSV import (assessment.frameworks.services, FRAMEWORK) ------------------

FW_HEADER = "strand,code,level,statement\n"
FW_ROW = "Composition,EXS1,EXS,Writes for a purpose\n"


def test_the_framework_import_within_its_bounds_reads_the_file():
    assert frameworks._csv_rows((FW_HEADER + FW_ROW).encode())[0][0] == "Composition"


@pytest.mark.parametrize(
    ("bound", "data", "words"),
    [
        ("bytes", FW_HEADER + FW_ROW * 6000, "larger than 200 kB"),
        (
            "rows",
            FW_HEADER + "".join(f"S,C{i},EXS,t\n" for i in range(FRAMEWORK.max_rows)),
            "At most 300 statements",
        ),
        ("columns", FW_HEADER + "a," * 10 + "a\n", "11 columns; at most 10"),
        ("cell", FW_HEADER + f"S,C1,EXS,{'t' * 1001}\n", "1,001 characters"),
    ],
)
def test_the_framework_import_keeps_to_its_bounds(bound, data, words):
    with pytest.raises(frameworks.FrameworkInvalid, match=words):
        frameworks._csv_rows(data.encode())


def test_the_framework_import_keeps_to_its_seconds(monkeypatch):
    monkeypatch.setattr(frameworks, "FRAMEWORK", dataclasses.replace(FRAMEWORK, max_seconds=-1))
    with pytest.raises(frameworks.FrameworkInvalid, match="seconds"):
        frameworks._csv_rows((FW_HEADER + FW_ROW).encode())


# ---- the national-benchmarks load (assessment.kpis.benchmarks, DFE) ------------------------

BM_HEADER = "kpi,year,value,source\n"
BM_ROW = "ks2_rwm_exp,2023-24,61,DfE KS2 attainment 2023-24\n"


def test_the_benchmarks_load_within_its_bounds_reads_the_file():
    rows, problems = parse_benchmarks((BM_HEADER + BM_ROW).encode())
    assert not problems and rows[0].value == 61


@pytest.mark.parametrize(
    ("bound", "limits", "data", "words"),
    [
        ("bytes", dataclasses.replace(DFE, max_bytes=60), BM_ROW * 3, "larger than"),
        ("rows", dataclasses.replace(DFE, max_rows=3), BM_ROW * 5, "more than 3 rows"),
        ("columns", dataclasses.replace(DFE, max_columns=3), BM_ROW, "4 columns; at most 3"),
        ("cell", dataclasses.replace(DFE, max_cell_chars=10), BM_ROW, "characters"),
        ("seconds", dataclasses.replace(DFE, max_seconds=-1), BM_ROW, "seconds"),
    ],
)
def test_the_benchmarks_load_keeps_to_its_bounds(bound, limits, data, words):
    rows, problems = parse_benchmarks((BM_HEADER + data).encode(), limits)
    assert not rows and words in problems[0], problems


# ---- an erasure's rewrite of a stored workbook (assessment.retention, UPLOAD) --------------

NEEDLE = "A123456789012"


def test_the_erasure_rewrite_within_its_bounds_drops_the_pupils_rows():
    data = _xlsx([["upn", "value"], [NEEDLE, "EXS"], ["B123456789013", "GDS"]])
    out = retention._redact_xlsx(data, NEEDLE)
    assert out is not None and NEEDLE.encode() not in out
    assert read_table(out, "x.xlsx").rows == [["B123456789013", "GDS"]]


@pytest.mark.parametrize(
    ("bound", "limits", "rows", "words"),
    [
        ("bytes", dataclasses.replace(UPLOAD, max_bytes=1000), 3, "larger than"),
        ("rows", dataclasses.replace(UPLOAD, max_rows=3), 6, "more than 3 rows"),
        ("columns", dataclasses.replace(UPLOAD, max_columns=1), 3, "2 columns; at most 1"),
        ("cell", dataclasses.replace(UPLOAD, max_cell_chars=5), 3, "characters"),
        ("seconds", dataclasses.replace(UPLOAD, max_seconds=-1), 3, "seconds"),
    ],
)
def test_the_erasure_rewrite_keeps_to_its_bounds(monkeypatch, bound, limits, rows, words):
    data = _xlsx([["upn", "value"]] + [[f"B{i:012d}", "EXS"] for i in range(rows)])
    monkeypatch.setattr(retention, "UPLOAD", limits)
    with pytest.raises(LimitExceeded, match=words):
        retention._redact_xlsx(data, NEEDLE)


def test_the_erasure_rewrite_refuses_a_zip_bomb_before_inflating_it():
    row = _row(2, [NEEDLE, "reading", "ta", "EXS"])
    bomb = _with_sheet(_xlsx([["upn"]]), _sheet([row] * 100_000, "A1:D2"))
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"compressed \d+ to 1"):
        retention._redact_xlsx(bomb, NEEDLE)
    assert time.monotonic() - started < 2


REDACT_SCRIPT = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.test")
import django
django.setup()
from assessment.retention import _redact_xlsx
started = time.monotonic()
out = _redact_xlsx(open({path!r}, "rb").read(), {needle!r})
print("redacted", out is not None and {needle!r}.encode() not in out)
print("seconds", round(time.monotonic() - started, 2))
print("maxrss_kb", next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""


def test_the_erasure_rewrite_of_a_whole_grid_sheet_stays_small(tmp_path: Path):
    """The stored file that used to exhaust a worker: `A1:XFD1048576` with a cell in the last
    row. A full openpyxl load padded every row of the grid; now read as its own rows."""
    rows = [_row(1, ["upn", "subject", "measure", "value"]), _row(2, [NEEDLE, "r", "ta", "EXS"])]
    rows.append(_row(1_048_576, ["B123456789013", "writing", "ta", "GDS"]))
    path = tmp_path / "grid.xlsx"
    path.write_bytes(_with_sheet(_xlsx([["upn"]]), _sheet(rows, "A1:XFD1048576")))
    root = str(Path(__file__).resolve().parents[2])
    out = subprocess.run(
        [sys.executable, "-c", REDACT_SCRIPT.format(root=root, path=str(path), needle=NEEDLE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "redacted True" in out, out
    assert int(re.search(r"maxrss_kb (\d+)", out).group(1)) / 1024 < 300, out
    assert float(re.search(r"seconds ([\d.]+)", out).group(1)) < 30, out


def test_every_task_has_time_limits_and_each_pool_process_a_memory_limit():
    """Celery's side of the parsers' bounds: a soft limit (the task ends the upload with a
    reason) before a hard one (the pool process is killed), and a pool process that grew past
    400 MB is replaced after its task."""
    from django.conf import settings

    from trust_si.celery import app

    assert app.conf.worker_max_memory_per_child == 400_000  # KB
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    check = settings.CELERY_TASK_ANNOTATIONS["assessment.tasks.upload_validate_task"]
    assert 0 < check["soft_time_limit"] < check["time_limit"]
    assert UPLOAD.max_seconds < check["soft_time_limit"]
