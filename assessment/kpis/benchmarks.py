"""Validating a national-benchmarks CSV (the columns of data/national_benchmarks.csv). Pure.

Every problem is reported with its row number (the header is row 1), and a file with any
problem is refused whole, so a half-loaded file never mixes with the shipped figures.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from trust_si.terms import AcademicYear, TermError

from .catalogue import BENCHMARK_GROUPS, KPIS, benchmark_key

COLUMNS = ["kpi", "year", "value", "source"]
# Optional: "all" (the default) or "non_disadvantaged" (national other pupils).
OPTIONAL = ["group"]


@dataclass(frozen=True)
class BenchmarkRow:
    kpi: str
    year: str
    value: float
    source: str
    group: str = "all"

    @property
    def key(self) -> str:
        return benchmark_key(self.kpi, self.group)


def parse_benchmarks(data: bytes) -> tuple[list[BenchmarkRow], list[str]]:
    """Rows and problems.

    1. UTF-8 (a BOM is dropped); the header must hold kpi, year, value and source.
    2. kpi must be a catalogue code; group, when given, "all" or "non_disadvantaged" (national
       other pupils, what DfE compares disadvantaged pupils with); year like 2024-25 with consecutive years; value a number
       (a percentage 0-100, Attainment 8 0-90); source not blank.
    3. The same kpi and year twice in one file is a problem (which one is meant?).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text: save it as CSV UTF-8."]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [
            f"Row 1: the header lacks {', '.join(missing)} (expected: {', '.join(COLUMNS)})."
        ]
    rows: list[BenchmarkRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        kpi, year, value_text, source = (row.get(c, "") for c in COLUMNS)
        group = row.get("group") or "all"
        row_problems = []
        if kpi not in KPIS:
            row_problems.append(f"unknown KPI {kpi!r}")
        if group not in BENCHMARK_GROUPS:
            row_problems.append(f"group {group!r} is not one of {', '.join(BENCHMARK_GROUPS)}")
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
        key = benchmark_key(kpi, group)
        if (key, year) in seen:
            row_problems.append(
                f"{kpi} {year}{'' if group == 'all' else ' (' + group + ')'} is already on "
                f"row {seen[(key, year)]}"
            )
        seen.setdefault((key, year), number)
        if row_problems:
            problems.append(f"Row {number}: " + "; ".join(row_problems) + ".")
        elif value is not None:
            rows.append(BenchmarkRow(kpi, year, value, source[:200], group))
    if not rows and not problems:
        problems.append("The file has no rows under its header.")
    return rows, problems
