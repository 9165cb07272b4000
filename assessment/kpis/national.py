"""National figures: the Benchmarks keys, the shipped file of DfE's figures
(data/national_benchmarks.csv) and which national figure a KPI's term figure is compared with.
Pure: no ORM import."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from trust_si.terms import Season, TermCode

if TYPE_CHECKING:
    from .catalogue import Kpi


# The national groups a benchmark may be for: all pupils, or DfE's "other pupils" (not
# disadvantaged), the figure DfE compares disadvantaged pupils with (its DIFFN_* fields).
BENCHMARK_GROUPS = ("all", "non_disadvantaged")
# Which national group each pupil group is compared with; unlisted groups: all pupils.
NATIONAL_GROUP_FOR = {"disadvantaged": "non_disadvantaged"}


def benchmark_key(kpi: str, group: str = "all", period: str = "year") -> str:
    """The Benchmarks key: the KPI code for all pupils, 'ks2_rwm_exp:non_disadvantaged' else;
    a figure for one term has the term after '@' ('absence@autumn')."""
    key = kpi if group == "all" else f"{kpi}:{group}"
    return key if period == "year" else f"{key}@{period}"


# The part of the academic year a national figure covers (the benchmarks file's "period"
# column, issue 13): the full year (the default) or one term. DfE's census absence releases
# give the autumn term, and the full-year release each term's rate; a one-term measure
# (absence) is compared with the same term's national figure where DfE published it.
BENCHMARK_PERIODS = ("year", "autumn", "spring", "summer")
PERIOD_WORDS = {"autumn": "autumn term", "spring": "spring term", "summer": "summer term"}


def national_for_term(
    benchmarks: dict[str, list[tuple[str, float, str]]],
    kpi: Kpi,
    group: str,
    term_code: str,
) -> tuple[str, float, str] | None:
    """(year, value, period) of the national figure a KPI's term figure is compared with.

    A one-term measure takes DfE's figure for the same term ("autumn": an autumn term's absence
    against DfE's autumn figure) when one is published for the term's year or for a year at
    least as recent as the latest full-year figure; else the full-year figure (labelled "full
    year, against one term"). Every other KPI takes the full-year figure. `group` is the
    national group ("all" or "non_disadvantaged"). Each as `benchmark_for`: that year's figure,
    else the latest earlier one."""
    term = TermCode.parse_or_none(term_code)
    if term is None:
        return None
    year = term.academic_year
    full = benchmark_for(benchmarks, benchmark_key(kpi.code, group), year)
    if kpi.one_term:
        season = term.season.code
        termly = benchmark_for(benchmarks, benchmark_key(kpi.code, group, season), year)
        if termly is not None and (full is None or termly[0] >= full[0]):
            return (termly[0], termly[1], season)
    if kpi.year_to_date and term.season is not Season.SUMMER:
        # The year so far: in the autumn it is the autumn term, DfE's autumn-term rate (never
        # the full year's); in the spring, autumn and spring together, which DfE does not publish.
        if term.season is not Season.AUTUMN:
            return None
        autumn = benchmark_for(benchmarks, benchmark_key(kpi.code, group, "autumn"), year)
        return (autumn[0], autumn[1], "autumn") if autumn else None
    return (full[0], full[1], "year") if full else None


def _row_key(row: dict[str, str]) -> str:
    """A benchmarks-file row's key: its KPI, national group and period (both optional)."""
    group = (row.get("group") or "").strip() or "all"
    return benchmark_key(row["kpi"], group, (row.get("period") or "").strip() or "year")


def load_benchmarks(path: Path | None = None) -> dict[str, list[tuple[str, float, str]]]:
    """benchmark_key -> [(year, value, source)], oldest first, from the shipped CSV."""
    path = path or Path(__file__).with_name("data") / "national_benchmarks.csv"
    out: dict[str, list[tuple[str, float, str]]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = _row_key(row)
            out.setdefault(key, []).append((row["year"], float(row["value"]), row["source"]))
    for rows in out.values():
        rows.sort()
    return out


@functools.lru_cache(maxsize=4)
def benchmark_links(path: Path | None = None) -> dict[tuple[str, str], tuple[str, str]]:
    """(benchmark_key, year) -> (source, link to DfE's page) for the shipped figures; a figure
    the operator loaded over one has its own source, so the caller checks the source matches."""
    path = path or Path(__file__).with_name("data") / "national_benchmarks.csv"
    out: dict[tuple[str, str], tuple[str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = _row_key(row)
            out[(key, row["year"])] = (row["source"], (row.get("link") or "").strip())
    return out


def benchmark_for(
    benchmarks: dict[str, list[tuple[str, float, str]]], kpi: str, year: str
) -> tuple[str, float] | None:
    """The national figure for that year, else the latest earlier one (the caller marks it stale)."""
    rows = [r for r in benchmarks.get(kpi, []) if r[0] <= year]
    return (rows[-1][0], rows[-1][1]) if rows else None
