"""KPI figures stored at recompute, so pages, the API and exports read them (issue 17).

The stored figures are the disclosed ones: `figures.kpi_figures_compute` has already applied
`kpis.disclosure` (primary and secondary suppression over the whole table) before anything is
written, and a suppressed figure is written with no value and a cohort of 0.

1. `kpi_figures_rebuild` works out the trust's whole table (every academy, aggregate, term and
   group) and replaces the stored cells in one transaction, holding the trust's
   `KpiFigureSet` row locked meanwhile. The recompute calls it; so does a reader that finds the
   figures missing or out of date (a fresh trust, just after an upload).
2. `kpi_figures_invalidate` runs inside the transaction that changes pupil data: it clears
   `built` on that row (waiting for a rebuild in progress to finish first), so the figures are
   rebuilt from the new data by the next reader or recompute, and never from the old data
   once the change is visible.
3. `kpi_figures_stored` reads: when the row is built and its `basis` (disclosure threshold,
   active academies and their phases, catalogue) still matches, one query for the cells asked
   for; the national figure and the target (which change on their own) are joined as read.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from academies.models import Academy
from assessment.contracts import KpiFigure
from trust_si.tenancy.models import Trust
from trust_si.terms import TermCode

from . import disclosure
from .catalogue import GROUPS, KPIS, compared_nationally
from .figures import benchmarks_current, kpi_figures_compute, target_for, targets_index
from .models import KpiFigureCell, KpiFigureSet
from .national import NATIONAL_GROUP_FOR, national_for_term

# Raise when the computation changes in a way the basis below does not see.
STORE_VERSION = "1"

_CELL_FIELDS = (
    "academy_id",
    "education",
    "term_code",
    "kpi_code",
    "group",
    "value",
    "cohort",
    "suppression",
)


def figures_basis(trust_id: int) -> str:
    """What the stored figures depend on besides the pupil data: a change here means rebuild."""
    return _basis(trust_id, Trust.objects.get(pk=trust_id).min_cohort)


def _basis(trust_id: int, min_cohort: int) -> str:
    """`figures_basis` with the trust's `min_cohort` already read (with the figure set's row,
    by the readers: one query fewer on every page that reads figures, issue 17)."""
    academies = list(
        Academy.objects.filter(trust_id=trust_id, is_active=True)
        .order_by("name", "pk")
        .values_list("pk", "name", "phase_of_education")
    )
    catalogue = [(k.code, k.summer_only, k.unit) for k in KPIS.values()]
    text = repr((STORE_VERSION, disclosure.threshold(min_cohort), academies, catalogue, GROUPS))
    return hashlib.sha256(text.encode()).hexdigest()


def _set_row(trust_id: int) -> None:
    """Make sure the trust's row exists, committed on its own, so every later lock finds it."""
    if KpiFigureSet.objects.filter(trust_id=trust_id).exists():
        return
    try:
        with transaction.atomic():
            KpiFigureSet.objects.create(trust_id=trust_id)
    except IntegrityError:
        pass  # another request made it first


def kpi_figures_invalidate(*, trust_id: int) -> None:
    """Mark the trust's stored figures out of date. Call inside the transaction that changes the
    trust's pupil data, as late in it as possible (the row stays locked until it commits)."""
    if not KpiFigureSet.objects.filter(trust_id=trust_id).update(built=False):
        # Nothing stored yet; the row made now (in this transaction) makes a rebuild that starts
        # before this commits wait for it, so it reads the new data.
        with transaction.atomic():
            KpiFigureSet.objects.get_or_create(trust_id=trust_id, defaults={"built": False})


def kpi_figures_rebuild(*, trust_id: int, force: bool = True) -> bool:
    """Work out and store the trust's figures; with force False, only when they are missing or
    out of date (then a reader that waited on another's rebuild uses it). True when written."""
    _set_row(trust_id)
    with transaction.atomic():
        row = KpiFigureSet.objects.select_for_update().get(trust_id=trust_id)
        basis = figures_basis(trust_id)
        if not force and row.built and row.basis == basis:
            return False
        figures = kpi_figures_compute(trust_id=trust_id, groups=GROUPS, by_education=True)
        KpiFigureCell.objects.filter(trust_id=trust_id).delete()
        KpiFigureCell.objects.bulk_create(
            (
                KpiFigureCell(
                    trust_id=trust_id,
                    academy_id=f.academy_id,
                    education=f.education,
                    term_code=f.term_code,
                    kpi_code=f.kpi_code,
                    group=f.group,
                    value=f.value,
                    cohort=0 if f.suppressed else f.cohort,
                    suppression=f.suppression,
                    position=position,
                )
                for position, f in enumerate(figures)
            ),
            batch_size=2000,
        )
        row.built, row.basis, row.built_at = True, basis, timezone.now()
        row.save(update_fields=["built", "basis", "built_at"])
    return True


def data_version(trust_id: int) -> str | None:
    """A fingerprint of the trust's pupil data as the stored figures last saw it (their build
    time and basis), or None while they are out of date: what a cache of anything read from
    the pupil data keys on."""
    row = KpiFigureSet.objects.filter(trust_id=trust_id).values_list(
        "built", "basis", "built_at", "trust__min_cohort"
    )
    found = row.first()
    if found is None or not found[0] or found[1] != _basis(trust_id, found[3]) or found[2] is None:
        return None
    return f"{found[2].timestamp():.6f}:{found[1][:16]}"


def _current(trust_id: int) -> bool:
    row = (
        KpiFigureSet.objects.filter(trust_id=trust_id)
        .values_list("built", "basis", "trust__min_cohort")
        .first()
    )
    return row is not None and row[0] and row[1] == _basis(trust_id, row[2])


def _cells(
    *,
    trust_id: int,
    academy_ids: list[int] | None,
    term_codes: list[str] | None,
    groups: tuple[str, ...] | list[str],
    by_education: bool,
    kpi_codes: list[str] | None = None,
    trust_row: bool = True,
) -> Any:
    """The stored cells asked for (built first when needed), in the table's order."""
    if not _current(trust_id):
        kpi_figures_rebuild(trust_id=trust_id, force=False)
    cells = KpiFigureCell.objects.filter(trust_id=trust_id, group__in=list(groups))
    if term_codes:
        # A code that is not a term matches no term (an empty answer, never an error).
        codes = [t.code for t in (TermCode.parse_or_none(c) for c in term_codes) if t]
        cells = cells.filter(term_code__in=codes)
    if kpi_codes is not None:
        cells = cells.filter(kpi_code__in=kpi_codes)
    if academy_ids is not None:
        academies = Q(academy_id__in=academy_ids)
        cells = cells.filter(academies | Q(academy__isnull=True) if trust_row else academies)
    elif not trust_row:
        cells = cells.filter(academy__isnull=False)
    if not by_education:
        cells = cells.filter(education="")
    return cells.order_by("position", "pk").values_list(*_CELL_FIELDS)


def _figures(trust_id: int, rows: list[tuple[Any, ...]]) -> list[KpiFigure]:
    """Stored cells as `KpiFigure`s, with today's national figure and target joined."""
    if not rows:
        return []
    benchmarks = benchmarks_current()
    # One parse per term, not per cell: a trust's table has thousands of cells over few terms.
    years = {code: TermCode.parse(code).academic_year for code in {r[2] for r in rows}}
    targets = targets_index(trust_id=trust_id, years=set(years.values()))
    # What every cell of one KPI, group and term shares (the catalogue entry and the national
    # figure it is compared with), worked out once: a page reads hundreds of cells over a few.
    shared: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    figures: list[KpiFigure] = []
    append = figures.append
    for academy_id, education, term_code, kpi_code, group, value, cohort, reason in rows:
        key = (kpi_code, group, term_code)
        common = shared.get(key)
        if common is None:
            kpi = KPIS[kpi_code]
            national_group = NATIONAL_GROUP_FOR.get(group, "all")
            # Per term, not year: a one-term measure is compared with the same term's figure.
            national = (
                national_for_term(benchmarks, kpi, national_group, term_code)
                if compared_nationally(kpi, term_code)
                else None
            )
            common = shared[key] = (
                kpi,
                years[term_code],
                national_group,
                national[1] if national else None,
                national[0] if national else None,
                kpi.one_term and national is not None and national[2] == "year",
                national[2] if national else "year",
            )
        kpi, year, national_group, national_value, national_year, full_year, period = common
        append(
            KpiFigure(
                academy_id=academy_id,
                kpi_code=kpi_code,
                label=kpi.label,
                key_stage=kpi.key_stage,
                subject=kpi.subject,
                group=group,
                term_code=term_code,
                value=value,
                cohort=cohort,
                suppressed=bool(reason),
                national=national_value,
                national_year=national_year,
                target=target_for(targets, academy_id, kpi_code, year)
                if group == "all" and not education
                else None,
                unit=kpi.unit,
                direction=kpi.direction,
                education=education,
                suppression=reason,
                national_group=national_group,
                national_full_year=full_year,
                national_period=period,
            )
        )
    return figures


def kpi_figures_stored(
    *,
    trust_id: int,
    academy_ids: list[int] | None = None,
    term_codes: list[str] | None = None,
    groups: tuple[str, ...] | list[str] = ("all",),
    by_education: bool = False,
    trust_row: bool = True,
) -> list[KpiFigure]:
    """The stored figures asked for (built first when needed), as `KpiFigure`s: academies asked
    for (all when None) with the trust's row unless `trust_row` is False, phases of education
    with `by_education`."""
    cells = _cells(
        trust_id=trust_id,
        academy_ids=academy_ids,
        term_codes=term_codes,
        groups=groups,
        by_education=by_education,
        trust_row=trust_row,
    )
    return _figures(trust_id, list(cells))


class StoredFigures:
    """The stored figures asked for as a sequence that reads only the slice asked for: a
    paginator counts them in the database and turns one page of cells into `KpiFigure`s, so an
    API page costs the same whatever the size of the trust's table."""

    def __init__(self, trust_id: int, cells: Any, shape: Any = None) -> None:
        self._trust_id = trust_id
        self._cells = cells
        self._shape = shape

    def shaped(self, shape: Any) -> StoredFigures:
        """The same figures, each passed through `shape` as its page is read (an API row)."""
        return StoredFigures(self._trust_id, self._cells, shape)

    def count(self) -> int:
        return int(self._cells.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            raise TypeError("StoredFigures is read a page (a slice) at a time")
        figures = _figures(self._trust_id, list(self._cells[index]))
        return [self._shape(f) for f in figures] if self._shape else figures


def kpi_figures_stored_lazy(
    *,
    trust_id: int,
    academy_ids: list[int] | None,
    term_codes: list[str] | None,
    groups: tuple[str, ...] | list[str],
    kpi_codes: list[str] | None = None,
    trust_row: bool = True,
) -> StoredFigures:
    """As `kpi_figures_stored` (no phases of education), filtered by KPI and, with
    `trust_row=False`, without the trust's own row; read a slice at a time."""
    cells = _cells(
        trust_id=trust_id,
        academy_ids=academy_ids,
        term_codes=term_codes,
        groups=groups,
        by_education=False,
        kpi_codes=kpi_codes,
        trust_row=trust_row,
    )
    return StoredFigures(trust_id, cells)
