"""Outcome evidence: KPIs against national (or the trust's target), Progress 8, the Sustain gate.

Pure: no ORM import.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assessment.kpis.banding import P8Band, p8_band
from trust_si.sources import CARTER, EXCELLENCE_EVERY_DAY
from trust_si.terms import TermCode, term_sort_key

from .base import (
    P8_LEVELS,
    P8_NOT_PUBLISHED,
    RELATIVE_GAP_KPIS,
    RELATIVE_GAP_SCORES,
    Evidence,
    KpiEvidence,
    ProgressEvidence,
    Reason,
    _words,
    kpi_level,
)

# The outcomes the Sustain gate reads. In-year teacher assessments against the trust's targets
# are scored like any KPI but do not gate Sustain: seed 004's "above national benchmarks" is
# about published outcomes, and a trust's in-year target is its own ambition, not a national
# benchmark (a writing assessment 1 point under a 75% target is no reason to lose Sustain).
# The trust's own end-of-key-stage measures (issue 12), compared with its targets; like in-year
# teacher assessments they are scored but do not gate Sustain (a target is the trust's ambition,
# Sustain needs outcomes above national).
OWN_MEASURES_VS_TARGET = frozenset({"ks4_science4"})
OUTCOME_RULES = (
    "kpi_vs_national",
    "kpi_vs_target",
    "absence_relative_gap",
    "p8_band",
    "ks2_progress_ci",
    "p8_element_ci",
)
# Outcomes scored by a DfE band (confidence interval), not a gap: Sustain needs above average.
BANDED_RULES = ("p8_band", "ks2_progress_ci", "p8_element_ci")


def _term_words(code: str) -> str:
    parsed = TermCode.parse_or_none(code)
    return parsed.label if parsed else code


def _kpi_reasons(
    kpis: tuple[KpiEvidence, ...],
    s: dict[str, Any],
    missing: list[str],
    special: bool = False,
    term: str = "",
) -> list[Reason]:
    """Score outcome KPIs against national (DfE) or, for special schools and in-year teacher
    assessments, the trust's own target. `term` is the placement's term: a statutory result
    from an earlier term is the latest published one, used all year, and says so."""
    reasons = []
    for k in kpis:
        if k.suppressed:
            missing.append(f"{k.label}: suppressed (cohort below the minimum), not used")
            continue
        if k.cohort < s["min_cohort_to_place"]:
            missing.append(
                f"{k.label}: {k.cohort} pupils, fewer than {s['min_cohort_to_place']}: "
                "shown, but too few pupils to move the phase"
            )
            continue
        group = "" if k.group == "all" else f" ({_words(k.group)} pupils)"
        in_year = k.assessment == "in_year"
        benchmark: float | None
        if in_year:
            # A teacher assessment in the autumn or spring, or of a year group that sits no
            # statutory assessment, is no end-of-key-stage result: DfE's national figure is not
            # its benchmark; the trust's own target for the year is.
            if k.target is None:
                missing.append(
                    f"{k.label}{group}, {_term_words(k.term)}: an in-year teacher assessment, "
                    "compared with the trust's own target only (never the end-of-key-stage "
                    f"national figure); no trust target set for {k.term[:7]}"
                )
                continue
            scored = kpi_level(replace(k, national=k.target), s)
            rule, against = "in_year_vs_trust_target", "the trust's target"
            source = "trust benchmark (the trust's own targets)"
            benchmark = k.target
        elif special:
            if k.target is None:
                missing.append(
                    f"{k.label}{group}: not compared with mainstream national figures "
                    "(special school or alternative provision) and no trust target set"
                )
                continue
            scored = kpi_level(replace(k, national=k.target), s)
            rule, against, source = "kpi_vs_target", "the trust's target", "trust benchmark"
            benchmark = k.target
        elif k.code in OWN_MEASURES_VS_TARGET and k.national is None:
            # The trust's own end-of-key-stage measure (KS4 science grade 4+): DfE publishes no
            # such figure, so the trust's target for the year is its benchmark.
            if k.target is None:
                missing.append(
                    f"{k.label}{group}: the trust's own measure (not a DfE statistic); no "
                    f"trust target set for {k.term[:7]}"
                )
                continue
            scored = kpi_level(replace(k, national=k.target), s)
            rule, against = "own_measure_vs_trust_target", "the trust's target"
            source = "trust benchmark (the trust's own measure, not a DfE statistic)"
            benchmark = k.target
        else:
            scored = kpi_level(k, s)
            rule, against, source = "kpi_vs_national", "nationally", "DfE"
            benchmark = k.national
        if scored is None or benchmark is None:
            missing.append(f"{k.label}{group}: no national figure to compare with")
            continue
        level, gap = scored
        by_target = special or in_year or rule == "own_measure_vs_trust_target"
        stale = (
            not by_target and bool(k.national_year) and not k.term.startswith(k.national_year or "")
        )
        unit = "%" if k.unit == "%" else ""
        relative = k.code in RELATIVE_GAP_KPIS
        if relative:
            national_word = "figure" if k.code in RELATIVE_GAP_SCORES else "rate"
            # Worded as the measure moves (higher / lower than the benchmark), not better/worse.
            moved = abs(gap)
            way = "lower" if (gap >= 0) == (k.direction == "lower") else "higher"
            text = (
                f"{k.label}{group} {k.value:.1f}{unit} against {benchmark:.1f}{unit} {against}: "
                f"{moved:.0f}% {way} than "
                f"{'the target' if by_target else 'the national ' + national_word} "
                f"(a relative gap, (academy - {'target' if by_target else 'national'}) / "
                f"{'target' if by_target else 'national'}; cohort {k.cohort})"
            )
            if not by_target:
                rule, source = "absence_relative_gap", "DfE (pupil absence in schools in England)"
        else:
            text = (
                f"{k.label}{group} {k.value:.1f}{unit} against {benchmark:.1f}{unit} {against} "
                f"({'+' if gap >= 0 else ''}{gap:.1f} {'points' if unit == '' else 'pts'}, "
                f"cohort {k.cohort})"
            )
        if in_year:
            text += (
                f"; in-year teacher assessment, {_term_words(k.term)}: compared with the "
                "trust's own target, not the end-of-key-stage national figure"
            )
        elif k.assessment == "statutory" and term and k.term != term:
            text += (
                f"; the latest statutory results ({_term_words(k.term)}), used all year until "
                "the next are in"
            )
        if stale:
            text += f"; national figure from {k.national_year} (latest published)"
        text += f". Source: {source}."
        reasons.append(
            Reason(
                rule,
                text,
                level,
                s["weights"]["kpi"],
                {
                    "kpi": k.code,
                    "group": k.group,
                    "value": k.value,
                    "national": k.national,
                    "national_year": k.national_year,
                    "target": k.target,
                    "gap": round(gap, 2),
                    "gap_kind": "relative" if relative else "points",
                    "trend": list(k.trend),
                    "cohort": k.cohort,
                    "term": k.term,
                    "stale_benchmark": stale,
                    "assessment": k.assessment,
                },
                source,
            )
        )
    return reasons


def _p8_reasons(evidence: Evidence, s: dict[str, Any], missing: list[str]) -> list[Reason]:
    """DfE's Progress 8 band: results are published in the autumn after the exams, so the
    previous academic year's P8 is the latest valid figure all through this year."""
    if not evidence.teaches_ks4:
        return []
    year = TermCode.parse(evidence.term).year
    results_year = year.previous().code  # the latest results published during this year
    usable = {year.code, results_year}
    if results_year in P8_NOT_PUBLISHED:
        missing.append(
            f"Progress 8 not published for this cohort (results of {results_year}: their KS2 "
            "tests were cancelled); placed on the other evidence. Source: DfE."
        )
    p8 = evidence.p8
    if p8 is None:
        return []
    band = p8_band(p8.score, p8.lower, p8.upper, suppressed=p8.dfe_banding.upper() == "SUPP")
    if band == P8Band.NOT_BANDED:
        missing.append(f"Progress 8 {p8.year}: not banded by DfE")
        return []
    stale = p8.year not in usable
    text = (
        f"Progress 8 {p8.year}: {p8.score:+.2f} (95% CI {p8.lower:+.2f} to {p8.upper:+.2f}), "
        f"{band.label.lower()}"
    )
    if stale:
        text += " — stale (an older cohort), shown for context and not used"
    elif year.code in P8_NOT_PUBLISHED:
        text += (
            f" — the latest valid figure, used all through {year.code} (Progress 8 will not be "
            f"published for the results of {year.code})"
        )
    text += ". Source: DfE."
    return [
        Reason(
            "p8_band",
            text,
            None if stale else P8_LEVELS[band],
            0 if stale else s["weights"]["p8"],
            {
                "year": p8.year,
                "score": p8.score,
                "lower": p8.lower,
                "upper": p8.upper,
                "band": band.value,
                "dfe_banding": p8.dfe_banding,
                "stale": stale,
            },
            "DfE",
        )
    ]


def _sustain_gate(reasons: list[Reason], special: bool) -> Reason | None:
    """Sustain needs outcomes above national (not merely at) for every pupil group shown."""
    outcomes = [r for r in reasons if r.rule in OUTCOME_RULES and r.level is not None]
    short = [
        r
        for r in outcomes
        if (r.rule in BANDED_RULES and (r.level or 0) < 4)
        or (r.rule not in BANDED_RULES and r.evidence["gap"] <= 0)
    ]
    if outcomes and not short:
        return None
    if not outcomes:
        why = "there is no outcome evidence above " + (
            "the trust's targets" if special else "national"
        )
    else:
        why = "not above: " + "; ".join(r.text.split(" (")[0] for r in short[:4])
    return Reason(
        "sustain_needs_outcomes_above_national",
        f"Sustain needs outcomes above national benchmarks for all pupil groups, {why}: "
        f"proposed Improve. Source: {EXCELLENCE_EVERY_DAY.title}, Sustain (outcomes exceptional "
        f"and above national benchmarks); {CARTER.title} (Progress 8 above or well above "
        "average).",
        None,
        0,
        {"short": [r.evidence.get("kpi") or r.rule for r in short]},
        f"{EXCELLENCE_EVERY_DAY.title}; {CARTER.title}",
    )


PERSISTENT_GAP_SOURCE = (
    f"DfE (disadvantaged pupils compared with national other pupils); {EXCELLENCE_EVERY_DAY.title}"
    ", Sustain (little to no variance in the performance of different groups); "
    f"{CARTER.title}, Improve (outcomes for key groups not yet high enough)"
)


def _persistent_gaps(evidence: Evidence, s: dict[str, Any], missing: list[str]) -> list[Reason]:
    """Disadvantaged pupils below national *other* pupils in each of the last N results of a
    measure: N = `persistent_gap_years` for statutory (annual) results, `persistent_gap_terms`
    for termly measures. DfE's own published difference (DIFFN_*) stands for its year where
    the trust has it; else the academy's figure against the national other pupils' figure.
    Figures suppressed or from fewer pupils than the minimum cohort are not counted. A gap that
    persists counts against Sustain; one that does not is listed, not counted as persistent."""
    series: dict[str, dict[str, tuple[float, str]]] = {}
    labels: dict[str, str] = {}
    annual: dict[str, bool] = {}
    for k in (*evidence.history, *evidence.kpis):
        if (
            k.group != "disadvantaged"
            or k.assessment == "in_year"
            or k.suppressed
            or k.cohort < s["min_cohort_to_place"]
            or k.value is None
            or k.national is None
        ):
            continue
        gap = (k.value - k.national) * (1 if k.direction == "higher" else -1)
        unit = "%" if k.unit == "%" else ""
        words = (
            f"{_term_words(k.term) if k.assessment != 'statutory' else k.term[:7]}: "
            f"{k.value:.1f}{unit} against {k.national:.1f}{unit} for national other pupils"
            + (f" ({k.national_year})" if k.national_year and k.national_year != k.term[:7] else "")
        )
        series.setdefault(k.code, {})[k.term] = (gap, words)
        labels.setdefault(k.code, k.label)
        annual[k.code] = k.assessment == "statutory"
    for g in evidence.published_gaps:
        if g.gap is None:
            continue
        series.setdefault(g.kpi, {})[f"{g.year}-summer"] = (
            g.gap,
            # Progress 8 is published to two decimals (a tenth is a big step on its scale).
            f"{g.year}: {g.gap:+.{2 if g.field == 'DIFFN_P8MEA' else 1}f} "
            f"(DfE's published difference, {g.field})",
        )
        labels.setdefault(g.kpi, g.label)
        annual[g.kpi] = True
    reasons = []
    for code, periods in sorted(series.items()):
        need = s["persistent_gap_years"] if annual[code] else s["persistent_gap_terms"]
        span = f"{need} years of results" if annual[code] else f"{need} terms"
        last = [periods[t] for t in sorted(periods, key=term_sort_key)][-need:]
        if len(last) == need and all(gap < 0 for gap, _ in last):
            reasons.append(
                Reason(
                    "persistent_disadvantaged_gap",
                    f"Disadvantaged pupils behind national other pupils in {labels[code]} in each "
                    f"of the last {span} ("
                    + "; ".join(w for _, w in last)
                    + "): a persistent gap counts against Sustain. Source: "
                    + PERSISTENT_GAP_SOURCE
                    + ".",
                    None,
                    0,
                    {
                        "kpi": code,
                        "gaps": [round(gap, 2) for gap, _ in last],
                        "periods": len(last),
                    },
                    f"DfE; {EXCELLENCE_EVERY_DAY.title}; {CARTER.title}",
                )
            )
        elif last and last[-1][0] < 0:
            missing.append(
                f"Disadvantaged pupils behind national other pupils in {labels[code]} "
                f"({last[-1][1]}), not in each of the last {span}: not a persistent gap"
            )
    return reasons


# KS2 progress scores: DfE's descriptor says how far; the confidence interval says whether.
_PROGRESS_LEVELS = {"well above": 4, "above": 4, "average": 3, "below": 2, "well below": 1}


def progress_band(p: ProgressEvidence) -> str:
    """DfE's KS2 progress band from the score's 95% confidence interval: below average only when
    the upper limit is below 0, above only when the lower limit is above 0, else average;
    "well" below or above only when DfE's published descriptor also says so (DfE sets those
    thresholds per year and subject, so they are read, never guessed). "" when not banded."""
    if p.score is None or p.lower is None or p.upper is None:
        return ""
    said = p.descriptor.strip().lower()
    if p.upper < 0:
        return "well below" if said.startswith("well below") else "below"
    if p.lower > 0:
        return "well above" if said.startswith("well above") else "above"
    return "average"


def _progress_reasons(evidence: Evidence, s: dict[str, Any], missing: list[str]) -> list[Reason]:
    """KS2 progress scores (reading, writing, maths), or the Progress 8 English and maths
    elements on a subject line, by their confidence interval. As for Progress 8, the previous
    academic year's scores are the latest valid ones all year."""
    year = TermCode.parse(evidence.term).year
    usable = {year.code, year.previous().code}
    reasons = []
    for p in evidence.progress:
        band = progress_band(p)
        if not band:
            missing.append(f"{p.label} {p.year}: not banded by DfE (no score or interval)")
            continue
        assert p.score is not None and p.lower is not None and p.upper is not None
        stale = p.year not in usable
        element = p.field.startswith("P8MEA")
        digits = 2 if element else 1  # DfE: P8 to two decimals, KS2 progress to one
        text = (
            f"{p.label} {p.year}: {p.score:+.{digits}f} (95% CI {p.lower:+.{digits}f} to "
            f"{p.upper:+.{digits}f}), {band if band == 'average' else band + ' average'}"
        )
        if band == "average" and p.score < 0:
            text += " (the interval reaches 0: not significantly below average)"
        if stale:
            text += " — stale (an older cohort), shown for context and not used"
        text += f". Source: DfE ({'KS4' if element else 'KS2'} performance tables)."
        reasons.append(
            Reason(
                "p8_element_ci" if element else "ks2_progress_ci",
                text,
                None if stale else _PROGRESS_LEVELS[band],
                0 if stale else s["weights"]["kpi"],
                {
                    "field": p.field,
                    "subject": p.subject,
                    "year": p.year,
                    "score": p.score,
                    "lower": p.lower,
                    "upper": p.upper,
                    "band": band,
                    "descriptor": p.descriptor,
                    "stale": stale,
                },
                "DfE",
            )
        )
    return reasons
