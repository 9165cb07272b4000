"""What the KPI engine hands to its readers (placement engine, heat map, reports).

Plain dataclasses, no ORM: the phases rules engine and the report classes consume these, so they
can be tested and benchmarked without a database. `assessment.selectors` builds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.kpis.catalogue import no_national_reason
from assessment.kpis.national import PERIOD_WORDS


def national_basis(
    national_year: str | None,
    term_year: str,
    *,
    full_year: bool = False,
    kpi_code: str = "",
    period: str = "year",
) -> str:
    """See KpiFigure.national_basis; term_year is the term's academic year ("2024-25")."""
    if not national_year:
        return no_national_reason(kpi_code) or f"not published for {term_year}"
    words = national_year if national_year == term_year else f"latest published: {national_year}"
    if period in PERIOD_WORDS:
        return f"{words}, {PERIOD_WORDS[period]}"  # DfE's figure for the same term
    return f"{words}, full year, against one term" if full_year else words


@dataclass(frozen=True, slots=True)
class KpiFigure:
    """One KPI for one academy (or trust-wide, academy_id None), term and pupil group.

    `value` is None when the figure is suppressed (by `assessment.kpis.disclosure`; `cohort` is
    then 0, never the real count) or when there is no data; `suppressed` says which. Percentages are 0-100.
    """

    academy_id: int | None
    kpi_code: str  # catalogue code, e.g. "ks2_rwm_exp", "ks4_att8", "attendance_pa"
    label: str
    key_stage: str  # "EYFS", "KS1", "KS2", "KS4", "all"
    subject: str  # "reading", "writing", "maths", "rwm", "english", "science", "" ...
    group: str  # "all", "disadvantaged", "non_disadvantaged", "send", "eal", "boys", "girls", ...
    term_code: str  # "2025-26-autumn"
    value: float | None
    cohort: int
    suppressed: bool
    national: float | None
    national_year: str | None  # "2024-25": the benchmark's year (may be older: then stale)
    target: float | None
    unit: str  # "%", "points", "score"
    direction: str  # "higher" (higher is better) or "lower" (absence)
    # Set on the aggregate of one phase of education ("primary"...; academy_id None): only when
    # the caller asks for them (by_education), so "academy_id None" alone still means the trust.
    education: str = ""
    # Why a suppressed figure is hidden: "primary" (5 or fewer pupils) or "secondary" (it would
    # give a primary one away by subtraction); "" when shown. See assessment.kpis.disclosure.
    suppression: str = ""
    # Whose national figure `national` is: "all" (all pupils) or "non_disadvantaged" (national
    # *other* pupils, DfE's comparison for disadvantaged pupils, as its DIFFN_* fields).
    national_group: str = "all"
    # True when the figure is one term's (absence) and `national` DfE's full-year figure.
    national_full_year: bool = False
    # The part of the year `national` covers: "year", or the term of DfE's termly figure
    # ("autumn": an autumn term's absence against DfE's autumn-term rate).
    national_period: str = "year"

    @property
    def national_basis(self) -> str:
        """Which year `national` is, in words: "2024-25" when it is the term's own year;
        "latest published: 2023-24" when DfE has not published the term's year and the product
        compares with the latest earlier one (deliberately, and so labelled wherever shown);
        "not published for 2024-25" when there is no figure for the year, or why there never is
        one ("no national figure: the trust's own measure")."""
        return national_basis(
            self.national_year,
            self.term_code[:7],
            full_year=self.national_full_year,
            kpi_code=self.kpi_code,
            period=self.national_period,
        )


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    """A DfE performance-table figure for one academy (e.g. P8MEA with its confidence interval)."""

    academy_id: int
    field: str  # DfE's own field name: "P8MEA", "READPROG", "PTRWM_EXP", "ATT8SCR"...
    year: str  # "2018-19"
    value: float | None  # None when DfE published a code instead (SUPP, NE, NP, LOWCOV, NA)
    code: str  # the DfE code when value is None, else ""
    lower: float | None
    upper: float | None
    dfe_banding: str  # DfE's banding code/descriptor as published ("1".."5", "SUPP", "" ...)
    source: str
