"""The KPI catalogue and the engine that computes KPIs from pupil rows. Pure: no ORM import.

Each KPI is data: which pupils count (year group), which results it reads, and the rule that
says whether a pupil meets it (or the value it averages). Adding a KPI is a new entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from trust_si.terms import Season, TermCode

from . import primary
from .definitions import DEFINITIONS as BASE_DEFINITIONS

ARE_VALUES = {"EXS", "GDS", "ARE", "ABV"}
GROUPS = [
    "all",
    "disadvantaged",
    "non_disadvantaged",
    "send",
    "no_send",
    "eal",
    "boys",
    "girls",
    "prior_low",
    "prior_middle",
    "prior_high",
]


@dataclass(frozen=True)
class PupilFacts:
    """One pupil's enrolment flags and the results the KPIs read ((subject, measure) -> value)."""

    year_group: str
    disadvantaged: bool
    send: str
    eal: bool
    sex: str
    prior_band: str
    results: dict[tuple[str, str], tuple[str, float | None]]
    sessions_possible: int = 0
    sessions_missed: int = 0


_GROUP_TESTS: dict[str, Callable[[PupilFacts], bool]] = {
    "all": lambda p: True,
    "disadvantaged": lambda p: p.disadvantaged,
    "non_disadvantaged": lambda p: not p.disadvantaged,
    "send": lambda p: bool(p.send),
    "no_send": lambda p: not p.send,
    "eal": lambda p: p.eal,
    "boys": lambda p: p.sex == "M",
    "girls": lambda p: p.sex == "F",
    "prior_low": lambda p: p.prior_band == "low",
    "prior_middle": lambda p: p.prior_band == "middle",
    "prior_high": lambda p: p.prior_band == "high",
}


def in_group(p: PupilFacts, group: str) -> bool:
    return _GROUP_TESTS[group](p)


def _value(p: PupilFacts, subject: str, measure: str) -> tuple[str, float | None] | None:
    return p.results.get((subject, measure))


def _meets_scaled(subject: str) -> Callable[[PupilFacts], bool | None]:
    def rule(p: PupilFacts) -> bool | None:
        v = _value(p, subject, "scaled_score")
        return None if v is None else (v[1] is not None and v[1] >= 100)

    return rule


def _meets_ta(subject: str, good: set[str]) -> Callable[[PupilFacts], bool | None]:
    def rule(p: PupilFacts) -> bool | None:
        v = _value(p, subject, "ta")
        return None if v is None else v[0] in good

    return rule


def _ks2_rwm(p: PupilFacts) -> bool | None:
    parts = [
        _meets_scaled("reading")(p),
        _meets_ta("writing", {"EXS", "GDS"})(p),
        _meets_scaled("maths")(p),
    ]
    return None if any(x is None for x in parts) else all(parts)


def _phonics(p: PupilFacts) -> bool | None:
    v = _value(p, "phonics", "phonics")
    if v is None:
        return None
    return v[0] == "WA" or (v[1] is not None and v[1] >= 32)


def _gld(p: PupilFacts) -> bool | None:
    v = _value(p, "eyfs", "gld")
    # No gld row: worked out from the five areas of learning when all are there (i13-4a).
    return primary.gld_from_areas(p, "") if v is None else v[0] == "Y"


KS4_SUBJECTS = ("english_language", "english_literature", "maths")


def _grade(p: PupilFacts, subject: str) -> float:
    v = _value(p, subject, "gcse_grade")
    return (v[1] or 0.0) if v is not None else 0.0


def _em(grade: int) -> Callable[[PupilFacts], bool | None]:
    """DfE: English is met by English language *or* English literature; the denominator is
    every pupil at the end of KS4, so a pupil with no English or maths grade has not met it."""

    def rule(p: PupilFacts) -> bool | None:
        english = max(_grade(p, "english_language"), _grade(p, "english_literature"))
        return english >= grade and _grade(p, "maths") >= grade

    return rule


def _att8(p: PupilFacts) -> float | None:
    """DfE: the average over every pupil at the end of KS4; a pupil with no score has 0."""
    v = _value(p, "attainment8", "att8")
    return 0.0 if v is None else (v[1] or 0.0)


def _has_ks4(p: PupilFacts) -> bool:
    return any(_value(p, s, "gcse_grade") is not None for s in KS4_SUBJECTS) or bool(
        _value(p, "attainment8", "att8")
    )


def _absent(p: PupilFacts) -> bool | None:
    if not p.sessions_possible:
        return None
    return p.sessions_missed / p.sessions_possible >= 0.10


# Where the whole-trust figures come from, in words beside them (pages, exports, reports).
TRUST_SCOPE_NOTE = (
    "Whole-trust figures for statutory assessments (EYFS, phonics, key stages 2 and 4) cover "
    "the trust's mainstream academies, as DfE's multi-academy trust performance measures do: "
    "special schools and alternative provision are not included. Teacher-assessment and absence "
    "figures cover every academy."
)


def _severely_absent(p: PupilFacts) -> bool | None:
    """DfE: severely absent = missing 50% or more of one's own possible sessions."""
    if not p.sessions_possible:
        return None
    return p.sessions_missed / p.sessions_possible >= 0.50


def _entered(p: PupilFacts, subject: str) -> bool:
    """A GCSE result for the subject (grade 1-9 or U); X (no result) is no entry."""
    v = _value(p, subject, "gcse_grade")
    return v is not None and v[0].upper() != "X"


# DfE's EBacc subject areas, as the results template names the subjects. DfE: English needs
# both English language and English literature; the sciences are combined science or three
# single sciences from biology, chemistry, physics and computer science; a humanity is history
# or geography; any ancient or modern language counts (the template carries French, Spanish
# and German).
EBACC_SINGLE_SCIENCES = ("biology", "chemistry", "physics", "computing")
EBACC_LANGUAGES = ("french", "spanish", "german")
EBACC_HUMANITIES = ("history", "geography")


def _ebacc_entered(p: PupilFacts) -> bool | None:
    english = _entered(p, "english_language") and _entered(p, "english_literature")
    science = _entered(p, "combined_science") or (
        sum(_entered(p, s) for s in EBACC_SINGLE_SCIENCES) >= 3
    )
    return (
        english
        and _entered(p, "maths")
        and science
        and any(_entered(p, s) for s in EBACC_HUMANITIES)
        and any(_entered(p, s) for s in EBACC_LANGUAGES)
    )


# DfE: a "high score" in a KS2 test is a scaled score of 110 or more.
KS2_HIGH_SCORE = 110


def _high_scaled(subject: str) -> Callable[[PupilFacts], bool | None]:
    def rule(p: PupilFacts) -> bool | None:
        v = _value(p, subject, "scaled_score")
        return None if v is None else (v[1] is not None and v[1] >= KS2_HIGH_SCORE)

    return rule


def _ks2_rwm_high(p: PupilFacts) -> bool | None:
    parts = [
        _high_scaled("reading")(p),
        _meets_ta("writing", {"GDS"})(p),
        _high_scaled("maths")(p),
    ]
    return None if any(x is None for x in parts) else all(parts)


@dataclass(frozen=True)
class Kpi:
    code: str
    label: str
    key_stage: str
    subject: str
    year_groups: tuple[str, ...]  # empty: every year group
    unit: str  # "%" or "points"
    direction: str  # "higher" or "lower"
    meets: Callable[[PupilFacts], bool | None] | None = None  # % of pupils meeting it
    average: Callable[[PupilFacts], float | None] | None = None  # mean of a value
    summer_only: bool = False
    # DfE's end-of-KS4 measures count every pupil of the year group, with or without a result,
    # once the cohort has results at all (before results arrive there is no figure, not 0%).
    every_pupil: Callable[[PupilFacts], bool] | None = None
    definition: str = ""  # DfE's definition in words, shown beside the figure
    source: str = ""
    # Computed from one term's sessions: compared with DfE's figure for the same term where
    # national_benchmarks.csv has one (its "period" column), else DfE's full-year figure, and
    # the comparison is labelled so (`national_for_term`).
    one_term: bool = False
    # The KPI this one breaks down by year group ("" for a headline KPI): a breakdown is shown
    # on the KPI page and in the API, and is no column of its own on the heat map.
    breakdown_of: str = ""
    # Decimal places the figure is kept to: DfE publishes EBacc APS and exclusion rates to two.
    decimals: int = 1
    # Counted from the start of the academic year to the end of the term (suspensions and
    # permanent exclusions): the summer term's figure is the year's, which DfE's national
    # figure is; earlier terms are not compared with it (`compared_nationally`).
    year_to_date: bool = False


# DfE's absence statistics cover pupils of compulsory school age, aged 5 to 15 at the start of
# the academic year (31 August): Years 1 to 11. The pupil model holds no date of birth, so the
# year group stands for the age (a pupil out of year group is counted by their year group).
COMPULSORY_SCHOOL_AGE = tuple(str(n) for n in range(1, 12))
ALL_YEARS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
CATALOGUE: list[Kpi] = [
    Kpi(
        "eyfs_gld",
        "EYFS: good level of development",
        "EYFS",
        "eyfs",
        ("R",),
        "%",
        "higher",
        _gld,
        summer_only=True,
    ),
    Kpi(
        "y1_phonics",
        "Year 1 phonics: meeting the standard",
        "KS1",
        "phonics",
        ("1",),
        "%",
        "higher",
        _phonics,
        summer_only=True,
    ),
    Kpi(
        "ks2_reading_exp",
        "KS2 reading: expected standard (test)",
        "KS2",
        "reading",
        ("6",),
        "%",
        "higher",
        _meets_scaled("reading"),
        summer_only=True,
    ),
    Kpi(
        "ks2_writing_exp",
        "KS2 writing: expected standard (TA)",
        "KS2",
        "writing",
        ("6",),
        "%",
        "higher",
        _meets_ta("writing", {"EXS", "GDS"}),
    ),
    Kpi(
        "ks2_maths_exp",
        "KS2 maths: expected standard (test)",
        "KS2",
        "maths",
        ("6",),
        "%",
        "higher",
        _meets_scaled("maths"),
        summer_only=True,
    ),
    Kpi(
        "ks2_rwm_exp",
        "KS2 reading, writing and maths combined",
        "KS2",
        "rwm",
        ("6",),
        "%",
        "higher",
        _ks2_rwm,
        summer_only=True,
    ),
    Kpi(
        "ks2_writing_gds",
        "KS2 writing: greater depth (TA)",
        "KS2",
        "writing",
        ("6",),
        "%",
        "higher",
        _meets_ta("writing", {"GDS"}),
    ),
    Kpi(
        "ks4_att8",
        "KS4 Attainment 8",
        "KS4",
        "attainment8",
        ("11",),
        "points",
        "higher",
        average=_att8,
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ks4_em4",
        "KS4 English and maths grade 4+",
        "KS4",
        "english_maths",
        ("11",),
        "%",
        "higher",
        _em(4),
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ks4_em5",
        "KS4 English and maths grade 5+",
        "KS4",
        "english_maths",
        ("11",),
        "%",
        "higher",
        _em(5),
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ta_reading_are",
        "Reading at age-related expectations (TA, all year groups)",
        "all",
        "reading",
        ALL_YEARS,
        "%",
        "higher",
        _meets_ta("reading", ARE_VALUES),
    ),
    Kpi(
        "ta_writing_are",
        "Writing at age-related expectations (TA, all year groups)",
        "all",
        "writing",
        ALL_YEARS,
        "%",
        "higher",
        _meets_ta("writing", ARE_VALUES),
    ),
    Kpi(
        "ta_maths_are",
        "Maths at age-related expectations (TA, all year groups)",
        "all",
        "maths",
        ALL_YEARS,
        "%",
        "higher",
        _meets_ta("maths", ARE_VALUES),
    ),
    Kpi(
        "persistent_absence",
        "Persistent absence (10% or more)",
        "all",
        "",
        COMPULSORY_SCHOOL_AGE,
        "%",
        "lower",
        _absent,
        one_term=True,
    ),
]
# DfE measures added with their definitions (below, in DEFINITIONS): the higher standard at
# KS2, EBacc entry and severe absence. Each reads only what the uploads already carry (scaled
# scores, writing TA, GCSE grades by subject, sessions possible and missed).
CATALOGUE += [
    Kpi(
        "ks2_reading_high",
        "KS2 reading: higher standard (test)",
        "KS2",
        "reading",
        ("6",),
        "%",
        "higher",
        _high_scaled("reading"),
        summer_only=True,
    ),
    Kpi(
        "ks2_maths_high",
        "KS2 maths: higher standard (test)",
        "KS2",
        "maths",
        ("6",),
        "%",
        "higher",
        _high_scaled("maths"),
        summer_only=True,
    ),
    Kpi(
        "ks2_rwm_high",
        "KS2 reading, writing and maths: higher standard",
        "KS2",
        "rwm",
        ("6",),
        "%",
        "higher",
        _ks2_rwm_high,
        summer_only=True,
    ),
    Kpi(
        "ks4_ebacc_entry",
        "KS4 entered for the EBacc",
        "KS4",
        "ebacc",
        ("11",),
        "%",
        "higher",
        _ebacc_entered,
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "severe_absence",
        "Severe absence (50% or more)",
        "all",
        "",
        COMPULSORY_SCHOOL_AGE,
        "%",
        "lower",
        _severely_absent,
        one_term=True,
    ),
]
# Primary measures (issue 13, i13-4a): GPS at KS2, the Year 4 multiplication tables check,
# phonics by the end of Year 2, the EYFS prime areas and seed 003's cohort measures. The rules
# are in `primary` (results of earlier years are keyed there, see `primary.earlier`).


def _are_of_gld(p: PupilFacts) -> bool | None:
    """Seed 003: of the Year 2 pupils with a good level of development at the end of Reception,
    those at age-related expectations in reading, writing and maths (teacher assessment)."""
    if not primary.gld_in_reception(p):
        return None
    parts = [_meets_ta(s, ARE_VALUES)(p) for s in ("reading", "writing", "maths")]
    return None if any(x is None for x in parts) else all(parts)


CATALOGUE += [
    Kpi(
        "ks2_gps_exp",
        "KS2 grammar, punctuation and spelling: expected standard (test)",
        "KS2",
        "gps",
        ("6",),
        "%",
        "higher",
        _meets_scaled("gps"),
        summer_only=True,
    ),
    Kpi(
        "ks2_gps_high",
        "KS2 grammar, punctuation and spelling: higher standard (test)",
        "KS2",
        "gps",
        ("6",),
        "%",
        "higher",
        _high_scaled("gps"),
        summer_only=True,
    ),
    Kpi(
        "y4_mtc_average",
        "Year 4 multiplication tables check: average score (out of 25)",
        "KS2",
        "mtc",
        ("4",),
        "points",
        "higher",
        average=primary.mtc_score,
        summer_only=True,
    ),
    Kpi(
        "y4_mtc_full_marks",
        "Year 4 multiplication tables check: full marks (25)",
        "KS2",
        "mtc",
        ("4",),
        "%",
        "higher",
        primary.mtc_full_marks,
        summer_only=True,
    ),
    Kpi(
        "phonics_by_y2",
        "Phonics: meeting the standard by the end of Year 2",
        "KS1",
        "phonics",
        ("2",),
        "%",
        "higher",
        primary.phonics_by_y2,
        summer_only=True,
    ),
    Kpi(
        "eyfs_prime_areas",
        "EYFS: expected level in all prime areas",
        "EYFS",
        "eyfs",
        ("R",),
        "%",
        "higher",
        primary.eyfs_prime,
        summer_only=True,
    ),
    Kpi(
        "y1_phonics_of_gld",
        "Year 1 phonics standard met by pupils who had a good level of development",
        "KS1",
        "phonics",
        ("1",),
        "%",
        "higher",
        primary.phonics_of_gld,
        summer_only=True,
    ),
    Kpi(
        "y2_phonics_retake_met",
        "Year 2 phonics: Year 1 non-passers meeting the standard",
        "KS1",
        "phonics",
        ("2",),
        "%",
        "higher",
        primary.retake_of_non_passers,
        summer_only=True,
        every_pupil=primary.has_y2_check,
    ),
    Kpi(
        "y2_are_of_gld",
        "Year 2 reading, writing and maths at ARE: pupils who had a good level of development",
        "KS1",
        "rwm",
        ("2",),
        "%",
        "higher",
        _are_of_gld,
    ),
]
# Seed 003's EYFS progress benchmark, "Nursery data - lowest 20% (blue dot)" (`primary`).
CATALOGUE += [
    Kpi(
        "eyfs_lowest_20_gld",
        "EYFS: good level of development reached by the lowest 20% on entry",
        "EYFS",
        "eyfs",
        ("R",),
        "%",
        "higher",
        primary.gld_of_lowest_20,
        summer_only=True,
    ),
]
# Teacher judgements of writing against the trust's own framework (assessment.frameworks):
# the judgement each teacher confirmed (or recorded with a reason) for the term, one per pupil.
# `figures` puts it in a pupil's results as (subject, "judgement") -> level and
# (subject, "judgement_evidence") -> "independent" | "scaffolded".
JUDGED_LEVELS = ("WTS", "EXS", "GDS")
FRAMEWORK_YEARS = tuple(str(n) for n in range(1, 12))  # frameworks cover Years 1 to 11


def _judged(subject: str, good: set[str]) -> Callable[[PupilFacts], bool | None]:
    def rule(p: PupilFacts) -> bool | None:
        v = _value(p, subject, "judgement")
        return None if v is None else v[0] in good

    return rule


def _scaffolded_only(subject: str) -> Callable[[PupilFacts], bool | None]:
    """The judgement rests on scaffolded work only (no independent writing behind it)."""

    def rule(p: PupilFacts) -> bool | None:
        v = _value(p, subject, "judgement_evidence")
        return None if v is None else v[0] == "scaffolded"

    return rule


JUDGED_WRITING = (
    ("writing_judged_exs", "expected standard or above (EXS+)", {"EXS", "GDS"}),
    ("writing_judged_gds", "greater depth (GDS)", {"GDS"}),
)
WRITING_SCAFFOLDED = "writing_judged_scaffolded"
CATALOGUE += [
    *(
        Kpi(
            code,
            f"Writing: {words}, teacher judgement (trust framework)",
            "all",
            "writing",
            FRAMEWORK_YEARS,
            "%",
            "higher",
            _judged("writing", good),
        )
        for code, words, good in JUDGED_WRITING
    ),
    Kpi(
        WRITING_SCAFFOLDED,
        "Writing judgements from scaffolded work only",
        "all",
        "writing",
        FRAMEWORK_YEARS,
        "%",
        "lower",
        _scaffolded_only("writing"),
    ),
    *(
        Kpi(
            f"{code}_y{year}",
            f"Year {year} writing: {words}, teacher judgement (trust framework)",
            "all",
            "writing",
            (year,),
            "%",
            "higher",
            _judged("writing", good),
            breakdown_of=code,
        )
        for year in FRAMEWORK_YEARS
        for code, words, good in JUDGED_WRITING
    ),
]

# Reading judged against the trust's reading frameworks (seed 000: "implement a similar process
# for reading"): the same rule, store and disclosure control as writing. No scaffolded share:
# independent or scaffolded is a question about a piece of writing, not about reading.
JUDGED_READING = (
    ("reading_judged_exs", "expected standard or above (EXS+)", {"EXS", "GDS"}),
    ("reading_judged_gds", "greater depth (GDS)", {"GDS"}),
)
CATALOGUE += [
    *(
        Kpi(
            code,
            f"Reading: {words}, teacher judgement (trust framework)",
            "all",
            "reading",
            FRAMEWORK_YEARS,
            "%",
            "higher",
            _judged("reading", good),
        )
        for code, words, good in JUDGED_READING
    ),
    *(
        Kpi(
            f"{code}_y{year}",
            f"Year {year} reading: {words}, teacher judgement (trust framework)",
            "all",
            "reading",
            (year,),
            "%",
            "higher",
            _judged("reading", good),
            breakdown_of=code,
        )
        for year in FRAMEWORK_YEARS
        for code, words, good in JUDGED_READING
    ),
]

# Secondary and behaviour measures (issue 13, i13-4b) ----------------------------------------
# EBacc average point score, DfE's definition (secondary accountability measures guide, "The
# English Baccalaureate average point score"): six slots per pupil, GCSE points 9-1 (U 0),
#   English: the better of English language and English literature, both of which must be taken;
#   maths: the maths grade;
#   science: the best two science grades, from combined science (a double award, filling both
#     slots) or, where three or more of biology, chemistry, physics and computer science are
#     taken, the best two of them;
#   humanities: the better of history and geography;
#   languages: the best language grade;
# a missing slot scores 0, the total is divided by 6, and the school's figure is the mean over
# every pupil at the end of key stage 4 (a pupil with no entries scores 0).


def _points(p: PupilFacts, subject: str) -> float | None:
    """GCSE points for a subject the pupil took (U = 0); None when not taken (no row, or X)."""
    return _grade(p, subject) if _entered(p, subject) else None


def _best(p: PupilFacts, subjects: Iterable[str]) -> float:
    return max((g for g in (_points(p, s) for s in subjects) if g is not None), default=0.0)


def _ebacc_aps(p: PupilFacts) -> float | None:
    language, literature = _points(p, "english_language"), _points(p, "english_literature")
    english = max(language, literature) if language is not None and literature is not None else 0
    sciences: list[float] = []
    combined = _points(p, "combined_science")
    if combined is not None:
        sciences += [combined, combined]
    singles = [g for g in (_points(p, s) for s in EBACC_SINGLE_SCIENCES) if g is not None]
    if len(singles) >= 3:
        sciences += singles
    science = sum(sorted(sciences, reverse=True)[:2])
    total = (
        english
        + _grade(p, "maths")
        + science
        + _best(p, EBACC_HUMANITIES)
        + _best(p, EBACC_LANGUAGES)
    )
    return total / 6


CATALOGUE += [
    Kpi(
        "ks4_ebacc_aps",
        "KS4 EBacc average point score",
        "KS4",
        "ebacc",
        ("11",),
        "points",
        "higher",
        average=_ebacc_aps,
        summer_only=True,
        every_pupil=_has_ks4,
        decimals=2,
    ),
]


# Suspensions and permanent exclusions (DfE, "Suspensions and permanent exclusions in England"):
# the suspension rate is suspensions / pupils x 100, the permanent exclusion rate likewise, and
# the one-or-more suspension rate the share of pupils suspended at least once. The denominator
# is every pupil on the academy's roll (its enrolments of the year). `figures` puts a pupil's
# counts in their results as ("exclusions", "suspensions" | "permanent") -> (text, count) and
# ("exclusions", "reported") when the academy's upload for the term is confirmed (an academy
# with no upload has no figure, where a confirmed empty upload is 0).
EXCLUSIONS = "exclusions"


def _reported(p: PupilFacts) -> bool:
    return _value(p, EXCLUSIONS, "reported") is not None


def _excluded(p: PupilFacts, measure: str) -> float:
    v = _value(p, EXCLUSIONS, measure)
    return (v[1] or 0.0) if v is not None else 0.0


def _suspension_rate(p: PupilFacts) -> float | None:
    return 100 * _excluded(p, "suspensions") if _reported(p) else None


def _permanent_rate(p: PupilFacts) -> float | None:
    return 100 * _excluded(p, "permanent") if _reported(p) else None


def _suspended(p: PupilFacts) -> bool | None:
    return _excluded(p, "suspensions") >= 1 if _reported(p) else None


EXCLUSION_KPIS = ("suspension_rate", "permanent_exclusion_rate", "one_plus_suspension")
CATALOGUE += [
    Kpi(
        "suspension_rate",
        "Suspensions per 100 pupils",
        "all",
        EXCLUSIONS,
        (),
        "points",
        "lower",
        average=_suspension_rate,
        decimals=2,
        year_to_date=True,
    ),
    Kpi(
        "permanent_exclusion_rate",
        "Permanent exclusions per 100 pupils",
        "all",
        EXCLUSIONS,
        (),
        "points",
        "lower",
        average=_permanent_rate,
        decimals=2,
        year_to_date=True,
    ),
    Kpi(
        "one_plus_suspension",
        "Pupils with one or more suspensions",
        "all",
        EXCLUSIONS,
        (),
        "%",
        "lower",
        _suspended,
        decimals=2,
        year_to_date=True,
    ),
]


# Subjects as subjects (issue 12): science, English and maths alone at KS4, and the trust's own
# subjects. Each is a KPI as any other, so it goes through the same store, disclosure control,
# targets and placement engine; a placement's subject line reads the KPI's `subject`.
KS4_SINGLE_SCIENCES = ("biology", "chemistry", "physics")


def _gcse_at_least(subjects: tuple[str, ...], grade: int) -> Callable[[PupilFacts], bool | None]:
    """The best grade of `subjects` is `grade` or above; every pupil at the end of KS4 counts
    (the KPIs below are `every_pupil`), so a pupil with no grade in them has not met it."""

    def rule(p: PupilFacts) -> bool | None:
        return max(_grade(p, s) for s in subjects) >= grade

    return rule


# The trust's own subjects: any subject of the results template beyond reading, writing, maths
# and science that a trust assesses in year. A target for its KPI makes it a placement subject
# line ("History: Improve"); without one it is shown and never scored (as all in-year TA).
TRUST_SUBJECTS = (
    "history",
    "geography",
    "french",
    "spanish",
    "german",
    "computing",
    "art",
    "music",
    "pe",
    "re",
    "design_technology",
)
TRUST_SUBJECT_WORDS = {
    "history": "History",
    "geography": "Geography",
    "french": "French",
    "spanish": "Spanish",
    "german": "German",
    "computing": "Computing",
    "art": "Art",
    "music": "Music",
    "pe": "Physical education",
    "re": "Religious education",
    "design_technology": "Design and technology",
}
CATALOGUE += [
    Kpi(
        "ks2_science_exp",
        "KS2 science: expected standard (TA)",
        "KS2",
        "science",
        ("6",),
        "%",
        "higher",
        _meets_ta("science", {"EXS", "GDS"}),
    ),
    Kpi(
        "ks4_english4",
        "KS4 English grade 4+",
        "KS4",
        "english",
        ("11",),
        "%",
        "higher",
        _gcse_at_least(("english_language", "english_literature"), 4),
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ks4_english5",
        "KS4 English grade 5+",
        "KS4",
        "english",
        ("11",),
        "%",
        "higher",
        _gcse_at_least(("english_language", "english_literature"), 5),
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ks4_maths4",
        "KS4 maths grade 4+",
        "KS4",
        "maths",
        ("11",),
        "%",
        "higher",
        _gcse_at_least(("maths",), 4),
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ks4_maths5",
        "KS4 maths grade 5+",
        "KS4",
        "maths",
        ("11",),
        "%",
        "higher",
        _gcse_at_least(("maths",), 5),
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ks4_science4",
        "KS4 science grade 4+ (the trust's own measure)",
        "KS4",
        "science",
        ("11",),
        "%",
        "higher",
        _gcse_at_least(("combined_science", *KS4_SINGLE_SCIENCES), 4),
        summer_only=True,
        every_pupil=_has_ks4,
    ),
    Kpi(
        "ta_science_are",
        "Science at age-related expectations (TA, all year groups)",
        "all",
        "science",
        ALL_YEARS,
        "%",
        "higher",
        _meets_ta("science", ARE_VALUES),
    ),
    *(
        Kpi(
            f"ta_{subject}_are",
            f"{words} at age-related expectations (TA, all year groups)",
            "all",
            subject,
            ALL_YEARS,
            "%",
            "higher",
            _meets_ta(subject, ARE_VALUES),
        )
        for subject, words in TRUST_SUBJECT_WORDS.items()
    ),
]


def compared_nationally(kpi: Kpi, term_code: str) -> bool:
    """Whether a term's figure is compared with DfE's national one: a year-to-date figure only in
    the summer term, when it covers the year that DfE's figure is for, and in the autumn term,
    when it covers the autumn term that DfE's termly figure is for (`national_for_term`)."""
    if not kpi.year_to_date:
        return True
    term = TermCode.parse_or_none(term_code)
    return term is not None and term.season in (Season.SUMMER, Season.AUTUMN)


# -------------------------------------------------------------------------------------------

ABSENCE = Kpi(
    "absence", "Overall absence", "all", "", COMPULSORY_SCHOOL_AGE, "%", "lower", one_term=True
)
KPIS = {k.code: k for k in [*CATALOGUE, ABSENCE]}

# kpi -> (definition in words, the publication that defines it): see `definitions`.
DEFINITIONS: dict[str, tuple[str, str]] = dict(BASE_DEFINITIONS)
# The trust's own subjects (issue 12): one definition each, in the subject's words.
DEFINITIONS.update(
    {
        f"ta_{subject}_are": (
            f"Pupils whose {words if subject in EBACC_LANGUAGES else words.lower()} "
            "teacher assessment this term is at or above age-related expectations: one of the "
            "trust's own subjects, compared with the trust's target for the year.",
            "The trust's own in-year measure (not a DfE statistic)",
        )
        for subject, words in TRUST_SUBJECT_WORDS.items()
    }
)
# Each year group's breakdown has its headline's definition, for that year group only.
DEFINITIONS.update(
    {
        k.code: (
            f"Year {k.year_groups[0]} only. {DEFINITIONS[k.breakdown_of][0]}",
            DEFINITIONS[k.breakdown_of][1],
        )
        for k in CATALOGUE
        if k.breakdown_of
    }
)


@dataclass(frozen=True)
class Figure:
    value: float | None
    cohort: int


def compute(kpi: Kpi, pupils: Iterable[PupilFacts], group: str) -> Figure:
    """One KPI over a set of pupils for one group.

    1. Keep the pupils of the KPI's year groups and the group.
    2. A pupil with no result for the KPI does not count (the cohort is those with data),
       except in DfE's end-of-KS4 measures, whose denominator is every pupil of the year group.
    3. % KPIs: share meeting the rule; averages: the mean; overall absence: missed/possible.
    """
    return compute_groups(kpi, pupils, (group,))[group]


def compute_groups(
    kpi: Kpi, pupils: Iterable[PupilFacts], groups: Iterable[str]
) -> dict[str, Figure]:
    """`compute` for several groups in one pass: each pupil's outcome is worked out once.

    The recompute of a large trust spends its time here, so the rule runs once per pupil and
    the groups only add up numerators and denominators.
    """
    tests = [(g, _GROUP_TESTS[g]) for g in groups]
    sums = {g: [0.0, 0, 0] for g, _ in tests}  # numerator, denominator, pupils
    years = kpi.year_groups
    pupils = [p for p in pupils if not years or p.year_group in years]
    if kpi.every_pupil is not None and not any(kpi.every_pupil(p) for p in pupils):
        pupils = []  # no results for this cohort yet: no figure
    for p in pupils:
        if kpi.code == "absence":
            if not p.sessions_possible:
                continue
            numerator, weight = float(p.sessions_missed), p.sessions_possible
        elif kpi.average is not None:
            value = kpi.average(p)
            if value is None:
                continue
            numerator, weight = value, 1
        else:
            assert kpi.meets is not None
            met = kpi.meets(p)
            if met is None:
                continue
            numerator, weight = (100.0 if met else 0.0), 1
        for g, test in tests:
            if test(p):
                acc = sums[g]
                acc[0] += numerator
                acc[1] += weight
                acc[2] += 1
    out = {}
    for g, (numerator, denominator, pupils_counted) in sums.items():
        # Overall absence is missed / possible sessions; the others are means of 0/100 or values.
        scale = 100 if kpi.code == "absence" else 1
        out[g] = Figure(
            scale * numerator / denominator if denominator else None, int(pupils_counted)
        )
    return out


# End-of-key-stage assessments are taken in the summer term; a teacher assessment of these
# key stages in the summer is the statutory one.
END_OF_KEY_STAGE = {"EYFS", "KS1", "KS2", "KS4"}


def assessment_of(kpi_code: str, term_code: str) -> str:
    """ "statutory", "in_year" or "" (absence and the rest) for a KPI figure of a term.

    Statutory: a summer-only KPI (tests and checks), or a teacher assessment of an end-of-key-
    stage year in the summer term (KS2 writing). In year: any other teacher assessment (KS2
    writing in the autumn or spring; age-related expectations across year groups), which is
    compared with the trust's own target, not the end-of-key-stage national figure."""
    kpi = KPIS.get(kpi_code)
    if kpi is None or kpi.one_term or kpi.year_to_date:
        return ""
    if kpi.summer_only:
        return "statutory"
    term = TermCode.parse_or_none(term_code)
    summer = term is not None and term.season is Season.SUMMER
    return "statutory" if summer and kpi.key_stage in END_OF_KEY_STAGE else "in_year"


# Where a KPI has no national figure by its nature, the place for one says why, rather than
# "not published for 2025-26" (which reads as if DfE were late).
_NO_TERMLY_NATIONAL = {"severe_absence": "no termly national figure from DfE"}
# Secondary and behaviour measures (issue 13, i13-4b): the rates of the year so far.
_NO_TERMLY_NATIONAL.update(
    {
        code: "DfE's rate is for the whole year (and each term): the year so far is compared in "
        "the summer term, and the autumn term with DfE's autumn rate, where published"
        for code in EXCLUSION_KPIS
    }
)


# Primary measures (issue 13, i13-4a) with no national figure shipped: said why, not "not
# published" (which reads as if DfE were late). No DfE page stating them could be checked here;
# an operator who has DfE's figure loads it with `manage.py load_benchmarks`.
_NO_TERMLY_NATIONAL.update(
    {
        code: "no national figure shipped: none checked against a DfE publication yet"
        for code in ("ks2_gps_high", "eyfs_prime_areas")
    }
)


# Issue 12: DfE publishes English and maths at grade 4 and 5 per school (its KS4 data's EBacc
# English and maths subject areas), but no national figure for them alone could be checked
# against a DfE page here; an operator loads DfE's figure with `manage.py load_benchmarks`.
_NO_TERMLY_NATIONAL.update(
    {
        code: "no national figure shipped: none checked against a DfE publication yet"
        for code in ("ks4_english4", "ks4_english5", "ks4_maths4", "ks4_maths5")
    }
)


def no_national_reason(code: str) -> str | None:
    """Why a KPI is never compared with a national figure, in words; None when DfE publishes one."""
    if code in _NO_TERMLY_NATIONAL:
        return _NO_TERMLY_NATIONAL[code]
    definition = DEFINITIONS.get(code)
    if definition and "not a DfE statistic" in definition[1]:
        return "no national figure: the trust's own measure"
    return None
