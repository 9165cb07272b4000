"""Outcome evidence: KPIs against national (or the trust's target), Progress 8, the Sustain gate.

Pure: no ORM import.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assessment.kpis.banding import P8Band, p8_band
from trust_si.terms import TermCode

from .base import (
    P8_LEVELS,
    P8_NOT_PUBLISHED,
    RELATIVE_GAP_KPIS,
    Evidence,
    KpiEvidence,
    Reason,
    _words,
    kpi_level,
)

OUTCOME_RULES = ("kpi_vs_national", "kpi_vs_target", "absence_relative_gap", "p8_band")


def _kpi_reasons(
    kpis: tuple[KpiEvidence, ...],
    s: dict[str, Any],
    missing: list[str],
    special: bool = False,
) -> list[Reason]:
    """Score outcome KPIs against national (DfE) or, for special schools, the trust's target."""
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
        benchmark: float | None
        if special:
            if k.target is None:
                missing.append(
                    f"{k.label}{group}: not compared with mainstream national figures "
                    "(special school or alternative provision) and no trust target set"
                )
                continue
            scored = kpi_level(replace(k, national=k.target), s)
            rule, against, source = "kpi_vs_target", "the trust's target", "trust benchmark"
            benchmark = k.target
        else:
            scored = kpi_level(k, s)
            rule, against, source = "kpi_vs_national", "nationally", "DfE"
            benchmark = k.national
        if scored is None or benchmark is None:
            missing.append(f"{k.label}{group}: no national figure to compare with")
            continue
        level, gap = scored
        stale = (
            not special and bool(k.national_year) and not k.term.startswith(k.national_year or "")
        )
        unit = "%" if k.unit == "%" else ""
        relative = k.code in RELATIVE_GAP_KPIS
        if relative:
            # Worded as the measure moves (higher / lower than the benchmark), not better/worse.
            moved = abs(gap)
            way = "lower" if (gap >= 0) == (k.direction == "lower") else "higher"
            text = (
                f"{k.label}{group} {k.value:.1f}{unit} against {benchmark:.1f}{unit} {against}: "
                f"{moved:.0f}% {way} than {'the target' if special else 'the national rate'} "
                f"(a relative gap, (academy - {'target' if special else 'national'}) / "
                f"{'target' if special else 'national'}; cohort {k.cohort})"
            )
            if not special:
                rule, source = "absence_relative_gap", "DfE (pupil absence in schools in England)"
        else:
            text = (
                f"{k.label}{group} {k.value:.1f}{unit} against {benchmark:.1f}{unit} {against} "
                f"({'+' if gap >= 0 else ''}{gap:.1f} {'points' if unit == '' else 'pts'}, "
                f"cohort {k.cohort})"
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
        if (r.rule == "p8_band" and (r.level or 0) < 4)
        or (r.rule != "p8_band" and r.evidence["gap"] <= 0)
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
        "proposed Improve. Source: seed 004 Sustain (outcomes exceptional and above national "
        "benchmarks); seed 002 (Progress 8 above or well above average).",
        None,
        0,
        {"short": [r.evidence.get("kpi") or r.rule for r in short]},
        "seed 004; seed 002",
    )
