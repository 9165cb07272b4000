"""Reads for forecasts and effect sizes: pupil rows in, the pure engines' answers out.

The engines (`assessment.forecasts`, `assessment.effects`) hold the methods; this module only
gathers each pupil's bands and scores, trust by trust (explicit filters on `trust_id`), and never
returns a pupil: only aggregate forecasts and effect sizes, already suppressed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from academies.models import SPECIAL_EDUCATION, Academy
from assessment import effects, forecasts
from assessment.frameworks.models import TeacherJudgement
from assessment.frameworks.rules import standard_of
from assessment.kpis.catalogue import KPIS
from assessment.kpis.store import data_version
from assessment.models import Enrolment, Result, Term
from trust_si.tenancy.storage import tenant_cache_key
from trust_si.terms import AcademicYear, Season, TermCode, term_sort_key

KS2_SUBJECTS = ("reading", "writing", "maths")
TA_RANK = {"GDS": 3, "ABV": 3, "EXS": 2, "ARE": 2, "WTS": 1}
BAND_OF_RANK = {3: "GDS", 2: "EXS", 1: "WTS", 0: "below"}
FORECAST_METHOD = (
    "Forecast, not a result: a transition model fitted on the trust's own past Year 6 cohorts "
    "(each past pupil's teacher assessment at the same point of the year, lowest of reading, "
    "writing and maths, against their end-of-key-stage outcome), with a 90% likely range that "
    "adds pupil chance, the fitted rates' uncertainty and the spread between past cohorts."
)
KS4_FORECAST_METHOD = (
    "Forecast, not a result: a transition model fitted on the trust's own past Year 11 cohorts "
    "(each past pupil's teacher-assessed working-at grade at the same point of the year, the "
    "lower of English and maths, against their GCSE grades), with a 90% likely range that adds "
    "pupil chance, the fitted rates' uncertainty and the spread between past cohorts."
)
# Why a first school sees no forecast (DfE: statutory KS1 assessment became optional from
# 2023-24, and the KPI catalogue holds no end-of-KS1 outcome to fit a forecast against).
KS1_NO_FORECAST = (
    "No key stage 1 forecast: statutory end-of-key-stage-1 assessment has been optional since "
    "2023-24 (DfE), so there is no end-of-key-stage-1 outcome to fit a forecast on or to check "
    "it against."
)
# Special schools and alternative provision: their pupils' outcomes are not comparable with
# mainstream cohorts (DfE leaves them out of its trust measures), so no forecast fitted on the
# trust's mainstream history is shown for them, and their pupils are not in that history.
SPECIAL_NO_FORECAST = (
    "No forecast: the forecasts are fitted on the trust's mainstream cohorts, and a special "
    "school's or alternative provision's outcomes are not comparable with them (DfE leaves these "
    "schools out of its trust performance measures)."
)
KS4_SUBJECTS = ("english_language", "english_literature", "maths")
# What a KS4 forecast reads: the English and maths grades, and Attainment 8 for its mean.
KS4_READ = (*KS4_SUBJECTS, "attainment8")
ATT8_LABEL = "Attainment 8 (average points per pupil)"
ATT8_METHOD = (
    " Attainment 8 is forecast as a regression of each past pupil's Attainment 8 score on the "
    "same band (the band's mean score), its likely range adding pupil spread, the fitted means' "
    "uncertainty and the spread between past cohorts."
)
# The in-year measure Year 10 and 11 teachers record (assessment.kinds: "working_grade").
WORKING_GRADE = "working_grade"
# Where a row holds a pupil's framework writing judgement (not a results measure).
JUDGEMENT = "framework_judgement"


def _terms(trust_id: int) -> dict[str, Term]:
    return {t.code: t for t in Term.objects.filter(trust_id=trust_id)}


def _year_rows(
    trust_id: int,
    years: Iterable[str],
    year_group: str,
    subjects: Iterable[str],
    measures: Iterable[str],
    academy_ids: list[int] | None = None,
    judgements: bool = False,
) -> dict[tuple[int, str], dict[Any, Any]]:
    """(pupil, year) -> {"academy": id, (subject, measure, season): (value, numeric)} for one
    year group; with `judgements`, also ("writing", JUDGEMENT, season): the framework writing
    judgement."""
    years = list(years)
    enrolments = Enrolment.objects.filter(
        trust_id=trust_id, academic_year__in=years, year_group=year_group
    )
    if academy_ids is not None:
        enrolments = enrolments.filter(academy_id__in=academy_ids)
    facts: dict[tuple[int, str], dict[Any, Any]] = {
        (pupil, year): {"academy": academy}
        for pupil, year, academy in enrolments.values_list(
            "pupil_id", "academic_year", "academy_id"
        )
    }
    if not facts:
        return {}
    results = Result.objects.filter(
        trust_id=trust_id,
        pupil_id__in={p for p, _ in facts},
        term__academic_year__in=years,
        subject__in=list(subjects),
        measure__in=list(measures),
    ).values_list(
        "pupil_id", "term__academic_year", "term__season", "subject", "measure", "value", "numeric"
    )
    for pupil, year, season, subject, measure, value, numeric in results:
        row = facts.get((pupil, year))
        if row is not None:
            row[(subject, measure, season)] = (value, numeric)
    if judgements:
        # The trust's framework writing judgements (assessment.frameworks), where a school made
        # them: on the same WTS / EXS / GDS scale as the teacher assessment they stand in for.
        for pupil, year, season, level, levels in TeacherJudgement.objects.filter(
            trust_id=trust_id,
            pupil_id__in={p for p, _ in facts},
            term__academic_year__in=years,
            subject="writing",
        ).values_list(
            "pupil_id", "term__academic_year", "term__season", "level", "version__levels"
        ):
            row = facts.get((pupil, year))
            if row is not None:
                # The trust's own levels read as the DfE standard they stand for.
                row[("writing", JUDGEMENT, season)] = (standard_of(levels, level), None)
    return facts


def _assessed(row: dict[Any, Any], subject: str, season: str) -> str | None:
    """The pupil's teacher assessment in the subject that term; for writing, the framework
    writing judgement in its place where the school made one (it is the better-evidenced of
    the two: a judgement against the trust's statements, open to moderation)."""
    if subject == "writing":
        judged = row.get(("writing", JUDGEMENT, season))
        if judged is not None:
            return str(judged[0])
    v = row.get((subject, "ta", season))
    return None if v is None else str(v[0])


def _ks2_band(row: dict[Any, Any], season: str) -> str | None:
    """The lowest of the pupil's reading, writing and maths assessments (writing: the framework
    judgement where there is one). Also the band of Years 7 to 9 for KS4 (teacher assessment
    against age-related expectations, English and maths)."""
    ranks = []
    for subject in KS2_SUBJECTS:
        v = _assessed(row, subject, season)
        if v is None:
            return None
        ranks.append(TA_RANK.get(v, 0))
    return BAND_OF_RANK[min(ranks)]


def _writing_band(row: dict[Any, Any], season: str) -> str | None:
    v = _assessed(row, "writing", season)
    return None if v is None else BAND_OF_RANK[TA_RANK.get(v, 0)]


def _writing_outcome(row: dict[Any, Any]) -> tuple[bool, bool] | None:
    """DfE's KS2 writing measures: the summer teacher assessment at the expected standard (EXS
    or GDS), and working at greater depth (GDS)."""
    w = row.get(("writing", "ta", "summer"))
    if w is None:
        return None
    return w[0] in ("EXS", "GDS"), w[0] == "GDS"


def _ks2_outcome(row: dict[Any, Any]) -> tuple[bool, bool] | None:
    """KS2 RWM by DfE's definitions: expected = reading and maths scaled 100+ and writing TA
    EXS or GDS; higher standard = reading and maths 110+ and writing GDS."""
    r = row.get(("reading", "scaled_score", "summer"))
    m = row.get(("maths", "scaled_score", "summer"))
    w = row.get(("writing", "ta", "summer"))
    if r is None or m is None or w is None:
        return None
    rs, ms = r[1] or 0, m[1] or 0
    expected = rs >= 100 and ms >= 100 and w[0] in ("EXS", "GDS")
    higher = rs >= 110 and ms >= 110 and w[0] == "GDS"
    return expected, higher


def _english_and_maths(row: dict[Any, Any], measure: str, season: str) -> tuple[float, float]:
    """(English, maths) grade, U or missing as 0. DfE: English is met by English language *or*
    English literature, so the better of the two counts."""

    def grade(subject: str) -> float:
        v = row.get((subject, measure, season))
        return (v[1] or 0.0) if v is not None else 0.0

    return max(grade("english_language"), grade("english_literature")), grade("maths")


def _ks4_band(row: dict[Any, Any], season: str) -> str | None:
    """The lower of the pupil's English and maths working-at grades, in bands whose ends are
    pooled (few pupils sit at grade 1 or grade 9). No band without both subjects' grades."""
    has_english = any(
        (s, WORKING_GRADE, season) in row for s in ("english_language", "english_literature")
    )
    if not has_english or ("maths", WORKING_GRADE, season) not in row:
        return None
    low = int(min(_english_and_maths(row, WORKING_GRADE, season)))
    return "grade 7 or above" if low >= 7 else "grade 2 or below" if low <= 2 else f"grade {low}"


def _attainment8(row: dict[Any, Any]) -> float | None:
    """The pupil's Attainment 8 score (points, DfE's definition; recorded as a result)."""
    v = row.get(("attainment8", "att8", "summer"))
    return None if v is None or v[1] is None else float(v[1])


def _ks4_outcome(row: dict[Any, Any]) -> tuple[bool, bool] | None:
    """DfE's English and maths measures (assessment.kpis.catalogue `_em`): grade 4 or above in
    both, grade 5 or above in both. A pupil with no English or maths GCSE result at all has no
    outcome to learn from (in the KPI they count as not met once the cohort has results)."""
    if not any((s, "gcse_grade", "summer") in row for s in KS4_SUBJECTS):
        return None
    english, maths = _english_and_maths(row, "gcse_grade", "summer")
    return english >= 4 and maths >= 4, english >= 5 and maths >= 5


@dataclass(frozen=True)
class ForecastSpec:
    """One end-of-key-stage forecast: which year group, which in-year assessment gives a pupil's
    band, which outcome it is fitted on, and the words shown beside it. The method is the same
    for every key stage and year group (`assessment.forecasts`); only these differ."""

    key: str  # "ks2", "ks4_year9": the command's --key-stage, the API's key, the report's
    key_stage: str  # "KS2", "KS4" as `Academy.key_stages` names it
    year_group: str
    subjects: tuple[str, ...]
    measures: tuple[str, ...]  # results read: the in-year band's and the outcome's
    band: Callable[[dict[Any, Any], str], str | None]
    outcome: Callable[[dict[Any, Any]], tuple[bool, bool] | None]
    title: str
    expected_label: str
    higher_label: str
    assessed: str  # what the band is read from, in words
    method: str
    # Years between the band and the outcome: 0 when the outcome ends the same year (Year 6,
    # Year 11); N for Year 6 - N or Year 11 - N, whose outcome is the same pupil's Year 6 or
    # Year 11 results N years later.
    years_ahead: int = 0
    # Whether framework writing judgements stand in for the writing teacher assessment.
    judgements: bool = False
    # A mean measure forecast beside the two shares (KS4: Attainment 8), from the outcome row.
    score: Callable[[dict[Any, Any]], float | None] | None = None
    score_label: str = ""

    @property
    def labels(self) -> dict[str, str]:
        """The measures in words ("mean": the mean score's, for a spec that has one)."""
        names = {"expected": self.expected_label, "higher": self.higher_label}
        return {**names, forecasts.MEAN: self.score_label} if self.score_label else names

    @property
    def outcome_year(self) -> str:
        return str(int(self.year_group) + self.years_ahead)

    @property
    def no_history_note(self) -> str:
        """Why there is no forecast when no past cohort of this year group has an outcome yet."""
        return (
            f"No forecast for Year {self.year_group}: no past Year {self.year_group} cohort in "
            f"the trust's data has reached its {self.key_stage} results yet."
        )


AHEAD_WORDS = {
    1: "a year ahead",
    2: "two years ahead",
    3: "three years ahead",
    4: "four years ahead",
}
JUDGEMENT_METHOD = (
    " Writing is the school's framework writing judgement (the trust's assessment framework, "
    "open to moderation) where one was made that term, else the writing teacher assessment."
)
RANGE_METHOD = (
    "with a 90% likely range that adds pupil chance, the fitted rates' uncertainty and the "
    "spread between past cohorts."
)
KS2_RWM_TITLE = "end of key stage 2, reading, writing and maths combined"
KS4_EM_TITLE = "end of key stage 4, English and maths"

KS2 = ForecastSpec(
    "ks2",
    "KS2",
    "6",
    KS2_SUBJECTS,
    ("ta", "scaled_score"),
    _ks2_band,
    _ks2_outcome,
    KS2_RWM_TITLE,
    "Expected standard",
    "Higher standard",
    "teacher assessments",
    FORECAST_METHOD + JUDGEMENT_METHOD,
    judgements=True,
)
KS2_WRITING = ForecastSpec(
    "ks2_writing",
    "KS2",
    "6",
    ("writing",),
    ("ta",),
    _writing_band,
    _writing_outcome,
    "end of key stage 2 writing (teacher assessment)",
    "Expected standard in writing",
    "Greater depth in writing",
    "writing judgements or teacher assessments",
    "Forecast, not a result: a transition model fitted on the trust's own past Year 6 cohorts "
    "(each past pupil's writing at the same point of the year against their end-of-key-stage "
    "writing teacher assessment), " + RANGE_METHOD + JUDGEMENT_METHOD,
    judgements=True,
)


def _ks2_ahead(year_group: str) -> ForecastSpec:
    ahead = 6 - int(year_group)
    return ForecastSpec(
        f"ks2_year{year_group}",
        "KS2",
        year_group,
        KS2_SUBJECTS,
        ("ta", "scaled_score"),
        _ks2_band,
        _ks2_outcome,
        f"{KS2_RWM_TITLE}, for this Year {year_group} ({AHEAD_WORDS[ahead]})",
        "Expected standard",
        "Higher standard",
        "teacher assessments",
        f"Forecast, not a result, {AHEAD_WORDS[ahead]}: a transition model fitted on the trust's "
        f"own past Year {year_group} pupils (each one's teacher assessment at the same point of "
        f"Year {year_group}, lowest of reading, writing and maths, against their own "
        "end-of-key-stage-2 outcome in Year 6), " + RANGE_METHOD + JUDGEMENT_METHOD + " "
        f"{'Years' if ahead > 1 else 'A year'} of teaching {'are' if ahead > 1 else 'is'} still "
        "to come, so the range is wider.",
        years_ahead=ahead,
        judgements=True,
    )


KS4 = ForecastSpec(
    "ks4",
    "KS4",
    "11",
    KS4_READ,
    (WORKING_GRADE, "gcse_grade", "att8"),
    _ks4_band,
    _ks4_outcome,
    KS4_EM_TITLE,
    "Grade 4 or above in English and maths",
    "Grade 5 or above in English and maths",
    "working-at grades",
    KS4_FORECAST_METHOD + ATT8_METHOD,
    score=_attainment8,
    score_label=ATT8_LABEL,
)
KS4_YEAR10_METHOD = (
    "Forecast, not a result, a year ahead: a transition model fitted on the trust's own past "
    "Year 10 pupils (each one's working-at grade at the same point of Year 10, the lower of "
    "English and maths, against their own GCSE grades at the end of Year 11), with a 90% likely "
    "range that adds pupil chance, the fitted rates' uncertainty and the spread between past "
    "cohorts. A year of teaching is still to come, so the range is wider."
)
KS4_YEAR10 = ForecastSpec(
    "ks4_year10",
    "KS4",
    "10",
    KS4_READ,
    (WORKING_GRADE, "gcse_grade", "att8"),
    _ks4_band,
    _ks4_outcome,
    f"{KS4_EM_TITLE}, for this Year 10 (a year ahead)",
    "Grade 4 or above in English and maths",
    "Grade 5 or above in English and maths",
    "working-at grades",
    KS4_YEAR10_METHOD + ATT8_METHOD,
    years_ahead=1,
    score=_attainment8,
    score_label=ATT8_LABEL,
)


def _ks4_from_ks3(year_group: str) -> ForecastSpec:
    """Years 7 to 9 have no working-at grades: their band is the lowest of the reading, writing
    and maths teacher assessments against age-related expectations (English and maths)."""
    ahead = 11 - int(year_group)
    return ForecastSpec(
        f"ks4_year{year_group}",
        "KS4",
        year_group,
        (*KS2_SUBJECTS, *KS4_READ),
        ("ta", "gcse_grade", "att8"),
        _ks2_band,
        _ks4_outcome,
        f"{KS4_EM_TITLE}, for this Year {year_group} ({AHEAD_WORDS[ahead]})",
        "Grade 4 or above in English and maths",
        "Grade 5 or above in English and maths",
        "teacher assessments",
        f"Forecast, not a result, {AHEAD_WORDS[ahead]}: a transition model fitted on the trust's "
        f"own past Year {year_group} pupils (each one's teacher assessment against age-related "
        f"expectations at the same point of Year {year_group}, lowest of reading, writing and "
        "maths, against their own GCSE English and maths grades at the end of Year 11), "
        + RANGE_METHOD
        + " Years of teaching are still to come, so the range is wider."
        + ATT8_METHOD,
        years_ahead=ahead,
        score=_attainment8,
        score_label=ATT8_LABEL,
    )


# KS2 before KS4, each key stage's final year first, then a year ahead, two years ahead...
SPECS = {
    s.key: s
    for s in (
        KS2,
        KS2_WRITING,
        *(_ks2_ahead(y) for y in ("5", "4", "3")),
        KS4,
        KS4_YEAR10,
        *(_ks4_from_ks3(y) for y in ("9", "8", "7")),
    )
}


def teaches_year(academy: Any, year_group: str) -> bool:
    """Whether the academy's age range holds the year group (Year N is ages N+4 to N+5)."""
    age = int(year_group) + 4
    return bool(academy.age_low <= age < academy.age_high)


def forecast_specs_for(academy: Any) -> list[ForecastSpec]:
    """The forecasts an academy has: one per end-of-key-stage year group it teaches (none for
    a special school or alternative provision: SPECIAL_NO_FORECAST)."""
    if academy.phase_of_education in SPECIAL_EDUCATION:
        return []
    return [s for s in SPECS.values() if teaches_year(academy, s.year_group)]


def no_forecast_note(academy: Any) -> str:
    """The reason shown where an academy's forecast would be, when it has none: a first school
    (KS1, no Year 6), or a special school or alternative provision."""
    if academy.phase_of_education in SPECIAL_EDUCATION:
        return SPECIAL_NO_FORECAST
    if "KS1" in academy.key_stages and not teaches_year(academy, "6"):
        return KS1_NO_FORECAST
    return ""


def _mainstream_ids(trust_id: int) -> list[int]:
    return list(
        Academy.objects.filter(trust_id=trust_id)
        .exclude(phase_of_education__in=SPECIAL_EDUCATION)
        .values_list("pk", flat=True)
    )


def _banded_rows(
    spec: ForecastSpec,
    trust_id: int,
    years: list[str],
    academy_ids: list[int] | None = None,
    judgements: bool = True,
) -> list[tuple[str, dict[Any, Any], dict[Any, Any] | None]]:
    """(year, the pupil's row in the spec's year group, the row their outcome is read from) per
    pupil. With `years_ahead`, the outcome row is the same pupil's Year 6 or Year 11 row that
    many years later (None while it has not happened, or when they left the trust)."""
    rows = _year_rows(
        trust_id,
        years,
        spec.year_group,
        spec.subjects,
        spec.measures,
        academy_ids,
        judgements=spec.judgements and judgements,
    )
    if not spec.years_ahead:
        return [(year, row, row) for (_pupil, year), row in rows.items()]
    later = {year: AcademicYear.parse(year).next(spec.years_ahead).code for _pupil, year in rows}
    # The outcome is read wherever the pupil is then (a first school's Year 4 sits its KS2 tests
    # at a middle school): by pupil, across the trust's mainstream academies.
    outcomes = _year_rows(
        trust_id, set(later.values()), spec.outcome_year, spec.subjects, spec.measures
    )
    return [(year, row, outcomes.get((pupil, later[year]))) for (pupil, year), row in rows.items()]


def history_for(
    spec: ForecastSpec,
    trust_id: int,
    season: str,
    before_year: str | None = None,
    *,
    judgements: bool = True,
) -> list[forecasts.PastPupil]:
    """Past pupils of the spec's year group with a `season` band and a summer outcome (outcomes
    from years before `before_year`, when given): the history the forecast is fitted on.
    `judgements=False` reads teacher assessments only (the back-test's comparison)."""
    years = sorted({t.academic_year for t in _terms(trust_id).values()})
    if before_year is not None:
        last = AcademicYear.parse(before_year).previous(1 + spec.years_ahead).code
        years = [y for y in years if y <= last]
    history = []
    for year, row, outcome_row in _banded_rows(
        spec, trust_id, years, _mainstream_ids(trust_id), judgements
    ):
        band = spec.band(row, season)
        outcome = spec.outcome(outcome_row) if outcome_row is not None else None
        if band is None or outcome is None:
            continue
        score = spec.score(outcome_row) if spec.score and outcome_row is not None else None
        history.append(forecasts.PastPupil(f"{row['academy']}:{year}", band, *outcome, score))
    return history


FIT_CACHE_SECONDS = 24 * 3600


def _fitted(
    spec: ForecastSpec, trust_id: int, season: str, before_year: str, version: str | None
) -> tuple[forecasts.Model, Any]:
    """The spec's model (and its Attainment 8 mean model) fitted on the trust's history, kept
    in the cache while the trust's pupil data stays the same.

    Reading every past cohort's rows is most of an academy KPI page's work, and the fit is the
    same for every academy of the trust until its data changes. `version` is
    `kpis.store.data_version`: every change to pupil data, judgements included, marks the
    stored figures out of date and the next reader rebuilds them, so a new build means a new
    key and an old fit is never read. While the figures are out of date (None) nothing is
    cached.
    """
    key = tenant_cache_key(
        "forecast-fit", spec.key, season, before_year, version, trust_id=trust_id
    )
    fitted = cache.get(key) if version else None
    if fitted is None:
        history = history_for(spec, trust_id, season, before_year=before_year)
        fitted = (forecasts.fit(history), forecasts.fit_mean(history) if spec.score else None)
        if version:
            cache.set(key, fitted, FIT_CACHE_SECONDS)
    return fitted


_UNSET: Any = object()


def forecast_for(
    spec: ForecastSpec,
    *,
    trust_id: int,
    academy_id: int,
    term_code: str,
    min_n: int,
    version: str | None = _UNSET,
) -> dict[str, Any]:
    """The forecast (% expected / % higher, as the spec names them) for one academy and term.

    In summer the outcome is known: the forecast shown is the one spring's assessments gave, beside
    what happened (a back-test the reader can see).
    """
    term = TermCode.parse(term_code)
    season = Season.SPRING if term.season is Season.SUMMER else term.season
    model, mean_model = _fitted(
        spec,
        trust_id,
        season.code,
        term.academic_year,
        data_version(trust_id) if version is _UNSET else version,
    )
    rows = _year_rows(
        trust_id,
        [term.academic_year],
        spec.year_group,
        spec.subjects,
        spec.measures,
        [academy_id],
        judgements=spec.judgements,
    )
    bands = [b for b in (spec.band(r, season.code) for r in rows.values()) if b is not None]
    result = forecasts.forecast(model if model.n_cohorts else None, bands, min_n=min_n)
    if not model.n_cohorts:
        # Said in words before anything else: no past cohort of this year group has reached
        # its end-of-key-stage results in the trust's data, so there is nothing to fit on.
        result = forecasts.Forecast(len(bands), 0, 0, None, None, spec.no_history_note)
    elif not bands:
        result = forecasts.Forecast(
            0,
            model.n_cohorts,
            model.n_pupils,
            None,
            None,
            f"No Year {spec.year_group} pupils with {spec.assessed} in "
            f"{TermCode.of(term.academic_year, season.code).label}.",
        )
    if spec.score is not None and result.available:
        result = dataclasses.replace(
            result, mean=forecasts.forecast_mean(mean_model, bands, min_n=min_n)
        )
    actual = None
    if term.season is Season.SUMMER and not spec.years_ahead:
        outcomes = [o for o in (spec.outcome(r) for r in rows.values()) if o is not None]
        if len(outcomes) > min_n:
            actual = {
                "expected": round(100 * sum(o[0] for o in outcomes) / len(outcomes), 1),
                "higher": round(100 * sum(o[1] for o in outcomes) / len(outcomes), 1),
            }
            score = spec.score
            scores = (
                [x for x in (score(r) for r in rows.values()) if x is not None] if score else []
            )
            if len(scores) > min_n:
                actual["mean"] = round(sum(scores) / len(scores), 1)
    return {
        "forecast": result,
        "from_term": TermCode.of(term.academic_year, season.code).label,
        "actual": actual,
        "method": spec.method,
        "key": spec.key,
        "key_stage": spec.key_stage,
        "title": spec.title,
        "labels": spec.labels,
        "year_group": spec.year_group,
        "assessed": spec.assessed,
        "score_label": spec.score_label,
    }


def forecasts_for_academy(
    academy: Any, *, trust_id: int, term_code: str, min_n: int
) -> list[dict[str, Any]]:
    """Every forecast the academy has for the term, KS2 before KS4.

    Kept in the cache per trust, academy, term and data version, as the fits are (`_fitted`):
    reading the academy's own cohort rows was most of the academy KPI page's CPU, and they
    change only when the trust's pupil data does, which gives a new version (None, nothing
    cached, until the figures are rebuilt)."""
    version = data_version(trust_id)  # once for the page's forecasts
    key = tenant_cache_key(
        "academy-forecasts", academy.pk, term_code, min_n, version, trust_id=trust_id
    )
    cached = cache.get(key) if version else None
    if cached is not None:
        return list(cached)
    found = [
        forecast_for(
            s,
            trust_id=trust_id,
            academy_id=academy.pk,
            term_code=term_code,
            min_n=min_n,
            version=version,
        )
        for s in forecast_specs_for(academy)
    ]
    if version:
        cache.set(key, found, FIT_CACHE_SECONDS)
    return found


def forecast_term_for(trust_id: int, asked: str | None, fallback: str | None) -> str | None:
    """The term a page's forecasts are for: the one asked for when the trust has it (even with
    no KPI figure yet), else the page's own term. Malformed input falls back, never errors."""
    term = TermCode.parse_or_none(asked)
    if (
        term is not None
        and Term.objects.filter(
            trust_id=trust_id, academic_year=term.academic_year, season=term.season.code
        ).exists()
    ):
        return term.code
    return fallback


def latest_term_code(trust_id: int) -> str | None:
    """The trust's latest term (the API's default for forecasts)."""
    codes = sorted(_terms(trust_id), key=term_sort_key)
    return codes[-1] if codes else None


def backtest_for(
    spec: ForecastSpec, trust_id: int, season: str, *, judgements: bool = True
) -> forecasts.Backtest:
    return forecasts.backtest(history_for(spec, trust_id, season, judgements=judgements))


def judgement_backtest_line(spec: ForecastSpec, trust_id: int, season: str) -> str:
    """The back-test's line on the writing judgements: how many past pupils' writing was a
    framework judgement, and the method's error with them against teacher assessments alone."""
    with_them = history_for(spec, trust_id, season)
    without = history_for(spec, trust_id, season, judgements=False)
    years = sorted({t.academic_year for t in _terms(trust_id).values()})
    judged = sum(
        1
        for _y, row, out in _banded_rows(spec, trust_id, years, _mainstream_ids(trust_id))
        if ("writing", JUDGEMENT, season) in row and out is not None and spec.outcome(out)
    )
    if not judged:
        return (
            f"Writing judgements: no past Year {spec.year_group} pupil has a framework writing "
            f"judgement in {season}, so the back-test is of teacher assessments alone."
        )
    a, b = forecasts.backtest(with_them), forecasts.backtest(without)
    parts = []
    for measure in forecasts.MEASURES:
        ma, mb = a.mean_abs_error(measure), b.mean_abs_error(measure)
        ca, cb = a.coverage(measure), b.coverage(measure)
        if ma is None or mb is None or ca is None or cb is None:
            continue
        parts.append(
            f"{spec.labels[measure].lower()} mean absolute error {ma:.1f} points with them, "
            f"{mb:.1f} with teacher assessments alone (interval held {100 * ca:.0f}% and "
            f"{100 * cb:.0f}%)"
        )
    return (
        f"Writing judgements: {judged} Year {spec.year_group} pupils had a framework writing "
        f"judgement in {season}; "
        + ("; ".join(parts) if parts else "no cohort could be back-tested either way")
        + "."
    )


# The KS2 names earlier callers use.
def ks2_history(
    trust_id: int, season: str, before_year: str | None = None
) -> list[forecasts.PastPupil]:
    return history_for(KS2, trust_id, season, before_year)


def ks2_forecast_for(
    *, trust_id: int, academy_id: int, term_code: str, min_n: int
) -> dict[str, Any]:
    return forecast_for(
        KS2, trust_id=trust_id, academy_id=academy_id, term_code=term_code, min_n=min_n
    )


def ks2_backtest(trust_id: int, season: str) -> forecasts.Backtest:
    return backtest_for(KS2, trust_id, season)


# --- Effect sizes of a programme or commission ---------------------------------------------

SUBJECT_LABELS = {"reading": "Reading", "writing": "Writing", "maths": "Maths", "rwm": "RWM"}
KEY_STAGE_YEARS = {
    "KS1": ("1", "2"),
    "KS2": ("3", "4", "5", "6"),
    "KS4": ("7", "8", "9", "10", "11"),
}
AREA_SUBJECTS = {"reading": ["reading"], "english": ["reading", "writing"], "maths": ["maths"]}


def subjects_for_kpis(codes: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(subject, year groups) measured by in-year teacher assessment for each KPI code: the
    KPI's subject across its key stage's year groups. KPIs with no in-year assessment (phonics,
    Attainment 8) have none."""
    out: dict[str, set[str]] = {}
    for code in codes:
        kpi = KPIS.get(code)
        if kpi is None or kpi.subject not in SUBJECT_LABELS:
            continue
        out.setdefault(kpi.subject, set()).update(KEY_STAGE_YEARS.get(kpi.key_stage, ()))
    return [(s, tuple(sorted(y))) for s, y in out.items()]


def _points(values: dict[str, str], subject: str) -> float | None:
    parts = KS2_SUBJECTS if subject == "rwm" else (subject,)
    scores = [effects.ta_points(values[p]) if p in values else None for p in parts]
    if any(s is None for s in scores):
        return None
    return sum(s for s in scores if s is not None) / len(scores)


def programme_effects(
    *,
    trust_id: int,
    academy_ids: list[int],
    subjects: list[tuple[str, tuple[str, ...]]],
    starts: dt.date,
    ends: dt.date,
    min_n: int,
    term_codes: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Standardised effect sizes, one per subject, for pupils of the participating academies.

    `term_codes`, when given, are the only terms used (the caller's complete terms: a partial
    upload is never the baseline or the outcome).

    1. Baseline: the latest term with teacher assessments up to the term the work started in
       (else the first after it); outcome: the latest term with assessments from the term it
       ended in (else the latest so far, said so).
    2. Each pupil's change is their points (WTS 1, EXS 2, GDS 3) at the outcome minus the
       baseline, for pupils in the subject's year groups with both; the academy is the one
       the pupil is enrolled at in the outcome's year.
    3. With more than `min_n` comparable pupils elsewhere in the trust: Hedges' g of the
       participants' changes against theirs; otherwise the participants' own before/after.
    """
    terms = sorted(
        (t for t in _terms(trust_id).values() if term_codes is None or t.code in term_codes),
        key=lambda t: term_sort_key(t.code),
    )
    start_key = term_sort_key(TermCode.for_date(starts).code)
    end_key = term_sort_key(TermCode.for_date(ends).code)
    wanted = {s for s, _ in subjects}
    parts = set(KS2_SUBJECTS) if "rwm" in wanted else set()
    ta: dict[int, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for term_id, pupil, subject, value in Result.objects.filter(
        trust_id=trust_id, measure="ta", subject__in=wanted | parts
    ).values_list("term_id", "pupil_id", "subject", "value"):
        ta[term_id][pupil][subject] = value
    with_data = [t for t in terms if t.pk in ta]
    out = []
    for subject, years in subjects:
        row: dict[str, Any] = {"subject": SUBJECT_LABELS[subject], "years": ", ".join(years)}
        before_terms = [t for t in with_data if term_sort_key(t.code) <= start_key]
        base = before_terms[-1] if before_terms else (with_data[0] if with_data else None)
        after_terms = [
            t
            for t in with_data
            if base is not None and term_sort_key(t.code) > term_sort_key(base.code)
        ]
        final = [t for t in after_terms if term_sort_key(t.code) >= end_key]
        outcome = final[-1] if final else (after_terms[-1] if after_terms else None)
        if base is None or outcome is None:
            row.update(effect=None, note="No assessments before and after the work yet.")
            out.append(row)
            continue
        enrolled = dict(
            Enrolment.objects.filter(
                trust_id=trust_id, academic_year=outcome.academic_year, year_group__in=years
            ).values_list("pupil_id", "academy_id")
        )
        treated: list[tuple[float, float]] = []
        comparison: list[tuple[float, float]] = []
        for pupil, academy in enrolled.items():
            b = _points(ta[base.pk].get(pupil, {}), subject)
            a = _points(ta[outcome.pk].get(pupil, {}), subject)
            if a is None or b is None:
                continue
            (treated if academy in academy_ids else comparison).append((b, a))
        if len(comparison) > min_n:
            effect = effects.compare_groups(
                [a - b for b, a in treated], [a - b for b, a in comparison], min_n=min_n
            )
        else:
            effect = effects.paired_change(
                [b for b, _ in treated], [a for _, a in treated], min_n=min_n
            )
        row.update(
            effect=effect,
            from_label=base.term_code.label,
            to_label=outcome.term_code.label,
            note="" if final else "The work has not finished: the latest assessments so far.",
        )
        out.append(row)
    return out


def effects_as_data(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Effect rows as plain JSON values, for a report snapshot."""
    out = []
    for r in rows:
        e: effects.EffectSize | None = r.get("effect")
        out.append(
            {
                "subject": r["subject"],
                "years": r["years"],
                "terms": f"{r['from_label']} to {r['to_label']}" if e else "",
                "pupils": (
                    f"{e.n_treated} taking part, {e.n_comparison} comparison"
                    if e and e.design == "comparison"
                    else f"{e.n_treated} before and after"
                    if e
                    else ""
                ),
                "g": None if e is None or e.suppressed else e.g,
                "interval": ""
                if e is None or e.suppressed
                else f"{e.ci_low:+.2f} to {e.ci_high:+.2f}",
                "words": (e.note if e.suppressed else e.magnitude) if e else r.get("note", ""),
            }
        )
    return out


def forecast_as_data(data: dict[str, Any]) -> dict[str, Any]:
    """A forecast as plain JSON values, for a report snapshot."""
    f: forecasts.Forecast = data["forecast"]
    return {
        "available": f.available,
        "expected": f.expected.display if f.expected else "",
        "higher": f.higher.display if f.higher else "",
        "pupils": f.n_pupils,
        "cohorts": f.n_cohorts,
        "history_pupils": f.n_history_pupils,
        "from_term": data["from_term"],
        "actual": data["actual"],
        "note": f.note,
        "method": data["method"],
        "title": data.get("title", KS2.title),
        "labels": data.get("labels", KS2.labels),
        "year_group": data.get("year_group", KS2.year_group),
        "assessed": data.get("assessed", KS2.assessed),
        "mean": f.mean.display if f.mean else "",
        "mean_label": data.get("score_label", ""),
    }
