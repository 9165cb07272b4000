"""What each KPI of the catalogue means, in DfE's words, and the publication that defines it:
shown beside every figure (KPI pages, governor report glossary, heat-map cell detail). Text
only; `catalogue` adds the year-group breakdowns' definitions from their headline's."""

from __future__ import annotations

from trust_si.sources import AN_DARAS, INNOVATE2EDUCATE

EXPLORE = "https://explore-education-statistics.service.gov.uk/find-statistics/"
# kpi -> (DfE's definition in words, the publication that defines it): shown on the KPI page and
# in the governor report's glossary. A KPI the DfE does not publish says whose definition it is.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "eyfs_gld": (
        "Children at the end of Reception at the expected level in the early learning goals "
        "of the prime areas (communication and language, personal, social and emotional "
        "development, physical development) and of literacy and mathematics.",
        f"DfE, Early years foundation stage profile results ({EXPLORE}"
        "early-years-foundation-stage-profile-results)",
    ),
    "y1_phonics": (
        "Year 1 pupils meeting the expected standard of the phonics screening check (32 or "
        "more of 40 words).",
        f"DfE, Key stage 1 and phonics screening check attainment ({EXPLORE}"
        "key-stage-1-and-phonics-screening-check-attainment)",
    ),
    "ks2_reading_exp": (
        "Year 6 pupils with a scaled score of 100 or more in the reading test.",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks2_maths_exp": (
        "Year 6 pupils with a scaled score of 100 or more in the maths test.",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks2_writing_exp": (
        "Year 6 pupils whose writing teacher assessment is working at the expected standard "
        "or at greater depth.",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks2_writing_gds": (
        "Year 6 pupils whose writing teacher assessment is working at greater depth.",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks2_rwm_exp": (
        "Year 6 pupils meeting the expected standard in all three of reading (test), writing "
        "(teacher assessment) and maths (test).",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks4_att8": (
        "The average Attainment 8 score of every pupil at the end of key stage 4 (a pupil "
        "with no qualifying entries scores 0).",
        f"DfE, Key stage 4 performance ({EXPLORE}key-stage-4-performance)",
    ),
    "ks4_em4": (
        "Pupils at the end of key stage 4 with grade 4 or above in maths and in English "
        "(English language or English literature); the denominator is every pupil at the end "
        "of key stage 4.",
        f"DfE, Key stage 4 performance ({EXPLORE}key-stage-4-performance)",
    ),
    "ks4_em5": (
        "As grade 4 or above, with grade 5 or above in both.",
        f"DfE, Key stage 4 performance ({EXPLORE}key-stage-4-performance)",
    ),
    "absence": (
        "Sessions missed for any reason as a share of possible sessions, for pupils of "
        "compulsory school age (5 to 15 at the start of the year: Years 1 to 11). The sessions of one term, "
        "against the DfE full-year national figure.",
        f"DfE, Pupil absence in schools in England ({EXPLORE}pupil-absence-in-schools-in-england)",
    ),
    "persistent_absence": (
        "Pupils of compulsory school age (5 to 15 at the start of the year: Years 1 to 11) "
        "missing 10% or more of their possible sessions. The sessions of one term, against "
        "the DfE full-year national figure.",
        f"DfE, Pupil absence in schools in England ({EXPLORE}pupil-absence-in-schools-in-england)",
    ),
    "ks2_reading_high": (
        "Year 6 pupils with a high score (a scaled score of 110 or more) in the reading test.",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks2_maths_high": (
        "Year 6 pupils with a high score (a scaled score of 110 or more) in the maths test.",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks2_rwm_high": (
        "Year 6 pupils reaching the higher standard in reading, writing and maths: a high "
        "score (scaled score of 110 or more) in the reading and maths tests and working at "
        "greater depth in writing (teacher assessment).",
        f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
    ),
    "ks4_ebacc_entry": (
        "Pupils at the end of key stage 4 entered for every EBacc subject area: English "
        "language and English literature, maths, the sciences (combined science, or three of "
        "biology, chemistry, physics and computer science), history or geography, and a "
        "language; the denominator is every pupil at the end of key stage 4.",
        "DfE, English Baccalaureate (EBacc) (https://www.gov.uk/government/publications/"
        "english-baccalaureate-ebacc/english-baccalaureate-ebacc) and Key stage 4 performance "
        f"({EXPLORE}key-stage-4-performance)",
    ),
    "severe_absence": (
        "Pupils of compulsory school age (5 to 15 at the start of the year: Years 1 to 11) "
        "missing 50% or more of their possible sessions. The sessions of one term; DfE "
        "publishes no termly national figure here, so none is shown.",
        f"DfE, Pupil absence in schools in England ({EXPLORE}pupil-absence-in-schools-in-england)",
    ),
    # Secondary and behaviour measures (issue 13, i13-4b)
    "ks4_ebacc_aps": (
        "The average EBacc point score of every pupil at the end of key stage 4: GCSE points "
        "(9 to 1, U 0) in six slots, the better of English language and English literature "
        "(both taken), maths, the best two sciences (combined science fills both; single "
        "sciences count when three of biology, chemistry, physics and computer science are "
        "taken), the better of history and geography, and the best language; an empty slot "
        "scores 0 and the total is divided by 6.",
        "DfE, Secondary accountability measures guide, the English Baccalaureate average point "
        "score (https://www.gov.uk/government/publications/progress-8-school-performance-"
        f"measure) and Key stage 4 performance ({EXPLORE}key-stage-4-performance)",
    ),
    "suspension_rate": (
        "Suspensions (fixed-period exclusions) per 100 pupils on roll: the number of "
        "suspensions divided by the number of pupils, times 100 (a pupil suspended twice counts "
        "twice). Counted from the start of the academic year to the end of this term, from the "
        "academy's confirmed suspensions and exclusions upload; the summer term's figure is the "
        "year's, which is what DfE's national rate is for.",
        f"DfE, Suspensions and permanent exclusions in England ({EXPLORE}"
        "suspensions-and-permanent-exclusions-in-england)",
    ),
    "permanent_exclusion_rate": (
        "Permanent exclusions per 100 pupils on roll: the number of permanent exclusions "
        "divided by the number of pupils, times 100. Counted from the start of the academic "
        "year to the end of this term; the summer term's figure is the year's.",
        f"DfE, Suspensions and permanent exclusions in England ({EXPLORE}"
        "suspensions-and-permanent-exclusions-in-england)",
    ),
    "one_plus_suspension": (
        "Pupils on roll with one or more suspensions, as a share of all pupils on roll (DfE's "
        "one or more suspension rate). Counted from the start of the academic year to the end "
        "of this term; the summer term's figure is the year's.",
        f"DfE, Suspensions and permanent exclusions in England ({EXPLORE}"
        "suspensions-and-permanent-exclusions-in-england)",
    ),
    "writing_judged_exs": (
        "Pupils whose teacher judgement of writing this term, against the trust's published "
        "framework for their year group, is the expected standard or greater depth. The "
        "judgement is the teacher's (the framework's proposal, or another level with a reason); "
        "judgements from scaffolded work only are counted and their share shown beside it.",
        "The trust's own in-year measure from its writing frameworks (not a DfE statistic)",
    ),
    "writing_judged_gds": (
        "Pupils whose teacher judgement of writing this term, against the trust's published "
        "framework for their year group, is greater depth.",
        "The trust's own in-year measure from its writing frameworks (not a DfE statistic)",
    ),
    "writing_judged_scaffolded": (
        "Of the pupils with a writing judgement this term, those whose judgement rests on "
        "scaffolded work only, with no independent writing behind it (DfE's writing frameworks "
        f"ask for independent work; the {INNOVATE2EDUCATE.title} reduced their use).",
        "The trust's own in-year measure from its writing frameworks (not a DfE statistic)",
    ),
    "reading_judged_exs": (
        "Pupils whose teacher judgement of reading this term, against the trust's published "
        "framework for their year group, is the expected standard or greater depth. The "
        "judgement is the teacher's (the framework's proposal, or another level with a reason).",
        "The trust's own in-year measure from its reading frameworks (not a DfE statistic)",
    ),
    "reading_judged_gds": (
        "Pupils whose teacher judgement of reading this term, against the trust's published "
        "framework for their year group, is greater depth.",
        "The trust's own in-year measure from its reading frameworks (not a DfE statistic)",
    ),
    "ta_reading_are": (
        "Pupils whose teacher assessment this term is at or above age-related expectations.",
        "The trust's own in-year measure (not a DfE statistic)",
    ),
    "ta_writing_are": (
        "Pupils whose teacher assessment this term is at or above age-related expectations.",
        "The trust's own in-year measure (not a DfE statistic)",
    ),
    "ta_maths_are": (
        "Pupils whose teacher assessment this term is at or above age-related expectations.",
        "The trust's own in-year measure (not a DfE statistic)",
    ),
}

# Primary measures (issue 13, i13-4a).
SEED_003 = (
    f"The trust's own cohort measure from the attainment benchmarks of the {AN_DARAS.title} (not a DfE "
    "statistic): the pupils are followed from one year to the next by their pseudonymous key"
)
DEFINITIONS.update(
    {
        "ks2_gps_exp": (
            "Year 6 pupils with a scaled score of 100 or more in the grammar, punctuation and "
            "spelling test.",
            f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
        ),
        "ks2_gps_high": (
            "Year 6 pupils with a high score (a scaled score of 110 or more) in the grammar, "
            "punctuation and spelling test.",
            f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
        ),
        "y4_mtc_average": (
            "The average score (out of 25) in the Year 4 multiplication tables check of the "
            "pupils who took it; pupils who did not take the check are not in the average.",
            f"DfE, Multiplication tables check attainment ({EXPLORE}"
            "multiplication-tables-check-attainment)",
        ),
        "y4_mtc_full_marks": (
            "Year 4 pupils scoring full marks (25 out of 25) in the multiplication tables check, "
            "as a share of every eligible pupil, those who did not take the check included.",
            f"DfE, Multiplication tables check attainment ({EXPLORE}"
            "multiplication-tables-check-attainment)",
        ),
        "phonics_by_y2": (
            "Year 2 pupils who have met the expected standard of the phonics screening check "
            "(32 or more of 40 words) by the end of Year 2: in Year 1 last year or at the Year 2 "
            "check this year. A pupil counts with a Year 2 result this year or a Year 1 result "
            "last year (DfE's method since 2024); absent and disapplied pupils have not met it.",
            f"DfE, Phonics screening check attainment ({EXPLORE}"
            "phonics-screening-check-attainment)",
        ),
        "eyfs_prime_areas": (
            "Children at the end of Reception at the expected level in every early learning goal "
            "of the three prime areas: communication and language; personal, social and "
            "emotional development; and physical development.",
            f"DfE, Early years foundation stage profile results ({EXPLORE}"
            "early-years-foundation-stage-profile-results)",
        ),
        "y1_phonics_of_gld": (
            "Of the Year 1 pupils who had a good level of development at the end of Reception "
            "last year, those meeting the expected standard of the Year 1 phonics screening "
            f'check ({AN_DARAS.title}: "EYFS GLD pupils achieve Year 1 phonics standard").',
            SEED_003,
        ),
        "y2_phonics_retake_met": (
            "Of the Year 2 pupils who did not meet the phonics standard in Year 1 last year, "
            "those meeting it at the Year 2 check; one with no Year 2 result has not met it "
            f'({AN_DARAS.title}: "All Year 1 phonic non-passers achieve standard").',
            SEED_003,
        ),
        "y2_are_of_gld": (
            "Of the Year 2 pupils who had a good level of development at the end of Reception, "
            "those whose teacher assessment this term is at or above age-related expectations "
            f'in all of reading, writing and maths ({AN_DARAS.title}: "EYFS GLD pupils achieve national '
            'ARE/ARE+").',
            SEED_003,
        ),
    }
)
# Seed 003's EYFS progress benchmark (the "blue dot" children).
DEFINITIONS["eyfs_lowest_20_gld"] = (
    "Of the children at the end of Reception whom their school flagged as the lowest 20% on "
    "entry (from its nursery's data or its on-entry baseline, recorded in Nursery "
    "or Reception), those reaching a good level of development. The trust's own progress "
    'benchmark for the early years ("Nursery data - lowest 20% (blue dot)"), not a DfE '
    "statistic: a child with no flag is not counted.",
    SEED_003,
)
# Where a good level of development comes from, now that the areas of learning can be uploaded.
DEFINITIONS["eyfs_gld"] = (
    DEFINITIONS["eyfs_gld"][0] + " Read from the upload's gld row; a child with no gld row "
    "but all five areas recorded (elg_* rows) is worked out from them; a file whose gld "
    "disagrees with the five areas for a child is refused.",
    DEFINITIONS["eyfs_gld"][1],
)

# Subjects as subjects (issue 12): science, English and maths alone at KS4, the trust's own
# subjects' in-year teacher assessments.
KS4_TABLES = f"DfE, Key stage 4 performance ({EXPLORE}key-stage-4-performance)"
TRUST_OWN = "The trust's own measure, not a DfE statistic"
DEFINITIONS.update(
    {
        "ks2_science_exp": (
            "Year 6 pupils whose science teacher assessment is working at the expected "
            "standard (DfE's KS2 science teacher assessment, summer term).",
            f"DfE, Key stage 2 attainment ({EXPLORE}key-stage-2-attainment)",
        ),
        "ks4_english4": (
            "Pupils at the end of key stage 4 with grade 4 or above in English language or "
            "English literature (the English half of DfE's English and maths measure); the "
            "denominator is every pupil at the end of key stage 4. DfE's school-level KS4 data "
            "publishes the English subject area at grade 4 (PTEBACENG_94).",
            KS4_TABLES,
        ),
        "ks4_english5": (
            "As English grade 4 or above, with grade 5 or above (DfE's PTEBACENG_95).",
            KS4_TABLES,
        ),
        "ks4_maths4": (
            "Pupils at the end of key stage 4 with grade 4 or above in GCSE maths (the maths "
            "half of DfE's English and maths measure); the denominator is every pupil at the "
            "end of key stage 4. DfE's school-level KS4 data publishes it (PTEBACMAT_94).",
            KS4_TABLES,
        ),
        "ks4_maths5": (
            "As maths grade 4 or above, with grade 5 or above (DfE's PTEBACMAT_95).",
            KS4_TABLES,
        ),
        "ks4_science4": (
            "Pupils at the end of key stage 4 with grade 4 or above in science: combined "
            "science, or the best of biology, chemistry and physics taken as single sciences "
            "(the better grade counts when a pupil has both); the denominator is every pupil at "
            "the end of key stage 4, so a pupil with no science grade has not met it. DfE "
            "publishes no such headline (its EBacc science area, PTEBAC2SCI_94, is a different "
            "rule and is of entered pupils only), so no national figure is shown.",
            f"{TRUST_OWN}, from the uploaded GCSE grades",
        ),
        "ta_science_are": (
            "Pupils whose science teacher assessment this term is at or above age-related "
            "expectations.",
            "The trust's own in-year measure (not a DfE statistic)",
        ),
    }
)
