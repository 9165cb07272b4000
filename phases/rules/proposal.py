"""propose(): one academy's evidence in, a proposed phase with its reasons out.

Pure: no ORM import.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .base import (
    DEFAULT_SETTINGS,
    GRADE_LEVELS,
    IMPROVE,
    SPECIAL,
    STABILISE,
    SUSTAIN,
    Evidence,
    JudgementEvidence,
    KpiEvidence,
    ProgressEvidence,
    Proposal,
    Reason,
    _area,
    _words,
    phase_for,
)
from .floors import _floors
from .outcomes import (
    _kpi_reasons,
    _p8_reasons,
    _persistent_gaps,
    _progress_reasons,
    _sustain_gate,
)
from .precedence import _inspection_reasons, _inspection_words, _inspections


def propose(evidence: Evidence, settings: dict[str, Any] | None = None) -> Proposal:
    """Propose a phase for one academy.

    1. Inspections follow Ofsted's cycle: the newest graded inspection (legacy, graded or
       report card) stands until the next one; older ones are history, listed and not used.
       Ungraded inspections since add their findings; they do not replace the grades.
    2. Floors: Ofsted safeguarding not met / not effective, a category of concern, a legacy
       Inadequate, leadership and governance urgent improvement (or leadership and management
       Inadequate) on that inspection, or the trust's latest safeguarding judgement not met
       (unless a newer inspection found it met) place the academy in Stabilise whatever else
       says. A trust visit never lifts an Ofsted floor.
    3. Score each piece of evidence on a four-level scale (4 Sustain ... 1 Stabilise):
       a. the newest inspection (its overall grade, key judgements or report-card areas), at a
          weight that halves with each four years of age and is flagged; never dropped;
       b. the trust's own judgements (visits, reviews) beside it; older than a year is stale;
       c. each KPI by its gap to the national figure for the same year (suppressed KPIs or
          cohorts below the minimum are shown, not used). Special schools and alternative
          provision are compared with the trust's targets, never mainstream national figures;
       d. DfE's Progress 8 band: the previous year's results are the latest valid figure all
          year; for the results of 2024-25 and 2025-26 P8 is not published, which is said.
    4. Take the weighted mean level and map it to a phase with the settings' cut points.
       e. KS2 progress scores by their 95% confidence interval (below average only when the
          upper limit is below 0); in-year teacher assessments against the trust's own targets.
    5. Sustain needs every outcome above national (P8 above or well above) and no persistent
       disadvantaged gap to national other pupils (2 years of results, 3 terms): else Improve.
    6. With too little evidence and no floor, propose Improve and say that evidence is missing.
    7. Repeat 3c-4 per subject for the KPIs of each subject (reading, writing, maths...).
    """
    s = {**DEFAULT_SETTINGS, **(settings or {})}
    s["weights"] = {**DEFAULT_SETTINGS["weights"], **(settings or {}).get("weights", {})}
    missing: list[str] = list(evidence.notes)
    special = evidence.phase_of_education in SPECIAL

    inspections = _inspections(evidence)
    graded = [i for i in inspections if i.kind != "ungraded"]
    latest_inspection = graded[-1] if graded else None
    ungraded = [
        i
        for i in inspections
        if i.kind == "ungraded"
        and (latest_inspection is None or i.inspected_on >= latest_inspection.inspected_on)
    ]
    trust_latest: dict[str, JudgementEvidence] = {}
    for j in sorted(evidence.judgements, key=lambda j: j.judged_on):
        trust_latest[j.area] = j

    floors = _floors(latest_inspection, ungraded, trust_latest)
    reasons: list[Reason] = []
    if latest_inspection is not None:
        reasons += _inspection_reasons(latest_inspection, evidence.today, s, missing)
        for old in graded[:-1]:
            missing.append(
                f"{_inspection_words(old)}: superseded by the {_inspection_words(latest_inspection)}"
                " (the most recent inspection stands; Ofsted): history, not used"
            )
    for i in ungraded:
        missing.append(f"{_inspection_words(i)}: recorded; it does not change the graded outcome")

    if special:
        reasons.append(
            Reason(
                "special_like_with_like",
                "Special school or alternative provision: attainment is not compared with "
                "mainstream national figures; placed on inspection, trust review and the "
                "trust's own measures. Source: DfE (like-with-like comparison).",
                None,
                0,
                {"phase_of_education": evidence.phase_of_education},
                "DfE",
            )
        )
    all_pupils = tuple(k for k in evidence.kpis if k.group == "all")
    groups = tuple(k for k in evidence.kpis if k.group != "all" and _overall(k))
    reasons += _kpi_reasons(
        tuple(k for k in all_pupils if _overall(k)), s, missing, special, evidence.term
    )
    group_reasons = _kpi_reasons(groups, s, [], special, evidence.term)

    for j in trust_latest.values():
        age = (evidence.today - j.judged_on).days
        stale = age > s["judgement_stale_days"]
        text = f"{_area(j.area)}: {_words(j.grade)} ({j.source}, {j.judged_on:%d %b %Y})"
        if stale:
            missing.append(f"{text}: older than a year, not used")
            continue
        if j.area == "safeguarding":
            if j.grade == "met":
                reasons.append(
                    Reason(
                        "safeguarding_met",
                        f"Safeguarding met ({j.source}, {j.judged_on:%d %b %Y}). Source: trust "
                        "review.",
                        None,
                        0,
                        {"area": j.area, "grade": j.grade, "date": j.judged_on.isoformat()},
                        "trust review",
                    )
                )
            continue
        level = GRADE_LEVELS.get(j.grade)
        if level is None:
            continue
        reasons.append(
            Reason(
                "judgement",
                f"{text}: adds to the inspection, never replaces it. Source: trust review.",
                level,
                s["weights"]["judgement"],
                {
                    "area": j.area,
                    "grade": j.grade,
                    "date": j.judged_on.isoformat(),
                    "source": j.source,
                    "link": j.link,
                },
                "trust review",
            )
        )

    reasons += _p8_reasons(evidence, s, missing)
    if not special:  # special schools: never against mainstream national figures
        reasons += _progress_reasons(evidence, s, missing)
    persistent = [] if special else _persistent_gaps(evidence, s, missing)
    reasons += persistent

    scored = [r for r in reasons if r.level is not None and r.weight > 0]
    mean = (
        sum((r.level or 0) * r.weight for r in scored) / sum(r.weight for r in scored)
        if scored
        else None
    )
    if floors:
        proposal = Proposal(STABILISE, 1.0, [*floors, *reasons], missing)
    elif len(scored) < s["min_evidence_items"] or mean is None:
        missing.append(
            "Too little evidence to place with confidence: proposed Improve until more arrives"
        )
        proposal = Proposal(IMPROVE, None, reasons, missing)
    else:
        phase = phase_for(mean, s)
        if phase == SUSTAIN:
            gate = _sustain_gate([*reasons, *group_reasons], special)
            if gate is not None:
                reasons.append(gate)
            if gate is not None or persistent:
                phase = IMPROVE
        proposal = Proposal(phase, round(mean, 2), reasons, missing)

    proposal.subjects = _subject_lines(evidence, all_pupils, s, special)
    return proposal


def _subject_lines(
    evidence: Evidence, all_pupils: tuple[KpiEvidence, ...], s: dict[str, Any], special: bool
) -> dict[str, tuple[str, list[Reason]]]:
    """One line per subject (seed 002: the phase "also operates at subject-specific level"):
    the same scoring as the overall placement, from that subject's own measures only: its KPIs
    (phonics counts for reading), DfE's KS2 progress score and Progress 8 element for it, by
    their confidence intervals, and in-year teacher assessments against the trust's targets.
    Combined measures (reading, writing and maths together; English and maths together;
    Attainment 8; EBacc; EYFS) belong to the overall placement, not to one subject. Sustain in
    a subject needs its outcomes above national, as overall. The overall placement is not
    changed by them."""
    by_subject: dict[str, list[KpiEvidence]] = {}
    for k in all_pupils:
        subject = SUBJECT_OF.get(k.subject, k.subject)
        if subject and subject not in COMBINED_MEASURES:
            by_subject.setdefault(subject, []).append(k)
    progress: dict[str, list[ProgressEvidence]] = {}
    if not special:
        for p in (*evidence.progress, *evidence.subject_progress):
            progress.setdefault(p.subject, []).append(p)
    lines: dict[str, tuple[str, list[Reason]]] = {}
    for subject in sorted({*by_subject, *progress}):
        subject_reasons = _kpi_reasons(
            tuple(by_subject.get(subject, ())), s, [], special, evidence.term
        )
        subject_reasons += _progress_reasons(
            replace(evidence, progress=tuple(progress.get(subject, ()))), s, []
        )
        scored = [r for r in subject_reasons if r.level is not None and r.weight > 0]
        if not scored:
            continue
        mean = sum((r.level or 0) * r.weight for r in scored) / sum(r.weight for r in scored)
        phase = phase_for(mean, s)
        if phase == SUSTAIN:
            gate = _sustain_gate(subject_reasons, special)
            if gate is not None:
                phase = IMPROVE
                subject_reasons.append(gate)
        lines[subject] = (phase, subject_reasons)
    return lines


# KPI subjects that are one subject's measure under another name, and combined measures that
# are no one subject's.
SUBJECT_OF = {"phonics": "reading"}
# Issue 13 (i13-4a): the GPS test belongs to the writing line (the trust's writing frameworks
# have grammar, punctuation and spelling strands), the multiplication tables check to maths.
SUBJECT_OF.update({"gps": "writing", "mtc": "maths"})
# Suspensions and exclusions are a whole-school measure (behaviour and attitudes), no subject's.
COMBINED_MEASURES = frozenset(
    {"rwm", "english_maths", "attainment8", "ebacc", "eyfs", "exclusions"}
)

# Subjects as subjects (issue 12): measures that make a subject line only, as DfE's Progress 8
# elements do. The overall placement rests on the measures it always had (reading, writing and
# maths, English and maths together, Attainment 8, EBacc, EYFS, phonics, absence, behaviour):
# DfE's headline measures. English and maths alone at KS4 are halves of English and maths
# together (counting them again would weigh the same grades twice); science (KS2 teacher
# assessment, KS4 grades) and the trust's own subjects (history, art...) are no headline
# accountability measure, so they place the subject, not the academy.
OVERALL_SUBJECTS = frozenset(
    {"", "reading", "writing", "maths", "phonics", "gps", "mtc", *COMBINED_MEASURES}
)
SUBJECT_LINE_ONLY_KPIS = frozenset({"ks4_english4", "ks4_english5", "ks4_maths4", "ks4_maths5"})


def _overall(k: KpiEvidence) -> bool:
    """Whether a KPI counts towards the overall placement (else towards its subject line only)."""
    return k.subject in OVERALL_SUBJECTS and k.code not in SUBJECT_LINE_ONLY_KPIS
