"""Upload kinds as data: the columns of each template, what each accepts, and why. Pure.

Adding a measure or a column is a change here, not a new code branch in the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

YEAR_GROUPS = ["N1", "N2", "R", *[str(n) for n in range(1, 14)]]
SUBJECTS = [
    "reading",
    "writing",
    "maths",
    "rwm",
    "science",
    "english",
    "english_language",
    "english_literature",
    "biology",
    "chemistry",
    "physics",
    "combined_science",
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
    "attainment8",
    "eyfs",
    "phonics",
]
# measure -> (allowed text values or None, numeric range or None, what it means)
MEASURES: dict[str, tuple[list[str] | None, tuple[float, float] | None, str]] = {
    "gld": (["Y", "N"], None, "EYFS good level of development: Y or N"),
    "phonics": (
        ["WA", "WT", "A", "D"],
        (0, 40),
        "Y1 phonics check: WA (met), WT (not met), A/D, or a mark 0-40 (32 meets)",
    ),
    "ta": (
        ["PKF", "BLW", "WTS", "EXS", "GDS", "HNM", "ARE", "ABV"],
        None,
        "Teacher assessment: WTS/EXS/GDS, or BLW/ARE/ABV for below/at/above age-related expectations",
    ),
    "scaled_score": (
        ["A", "B", "M", "T"],
        (80, 120),
        "KS2 test scaled score 80-120 (or A absent, B below, M missing, T unable)",
    ),
    "gcse_grade": (["U", "X"], (1, 9), "GCSE grade 9-1, or U"),
    # In-year and not a result: what the KS4 forecast is fitted on (assessment.outcomes.KS4).
    "working_grade": (
        ["U"],
        (1, 9),
        "Years 10-11 teacher-assessed working-at grade 9-1, or U (in-year, not a result)",
    ),
    "att8": (None, (0, 90), "Attainment 8 points, 0-90"),
}

# Primary measures (issue 13, i13-4a): the KS2 grammar, punctuation and spelling test (a scaled
# score, read by the GPS KPIs as reading and maths are), the Year 4 multiplication tables check
# and the EYFS profile's areas of learning. Appended so the template's existing order holds.
SUBJECTS += ["gps", "mtc"]
# DfE's EYFS profile: each early learning goal (ELG) is at the "expected" or the "emerging"
# level. One row per area of learning: "expected" when the child is at the expected level in
# every ELG of the area, "emerging" otherwise. The three prime areas and literacy and
# mathematics are the five a good level of development is made of (eyfs_gld).
ELG_AREAS = {
    "elg_comm_lang": "communication and language",
    "elg_psed": "personal, social and emotional development",
    "elg_physical": "physical development",
    "elg_literacy": "literacy",
    "elg_maths": "mathematics",
}
PRIME_AREAS = ("elg_comm_lang", "elg_psed", "elg_physical")
ELG_VALUES = ["EXPECTED", "EMERGING"]
MEASURES.update(
    {
        "mtc": (
            ["A"],
            (0, 25),
            "Year 4 multiplication tables check: the score 0-25, or A (did not take the check)",
        ),
        **{
            code: (
                ELG_VALUES,
                None,
                f"EYFS profile, {area}: expected (at the expected level in every early "
                "learning goal of the area) or emerging",
            )
            for code, area in ELG_AREAS.items()
        },
    }
)

# Seed 003's EYFS progress benchmark, "Nursery data - lowest 20% (blue dot)": the children a
# school flags as its lowest 20% on entry (from its nursery's data or its on-entry baseline).
# Recorded with subject eyfs, in Nursery (N1, N2) or in Reception; the KPI follows the child to
# the end of Reception by the pupil key.
MEASURES["lowest_20"] = (
    ["Y", "N"],
    None,
    "EYFS: Y when the child was one of the lowest 20% on entry (the nursery's or the on-entry "
    "baseline's 'blue dot' children), else N",
)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    columns: list[Column] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]


UPN_HELP = "The pupil's UPN (13 characters: a letter and 12 digits). It is hashed on arrival and never stored."
KINDS: dict[str, Kind] = {
    "pupils": Kind(
        "pupils",
        "Pupils and groups",
        [
            Column("upn", True, UPN_HELP, ("pupil_upn", "unique_pupil_number")),
            Column("year_group", True, "N1, N2, R, or 1-13", ("year", "ncyear", "nc_year")),
            Column(
                "disadvantaged",
                True,
                "Y if pupil premium / FSM6, else N",
                ("pp", "pupil_premium", "fsm6"),
            ),
            Column("send", True, "N none, K SEN support, E EHCP", ("sen", "sen_status")),
            Column("eal", True, "Y or N", ()),
            Column("sex", True, "F or M", ("gender",)),
            Column(
                "prior_band",
                False,
                "low, middle or high prior attainment (blank if unknown)",
                ("prior_attainment",),
            ),
            Column(
                "date_of_birth",
                False,
                "dd/mm/yyyy (checked against the year group, not stored)",
                ("dob",),
            ),
        ],
    ),
    "results": Kind(
        "results",
        "Results and teacher assessments",
        [
            Column("upn", True, UPN_HELP, ("pupil_upn",)),
            Column("subject", True, "One of: " + ", ".join(SUBJECTS), ()),
            Column("measure", True, "One of: " + ", ".join(MEASURES), ("assessment",)),
            Column("value", True, "See the measure's allowed values", ("result", "grade", "score")),
        ],
    ),
    "attendance": Kind(
        "attendance",
        "Attendance",
        [
            Column("upn", True, UPN_HELP, ("pupil_upn",)),
            Column(
                "sessions_possible",
                True,
                "Whole number of possible sessions this term",
                ("possible",),
            ),
            Column(
                "sessions_missed",
                True,
                "Whole number of sessions missed (authorised and not)",
                ("missed", "absences"),
            ),
        ],
    ),
    "judgements": Kind(
        "judgements",
        "Teacher judgements (writing, reading)",
        [
            Column("upn", True, UPN_HELP, ("pupil_upn",)),
            Column("year_group", True, "1-11: the year group whose framework was used", ("year",)),
            Column("subject", True, "writing or reading", ()),
            Column(
                "secure",
                False,
                "Codes of the statements secure, separated by ; (e.g. EXS1;EXS2;GDS1)",
                ("secure_statements", "statements"),
            ),
            Column(
                "independence",
                False,
                "independent (the default) or scaffolded",
                ("independent", "evidence"),
            ),
            Column(
                "source_subject",
                False,
                "The subject the writing came from (blank for English)",
                ("from_subject",),
            ),
            Column(
                "judgement",
                False,
                "A level of the year group's published framework, by code or name (WTS, EXS "
                "or GDS unless the trust's framework names its own levels): blank to accept the "
                "framework's proposal",
                ("teacher_judgement", "level"),
            ),
            Column(
                "reason",
                False,
                "Why the judgement differs from the proposal (required when it does)",
                (),
            ),
        ],
    ),
}
# Secondary and behaviour measures (issue 13, i13-4b) ----------------------------------------
# Suspensions and permanent exclusions, one row each, as DfE's school census records them: the
# pupil, the date it began, its type and (for a suspension) its length in sessions (half days).
# DfE: a pupil may be suspended for up to 45 school days (90 sessions) in an academic year.
EXCLUSION_TYPES = {"suspension": "Suspension", "permanent": "Permanent exclusion"}
EXCLUSION_TYPE_ALIASES = {
    "suspension": "suspension",
    "suspended": "suspension",
    "fixed": "suspension",
    "fixed period": "suspension",
    "fixed-period": "suspension",
    "fixed term": "suspension",
    "fixed-term": "suspension",
    "fte": "suspension",
    "s": "suspension",
    "permanent": "permanent",
    "permanent exclusion": "permanent",
    "perm": "permanent",
    "p": "permanent",
}
MAX_SUSPENSION_SESSIONS = 90
KINDS["exclusions"] = Kind(
    "exclusions",
    "Suspensions and permanent exclusions",
    [
        Column("upn", True, UPN_HELP, ("pupil_upn",)),
        Column(
            "date",
            True,
            "The day it began, dd/mm/yyyy, within the term of the upload",
            ("start_date", "exclusion_date"),
        ),
        Column(
            "type",
            True,
            "suspension (a fixed period) or permanent",
            ("exclusion_type", "category"),
        ),
        Column(
            "sessions",
            False,
            "A suspension's length in sessions (half days), 1 to 90; blank for a permanent "
            "exclusion",
            ("length_sessions", "sessions_excluded"),
        ),
    ],
)
# A school with no suspension or permanent exclusion in the term confirms the template with no
# rows: "none this term" is a figure (0), where no upload at all is no figure.
EMPTY_ALLOWED = {"exclusions"}
# -------------------------------------------------------------------------------------------
JUDGEMENT_SUBJECTS = ["writing", "reading"]
JUDGEMENT_LEVELS = ["WTS", "EXS", "GDS"]
JUDGEMENT_YEAR_GROUPS = [str(n) for n in range(1, 12)]
MAX_REASON_LENGTH = 300
# The judgement column's levels are the framework's, not fixed here: a trust may name its own.
JUDGEMENT_LEVELS_ROW = (
    "judgement levels",
    "allowed values",
    "The levels come from the year group's published framework (its page lists them, lowest "
    "first): DfE's WTS, EXS and GDS, or the trust's own levels. Codes or names, in any case.",
)


def readme_rows(kind: Kind) -> list[tuple[str, str, str]]:
    rows = [(c.name, "required" if c.required else "optional", c.help) for c in kind.columns]
    if kind.code == "results":
        rows += [(f"measure = {m}", "allowed values", desc) for m, (_, _, desc) in MEASURES.items()]
    if kind.code == "judgements":
        rows += [JUDGEMENT_LEVELS_ROW]
    return rows
