"""The column-wise reader and checker: same answers as checking row by row, for big files too,
and a commit path that writes every row once (COPY on PostgreSQL, executemany elsewhere)."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from assessment.kinds import KINDS
from assessment.models import Attendance, Enrolment, Result
from assessment.parsing import FIELDS, check_rows, match_headers, read_table, rows_checksum
from assessment.services import upload_commit, upload_restore
from tests.assessment.test_uploads import PUPILS, STAFF, UPN1, UPN2, _confirm, _upload

SECRET = "test-secret"


def _check(kind, content, name="data.csv"):
    table = read_table(content, name)
    columns, missing = match_headers(table.headers, KINDS[kind])
    assert not missing
    return check_rows(kind, table, columns, SECRET)


def _reference_checksum(rows):
    """The definition: sorted json.dumps(row, sort_keys=True) lines joined by newlines."""
    lines = sorted(json.dumps(r, sort_keys=True) for r in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _upns(n):
    return [f"A{i:012d}" for i in range(n)]


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        (
            "results",
            "upn,subject,measure,value\n"
            + "".join(
                f"{u},{s},{m},{v}\n"
                for u in _upns(30)
                for s, m, v in [
                    ("maths", "att8", "7"),
                    ("english", "att8", "7.05"),
                    ("reading", "ta", "EXS"),
                    ("history", "gcse_grade", "U"),
                    ("science", "att8", "70"),
                ]
            ),
        ),
        # 12 and 120 (and 1 and 10): one number's text starts with another's.
        (
            "attendance",
            "upn,sessions_possible,sessions_missed\n"
            + "".join(
                f"{u},{p},{m}\n"
                for u, (p, m) in zip(
                    _upns(40), [(12, 1), (120, 10), (12, 10), (120, 1)] * 10, strict=True
                )
            ),
        ),
        (
            "pupils",
            "upn,year_group,disadvantaged,send,eal,sex,prior_band\n"
            + "".join(
                f"{u},{6 + i % 2},{'YN'[i % 2]},{'NKE'[i % 3]},N,{'FM'[i % 2]},{['low', '', 'high'][i % 3]}\n"
                for i, u in enumerate(_upns(30))
            ),
        ),
    ],
)
def test_checksum_is_the_sorted_json_lines_definition(kind, content, monkeypatch):
    monkeypatch.setattr("assessment.parsing.cells.CHECKSUM_CHUNK_ROWS", 7)  # lines hashed in chunks
    checked = _check(kind, content.encode())
    assert not checked.problems and len(checked.frame) > 1
    assert rows_checksum(checked.frame, FIELDS[kind]) == _reference_checksum(checked.records())
    shuffled = checked.frame.sample(frac=1, random_state=3)
    assert rows_checksum(shuffled, FIELDS[kind]) == rows_checksum(checked.frame, FIELDS[kind])


def test_a_large_file_reports_every_bad_row_in_file_order():
    lines = ["upn,subject,measure,value"]
    for i, u in enumerate(_upns(6000)):
        lines += [f"{u},reading,ta,EXS", f"{u},maths,scaled_score,{80 + i % 41}"]
    lines[1001] = f"{_upns(1)[0]},reading,ta,EXS"  # repeats row 2
    lines[5001] = "A000000002500,latin,ta,ZZZ"  # two problems in one row
    lines[9001] = "A000000004500,reading,scaled_score,130"
    lines[11001] = " a000000005500 , Reading , TA , exs "  # untidy but valid
    checked = _check("results", ("\n".join(lines) + "\n").encode())
    found = [(p.row, p.column) for p in checked.problems]
    assert found == [(1002, "upn"), (5002, "subject"), (5002, "value"), (9002, "value")]
    assert "also on row 2" in checked.problems[0].message
    assert checked.problems[3].message == "130 is outside 80-120 for scaled_score"
    assert len(checked.frame) == 12000 - 3
    tidy = checked.frame[checked.frame["row"] == 11002].iloc[0]
    assert (tidy["subject"], tidy["measure"], tidy["value"]) == ("reading", "ta", "EXS")


def test_quoted_crlf_ragged_and_cp1252_files_read_alike():
    quoted = b'upn,subject,measure,value\r\n"A123456789012","reading","ta","EXS"\r\n\r\n,,,\r\n'
    assert read_table(quoted, "q.csv").rows == [["A123456789012", "reading", "ta", "EXS"]]
    ragged = b"upn,subject,measure,value\nA123456789012,reading\nB123456789013,maths,ta,GDS,extra\n"
    assert read_table(ragged, "r.csv").rows == [
        ["A123456789012", "reading", "", ""],
        ["B123456789013", "maths", "ta", "GDS"],
    ]
    checked = _check("results", ragged)
    assert [(p.row, p.column) for p in checked.problems] == [(2, "measure"), (2, "value")]
    cp1252 = "upn;sessions_possible;sessions_missed\nA123456789012;120;6 \u2013\n".encode("cp1252")
    assert read_table(cp1252, "c.csv").rows == [["A123456789012", "120", "6 \u2013"]]


def test_files_over_a_megabyte_are_read_alike_whatever_their_encoding_and_shape():
    """A big file's encoding is learnt a megabyte at a time (never decoded whole for the fast
    path): a Windows-1252 byte after the first megabyte, a UTF-8 name and a ragged row after
    it must still read as the small files above do."""
    filler = "".join(f"A{i:012d},reading,ta,EXS\n" for i in range(40_000))  # ~1.2 MB
    header = "upn,subject,measure,value\n"
    cp1252 = (header + filler + "B123456789013,maths,ta,GDS \u2013\n").encode("cp1252")
    assert read_table(cp1252, "c.csv").rows[-1] == ["B123456789013", "maths", "ta", "GDS \u2013"]
    ragged = (header + filler + "B123456789013,maths\nC12345678901\u00e9,maths,ta,GDS,x\n").encode()
    rows = read_table(ragged, "r.csv").rows
    assert len(rows) == 40_002
    assert rows[-2:] == [
        ["B123456789013", "maths", "", ""],
        ["C12345678901\u00e9", "maths", "ta", "GDS"],
    ]
    bom = b"\xef\xbb\xbf" + (header + filler).encode()
    assert read_table(bom, "b.csv").headers == ["upn", "subject", "measure", "value"]


def test_odd_values_are_problems_not_crashes():
    attendance = _check(
        "attendance", "upn,sessions_possible,sessions_missed\nA123456789012,²,1\n".encode()
    )
    assert (attendance.problems[0].column, attendance.problems[0].value) == (
        "sessions_possible",
        "²",
    )
    results = _check("results", b"upn,subject,measure,value\nA123456789012,maths,att8,45.000001\n")
    assert results.problems[0].column == "value" and "8 characters" in results.problems[0].message


def test_many_rows_commit_once_and_restore(world):
    lines = ["upn,subject,measure,value"] + [
        f"{u},{s},{m},{v}"
        for u in _upns(600)
        for s, m, v in [
            ("reading", "ta", "EXS"),
            ("maths", "scaled_score", "101"),
            ("english", "gcse_grade", "U"),
        ]
    ]
    first = _confirm(world.a, _upload(world.a, "results", ("\n".join(lines) + "\n").encode()))
    assert first.status == "committed" and first.counts["valid"] == 1800
    with world.a.scope():
        assert Result.objects.count() == 1800
        assert Result.objects.filter(numeric__isnull=True).count() == 1200  # text grades: NULL
        assert Result.objects.filter(numeric=101.0, value="101").count() == 600
    lines[1] = lines[1].replace("EXS", "GDS")
    second = _confirm(world.a, _upload(world.a, "results", ("\n".join(lines) + "\n").encode()))
    assert second.status == "committed" and second.message == "1800 rows confirmed."
    with world.a.scope():
        assert Result.objects.filter(value="GDS").count() == 1
        restored = upload_restore(actor=world.a.user(STAFF), upload=second)
        assert restored.pk == first.pk
        assert upload_commit(upload_id=first.pk).status == "committed"  # the worker's job
        assert Result.objects.count() == 1800 and not Result.objects.filter(value="GDS").exists()
        assert Result.objects.filter(numeric__isnull=True).count() == 1200
        assert set(Result.objects.values_list("upload", flat=True)) == {first.pk}


def test_pupils_and_attendance_commit_through_the_same_path(world):
    assert _confirm(world.a, _upload(world.a, "pupils", PUPILS)).status == "committed"
    attendance = f"upn,sessions_possible,sessions_missed\n{UPN1},120,6\n{UPN2},118,0\n".encode()
    assert _confirm(world.a, _upload(world.a, "attendance", attendance)).status == "committed"
    with world.a.scope():
        assert set(Enrolment.objects.values_list("academic_year", flat=True)) == {"2025-26"}
        assert sorted(Enrolment.objects.values_list("send", "disadvantaged", "prior_band")) == [
            ("", True, "low"),
            ("E", False, "high"),
            ("K", False, "middle"),
        ]
        assert sorted(Attendance.objects.values_list("sessions_possible", "sessions_missed")) == [
            (118, 0),
            (120, 6),
        ]


def test_a_clash_with_another_academy_names_the_file_row(world):
    _confirm(world.a, _upload(world.a, "pupils", PUPILS))
    other = (
        f"upn,year_group,disadvantaged,send,eal,sex\nZ000000000001,6,N,N,N,F\n{UPN2},6,N,N,N,M\n"
    ).encode()
    clash = _upload(world.a, "pupils", other, academy=world.a.academies[1])
    assert [(e["row"], e["column"]) for e in clash.errors] == [(3, "upn")]


def test_checked_records_are_plain_python():
    checked = _check("results", b"upn,subject,measure,value\nA123456789012,reading,ta,EXS\n")
    [record] = checked.records()
    assert record["numeric"] is None and type(record["value"]) is str
    assert isinstance(checked.frame, pd.DataFrame)


def test_a_misspelt_subject_gets_did_you_mean_and_no_readme_sheet_in_a_csv():
    # The issue: "writting" got no "did you mean writing?", and a CSV upload's message pointed
    # to "the README sheet" a CSV does not have.
    csv = b"upn,subject,measure,value\nA123456789012,writting,ta,EXS\nA123456789012,latin,ta,EXS\n"
    checked = _check("results", csv)
    first, second = checked.problems
    assert (first.row, first.column, first.value) == (2, "subject", "writting")
    assert "Did you mean writing?" in first.message
    assert "Did you mean" not in second.message and "writing" in second.message
    assert all("README" not in p.message for p in checked.problems)
