"""Reads for forecasts and effect sizes: pupil rows in, the pure engines' answers out.

The engines (`assessment.forecasts`, `assessment.effects`) hold the methods; this module only
gathers each pupil's bands and scores, trust by trust (explicit filters on `trust_id`), and never
returns a pupil: only aggregate forecasts and effect sizes, already suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from assessment import effects, forecasts
from assessment.kpis.catalogue import KPIS
from assessment.models import Enrolment, Result, Term
from trust_si.terms import Season, TermCode, term_sort_key

KS2_SUBJECTS = ("reading", "writing", "maths")
TA_RANK = {"GDS": 3, "ABV": 3, "EXS": 2, "ARE": 2, "WTS": 1}
BAND_OF_RANK = {3: "GDS", 2: "EXS", 1: "WTS", 0: "below"}
FORECAST_METHOD = (
    "Forecast, not a result: a transition model fitted on the trust's own past Year 6 cohorts "
    "(each past pupil's teacher assessment at the same point of the year, lowest of reading, "
    "writing and maths, against their end-of-key-stage outcome), with a 90% likely range that "
    "adds pupil chance, the fitted rates' uncertainty and the spread between past cohorts."
)


def _terms(trust_id: int) -> dict[str, Term]:
    return {t.code: t for t in Term.objects.filter(trust_id=trust_id)}


def _y6_rows(
    trust_id: int, years: Iterable[str], academy_ids: list[int] | None = None
) -> dict[tuple[int, str], dict[Any, Any]]:
    """(pupil, year) -> {"academy": id, (subject, measure, season): (value, numeric)} for Year 6."""
    years = list(years)
    enrolments = Enrolment.objects.filter(
        trust_id=trust_id, academic_year__in=years, year_group="6"
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
        subject__in=KS2_SUBJECTS,
        measure__in=("ta", "scaled_score"),
    ).values_list(
        "pupil_id", "term__academic_year", "term__season", "subject", "measure", "value", "numeric"
    )
    for pupil, year, season, subject, measure, value, numeric in results:
        row = facts.get((pupil, year))
        if row is not None:
            row[(subject, measure, season)] = (value, numeric)
    return facts


def _band(row: dict[Any, Any], season: str) -> str | None:
    ranks = []
    for subject in KS2_SUBJECTS:
        v = row.get((subject, "ta", season))
        if v is None:
            return None
        ranks.append(TA_RANK.get(v[0], 0))
    return BAND_OF_RANK[min(ranks)]


def _outcome(row: dict[Any, Any]) -> tuple[bool, bool] | None:
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


def ks2_history(
    trust_id: int, season: str, before_year: str | None = None
) -> list[forecasts.PastPupil]:
    """Past Year 6 pupils with a `season` assessment and a summer outcome (years before
    `before_year`, when given): the history the forecast is fitted on."""
    years = sorted({t.academic_year for t in _terms(trust_id).values()})
    if before_year is not None:
        years = [y for y in years if y < before_year]
    history = []
    for (_pupil, year), row in _y6_rows(trust_id, years).items():
        band, outcome = _band(row, season), _outcome(row)
        if band is None or outcome is None:
            continue
        history.append(forecasts.PastPupil(f"{row['academy']}:{year}", band, *outcome))
    return history


def ks2_forecast_for(
    *, trust_id: int, academy_id: int, term_code: str, min_n: int
) -> dict[str, Any]:
    """The Year 6 forecast of KS2 RWM (% expected, % higher standard) for one academy and term.

    In summer the outcome is known: the forecast shown is the one spring's assessments gave, beside
    what happened (a back-test the reader can see).
    """
    term = TermCode.parse(term_code)
    season = Season.SPRING if term.season is Season.SUMMER else term.season
    model = forecasts.fit(ks2_history(trust_id, season.code, before_year=term.academic_year))
    rows = _y6_rows(trust_id, [term.academic_year], [academy_id])
    bands = [b for b in (_band(r, season.code) for r in rows.values()) if b is not None]
    result = forecasts.forecast(model if model.n_cohorts else None, bands, min_n=min_n)
    if not bands:
        result = forecasts.Forecast(
            0,
            model.n_cohorts,
            model.n_pupils,
            None,
            None,
            f"No Year 6 pupils with teacher assessments in {TermCode.of(term.academic_year, season.code).label}.",
        )
    actual = None
    if term.season is Season.SUMMER:
        outcomes = [o for o in (_outcome(r) for r in rows.values()) if o is not None]
        if len(outcomes) > min_n:
            actual = {
                "expected": round(100 * sum(o[0] for o in outcomes) / len(outcomes), 1),
                "higher": round(100 * sum(o[1] for o in outcomes) / len(outcomes), 1),
            }
    return {
        "forecast": result,
        "from_term": TermCode.of(term.academic_year, season.code).label,
        "actual": actual,
        "method": FORECAST_METHOD,
    }


def ks2_backtest(trust_id: int, season: str) -> forecasts.Backtest:
    return forecasts.backtest(ks2_history(trust_id, season))


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
    """A KS2 forecast as plain JSON values, for a report snapshot."""
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
    }
