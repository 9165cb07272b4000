"""The heat map's columns and its cell type: one academy's row for one term and pupil group.
Pure: no ORM import. The rules that fill each cell are in `heatmap_rules`.

Each cell is a `Cell`: a frozen, typed value that every reader (page, API, exports, governor
reports) reads by attribute. It is stored as JSON in `HeatmapRow.cells` with its schema version
(`Cell.to_dict`); `Cell.from_dict` also reads the unversioned dicts kept before the type existed,
so old terms' snapshots render as they did and are never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from assessment.kpis.banding import P8_LABELS
from assessment.kpis.catalogue import (
    CATALOGUE,
    JUDGED_WRITING,
    KPIS,
    TRUST_SUBJECTS,
    WRITING_SCAFFOLDED,
)
from trust_si.terms import TermCode

# The label phases.models.JudgementSource.INSPECTION gives judgements written from inspections.
OFSTED_SOURCE = "Ofsted inspection"

HEATMAP_GROUPS = ("all", "disadvantaged", "non_disadvantaged", "send", "boys", "girls")
GROUP_LABELS = {
    "all": "All pupils",
    "disadvantaged": "Disadvantaged",
    "non_disadvantaged": "Not disadvantaged",
    "send": "SEND",
    "boys": "Boys",
    "girls": "Girls",
}


class CellKind(StrEnum):
    KPI = "kpi"  # an outcome from the KPI catalogue, rated against national or the target
    P8 = "p8"  # Progress 8, DfE's band
    JUDGEMENT = "judgement"  # the latest judgement of an area (visit, review, inspection)
    ACCURACY = "accuracy"  # the school's judgements against the moderators' (writing)


@dataclass(frozen=True)
class Column:
    code: str
    label: str  # short, for the header
    title: str  # full, for the tooltip and the export
    kind: CellKind
    key_stage: str  # "EYFS", "KS1", "KS2", "KS4", "all", or "" for judged areas


KPI_SHORT = {
    "eyfs_gld": "EYFS GLD",
    "y1_phonics": "Y1 phonics",
    "ks2_reading_exp": "KS2 reading",
    "ks2_writing_exp": "KS2 writing",
    "ks2_maths_exp": "KS2 maths",
    "ks2_rwm_exp": "KS2 RWM",
    "ks2_writing_gds": "KS2 writing GDS",
    "ks4_att8": "Attainment 8",
    "ks4_em4": "E&M 4+",
    "ks4_em5": "E&M 5+",
    "ta_reading_are": "Reading ARE",
    "ta_writing_are": "Writing ARE",
    "ta_maths_are": "Maths ARE",
    "persistent_absence": "Persistent absence",
    "severe_absence": "Severe absence",
    "ks4_ebacc_entry": "EBacc entry",
    "ks2_reading_high": "KS2 reading high",
    "ks2_maths_high": "KS2 maths high",
    "ks2_rwm_high": "KS2 RWM high",
    "absence": "Absence",
    # Secondary and behaviour measures (issue 13, i13-4b)
    "ks4_ebacc_aps": "EBacc APS",
    "suspension_rate": "Suspension rate",
    "permanent_exclusion_rate": "Permanent exclusion rate",
    "one_plus_suspension": "One or more suspensions",
    "writing_judged_exs": "Writing EXS+ (judged)",
    "writing_judged_gds": "Writing GDS (judged)",
    "reading_judged_exs": "Reading EXS+ (judged)",
    "reading_judged_gds": "Reading GDS (judged)",
}
ACCURACY_COLUMN = "assessment_accuracy"
# Reading's accuracy cell, from closed blind reading rounds as writing's is from writing's; a map
# with no reading round drops the column (every cell "Not moderated yet" is empty).
READING_ACCURACY_COLUMN = "reading_assessment_accuracy"
# Not a KPI column: year-group breakdowns (the KPI page and API show them) and the scaffolded
# share, which labels the judged-writing cells instead (step 8).
_NOT_COLUMNS = {k.code for k in CATALOGUE if k.breakdown_of} | {WRITING_SCAFFOLDED}
# Primary measures (issue 13, i13-4a): the headline of each new check is a column (GPS expected,
# the multiplication tables check's average score, phonics by the end of Year 2, the EYFS prime
# areas); the GPS higher standard, the check's full marks and seed 003's cohort measures are on
# the KPI page, API and report, not the map (each is a finer cut of a column already there).
KPI_SHORT.update(
    {
        "ks2_gps_exp": "KS2 GPS",
        "ks2_gps_high": "KS2 GPS high",
        "y4_mtc_average": "Y4 times tables",
        "y4_mtc_full_marks": "Y4 times tables 25/25",
        "phonics_by_y2": "Phonics by Y2",
        "eyfs_prime_areas": "EYFS prime areas",
        "y1_phonics_of_gld": "Y1 phonics (GLD pupils)",
        "y2_phonics_retake_met": "Y2 phonics retakes",
        "y2_are_of_gld": "Y2 RWM ARE (GLD pupils)",
        "eyfs_lowest_20_gld": "EYFS GLD (lowest 20%)",
    }
)
_NOT_COLUMNS |= {
    "ks2_gps_high",
    "y4_mtc_full_marks",
    "y1_phonics_of_gld",
    "y2_phonics_retake_met",
    "y2_are_of_gld",
    "eyfs_lowest_20_gld",
}
# Subjects as subjects (issue 12): KS2 and KS4 science, English and maths alone at grade 4 are
# columns (shown only where some academy has the data: the page drops empty columns); the grade
# 5 cuts and the trust's own subjects are on the KPI page, API and the placement's subject lines.
KPI_SHORT.update(
    {
        "ks2_science_exp": "KS2 science",
        "ks4_english4": "English 4+",
        "ks4_english5": "English 5+",
        "ks4_maths4": "Maths 4+",
        "ks4_maths5": "Maths 5+",
        "ks4_science4": "Science 4+ (trust)",
        "ta_science_are": "Science ARE",
    }
)
_NOT_COLUMNS |= {"ks4_english5", "ks4_maths5"} | {f"ta_{s}_are" for s in TRUST_SUBJECTS}
JUDGED_WRITING_CODES = frozenset(code for code, _, _ in JUDGED_WRITING)
JUDGED_AREAS = [
    ("safeguarding", "Safeguarding"),
    ("inclusion", "Inclusion"),
    ("curriculum_teaching", "Curriculum and teaching"),
    ("achievement", "Achievement"),
    ("attendance_behaviour", "Attendance and behaviour"),
    ("personal_development", "Personal development and well-being"),
    ("early_years", "Early years"),
    ("sixth_form", "Sixth form"),
    ("leadership_governance", "Leadership and governance"),
    ("send", "SEND"),
]


def columns() -> list[Column]:
    kpis = [
        Column(k.code, KPI_SHORT.get(k.code, k.label), k.label, CellKind.KPI, k.key_stage)
        for k in [*CATALOGUE, KPIS["absence"]]
        if k.code not in _NOT_COLUMNS
    ]
    accuracy = Column(
        ACCURACY_COLUMN,
        "Assessment accuracy",
        "Assessment accuracy: writing judgements agreed by moderators (latest round)",
        CellKind.ACCURACY,
        "all",
    )
    reading_accuracy = Column(
        READING_ACCURACY_COLUMN,
        "Reading accuracy",
        "Assessment accuracy: reading judgements agreed by moderators (latest round)",
        CellKind.ACCURACY,
        "all",
    )
    p8 = Column(
        "p8",
        "Progress 8",
        "Progress 8: DfE band from score and confidence interval",
        CellKind.P8,
        "KS4",
    )
    judged = [
        Column(code, label, f"{label}: latest judgement", CellKind.JUDGEMENT, "")
        for code, label in JUDGED_AREAS
    ]
    return [*kpis, p8, accuracy, reading_accuracy, *judged]


COLUMNS = columns()
_KIND_OF = {c.code: c.kind for c in COLUMNS}
_POSITION = {c.code: i for i, c in enumerate(COLUMNS)}
KPI_UNITS = {code: k.unit for code, k in KPIS.items()}
P8_UNIT = "score"


KPI_WORDS = {
    "higher": {
        4: "Well above national",
        3: "In line with national",
        2: "Below national",
        1: "Well below national",
    },
    "lower": {
        4: "Well below national (better)",
        3: "In line with national",
        2: "Above national (worse)",
        1: "Well above national (worse)",
    },
}
GRADE_WORDS = {
    "exceptional": "Exceptional",
    "strong_standard": "Strong standard",
    "expected_standard": "Expected standard",
    "needs_attention": "Needs attention",
    "urgent_improvement": "Urgent improvement",
    "met": "Met",
    "not_met": "Not met",
}
SAFEGUARDING_LEVELS = {"met": 4, "not_met": 1}


_GRADE_CODES = {words: code for code, words in GRADE_WORDS.items()}
_P8_CODES = {label: band.value for band, label in P8_LABELS.items()}


@lru_cache(maxsize=256)
def parsed_term(code: str | None) -> TermCode | None:
    # Cached: a page reads thousands of cells that name a handful of terms.
    return TermCode.parse_or_none(code)


def term_label(code: str) -> str:
    """'2025-26-summer' -> 'Summer term 2025-26': the product's one way of naming a term."""
    term = parsed_term(code)
    return term.label if term else code


# ---- the cell type ----

# 1: the unversioned dicts written before `Cell` (keys "col", "trend_text"...): read, never written.
# 2: `Cell.to_dict`.
SCHEMA_VERSION = 2


class CellState(StrEnum):
    VALUE = "value"  # a figure or judgement to show
    SUPPRESSED = "suppressed"  # a figure from too few pupils: neither value nor cohort is kept
    NONE = "none"  # no data, not judged, not published
    NA = "na"  # not applicable (Progress 8 in a school without KS4)


class TrendDirection(StrEnum):
    UP = "up"
    DOWN = "down"
    LEVEL = "level"


_KINDS = {k.value: k for k in CellKind}
_STATES = {s.value: s for s in CellState}
_TRENDS = {d.value: d for d in TrendDirection}


@dataclass(frozen=True, slots=True)
class Trend:
    """The change from the previous figure or judgement, in words."""

    direction: TrendDirection
    text: str  # "down 9.0 pts on Summer term 2024-25 (worse)"
    better: bool | None = None  # None when level


@dataclass(frozen=True, slots=True)
class Cell:
    """One academy's cell in one column of the heat map.

    A suppressed cell never carries its value or its cohort: the type refuses them, so no reader
    can show a figure from fewer pupils than the trust's minimum.
    """

    column: str  # the column's code: a KPI code, "p8", or a judged area
    kind: CellKind
    state: CellState
    rating: str  # in words: "Below national", "Needs attention", "Suppressed (n<5)"
    # The code the words stand for, where there is one: the judgement's grade ("not_met") or
    # DfE's Progress 8 band ("well_below"). KPIs are rated by level and gap instead.
    rating_code: str = ""
    level: int | None = None  # 1 (weakest) to 4 (strongest), the colour; None: no rating
    value: float | None = None
    display: str = ""  # the value as shown: "49.0%", "+0.12"
    unit: str = ""  # "%", "points" (KPIs), "score" (Progress 8)
    cohort: int | None = None  # pupils behind the figure
    term: TermCode | None = None  # the figure's term (earlier than the map's when carried)
    stale: bool = False
    carried: bool = False  # a summer-only result carried into autumn and spring
    trend: Trend | None = None
    note: str = ""  # "from Summer term 2024-25", "Visit, 10 Jun 2025 (stale)", "2018-19"
    link: str = ""  # the visit or inspection behind a judgement
    judged_on: dt.date | None = None
    national: float | None = None
    national_year: str | None = None  # the benchmark's academic year, "2024-25"
    # "non_disadvantaged" when `national` is national *other* pupils (a disadvantaged figure,
    # compared as DfE's DIFFN_* fields); "" = all pupils.
    national_group: str = ""
    # Which year `national` is, in words ("latest published: 2024-25" when DfE has not published
    # the figure's own year; "..., full year, against one term" for absence); "" without one.
    national_basis: str = ""
    target: float | None = None  # the trust's target, when it is what the rating compares with
    gap: float | None = None  # to national (or target), positive = better

    def __post_init__(self) -> None:
        if self.state is CellState.SUPPRESSED and (
            self.value is not None or self.cohort is not None
        ):
            raise ValueError("A suppressed heat-map cell keeps neither its value nor its cohort.")

    @classmethod
    def no_data(cls, column: str) -> Cell:
        """The cell of a column a snapshot does not have (a KPI added since)."""
        return cls(column, _KIND_OF.get(column, CellKind.KPI), CellState.NONE, "No data")

    @property
    def suppressed(self) -> bool:
        return self.state is CellState.SUPPRESSED

    @property
    def empty(self) -> bool:
        """Nothing to show: no data, not judged, or not applicable."""
        return self.state in (CellState.NONE, CellState.NA)

    @property
    def term_code(self) -> str | None:
        return self.term.code if self.term else None

    @property
    def rating_with_note(self) -> str:
        """The rating, with why it is stale ("... (from Summer term 2024-25)"): exports and reports."""
        return f"{self.rating} ({self.note})" if self.stale and self.note else self.rating

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, with the schema version; fields at their default are left out."""
        d: dict[str, Any] = {
            "v": SCHEMA_VERSION,
            "column": self.column,
            "kind": self.kind.value,
            "state": self.state.value,
            "rating": self.rating,
        }
        optional: dict[str, Any] = {
            "rating_code": self.rating_code,
            "level": self.level,
            "value": self.value,
            "display": self.display,
            "unit": self.unit,
            "cohort": self.cohort,
            "term": self.term.code if self.term else None,
            "stale": self.stale,
            "carried": self.carried,
            "note": self.note,
            "link": self.link,
            "judged_on": self.judged_on.isoformat() if self.judged_on else None,
            "national": self.national,
            "national_year": self.national_year,
            "national_group": self.national_group,
            "national_basis": self.national_basis,
            "target": self.target,
            "gap": self.gap,
        }
        d.update(
            (k, v) for k, v in optional.items() if v is not None and v != "" and v is not False
        )
        if self.trend is not None:
            d["trend"] = {
                "direction": self.trend.direction.value,
                "text": self.trend.text,
                "better": self.trend.better,
            }
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Cell:
        """A stored cell of any schema version this code knows; a newer one is refused."""
        version = d.get("v", 1)
        if version == SCHEMA_VERSION:
            return cls._from_v2(d)
        if version == 1:
            return cls._from_v1(d)
        raise ValueError(
            f"Heat-map cell schema {version!r} is not one this code reads (<= {SCHEMA_VERSION})."
        )

    @classmethod
    def _from_v2(cls, d: Mapping[str, Any]) -> Cell:
        # The keys are the field names (see to_dict): only the non-JSON types need making. A page
        # reads thousands of cells, so this stays a dict copy rather than a get per field.
        fields = {k: v for k, v in d.items() if k != "v"}
        fields["kind"] = _KINDS[d["kind"]]
        fields["state"] = _STATES[d["state"]]
        if term := d.get("term"):
            fields["term"] = parsed_term(term)
        if judged_on := d.get("judged_on"):
            fields["judged_on"] = dt.date.fromisoformat(judged_on)
        if trend := d.get("trend"):
            fields["trend"] = Trend(_TRENDS[trend["direction"]], trend["text"], trend["better"])
        return cls(**fields)

    @classmethod
    def _from_v1(cls, d: Mapping[str, Any]) -> Cell:
        """The dicts kept before `Cell`: {"col", "state", "rating", "level", "trend" (a word),
        "trend_text", "trend_better", ...}. What they did not store is worked out as they would
        have had it: the kind from the column, the unit from the catalogue, the grade from its
        words; only a KPI is ever carried, and a carried KPI is the only stale one."""
        column = d.get("col", "")
        kind = _KIND_OF.get(column, CellKind.KPI)
        state = CellState(d.get("state") or CellState.NONE)
        rating = d.get("rating", "")
        stale = bool(d.get("stale", False))
        direction = d.get("trend")
        trend = None
        if direction in _TRENDS:
            trend = Trend(
                TrendDirection(direction),
                d.get("trend_text", ""),
                None if direction == TrendDirection.LEVEL else bool(d.get("trend_better")),
            )
        rating_code = ""
        if state is CellState.VALUE and kind is CellKind.JUDGEMENT:
            rating_code = _GRADE_CODES.get(rating, rating)  # an unknown grade was shown as its code
        elif state is CellState.VALUE and kind is CellKind.P8:
            rating_code = _P8_CODES.get(rating, "")
        judged_on = d.get("judged_on")
        suppressed = state is CellState.SUPPRESSED
        return cls(
            column=column,
            kind=kind,
            state=state,
            rating=rating,
            rating_code=rating_code,
            level=d.get("level"),
            value=None if suppressed else d.get("value"),
            display=d.get("display") or "",
            unit=KPI_UNITS.get(column, "")
            if kind is CellKind.KPI
            else P8_UNIT
            if kind is CellKind.P8
            else "",
            cohort=None if suppressed else d.get("cohort"),  # v1 kept a suppressed cohort: drop it
            term=parsed_term(d.get("term")),
            stale=stale,
            carried=stale and kind is CellKind.KPI,
            trend=trend,
            note=d.get("note") or "",
            link=d.get("link") or "",
            judged_on=dt.date.fromisoformat(judged_on) if judged_on else None,
            national=d.get("national"),
            national_year=d.get("national_year"),
            national_basis=d.get("national_basis") or "",
            target=d.get("target"),
            gap=d.get("gap"),
        )


def cells_to_json(cells: Iterable[Cell]) -> dict[str, dict[str, Any]]:
    """A row's cells as `HeatmapRow.cells` keeps them: {column code: cell dict}."""
    return {c.column: c.to_dict() for c in cells}


def cells_from_json(data: Mapping[str, Mapping[str, Any]] | None) -> list[Cell]:
    """A stored row's cells (any schema version), in the columns' order; a column no longer in
    the catalogue keeps its cell, last."""
    cells = [Cell.from_dict(d) for d in (data or {}).values()]
    return sorted(cells, key=lambda c: _POSITION.get(c.column, len(_POSITION)))
