"""Outcomes: KPIs against national, Progress 8 years, absence as a relative gap, the Sustain gate. Pure: no ORM import."""

from __future__ import annotations

import datetime as dt

from phases.rules import (
    IMPROVE,
    REPAIR,
    SUSTAIN,
    Evidence,
    P8Evidence,
    ProgressEvidence,
)
from trust_si.sources import CARTER, EXCELLENCE_EVERY_DAY, cite

from .base import (
    PRIMARY_AT_NATIONAL,
    SUMMER,
    Case,
    T,
    _card,
    _kpi,
    _legacy,
)

CASES: list[Case] = [
    Case(
        5,
        "Progress 8 of 2023-24 is the latest valid figure all through 2024-25",
        "Secondary, spring 2024-25: Progress 8 2023-24 of -0.85 (well below), legacy Good.",
        Evidence(
            "2024-25-spring",
            dt.date(2025, 2, 10),
            teaches_ks4=True,
            p8=P8Evidence("2023-24", -0.85, -1.05, -0.65, "5"),
            inspections=(_legacy(dt.date(2022, 1, 1), 2),),
        ),
        REPAIR,
        "p8_band",
        "P8 2023-24 is used and labelled, not 'stale'.",
    ),
    Case(
        8,
        "Report card all strong, outcomes exactly at national",
        "Report card all strong standard (Jan 2026); KS2 outcomes exactly at national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 20), "strong_standard"),),
            kpis=PRIMARY_AT_NATIONAL,
        ),
        IMPROVE,
        "sustain_needs_outcomes_above_national",
        f"{cite(EXCELLENCE_EVERY_DAY, 'Sustain')}: outcomes exceptional and above national; at national is Improve.",
    ),
    Case(
        19,
        "Progress 8 not published for the 2024-25 results",
        "Secondary, spring 2025-26: Progress 8 2023-24 only; legacy Good; Attainment 8 above.",
        Evidence(
            "2025-26-spring",
            dt.date(2026, 2, 1),
            teaches_ks4=True,
            p8=P8Evidence("2023-24", 0.3, 0.1, 0.5, "2"),
            inspections=(_legacy(dt.date(2023, 1, 1), 2),),
            kpis=(
                _kpi(
                    "ks4_att8", 50.8, 45.9, "2025-26-spring", unit="points", national_year="2024-25"
                ),
            ),
        ),
        IMPROVE,
        "legacy_inspection",
        "From autumn 2025 to summer 2027 the reason says P8 is not published for this cohort.",
    ),
    Case(
        20,
        "Progress 8 well above, report card strong",
        "Secondary, spring 2023-24: P8 2022-23 +0.62 (well above); report card strong; "
        "Attainment 8 above national.",
        Evidence(
            "2023-24-spring",
            dt.date(2024, 2, 1),
            teaches_ks4=True,
            p8=P8Evidence("2022-23", 0.62, 0.41, 0.83, "1"),
            inspections=(_card(dt.date(2023, 12, 1), "strong_standard"),),
            kpis=(
                _kpi(
                    "ks4_att8", 52.0, 46.3, "2023-24-spring", unit="points", national_year="2023-24"
                ),
            ),
        ),
        SUSTAIN,
        "p8_band",
        f"{cite(CARTER, 'Sustain')}: P8 above or well above average.",
    ),
    Case(
        21,
        "Progress 8 average stops Sustain",
        "Secondary, spring 2023-24: P8 2022-23 +0.05 (average); report card exceptional; "
        "Attainment 8 above national.",
        Evidence(
            "2023-24-spring",
            dt.date(2024, 2, 1),
            teaches_ks4=True,
            p8=P8Evidence("2022-23", 0.05, -0.15, 0.25, "3"),
            inspections=(_card(dt.date(2023, 12, 1), "exceptional"),),
            kpis=(
                _kpi(
                    "ks4_att8", 52.0, 46.3, "2023-24-spring", unit="points", national_year="2023-24"
                ),
            ),
        ),
        IMPROVE,
        "sustain_needs_outcomes_above_national",
        f"{CARTER.title}: Sustain is P8 above or well above; average is Improve.",
    ),
    Case(
        22,
        "An older P8 is shown, not used",
        "Secondary, summer 2025-26: P8 2018-19 only; legacy Good.",
        Evidence(
            SUMMER,
            T,
            teaches_ks4=True,
            p8=P8Evidence("2018-19", -0.62, -0.85, -0.39, "5"),
            inspections=(_legacy(dt.date(2023, 1, 1), 2),),
            kpis=(_kpi("ks4_att8", 45.9, 45.9, SUMMER, unit="points", national_year="2024-25"),),
        ),
        IMPROVE,
        "p8_band",
        "An older cohort's P8 is context only.",
    ),
    Case(
        34,
        "Absence a fifth above national is Repair, though only 1.3 points",
        "Legacy Good (2023); overall absence 7.8% against 6.5% nationally (20% higher; 1.3 "
        "points), persistent absence 24.5% against 18.7% (31% higher), 120 pupils.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            kpis=(
                _kpi("absence", 7.8, 6.5, SUMMER, direction="lower", cohort=120),
                _kpi("persistent_absence", 24.5, 18.7, SUMMER, direction="lower", cohort=120),
            ),
        ),
        REPAIR,
        "absence_relative_gap",
        "Points would call 1.3 above national 'Improve'; against a 6.5% national rate it is 20% "
        "worse, and persistent absence 31% worse is Stabilise's band: with the Good inspection, "
        "Repair.",
    ),
    Case(
        35,
        "Absence well below national counts towards Sustain",
        "Report card strong standard (2026); overall absence 5.2% against 6.5% nationally (20% "
        "lower), KS2 well above national.",
        Evidence(
            SUMMER,
            T,
            inspections=(_card(dt.date(2026, 1, 10), "strong_standard"),),
            kpis=(
                _kpi("absence", 5.2, 6.5, SUMMER, direction="lower", cohort=200),
                _kpi("ks2_rwm_exp", 72, 62, SUMMER, "rwm", national_year="2024-25"),
            ),
        ),
        SUSTAIN,
        "absence_relative_gap",
        "1.3 points below would be only 'at national' in points; 20% below the national rate "
        "is above national.",
    ),
    Case(
        36,
        "Absence just above national stays Improve",
        "Legacy Good (2023); overall absence 7.0% against 6.5% nationally (8% higher).",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2023, 5, 1), 2),),
            kpis=(_kpi("absence", 7.0, 6.5, SUMMER, direction="lower", cohort=120),),
        ),
        IMPROVE,
        "absence_relative_gap",
        "Within 10% of the national rate: Improve; not above national, so never Sustain.",
    ),
]

# In-year teacher assessments against the trust's own targets; the latest statutory results all
# year; thresholds from DfE's confidence intervals.
AUTUMN = "2026-27-autumn"
AUTUMN_DAY = dt.date(2026, 11, 20)
CASES += [
    Case(
        40,
        "In-year teacher assessments are compared with the trust's own target",
        "Autumn 2026-27; report card expected; KS2 results of summer 2025-26 at national (the "
        "latest statutory results); reading teacher assessment across the school 60% against "
        "the trust's target of 75%.",
        Evidence(
            AUTUMN,
            AUTUMN_DAY,
            inspections=(_card(dt.date(2026, 1, 10)),),
            kpis=(
                _kpi(
                    "ks2_rwm_exp",
                    62,
                    62,
                    SUMMER,
                    "rwm",
                    national_year="2024-25",
                    assessment="statutory",
                ),
                _kpi(
                    "ks2_reading_exp",
                    75,
                    75,
                    SUMMER,
                    "reading",
                    national_year="2024-25",
                    assessment="statutory",
                ),
                _kpi(
                    "ta_reading_are",
                    60,
                    0,
                    AUTUMN,
                    "reading",
                    target=75,
                    assessment="in_year",
                ),
            ),
        ),
        IMPROVE,
        "in_year_vs_trust_target",
        "In-year assessments are benchmarked against the trust's own targets; the end-of-key-"
        "stage national figure is for statutory results.",
    ),
    Case(
        41,
        "Year 6 writing assessed in the autumn is not an end-of-key-stage result",
        "Autumn 2026-27; report card expected; KS2 results of summer 2025-26 at national; Year 6 "
        "writing teacher assessment in the autumn 40% (72% nationally at the end of KS2) and no "
        "trust target set.",
        Evidence(
            AUTUMN,
            AUTUMN_DAY,
            inspections=(_card(dt.date(2026, 1, 10)),),
            kpis=(
                _kpi(
                    "ks2_rwm_exp",
                    62,
                    62,
                    SUMMER,
                    "rwm",
                    national_year="2024-25",
                    assessment="statutory",
                ),
                _kpi(
                    "ks2_reading_exp",
                    75,
                    75,
                    SUMMER,
                    "reading",
                    national_year="2024-25",
                    assessment="statutory",
                ),
                _kpi(
                    "ks2_writing_exp",
                    40,
                    72,
                    AUTUMN,
                    "writing",
                    national_year="2024-25",
                    assessment="in_year",
                ),
            ),
        ),
        IMPROVE,
        "kpi_vs_national",
        "The latest published statutory results are used all year; an autumn teacher "
        "assessment is never set against DfE's end-of-key-stage figure.",
    ),
    Case(
        42,
        "KS2 progress scores are banded by their confidence interval",
        "Primary, spring 2025-26; report card expected; KS2 progress 2024-25: reading -1.9 "
        "(95% CI -4.1 to +0.3), maths -3.5 (CI -5.8 to -1.2, DfE: well below average), writing "
        "-2.4 (CI -4.6 to -0.2, DfE: below average).",
        Evidence(
            "2025-26-spring",
            dt.date(2026, 3, 10),
            inspections=(_card(dt.date(2026, 1, 10)),),
            progress=(
                ProgressEvidence(
                    "READPROG",
                    "KS2 reading progress",
                    "reading",
                    "2024-25",
                    -1.9,
                    -4.1,
                    0.3,
                    "Average",
                ),
                ProgressEvidence(
                    "MATPROG",
                    "KS2 maths progress",
                    "maths",
                    "2024-25",
                    -3.5,
                    -5.8,
                    -1.2,
                    "Well below average",
                ),
                ProgressEvidence(
                    "WRITPROG",
                    "KS2 writing progress",
                    "writing",
                    "2024-25",
                    -2.4,
                    -4.6,
                    -0.2,
                    "Below average",
                ),
            ),
        ),
        IMPROVE,
        "ks2_progress_ci",
        "DfE: a score is below average only when its whole confidence interval is below 0.",
    ),
    Case(
        43,
        "A Progress 8 of -0.62 whose interval reaches 0 is average, not well below",
        "Secondary, spring 2024-25: Progress 8 2023-24 of -0.62 (95% CI -1.28 to +0.04), "
        "legacy Good.",
        Evidence(
            "2024-25-spring",
            dt.date(2025, 2, 10),
            teaches_ks4=True,
            p8=P8Evidence("2023-24", -0.62, -1.28, 0.04, "3"),
            inspections=(_legacy(dt.date(2022, 1, 1), 2),),
        ),
        IMPROVE,
        "p8_band",
        "DfE's banding: well below only when the upper limit is below 0 and the score below "
        "-0.5; a small cohort's wide interval is average.",
    ),
]

CASES += [
    Case(
        44,
        "A secondary in Repair in English and Sustain in maths",
        "Secondary, spring 2024-25: Progress 8 2023-24 -0.05 (average), legacy Good; DfE's "
        "Progress 8 English element -0.55 (95% CI -0.85 to -0.25), maths element +0.45 (CI "
        "+0.15 to +0.75). The subject lines: English Repair, maths Sustain.",
        Evidence(
            "2024-25-spring",
            dt.date(2025, 2, 10),
            teaches_ks4=True,
            p8=P8Evidence("2023-24", -0.05, -0.35, 0.25, "3"),
            inspections=(_legacy(dt.date(2022, 1, 1), 2),),
            subject_progress=(
                ProgressEvidence(
                    "P8MEAENG",
                    "Progress 8 English element",
                    "english",
                    "2023-24",
                    -0.55,
                    -0.85,
                    -0.25,
                ),
                ProgressEvidence(
                    "P8MEAMAT",
                    "Progress 8 maths element",
                    "maths",
                    "2023-24",
                    0.45,
                    0.15,
                    0.75,
                ),
            ),
        ),
        IMPROVE,
        "p8_band",
        f"{CARTER.title}: the phase also operates at subject level; each subject line is scored by "
        "the same rules from that subject's own measures.",
    ),
]

# Subjects as subjects (issue 12): subject lines from the uploads' own measures.
CASES += [
    Case(
        45,
        "A secondary in Repair in English and Sustain in maths, from its own GCSE grades",
        "Secondary, summer 2025-26: legacy Good 2022; English and maths grade 4+ together 64.5% "
        "(64.5% nationally); English grade 4+ 60% (70% nationally) and 5+ 40% (55%); maths "
        "grade 4+ 90% (70%) and 5+ 80% (55%). The subject lines: English Repair, maths "
        "Sustain; English and maths alone count towards the lines, not again overall.",
        Evidence(
            SUMMER,
            T,
            teaches_ks4=True,
            inspections=(_legacy(dt.date(2022, 1, 1), 2),),
            kpis=(
                _kpi("ks4_em4", 64.5, 64.5, SUMMER, "english_maths", cohort=20),
                _kpi("ks4_english4", 60, 70, SUMMER, "english", cohort=20),
                _kpi("ks4_english5", 40, 55, SUMMER, "english", cohort=20),
                _kpi("ks4_maths4", 90, 70, SUMMER, "maths", cohort=20),
                _kpi("ks4_maths5", 80, 55, SUMMER, "maths", cohort=20),
            ),
        ),
        IMPROVE,
        "kpi_vs_national",
        f"{CARTER.title}: a secondary can be in Repair in English and Sustain in maths; each "
        "line is scored from that subject's own measures (DfE's English and maths halves).",
    ),
    Case(
        46,
        "Science and the trust's own subjects have their own lines",
        "Primary, summer 2025-26: legacy Good 2022; KS2 reading, writing and maths and reading at "
        "national; KS2 science teacher assessment 80% (82% nationally); history teacher "
        "assessment at age-related expectations 50% against the trust's target of 70%. The "
        "lines: Science Improve, History Stabilise; neither moves the overall phase.",
        Evidence(
            SUMMER,
            T,
            inspections=(_legacy(dt.date(2022, 1, 1), 2),),
            kpis=(
                *PRIMARY_AT_NATIONAL,
                _kpi("ks2_science_exp", 80, 82, SUMMER, "science", assessment="statutory"),
                _kpi(
                    "ta_history_are",
                    50,
                    0,
                    SUMMER,
                    "history",
                    target=70,
                    assessment="in_year",
                ),
            ),
        ),
        IMPROVE,
        "kpi_vs_national",
        "Subjects are subjects (issue 12): science against DfE's national figure, the trust's "
        "own subjects against its targets, each on its own line.",
    ),
]
CASES += [
    Case(
        47,
        "A secondary's science line from the trust's own KS4 science measure and its target",
        "Secondary, summer 2025-26: legacy Good 2022, English and maths grade 4+ together at "
        "national; science grade 4+ (the trust's own measure: combined science or the best "
        "single science) 70% against the trust's target of 60%. The science line: Improve, "
        "since Sustain needs outcomes above national and DfE publishes no such figure.",
        Evidence(
            SUMMER,
            T,
            teaches_ks4=True,
            inspections=(_legacy(dt.date(2022, 1, 1), 2),),
            kpis=(
                _kpi("ks4_em4", 64.5, 64.5, SUMMER, "english_maths", cohort=20),
                _kpi(
                    "ks4_science4",
                    70,
                    None,
                    SUMMER,
                    "science",
                    cohort=20,
                    target=60,
                    assessment="statutory",
                ),
            ),
        ),
        IMPROVE,
        "kpi_vs_national",
        "The trust's own measures are compared with the trust's targets, never with a national "
        "figure DfE does not publish; a target is the trust's ambition, not Sustain's bar.",
    ),
]
