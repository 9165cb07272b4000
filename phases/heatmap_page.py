"""The heat-map page, its exports and its API: kept rows arranged for reading.

The cells themselves are made by the pure `phases.heatmap` and kept per term by
`services.heatmap_refresh`; the reads go through `phases.selectors`, which decide what the
membership may see. This module only arranges them:

1. Pick the term (the latest kept map unless another kept term is asked for), the pupil group,
   and a kept term to compare with; unknown values fall back to the defaults, never an error.
2. Read the term's rows in the membership's scope (an officer's academies when asked), then
   filter by phase of education and improvement phase.
3. Choose the columns: a key stage's outcomes with the whole-school ones and the judged areas,
   or the judged areas only; columns with nothing to show for any academy in view are left out.
4. Group the rows by phase of education, weakest phase first, then by name; pair each cell with
   the same cell of the compared term.
5. Count the academies per phase, now and in the previous kept map, against national shares.

A fixed number of queries whatever the number of academies (rows are snapshots, read in one
query per term).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from django.http import QueryDict

from academies.models import Academy, PhaseOfEducation
from assessment.kpis.disclosure import threshold
from trust_si.accounts.models import Membership
from trust_si.exports import Figure
from trust_si.terms import term_sort_key
from trust_si.vocab import words

from .completeness import NONE, WORDS, Coverage, trust_default
from .config import NATIONAL_SHARES, PHASE_ORDER, phase_names
from .evidence import term_coverage
from .heatmap import (
    GROUP_LABELS,
    HEATMAP_GROUPS,
    Cell,
    CellKind,
    Column,
    columns,
    term_label,
)
from .models import HeatmapRow, PhaseCode
from .selectors import (
    heatmap_cells_of,
    heatmap_phases_for,
    heatmap_rows_without_cells_for,
    heatmap_terms,
    officer_academy_ids,
    phases_in_force,
    placement_reasons_for_term,
)
from .why import deciding_reasons

KEY_STAGES = [
    ("", "All key stages"),
    ("EYFS", "EYFS"),
    ("KS1", "Key stage 1"),
    ("KS2", "Key stage 2"),
    ("KS4", "Key stage 4"),
    ("judged", "Judged areas only"),
]


@dataclass(frozen=True)
class HeatmapFilters:
    """What the reader asked to see. Values are as given; the page falls back where unknown."""

    term: str | None = None
    group: str = "all"
    compare: str | None = None
    education: str = ""  # phase of education: "primary", "secondary"...
    phase: str = ""  # improvement phase code
    key_stage: str = ""  # "EYFS", "KS1", "KS2", "KS4", "judged" or "" for all
    officer: int | None = None  # an improvement officer's membership id: their academies only
    drop_empty: bool = True  # leave out columns with nothing to show (the page; not the API)

    @classmethod
    def from_query(cls, query: QueryDict, membership: Membership) -> HeatmapFilters:
        """The page's query string, cleaned: an officer sees their own academies unless they ask
        for all; unknown values fall back to the defaults (never an error)."""
        asked = query.get("officer") or ""
        officer: int | None = None
        if asked == "mine" or (not membership.is_trust_wide and asked != "all"):
            officer = membership.pk if not membership.is_trust_wide else None
        elif asked.isdigit():
            officer = int(asked)
        education = query.get("education", "")
        phase = query.get("phase", "")
        key_stage = query.get("key_stage", "")
        return cls(
            term=query.get("term") or None,
            group=query.get("group") or "all",
            compare=query.get("compare") or None,
            education=education if education in PhaseOfEducation.values else "",
            phase=phase if phase in PhaseCode.values else "",
            key_stage=key_stage if key_stage in dict(KEY_STAGES) else "",
            officer=officer,
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """The same cell in the compared term."""

    rating: str
    display: str
    level: int | None
    change: str  # "better", "worse", "same", or "" when either has no rating


@dataclass(frozen=True, slots=True)
class PageCell:
    column: Column
    cell: Cell
    compare: Comparison | None = None


@dataclass(frozen=True)
class AcademyRow:
    academy: Academy
    phase: str  # the phase code in force for the term ("" when not placed)
    phase_name: str  # the trust's own name for it
    phase_status: str  # "proposed", "confirmed", "overridden" or ""
    cells: list[PageCell]
    was_phase: str  # the phase's name in the compared term, or ""
    why: tuple[str, ...] = ()  # the one or two reasons that decided the phase (phases.why)
    data: str = ""  # "partial: 11 of 300 pupils uploaded" / "not yet uploaded"; "" when complete


@dataclass(frozen=True)
class SectionTable:
    """One phase of education's rows with the columns that apply to it: a first school's table
    has no KS4 columns, a secondary's no early years (columns empty for every row are left out)."""

    label: str
    columns: list[Column]
    rows: list[AcademyRow]


@dataclass(frozen=True)
class PhaseCount:
    code: str
    name: str
    now: int
    share: int  # per cent of the academies in view
    last: int | None  # in the previous kept map; None when there is none
    last_share: int | None
    national: int  # per cent of schools nationally


@dataclass(frozen=True)
class HeatmapPage:
    term: str | None
    term_label: str
    terms: list[tuple[str, str]]  # kept terms, newest first: (code, label)
    compare: str | None
    compare_label: str
    group: str
    group_label: str
    groups: list[tuple[str, str]]
    columns: list[Column]
    sections: list[tuple[str, list[AcademyRow]]]  # (phase of education in words, its rows)
    tables: list[SectionTable]  # the same rows, one table per phase of education (the page)
    overview: list[PhaseCount]
    previous_term_label: str
    phase_names: dict[str, str]
    row_count: int
    min_cohort: int

    @property
    def rows(self) -> Iterator[AcademyRow]:
        """Every row in page order."""
        for _, rows in self.sections:
            yield from rows

    def context(self) -> dict[str, Any]:
        """The page's fields as template variables (one level: the rows stay typed)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _compare(cell: Cell, was: Cell | None) -> Comparison | None:
    if was is None or (was.empty and cell.empty):
        return None
    change = ""
    if cell.level is not None and was.level is not None:
        delta = cell.level - was.level
        change = "better" if delta > 0 else "worse" if delta < 0 else "same"
    return Comparison(was.rating, was.display, was.level, change)


# A kept row is never changed in place: a recompute deletes the term's rows and writes new
# ones (phases.pipeline), and `computed_at` moves on every save, so (pk, computed_at) names one
# content. Turning a row's JSON into typed cells was a tenth of the page's CPU; cells are
# frozen, so each row is parsed once per process and shared by the requests that read it
# (read-only: callers only look cells up). Only a row the caller has already read, in its own
# trust's scope, is looked up here: the memo holds no access decision. Bounded: a row's cells
# are some 20 KB, and the memo starts again when full.
_PARSED_ROWS: dict[tuple[int, Any], dict[str, Cell]] = {}
_PARSED_ROWS_MAX = 1024


def _by_column(row: HeatmapRow) -> dict[str, Cell]:
    if row.pk is None or row.computed_at is None:
        return {c.column: c for c in row.cell_list()}
    key = (row.pk, row.computed_at)
    found = _PARSED_ROWS.get(key)
    if found is None:
        if len(_PARSED_ROWS) >= _PARSED_ROWS_MAX:
            _PARSED_ROWS.clear()
        found = _PARSED_ROWS[key] = {c.column: c for c in row.cell_list()}
    return found


def _rows_by_column(rows: list[HeatmapRow]) -> dict[int, dict[str, Cell]]:
    """row id -> its cells by column, for rows read without their cells: those not parsed yet
    are read in one query (the stored JSON is read and decoded only when the row is new or
    recomputed)."""
    missing = [r.pk for r in rows if (r.pk, r.computed_at) not in _PARSED_ROWS]
    stored = heatmap_cells_of(missing) if missing else {}
    for r in rows:
        if r.pk in stored:
            r.cells = stored[r.pk]
    return {r.pk: _by_column(r) for r in rows}


def _data_words(statuses: dict[str, Coverage], term: str | None) -> str:
    """The row's term in words when its data is not complete: "partial: ...", "not yet uploaded"."""
    status = statuses.get(term or "")
    if status is None:
        return WORDS[NONE]
    return "" if status.usable else status.words


def heatmap_page_for(membership: Membership, filters: HeatmapFilters) -> HeatmapPage:
    """Everything the heat map page, its exports and its API show, filtered (steps above)."""
    trust = membership.trust  # read with the membership (the request has it already)
    names = phase_names(trust.config)
    terms = heatmap_terms(membership.trust_id)
    # The default term is the latest complete for most academies: one school's early upload of
    # a new term does not move everyone's map to a term the others have not reached.
    cover = term_coverage(membership.trust_id, term_codes=terms) if terms else {}
    default = trust_default(cover, terms) if terms else None
    fallback = default if default in terms else (terms[0] if terms else None)
    term = filters.term if filters.term in terms else fallback
    group = filters.group if filters.group in HEATMAP_GROUPS else "all"
    compare = filters.compare if filters.compare in terms and filters.compare != term else None
    academy_ids = officer_academy_ids(membership, filters.officer) if filters.officer else None
    rows = (
        heatmap_rows_without_cells_for(membership, term=term, group=group, academy_ids=academy_ids)
        if term
        else []
    )
    if term and term == terms[0]:
        # The newest term shows the phase in force as the Placements page counts it (a decision
        # made since the map was kept included), so the two pages never disagree. In memory only:
        # the kept row is not rewritten.
        in_force = phases_in_force([r.academy for r in rows])
        for r in rows:
            if r.academy_id in in_force:
                r.phase, r.phase_status = in_force[r.academy_id]
    if filters.education:
        rows = [r for r in rows if r.academy.phase_of_education == filters.education]
    if filters.phase:
        rows = [r for r in rows if r.phase == filters.phase]
    cells = _rows_by_column(rows)

    cols = columns()
    if filters.key_stage == "judged":
        cols = [c for c in cols if c.kind is CellKind.JUDGEMENT]
    elif filters.key_stage:  # that key stage's outcomes, the whole-school ones, the judged areas
        cols = [
            c
            for c in cols
            if c.kind is CellKind.JUDGEMENT or c.key_stage in (filters.key_stage, "all")
        ]
    # Areas with nothing to show for any academy in view (KS4 columns in a primary-only view,
    # early years in a secondary one) are left out rather than filling the map with "No data".
    if filters.drop_empty:
        cols = [
            c
            for c in cols
            if any(
                (cell := row_cells.get(c.code)) is not None and not cell.empty
                for row_cells in cells.values()
            )
        ] or cols

    before: dict[int, HeatmapRow] = {}
    if compare:
        before = {
            r.academy_id: r
            for r in heatmap_rows_without_cells_for(
                membership, term=compare, group=group, academy_ids=[r.academy_id for r in rows]
            )
        }
    before_parsed = _rows_by_column(list(before.values()))
    before_cells = {academy_id: before_parsed[r.pk] for academy_id, r in before.items()}

    why = placement_reasons_for_term([r.academy_id for r in rows], term) if term else {}
    order = {code: i for i, code in enumerate(PHASE_ORDER)}
    education_labels = dict(PhaseOfEducation.choices)
    sections: dict[str, list[AcademyRow]] = {}
    for row in sorted(
        rows, key=lambda r: (r.academy.phase_of_education, order.get(r.phase, 9), r.academy.name)
    ):
        now, was = cells[row.pk], before_cells.get(row.academy_id, {})
        page_cells = []
        for c in cols:
            cell = now.get(c.code) or Cell.no_data(c.code)
            page_cells.append(PageCell(c, cell, _compare(cell, was.get(c.code))))
        label = str(
            education_labels.get(row.academy.phase_of_education, row.academy.phase_of_education)
        )
        sections.setdefault(label, []).append(
            AcademyRow(
                academy=row.academy,
                phase=row.phase,
                phase_name=names.get(row.phase, "Not placed"),
                phase_status=row.phase_status,
                cells=page_cells,
                was_phase=names.get(before[row.academy_id].phase, "")
                if row.academy_id in before
                else "",
                why=tuple(deciding_reasons(why.get(row.academy_id, []), row.phase)),
                data=_data_words(cover.get(row.academy_id, {}), term),
            )
        )

    # The overview counts every academy in scope (all groups show the same phases).
    now_counts = {code: 0 for code in PHASE_ORDER}
    for r in rows:
        if r.phase in now_counts:
            now_counts[r.phase] += 1
    previous_term = next(
        (t for t in terms if term and term_sort_key(t) < term_sort_key(term)), None
    )
    last_counts = {code: 0 for code in PHASE_ORDER}
    if previous_term:
        # The same academies as "now" (filters included), so the two columns compare like with like.
        for phase in heatmap_phases_for(
            membership, term=previous_term, academy_ids=[r.academy_id for r in rows]
        ):
            if phase in last_counts:
                last_counts[phase] += 1
    total, last_total = sum(now_counts.values()) or 1, sum(last_counts.values()) or 1
    overview = [
        PhaseCount(
            code=code,
            name=names[code],
            now=now_counts[code],
            share=round(100 * now_counts[code] / total),
            last=last_counts[code] if previous_term else None,
            last_share=round(100 * last_counts[code] / last_total) if previous_term else None,
            national=NATIONAL_SHARES[code],
        )
        for code in reversed(PHASE_ORDER)
    ]
    return HeatmapPage(
        term=term,
        term_label=term_label(term) if term else "",
        terms=[(t, term_label(t)) for t in terms],
        compare=compare,
        compare_label=term_label(compare) if compare else "",
        group=group,
        group_label=GROUP_LABELS[group],
        groups=[(g, GROUP_LABELS[g]) for g in HEATMAP_GROUPS],
        columns=cols,
        sections=list(sections.items()),
        tables=[_section_table(label, cols, rows) for label, rows in sections.items()],
        overview=overview,
        previous_term_label=term_label(previous_term) if previous_term else "",
        phase_names=names,
        row_count=len(rows),
        min_cohort=threshold(trust.min_cohort),
    )


def _section_table(label: str, cols: list[Column], rows: list[AcademyRow]) -> SectionTable:
    """Keep the columns with something to show for this section's academies (the judged areas
    when none has), and each row's cells for those columns only."""
    keep = [i for i, c in enumerate(cols) if any(not row.cells[i].cell.empty for row in rows)] or [
        i for i, c in enumerate(cols) if c.kind is CellKind.JUDGEMENT
    ]
    return SectionTable(
        label=label,
        columns=[cols[i] for i in keep],
        rows=[replace(row, cells=[row.cells[i] for i in keep]) for row in rows],
    )


def heatmap_table(page: HeatmapPage) -> tuple[list[str], list[list[Any]]]:
    """The page as a table for CSV and XLSX: one row per academy, value, rating, trend and cohort
    per column. Values are numbers (`Figure`), the rating and trend words as on the page; a
    suppressed cell has no value and no cohort."""
    header = ["URN", "Academy", "Phase of education", "Phase", "Term", "Group"]
    for c in page.columns:
        title = words(c.title)
        header += [
            f"{title}: value",
            f"{title}: rating",
            f"{title}: trend",
            f"{title}: cohort",
        ]
    out = []
    for row in page.rows:
        line: list[Any] = [
            row.academy.urn,
            row.academy.name,
            words(row.academy.get_phase_of_education_display()),
            words(row.phase_name),
            words(page.term_label),
            words(page.group_label),
        ]
        for page_cell in row.cells:
            cell = page_cell.cell
            line += [
                # A number in the spreadsheet (percent-formatted), its words when there is none.
                Figure(None if cell.suppressed else cell.value, cell.unit, cell.display or ""),
                cell.rating_with_note,
                cell.trend.text if cell.trend else "",
                cell.cohort if cell.cohort is not None else "",
            ]
        out.append(line)
    return header, out
