"""manage.py load_benchmarks: validation with row numbers, idempotent loading, used by the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessment.kpis.benchmarks import parse_benchmarks
from assessment.kpis.models import NationalBenchmark
from assessment.kpis.selectors import benchmarks_current

SHIPPED = (
    Path(__file__).resolve().parents[2] / "assessment" / "kpis" / "data" / "national_benchmarks.csv"
)


def test_the_shipped_file_is_valid():
    rows, problems = parse_benchmarks(SHIPPED.read_bytes())
    assert not problems and len(rows) >= 18


def test_every_problem_is_reported_with_its_row():
    data = (
        b"kpi,year,value,source\n"
        b"ks2_rwm_exp,2025-26,63,DfE\n"
        b"ks2_rwmm,2025-26,63,DfE\n"
        b"ks2_rwm_exp,2025-27,sixty,\n"
        b"ks4_att8,2025-26,95,DfE\n"
        b"ks2_rwm_exp,2025-26,64,DfE again\n"
    )
    rows, problems = parse_benchmarks(data)
    assert len(rows) == 1
    assert problems[0] == "Row 3: unknown KPI 'ks2_rwmm'."
    assert problems[1].startswith(
        "Row 4: year '2025-27' is not like 2024-25; value 'sixty' is not a number; source is blank"
    )
    assert problems[2] == "Row 5: value 95 is outside 0-90."
    assert problems[3] == "Row 6: ks2_rwm_exp 2025-26 is already on row 2."
    assert parse_benchmarks(b"kpi,value\n")[1] == [
        "Row 1: the header lacks year, source (expected: kpi, year, value, source)."
    ]
    assert parse_benchmarks(b"\xff\xfe\x00")[1][0].startswith("The file is not UTF-8")


@pytest.mark.django_db
def test_load_is_idempotent_and_overrides_the_shipped_figure(tmp_path, capsys):
    path = tmp_path / "benchmarks.csv"
    path.write_text(
        "kpi,year,value,source\nks2_rwm_exp,2024-25,62.4,DfE revised\nks2_rwm_exp,2025-26,63,DfE 2025/26\n",
        encoding="utf-8",
    )
    call_command("load_benchmarks", "--file", str(path))
    assert "2 added, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command("load_benchmarks", "--file", str(path))
    assert "0 added, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert NationalBenchmark.objects.count() == 2
    rows = benchmarks_current()["ks2_rwm_exp"]
    assert ("2024-25", 62.4, "DfE revised") in rows and (
        "2024-25",
        62.0,
        "DfE, KS2 attainment 2024/25",
    ) not in rows
    assert rows[-1] == ("2025-26", 63.0, "DfE 2025/26") and rows[0][0] == "2018-19"


@pytest.mark.django_db
def test_a_bad_file_loads_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "kpi,year,value,source\nks2_rwm_exp,2025-26,63,DfE\nabsence,2025-26,x,DfE\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Row 3: value 'x' is not a number"):
        call_command("load_benchmarks", "--file", str(path))
    assert not NationalBenchmark.objects.exists()
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_benchmarks", "--file", str(tmp_path / "missing.csv"))
    call_command("load_benchmarks", "--file", str(SHIPPED), "--check")
    assert not NationalBenchmark.objects.exists()
