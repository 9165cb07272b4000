"""Validating a national-benchmarks CSV (the columns of data/national_benchmarks.csv). Pure.

Every problem is reported with its row number (the header is row 1), and a file with any
problem is refused whole, so a half-loaded file never mixes with the shipped figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from trust_si.limits import DFE, FileLimits, LimitExceeded, check_bytes, csv_numbered_rows
from trust_si.terms import AcademicYear, TermError

from .catalogue import KPIS
from .national import BENCHMARK_GROUPS, BENCHMARK_PERIODS, benchmark_key

COLUMNS = ["kpi", "year", "value", "source"]
# Optional: "all" (the default) or "non_disadvantaged" (national other pupils); the period,
# "year" (the default: the full academic year) or the term DfE's figure is for ("autumn"...).
OPTIONAL = ["group", "period"]


@dataclass(frozen=True)
class BenchmarkRow:
    kpi: str
    year: str
    value: float
    source: str
    group: str = "all"
    period: str = "year"

    @property
    def key(self) -> str:
        return benchmark_key(self.kpi, self.group, self.period)


def parse_benchmarks(data: bytes, limits: FileLimits = DFE) -> tuple[list[BenchmarkRow], list[str]]:
    """Rows and problems.

    1. UTF-8 (a BOM is dropped); the header must hold kpi, year, value and source.
    2. kpi must be a catalogue code; group, when given, "all" or "non_disadvantaged" (national
       other pupils, what DfE compares disadvantaged pupils with); year like 2024-25 with consecutive years; value a number
       (a percentage 0-100, Attainment 8 0-90); source not blank.
    3. The same kpi and year twice in one file is a problem (which one is meant?), per group
       and period: period, when given, "year" (the default) or a term ("autumn", "spring",
       "summer"), the part of the year DfE's figure covers.
    4. Bounded by `trust_si.limits.DFE` (bytes, columns, characters in a cell, rows, seconds):
       a file past one is refused whole.
    """
    try:
        check_bytes(len(data), limits)
        text = data.decode("utf-8-sig")
    except LimitExceeded as exc:
        return [], [str(exc)]
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text: save it as CSV UTF-8."]
    try:
        return _parse(csv_numbered_rows(text, limits))
    except LimitExceeded as exc:
        return [], [str(exc)]


def _parse(lines: Iterator[tuple[int, list[str]]]) -> tuple[list[BenchmarkRow], list[str]]:
    first = next(lines, None)
    names = first[1] if first else []
    header = [h.strip().lower() for h in names]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [
            f"Row 1: the header lacks {', '.join(missing)} (expected: {', '.join(COLUMNS)})."
        ]
    rows: list[BenchmarkRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in lines:
        row = {
            name: (cells[i] if i < len(cells) else "").strip()
            for i, name in enumerate(header)
            if name
        }
        if not any(row.values()):
            continue
        kpi, year, value_text, source = (row.get(c, "") for c in COLUMNS)
        group = row.get("group") or "all"
        period = row.get("period") or "year"
        row_problems = []
        if kpi not in KPIS:
            row_problems.append(f"unknown KPI {kpi!r}")
        if group not in BENCHMARK_GROUPS:
            row_problems.append(f"group {group!r} is not one of {', '.join(BENCHMARK_GROUPS)}")
        if period not in BENCHMARK_PERIODS:
            row_problems.append(f"period {period!r} is not one of {', '.join(BENCHMARK_PERIODS)}")
        try:
            AcademicYear.parse(year)
        except TermError:
            row_problems.append(f"year {year!r} is not like 2024-25")
        try:
            value = float(value_text.rstrip("%"))
        except ValueError:
            value = None
            row_problems.append(f"value {value_text!r} is not a number")
        if value is not None and kpi in KPIS:
            top = 100 if KPIS[kpi].unit == "%" else 90
            if not 0 <= value <= top:
                row_problems.append(f"value {value:g} is outside 0-{top}")
        if not source:
            row_problems.append("source is blank (say which DfE publication)")
        key = benchmark_key(kpi, group, period)
        if (key, year) in seen:
            row_problems.append(
                f"{kpi} {year}{'' if group == 'all' else ' (' + group + ')'}"
                f"{'' if period == 'year' else ' (' + period + ')'} is already on "
                f"row {seen[(key, year)]}"
            )
        seen.setdefault((key, year), number)
        if row_problems:
            problems.append(f"Row {number}: " + "; ".join(row_problems) + ".")
        elif value is not None:
            rows.append(BenchmarkRow(kpi, year, value, source[:200], group, period))
    if not rows and not problems:
        problems.append("The file has no rows under its header.")
    return rows, problems
