"""The rules in plain English, each with its source. Pure: no ORM import."""

from __future__ import annotations

from trust_si.sources import AN_DARAS, CARTER, EXCELLENCE_EVERY_DAY, cite

# The rules in plain English, each with its source: the page lists them above the cases.
RULES: list[tuple[str, str, str]] = [
    (
        "The most recent inspection stands",
        "The newest graded Ofsted inspection (legacy overall effectiveness, graded without an "
        "overall grade, or report card) stands until the next one. An older inspection is "
        "history and never comes back because a newer one grew old.",
        "Ofsted",
    ),
    (
        "Age lowers weight, never drops the newest inspection",
        "Ofsted inspects about every four years: an inspection's weight halves with each four "
        "years of age (never below a quarter), and an old inspection is flagged for a fresh look.",
        "Ofsted",
    ),
    (
        "Floors",
        "Ofsted safeguarding not met (not effective), a category of concern (special measures, "
        "serious weaknesses), a legacy Inadequate, leadership and governance urgent improvement "
        "(or leadership and management Inadequate) place the academy in Stabilise whatever else "
        "says, until a newer inspection lifts it or a leader overrides with a recorded reason.",
        f"Ofsted; {cite(EXCELLENCE_EVERY_DAY, 'Stabilise')}; {AN_DARAS.title}",
    ),
    (
        "Trust visits add, never replace",
        "Visits and reviews add their judgements beside the inspection. They never lift an "
        "Ofsted floor; a trust safeguarding judgement of not met is a floor of its own. Visit "
        "judgements more than a year older than the day of the proposal, counted from the visit "
        "date, are shown as stale and not used: safeguarding and leadership alike.",
        f"{cite(AN_DARAS, 'monitoring cycle')}; {EXCELLENCE_EVERY_DAY.title}",
    ),
    (
        "Outcomes against national",
        "Each KPI is compared with DfE's national figure for the same year (the latest published "
        "one is used, and labelled). Suppressed figures and figures from fewer than ten pupils are "
        "shown but do not move the phase.",
        "DfE",
    ),
    (
        "Absence as a relative gap",
        "Overall and persistent absence are compared with DfE's national rate as a relative gap, "
        "(academy - national) / national: 10% or more below the national rate counts towards "
        "Sustain, up to 10% above it Improve, up to 30% above it Repair, beyond that Stabilise. "
        "A point of absence above a national 6.5% is a sixth worse, so points would understate it.",
        "DfE (pupil absence in schools in England)",
    ),
    (
        "Complete terms only",
        "Each measure uses the latest term whose data is complete for the academy: its uploads "
        "cover the pupils on roll and every key stage it teaches, or a leader has marked it "
        "complete. A partial term is shown as partial and never moves the phase on its own, nor "
        "the heat map's default term, nor a CPD programme's 'after' figure.",
        "trust data policy",
    ),
    (
        "Progress 8",
        "DfE's band from the score and its confidence interval. Results are published after the "
        "exams, so last year's P8 is the latest valid figure all through this year. P8 is not "
        "published for the results of 2024-25 and 2025-26: from autumn 2025 to summer 2027 the "
        "reasons say so and secondary academies are placed on the other evidence.",
        "DfE",
    ),
    (
        "In-year teacher assessments against the trust's targets",
        "Teacher assessments in the autumn or spring, or of year groups with no statutory "
        "assessment, are compared with the trust's own target for the year, never with DfE's "
        "end-of-key-stage national figure; without a target they are shown, not scored. The "
        "latest statutory results (last summer's) are used all year, compared with national, and "
        "labelled so.",
        "trust benchmark (the trust's own targets); DfE",
    ),
    (
        "Confidence intervals where DfE gives them",
        "Progress 8 and the KS2 progress scores are banded by their 95% confidence interval: "
        "below average only when the whole interval is below 0, above only when it is above 0; "
        "well below or well above only as DfE bands it. A wide interval from a small cohort is "
        "average, whatever the score.",
        "DfE (performance tables)",
    ),
    (
        "A persistent disadvantaged gap",
        "Disadvantaged pupils are compared with national other (non-disadvantaged) pupils, as DfE "
        "does (its published difference, DIFFN_*, where the trust has it). A gap in each of the "
        "last 2 years of statutory results, or the last 3 terms of a termly measure, counts "
        "against Sustain: one cohort's gap can be that cohort, two running are a pattern. "
        "Figures from fewer than ten pupils are not counted.",
        f"DfE; {cite(EXCELLENCE_EVERY_DAY, 'Sustain')}; {cite(CARTER, 'Improve')}",
    ),
    (
        "Special schools and alternative provision",
        "Never compared with mainstream national attainment: placed on inspection, trust review "
        "and the trust's own targets, and the reasons say so.",
        "DfE (like with like)",
    ),
    (
        "Sustain needs outcomes above national",
        "Sustain needs every outcome above national, not merely at it, for every pupil group "
        "shown (disadvantaged pupils against national other pupils), and Progress 8 above or "
        "well above average. Otherwise the academy is proposed Improve.",
        f"{cite(EXCELLENCE_EVERY_DAY, 'Sustain')}; {CARTER.title}",
    ),
    (
        "Judged by people",
        "The descriptors of culture, vision, roles, systems, staff wellbeing, parents, "
        f"curriculum design and self-evaluation in the {EXCELLENCE_EVERY_DAY.title} are judged "
        "by leaders on visits and reviews: they "
        "enter as judgements, and the leader's confirmation or override records the decision.",
        EXCELLENCE_EVERY_DAY.title,
    ),
]
# Subjects as subjects (issue 12).
RULES += [
    (
        "Subjects are subjects",
        "Each subject has its own line beside the overall phase, scored by the same rules from "
        "that subject's measures only: English (KS4 grade 4+ and 5+ in English, DfE's Progress 8 "
        "English element), maths (KS2 tests, KS4 grades, the Progress 8 maths element), reading "
        "and writing, science (KS2 science teacher assessment against DfE's national figure; "
        "in-year science teacher assessment against the trust's target) and any of the trust's "
        "own subjects (history, art...) for which it uploads teacher assessments and sets a "
        "target. These make the subject's line only; the overall phase rests on DfE's headline "
        "measures, inspection and review. A secondary can be in Repair in English and Sustain "
        "in maths.",
        f"{cite(CARTER, 'the phase operates at subject level')}; DfE (KS2 attainment, KS4 "
        "performance); trust benchmark",
    ),
]
