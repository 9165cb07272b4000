"""Similar schools: the schools in a DfE national file most like an academy, and where the
academy stands among them. Pure: no ORM import.

Method (shown on the KPI page and in the governor report, `METHOD`):

1. The pool is every school in the same DfE file and of the same record type (mainstream or
   special) that has all four context figures: prior attainment (KS4: the cohort's KS2 average
   points score, `KS2APS`; KS2: the cohort's KS1 average points score, `TKS1AVERAGE`), the
   percentage of disadvantaged pupils (`PTFSM6CLA1A`), the percentage with special educational
   needs (KS4 `PSEN_ALL`, KS2 `PSENELEK`: SEN support or an EHC plan) and the number of pupils on
   roll (`TOTPUPS`).
2. Each figure is standardised over the pool: (figure - pool mean) / pool standard deviation
   (population standard deviation). A figure that is the same for every school (deviation 0)
   adds nothing.
3. The distance between two schools is the Euclidean distance between their four standardised
   figures, each weighted equally.
4. The academy's similar schools are the `COUNT` (20) nearest in the pool, itself left out;
   equal distances are ordered by URN, so the same file always gives the same twenty.
5. For each published measure, the academy's position is its rank among itself and those of the
   twenty with a figure (1 = highest, or lowest where lower is better), with the number of them
   it is above. A school with a cohort of 5 or fewer pupils gives no figure (DfE's own rule:
   such figures are suppressed), so it is left out of that measure's ranking.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

COUNT = 20
CONTEXT = ("prior_attainment", "pct_disadvantaged", "pct_send", "pupils")
CONTEXT_LABELS = {
    "prior_attainment": "Prior attainment",
    "pct_disadvantaged": "Disadvantaged pupils",
    "pct_send": "Pupils with SEND",
    "pupils": "Pupils on roll",
}
# DfE's field for each context figure, by file kind; where a year's file names it otherwise,
# the first field present is read.
CONTEXT_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ks4": {
        "prior_attainment": ("KS2APS",),
        "pct_disadvantaged": ("PTFSM6CLA1A",),
        "pct_send": ("PSEN_ALL",),
        "pupils": ("TOTPUPS",),
    },
    "ks2": {
        "prior_attainment": ("TKS1AVERAGE",),
        "pct_disadvantaged": ("PTFSM6CLA1A",),
        "pct_send": ("PSENELEK",),
        "pupils": ("TOTPUPS",),
    },
}
# The published measures an academy is placed on, in order, with their words and direction.
MEASURES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ks4": (
        ("P8MEA", "Progress 8", "higher"),
        ("ATT8SCR", "Attainment 8", "higher"),
        ("PTL2BASICS_94", "English and maths grade 4 or above", "higher"),
        ("PTL2BASICS_95", "English and maths grade 5 or above", "higher"),
        ("PTEBACC_E_PTQ_EE", "Entered for the EBacc", "higher"),
        ("EBACCAPS", "EBacc average point score", "higher"),
    ),
    "ks2": (
        ("PTRWM_EXP", "Reading, writing and maths: expected standard", "higher"),
        ("PTRWM_HIGH", "Reading, writing and maths: higher standard", "higher"),
        ("READPROG", "Reading progress", "higher"),
        ("WRITPROG", "Writing progress", "higher"),
        ("MATPROG", "Maths progress", "higher"),
        ("PTGPS_EXP", "Grammar, punctuation and spelling: expected standard", "higher"),
    ),
}
# The field holding each kind's cohort, for DfE's "5 or fewer pupils" rule.
COHORT_FIELD = {"ks4": "TPUP", "ks2": "TELIG"}
SMALLEST_SHOWN = 6  # a figure from 5 or fewer pupils is not shown (disclosure.DFE_THRESHOLD)

METHOD = (
    "Similar schools are the 20 schools in DfE's national file, of the same type (mainstream or "
    "special), closest to the academy on four figures: prior attainment of the cohort, the "
    "percentage of disadvantaged pupils, the percentage with special educational needs and the "
    "number of pupils on roll. Each figure is standardised across every school in the file "
    "(the difference from the average, divided by the standard deviation) and the distance is "
    "the straight-line distance across the four, weighted equally. Position 1 is the highest "
    "figure among the academy and its similar schools; schools with 5 or fewer pupils in the "
    "cohort are left out, as DfE suppresses their figures."
)


@dataclass(frozen=True)
class School:
    urn: str
    name: str
    context: Mapping[str, float | None]
    figures: Mapping[str, float] = field(default_factory=dict)
    cohort: int | None = None

    def complete(self) -> bool:
        return all(self.context.get(c) is not None for c in CONTEXT)


@dataclass(frozen=True)
class Neighbour:
    school: School
    distance: float


@dataclass(frozen=True)
class Position:
    field: str
    label: str
    value: float | None  # the academy's figure (None: not published)
    rank: int | None  # 1 = best among the academy and the schools with a figure
    of: int  # the academy plus its similar schools with a figure
    above: int  # how many similar schools it is above
    median: float | None  # the similar schools' median figure


def scales(pool: Iterable[School]) -> dict[str, tuple[float, float]]:
    """(mean, population standard deviation) of each context figure over the complete schools."""
    complete = [s for s in pool if s.complete()]
    out: dict[str, tuple[float, float]] = {}
    for c in CONTEXT:
        values = [float(s.context[c]) for s in complete]  # type: ignore[arg-type]
        if not values:
            out[c] = (0.0, 0.0)
            continue
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        out[c] = (mean, sd)
    return out


def distance(a: School, b: School, by: Mapping[str, tuple[float, float]]) -> float:
    total = 0.0
    for c in CONTEXT:
        sd = by[c][1]  # the mean cancels in a difference
        if sd == 0:
            continue
        total += ((float(a.context[c]) - float(b.context[c])) / sd) ** 2  # type: ignore[arg-type]
    return math.sqrt(total)


def nearest(target: School, pool: Sequence[School], count: int = COUNT) -> list[Neighbour]:
    """The `count` complete schools of the pool nearest the target (itself left out); [] when
    the target lacks a context figure."""
    if not target.complete():
        return []
    others = [s for s in pool if s.complete() and s.urn != target.urn]
    by = scales([target, *others])
    ranked = sorted(
        (Neighbour(s, distance(target, s, by)) for s in others),
        key=lambda n: (n.distance, n.school.urn),
    )
    return ranked[:count]


def _shown(school: School, name: str) -> float | None:
    if school.cohort is not None and school.cohort < SMALLEST_SHOWN:
        return None
    return school.figures.get(name)


def position(
    target: School, neighbours: Sequence[Neighbour], name: str, label: str, direction: str
) -> Position:
    """Where the target stands on one measure among itself and its similar schools."""
    mine = _shown(target, name)
    theirs = [v for n in neighbours if (v := _shown(n.school, name)) is not None]
    middle = median(theirs)
    if mine is None:
        return Position(name, label, None, None, len(theirs), 0, middle)
    better = [v for v in theirs if (v > mine if direction == "higher" else v < mine)]
    worse = [v for v in theirs if (v < mine if direction == "higher" else v > mine)]
    return Position(name, label, mine, len(better) + 1, len(theirs) + 1, len(worse), middle)


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def positions(kind: str, target: School, neighbours: Sequence[Neighbour]) -> list[Position]:
    return [position(target, neighbours, f, label, d) for f, label, d in MEASURES[kind]]


def context_from(kind: str, figures: Mapping[str, float | None]) -> dict[str, float | None]:
    """A school's four context figures from its published fields (first field present)."""
    out: dict[str, float | None] = {}
    for c, names in CONTEXT_FIELDS[kind].items():
        out[c] = next((figures[n] for n in names if figures.get(n) is not None), None)
    return out


def missing_columns(kind: str, header: Iterable[str]) -> list[str]:
    """The context fields a file lacks (a headline download has none of them)."""
    names = set(header)
    return [
        names_[0] for names_ in CONTEXT_FIELDS[kind].values() if not any(n in names for n in names_)
    ]
