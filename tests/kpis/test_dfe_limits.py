"""The DfE and GIAS readers keep to their bounds (trust_si.limits.DFE, GIAS): a file past one is
refused whole, in words, before more is read. One test per bound and reader."""

from __future__ import annotations

from dataclasses import replace

import pytest

from academies.gias import read_group
from assessment.kpis.dfe import read_performance_file
from trust_si.limits import DFE, GIAS

KS2 = "URN,SCHNAME,PTRWM_EXP,READPROG\n"
GIAS_HEADER = (
    "URN,Group UID,Group Name,EstablishmentName,PhaseOfEducation (name),"
    "TypeOfEstablishment (name),LA (name),Joined date\n"
)
GIAS_ROW = "100001,1234,A Trust,A School,Primary,Academy converter,Leeds,2020-09-01\n"


def _gias_problem(data, limits):
    result = read_group(data.encode(), "1234", limits)
    assert not result.rows
    return result.problems[0].message


@pytest.mark.parametrize(
    ("bound", "limits", "data", "words"),
    [
        ("bytes", replace(DFE, max_bytes=100), KS2 + "100001,A,60%,1.0\n" * 10, "larger than"),
        ("rows", replace(DFE, max_rows=3), KS2 + "100001,A,60%,1.0\n" * 5, "more than 3 rows"),
        ("columns", replace(DFE, max_columns=3), KS2 + "100001,A,60%,1.0\n", "4 columns"),
        ("cell", replace(DFE, max_cell_chars=10), KS2 + f"100001,{'A' * 11},60%,1\n", "11 char"),
        ("seconds", replace(DFE, max_seconds=-1), KS2 + "100001,A,60%,1.0\n", "seconds"),
    ],
)
def test_dfe_reader_keeps_to_its_bounds(bound, limits, data, words):
    parsed = read_performance_file(data.encode(), limits)
    assert not parsed.schools, bound
    assert words in parsed.problems[0], parsed.problems


def test_dfe_reader_within_bounds_reads_the_file():
    parsed = read_performance_file((KS2 + "100001,A,60%,SUPP\n").encode())
    assert not parsed.problems and parsed.schools["100001"][0].value == 60.0
    assert parsed.schools["100001"][1].code == "SUPP"  # a code stays a code


@pytest.mark.parametrize(
    ("bound", "limits", "data", "words"),
    [
        ("bytes", replace(GIAS, max_bytes=100), GIAS_HEADER + GIAS_ROW * 3, "larger than"),
        ("rows", replace(GIAS, max_rows=2), GIAS_HEADER + GIAS_ROW * 3, "more than 2 rows"),
        ("columns", replace(GIAS, max_columns=5), GIAS_HEADER + GIAS_ROW, "8 columns"),
        ("cell", replace(GIAS, max_cell_chars=20), GIAS_HEADER + GIAS_ROW, "characters"),
        ("seconds", replace(GIAS, max_seconds=-1), GIAS_HEADER + GIAS_ROW, "seconds"),
    ],
)
def test_gias_reader_keeps_to_its_bounds(bound, limits, data, words):
    assert words in _gias_problem(data, limits), bound


def test_the_real_files_are_within_the_bounds():
    from pathlib import Path

    dfe = Path("/work/shared/data/dfe")
    if not (dfe / "england_ks4provisional_2019.csv").exists():
        pytest.skip("DfE's files are not on this machine")
    parsed = read_performance_file((dfe / "england_ks4provisional_2019.csv").read_bytes())
    assert not parsed.problems and parsed.rows_read > 5000
    gias = (dfe / "gias_group_links_2022.csv").read_bytes()
    assert GIAS.max_rows > gias.count(b"\n")


def test_skipped_rows_are_reported_with_row_column_and_reason():
    data = (
        b"RECTYPE,URN,SCHNAME,PTRWM_EXP,PTGPS_EXP,PTGPS_HIGH,PTRWM_EXP_FSM6CLA1A,DIFFN_RWM_EXP\n"
        b"1,100001,A,60%,78%,SUPP,45%,-26\n"
        b"3,,Leeds,62%,79%,30%,50%,\n"
        b"4,,England,65%,78%,36%,51%,\n"
        b"1,,No URN,1%,1%,1%,1%,1\n"
    )
    parsed = read_performance_file(data)
    assert parsed.skipped == [
        (3, "RECTYPE", "a local authority row (RECTYPE 3), not a school"),
        (4, "RECTYPE", "a national row (RECTYPE 4), not a school"),
        (5, "URN", "no URN"),
    ]
    fields = {r.field: r for r in parsed.schools["100001"]}
    assert fields["PTGPS_EXP"].value == 78.0 and fields["PTGPS_HIGH"].code == "SUPP"
    assert fields["PTGPS_HIGH"].value is None  # a code is never a number
    assert fields["DIFFN_RWM_EXP"].value == -26.0
    assert fields["PTRWM_EXP_FSM6CLA1A"].value == 45.0
