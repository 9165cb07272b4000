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

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from math import gcd
from typing import Any

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
    cohorts: Mapping[Hashable, int],
    relations: Iterable[Relation],
    limit: int = DFE_THRESHOLD,
    cost: Callable[[Hashable], Any] | None = None,
    unseen: Collection[Hashable] = (),
    forced: Collection[Hashable] = (),
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
       shown cell of a relation it is in (when every cell of those is hidden already, of the
       nearest relation linked to it through hidden cells) and solve again, until none is fixed.
    `unseen` cells are never shown: the pupils a partition leaves out (no prior-attainment
    band, say). A relation with one (all = low + middle + high + the rest) is then exact, and
    the rest is unknown to every reader from the start, so the relation cannot be used to
    subtract a band. An unseen cell of 5 or fewer pupils is protected like any small figure
    (else all minus the bands would give those pupils away); a larger one needs nothing.
    Unseen cells are never in the answer. Without them, a partition that misses pupils (one
    recorded as neither boy nor girl) is treated as exact: that can only hide more, never less.
    `forced` cells are hidden as secondary from the start, whatever their size, and protected
    like any hidden cell: a figure that would give away pupils outside this table (a KPI of a
    subset of another KPI's pupils, whose difference is a small group; see `kpis.primary`).

    `cost` ranks the cells a secondary hiding may take (lowest first, then fewest pupils), over
    the relation's total and parts alike. Without it the smallest part is taken. Which cells are
    taken never makes the result less safe (step 3 runs until nothing is fixed); it decides what
    readers lose: a greedy choice of parts alone can cascade through every group of every
    academy (one special school of 4 pupils hid the KS2 figures of every middle school).
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
    hidden.update({cell: SECONDARY for cell in forced if cohorts.get(cell, 0) > 0})
    # Unknown to the reader from the start; never hidden by choice, never in the answer.
    out_of_sight = {c for c in unseen if cohorts.get(c, 0) > 0}
    if not hidden:
        return hidden

    def unknown(c: Hashable) -> bool:
        return c in hidden or c in out_of_sight

    by_cell: dict[Hashable, list[Relation]] = {}
    for r in rels:
        for cell in (r.total, *r.parts):
            by_cell.setdefault(cell, []).append(r)

    def hide_one_more(r: Relation) -> bool:
        if cost is not None:
            members = [c for c in (*r.parts, r.total) if not unknown(c)]
            if not members:
                return False
            hidden[min(members, key=lambda c: (cost(c), cohorts[c], repr(c)))] = SECONDARY
            return True
        shown = [p for p in r.parts if not unknown(p)]
        if not shown and not unknown(r.total):
            shown = [r.total]
        if not shown:
            return False
        hidden[min(shown, key=lambda c: (cohorts[c], repr(c)))] = SECONDARY
        return True

    def hide_along_chain(start: Hashable) -> bool:
        seen, queue = {start}, [start]
        for cell in queue:
            for r in by_cell.get(cell, []):
                if hide_one_more(r):
                    return True
                for c in (r.total, *r.parts):
                    if unknown(c) and c not in seen:
                        seen.add(c)
                        queue.append(c)
        return False

    while True:
        changed = True
        while changed:
            changed = False
            for r in rels:
                members = (r.total, *r.parts)
                lone = [c for c in members if unknown(c)]
                # One unknown cell is given away; a large unseen one gives nothing away.
                if len(lone) == 1 and lone[0] in hidden:
                    changed |= hide_one_more(r)
        fixed = determined(set(hidden) | out_of_sight, rels) & hidden.keys()
        if not fixed:
            return {c: why for c, why in hidden.items() if c not in out_of_sight}
        progress = False
        if cost is not None:
            # The cheapest shown cell of any relation of any fixed cell: taking the first
            # relation's instead gave up all-pupils figures once a unit's groups were hidden.
            near = {
                c
                for cell in fixed
                for r in by_cell.get(cell, [])
                for c in (r.total, *r.parts)
                if not unknown(c)
            }
            if near:
                hidden[min(near, key=lambda c: (cost(c), cohorts[c], repr(c)))] = SECONDARY
                progress = True
        else:
            for cell in sorted(fixed, key=repr):
                for r in by_cell.get(cell, []):
                    if hide_one_more(r):
                        progress = True
                        break
                if progress:
                    break
        if not progress:
            # Every relation of the fixed cells is wholly hidden: the value reaches them along a
            # chain of relations through other hidden cells, so hide the smallest shown cell of
            # the nearest relation on that chain (and solve again).
            progress = hide_along_chain(min(fixed, key=repr))
        if not progress:  # pragma: no cover - only data whose relations contradict each other
            for cell in fixed:
                for r in by_cell.get(cell, []):
                    for c in (r.total, *r.parts):
                        if c not in out_of_sight:
                            hidden.setdefault(c, SECONDARY)
            return {c: why for c, why in hidden.items() if c not in out_of_sight}


def determined(hidden: set[Hashable], relations: Iterable[Relation]) -> set[Hashable]:
    """The hidden cells whose value the relations fix, given every shown cell.

    Each relation is an equation total - sum(parts) = 0; the shown cells move to the right-hand
    side, leaving a system in the hidden cells. A hidden cell is fixed exactly when its unit
    vector lies in the row space of that system, i.e. a row of the reduced row-echelon form has
    its only non-zero entry in that cell's column.

    The system is solved exactly, in integers: rows are sparse (a relation names a handful of
    cells) and Gauss-Jordan elimination scales rows instead of dividing, dividing each row by
    the gcd of its entries to keep them small. A scaled row has the same non-zero entries as
    the reduced row it stands for, which is all the test above reads. Sparse rows only ever
    touch the cells linked to them, so a table's separate blocks cost nothing to one another.
    """

    rows: list[dict[Hashable, int]] = []
    for r in relations:
        row: dict[Hashable, int] = {}
        if r.total in hidden:
            row[r.total] = 1
        for p in r.parts:
            if p in hidden:
                row[p] = row.get(p, 0) - 1
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    holding: dict[Hashable, set[int]] = {}  # cell -> the rows with a non-zero entry in it
    for i, row in enumerate(rows):
        for c in row:
            holding.setdefault(c, set()).add(i)
    pivots: dict[int, Hashable] = {}  # pivot row -> its column
    for col in sorted(hidden, key=repr):
        candidates = [i for i in holding.get(col, ()) if i not in pivots]
        if not candidates:
            continue
        p = min(candidates, key=lambda i: (len(rows[i]), i))
        prow = rows[p]
        lead = prow[col]
        for i in list(holding[col]):
            if i == p:
                continue
            row = rows[i]
            factor = row[col]
            new = {c: v * lead for c, v in row.items()}
            for c, v in prow.items():
                new[c] = new.get(c, 0) - factor * v
            new = {c: v for c, v in new.items() if v}
            common = 0
            for v in new.values():
                common = gcd(common, v)
            if common > 1:
                new = {c: v // common for c, v in new.items()}
            for c in row.keys() - new.keys():
                holding[c].discard(i)
            for c in new.keys() - row.keys():
                holding.setdefault(c, set()).add(i)
            rows[i] = new
        pivots[p] = col
    return {col for p, col in pivots.items() if len(rows[p]) == 1}


# The complements a page shows side by side: each is a partition of "all" pupils.
GROUP_PARTITIONS: tuple[tuple[str, ...], ...] = (
    ("disadvantaged", "non_disadvantaged"),
    ("send", "no_send"),
    ("boys", "girls"),
    ("prior_low", "prior_middle", "prior_high"),
)


def rest_group(partition: tuple[str, ...]) -> str:
    """The never-shown group of the pupils a partition leaves out (e.g. no prior band)."""

    return "rest:" + "/".join(partition)


def kpi_relations(
    units: Iterable[Hashable],
    groups: Iterable[str],
    totals: Mapping[Hashable, Iterable[Hashable]],
) -> list[Relation]:
    """The relations of one KPI in one term, cells keyed (unit, group).

    `units` are the academies and aggregates; `totals` maps an aggregate (the trust, a phase of
    education) to the units it adds up. Groups: all = each partition's parts (where all the
    parts are in `groups`) plus its rest (`rest_group`: the pupils in none of the parts, a cell
    that is never shown; give it its cohort, 0 when the parts cover everyone, and pass it to
    `protect` as unseen); and every group of an aggregate, rests included, is the sum of that
    group in its units. EAL has no complement shown, but its aggregate relation still holds.
    """

    units = list(units)
    groups = list(groups)
    out: list[Relation] = []
    rests: list[str] = []
    if "all" in groups:
        for partition in GROUP_PARTITIONS:
            if all(g in groups for g in partition):
                rests.append(rest_group(partition))
                for unit in units:
                    parts = (*partition, rest_group(partition))
                    out.append(Relation((unit, "all"), tuple((unit, g) for g in parts)))
    for aggregate, members in totals.items():
        members = list(members)
        for g in (*groups, *rests):
            out.append(Relation((aggregate, g), tuple((m, g) for m in members)))
    return out


def rest_cohorts(cohorts: Mapping[Any, int], units: Iterable[Hashable]) -> dict[Any, int]:
    """The cohort of each partition's rest, per unit: all minus the parts (0 when they cover
    everyone, as disadvantaged + not disadvantaged always do)."""

    out: dict[Any, int] = {}
    for unit in units:
        everyone = cohorts.get((unit, "all"), 0)
        for partition in GROUP_PARTITIONS:
            covered = sum(cohorts.get((unit, g), 0) for g in partition)
            out[(unit, rest_group(partition))] = max(everyone - covered, 0)
    return out
