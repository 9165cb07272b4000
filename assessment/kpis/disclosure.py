"""Disclosure control: which figures of a table may be shown. Pure: no Django, no ORM.

Every output of KPI figures (pages, heat map, API, CSV/XLSX, PDF, charts) reads figures that
went through `protect`, so there is one rule in one place.

A table is a set of cells (each a figure with the number of pupils behind it) and the additive
relations between them that a reader knows: "all pupils" is disadvantaged + not disadvantaged,
boys + girls, SEND + no SEND, low + middle + high prior attainment; the trust is the sum of its
academies; a phase of education is the sum of its academies. A reader who sees some cells of a
relation can subtract to recover the others, so hiding a small group alone protects nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

# DfE suppresses every figure from 1 to 5 pupils (the 2019 KS4 performance tables: every school
# with 1-5 pupils at the end of KS4 is "SUPP"). A trust may raise the threshold, never lower it.
DFE_THRESHOLD = 5

PRIMARY = "primary"  # from too few pupils
SECONDARY = "secondary"  # hidden so that subtraction cannot recover a primary one


def threshold(trust_min_cohort: int | None = None) -> int:
    """The largest cohort that is suppressed: DfE's 5, or the trust's own if it is higher."""

    return max(DFE_THRESHOLD, trust_min_cohort or 0)


def is_small(cohort: int, limit: int = DFE_THRESHOLD) -> bool:
    """Primary suppression: a figure from 1 to `limit` pupils is not shown (0 is no figure)."""

    return 0 < cohort <= max(limit, DFE_THRESHOLD)


def suppressed_text(limit: int = DFE_THRESHOLD, reason: str = PRIMARY) -> str:
    """How a hidden figure reads, in words."""

    if reason == SECONDARY:
        return "suppressed (would reveal a small group)"
    return f"suppressed ({max(limit, DFE_THRESHOLD)} or fewer pupils)"


@dataclass(frozen=True)
class Relation:
    """`total` is the sum of `parts` (in pupils, and so in pupils meeting a measure)."""

    total: Hashable
    parts: tuple[Hashable, ...]


def protect(
    cohorts: Mapping[Hashable, int], relations: Iterable[Relation], limit: int = DFE_THRESHOLD
) -> dict[Hashable, str]:
    """The cells to hide and why: {cell: PRIMARY | SECONDARY}. Cells not returned are shown.

    1. Primary: every cell from 1 to `limit` pupils (never fewer than DfE's 5) is hidden.
       A cell of 0 pupils is no figure: it is known to be empty, never hidden and never a
       hiding place.
    2. Secondary, quickly: a relation with exactly one hidden cell gives it away by
       subtraction, so hide a second one there: the smallest part shown (a total only when no
       part is left). Repeat until no relation has exactly one hidden cell.
    3. Secondary, exactly: solve the relations as linear equations in the hidden cells (the
       shown cells are known numbers). A hidden cell that the equations fix to one value could
       still be worked out by adding and subtracting figures shown together; hide the smallest
       shown cell of a relation it is in and solve again, until none is fixed.
    Relations are treated as exact even where the parts miss a few pupils (a pupil recorded
    as neither boy nor girl): that can only hide more, never less.
    """

    limit = max(limit, DFE_THRESHOLD)
    rels = [
        Relation(r.total, tuple(p for p in r.parts if cohorts.get(p, 0) > 0))
        for r in relations
        if cohorts.get(r.total, 0) > 0
    ]
    hidden: dict[Hashable, str] = {
        cell: PRIMARY for cell, n in cohorts.items() if is_small(n, limit)
    }
    if not hidden:
        return hidden
    by_cell: dict[Hashable, list[Relation]] = {}
    for r in rels:
        for cell in (r.total, *r.parts):
            by_cell.setdefault(cell, []).append(r)

    def hide_one_more(r: Relation) -> bool:
        shown = [p for p in r.parts if p not in hidden]
        if not shown and r.total not in hidden:
            shown = [r.total]
        if not shown:
            return False
        hidden[min(shown, key=lambda c: (cohorts[c], repr(c)))] = SECONDARY
        return True

    while True:
        changed = True
        while changed:
            changed = False
            for r in rels:
                members = (r.total, *r.parts)
                if sum(1 for c in members if c in hidden) == 1:
                    changed |= hide_one_more(r)
        fixed = determined(set(hidden), rels)
        if not fixed:
            return hidden
        progress = False
        for cell in sorted(fixed, key=repr):
            for r in by_cell.get(cell, []):
                if hide_one_more(r):
                    progress = True
                    break
            if progress:
                break
        if not progress:
            # Every relation of the fixed cell is hidden whole, yet a chain of relations through
            # other hidden cells fixes it (a2 all - a2 middle, each known from the trust row
            # less the other academies). Hide the smallest shown cell on that chain and solve
            # again: each round hides one more cell, so this ends.
            chain = _reachable(fixed, by_cell, hidden)
            if not chain:  # pragma: no cover - a fixed cell is always fixed by some shown cell
                return hidden
            hidden[min(chain, key=lambda c: (cohorts[c], repr(c)))] = SECONDARY


def _reachable(
    start: Iterable[Hashable],
    by_cell: Mapping[Hashable, list[Relation]],
    hidden: Mapping[Hashable, str],
) -> set[Hashable]:
    """The shown cells in the relations reachable from `start` through hidden cells."""
    seen, todo, shown = set(start), list(start), set()
    while todo:
        for r in by_cell.get(todo.pop(), []):
            for c in (r.total, *r.parts):
                if c not in hidden:
                    shown.add(c)
                elif c not in seen:
                    seen.add(c)
                    todo.append(c)
    return shown


def determined(hidden: set[Hashable], relations: Iterable[Relation]) -> set[Hashable]:
    """The hidden cells whose value the relations fix, given every shown cell.

    Each relation is an equation total - sum(parts) = 0; the shown cells move to the right-hand
    side, leaving a system in the hidden cells. A hidden cell is fixed exactly when its unit
    vector lies in the row space of that system, i.e. a row of the reduced row-echelon form has
    its only non-zero entry in that cell's column.
    """

    columns = sorted(hidden, key=repr)
    index = {c: i for i, c in enumerate(columns)}
    rows: list[list[Fraction]] = []
    for r in relations:
        row = [Fraction(0)] * len(columns)
        touched = False
        if r.total in index:
            row[index[r.total]] += 1
            touched = True
        for p in r.parts:
            if p in index:
                row[index[p]] -= 1
                touched = True
        if touched:
            rows.append(row)
    pivot_row = 0
    pivots: list[int] = []
    for col in range(len(columns)):
        pick = next((i for i in range(pivot_row, len(rows)) if rows[i][col] != 0), None)
        if pick is None:
            continue
        rows[pivot_row], rows[pick] = rows[pick], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row], strict=True)]
        pivots.append(col)
        pivot_row += 1
        if pivot_row == len(rows):
            break
    out = set()
    for i in range(pivot_row):
        nonzero = [j for j, v in enumerate(rows[i]) if v != 0]
        if len(nonzero) == 1:
            out.add(columns[nonzero[0]])
    return out


# The complements a page shows side by side: each is a partition of "all" pupils.
GROUP_PARTITIONS: tuple[tuple[str, ...], ...] = (
    ("disadvantaged", "non_disadvantaged"),
    ("send", "no_send"),
    ("boys", "girls"),
    ("prior_low", "prior_middle", "prior_high"),
)


def kpi_relations(
    units: Iterable[Hashable],
    groups: Iterable[str],
    totals: Mapping[Hashable, Iterable[Hashable]],
) -> list[Relation]:
    """The relations of one KPI in one term, cells keyed (unit, group).

    `units` are the academies and aggregates; `totals` maps an aggregate (the trust, a phase of
    education) to the units it adds up. Groups: all = each partition's parts (where all the
    parts are in `groups`); and every group of an aggregate is the sum of that group in its units.
    EAL has no complement shown, but its aggregate relation still holds.
    """

    units = list(units)
    groups = list(groups)
    out: list[Relation] = []
    if "all" in groups:
        for unit in units:
            for partition in GROUP_PARTITIONS:
                if all(g in groups for g in partition):
                    out.append(Relation((unit, "all"), tuple((unit, g) for g in partition)))
    for aggregate, members in totals.items():
        members = list(members)
        for g in groups:
            out.append(Relation((aggregate, g), tuple((m, g) for m in members)))
    return out
