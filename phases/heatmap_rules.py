"""The heat map's cell rules: each cell of one academy's row for one term and pupil group,
from its figures and evidence. Pure: no ORM import. The columns and the `Cell` type are in
`heatmap`.

Algorithm for each cell:
1. Outcome KPIs (one column per catalogue KPI): take the figure of the map's term; if the term
   has none (tests and GCSEs are summer-only), carry the cell of the last kept map and label it
   stale ("from Summer term 2024-25").
2. Rate it against the national figure of the same year with the placement engine's bands
   (`rules.kpi_level`), in words ("Below national") as well as a level 1-4 for the colour;
   a KPI with no national figure (in-year teacher assessment) is rated against the trust's
   target the same way ("Below target").
3. Trend: the change from the same cell in the last kept map (the previous term's snapshot, so
   a summer result is compared with last summer's carried one): up / down / level, with
   "better" or "worse" from the KPI's direction.
4. Suppressed figures (cohort below the trust's minimum) carry no value and say so.
5. Judged areas: the latest judgement per area (visit, review or inspection) in words, with its
   date and a link; older than the stale limit it is labelled stale. Trend compares it with the
   area's previous judgement.
6. Progress 8 (secondaries): DfE's band from score and confidence interval, or why there is none.
7. Assessment accuracy: the school's exact agreement with the moderators in its latest closed
   blind writing moderation round up to the map's term, in words ("17 of 20 agreed (85%)"),
   banded for the colour (ACCURACY_BANDS), with a small-sample warning under 10 pieces; and
   reading's the same from its blind reading rounds (a column only where a reading round exists).
8. Teacher-judged writing (EXS+, GDS): a KPI cell as in steps 1-4, labelled with the share of
   judgements from scaffolded work only when there are any.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from assessment.contracts import KpiFigure
from assessment.kpis.banding import P8Band, p8_band
from assessment.kpis.catalogue import KPIS, WRITING_SCAFFOLDED, assessment_of

from .heatmap import (
    ACCURACY_COLUMN,
    COLUMNS,
    GRADE_WORDS,
    JUDGED_WRITING_CODES,
    KPI_UNITS,
    KPI_WORDS,
    OFSTED_SOURCE,
    P8_UNIT,
    READING_ACCURACY_COLUMN,
    SAFEGUARDING_LEVELS,
    Cell,
    CellKind,
    CellState,
    Trend,
    TrendDirection,
    parsed_term,
    term_label,
)
from .rules import (
    GRADE_LEVELS,
    P8_LEVELS,
    P8_NOT_PUBLISHED,
    RELATIVE_GAP_KPIS,
    JudgementEvidence,
    KpiEvidence,
    P8Evidence,
    kpi_level,
)


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1f}%" if unit == "%" else f"{value:.1f}"


def kpi_cell(
    code: str,
    term: str,
    figure: KpiFigure | None,
    previous: Cell | None,
    settings: dict[str, Any],
) -> Cell:
    """Steps 1-4 for one KPI: this term's figure, else last term's kept cell carried as stale."""
    if figure is None:
        if previous is not None and previous.state in (CellState.VALUE, CellState.SUPPRESSED):
            when = term_label(previous.term.code) if previous.term else "an earlier term"
            return replace(previous, stale=True, carried=True, trend=None, note=f"from {when}")
        return Cell(code, CellKind.KPI, CellState.NONE, "No data", unit=KPI_UNITS.get(code, ""))
    figure_term = parsed_term(figure.term_code)
    if figure.suppressed or figure.value is None:
        return Cell(
            code,
            CellKind.KPI,
            CellState.SUPPRESSED,
            "Suppressed ({} or fewer pupils, or would reveal them)".format(
                settings.get("min_cohort", 5)
            ),
            unit=figure.unit,
            term=figure_term,
        )
    evidence = KpiEvidence(
        figure.kpi_code,
        figure.label,
        "",
        figure.unit,
        figure.direction,
        figure.value,
        figure.national,
        figure.national_year,
        figure.cohort,
        False,
        figure.term_code,
    )
    rating, level, gap, target = "", None, None, None
    # An in-year teacher assessment (KS2 writing in the autumn or spring) is never rated
    # against DfE's end-of-key-stage figure, as the placement engine does (issue 12): against
    # the trust's target, or not at all.
    in_year = assessment_of(figure.kpi_code, figure.term_code) == "in_year"
    if in_year and figure.national is not None:
        figure = replace(figure, national=None, national_year=None)
        evidence = replace(evidence, national=None, national_year=None)
    assert figure.value is not None  # checked above; the replace() loses mypy's narrowing
    scored = kpi_level(evidence, settings)
    if scored is not None:
        level, raw_gap = scored
        if figure.kpi_code in RELATIVE_GAP_KPIS and figure.value is not None:
            # The level comes from the relative gap (as the engine's); the cell's gap stays in
            # points, the unit the heat map and its API show for every percentage measure.
            raw_gap = (figure.value - (figure.national or 0)) * (
                1 if figure.direction == "higher" else -1
            )
        rating, gap = KPI_WORDS[figure.direction][level], round(raw_gap, 1)
        if figure.national_group == "non_disadvantaged":
            rating = rating.replace("national", "national other pupils (not disadvantaged)")
        if figure.national_year != figure.term_code[:7] or figure.national_full_year:
            # The product compares with the latest published year (and absence, one term, with
            # DfE's full year): said on the cell itself.
            rating = f"{rating}; {figure.national_basis}"
    elif figure.target is not None:
        # No national figure (in-year teacher assessment): rate against the trust's target.
        against_target = kpi_level(replace(evidence, national=figure.target), settings)
        if against_target is not None:
            level, raw_gap = against_target
            gap, target = round(raw_gap, 1), figure.target
            rating = KPI_WORDS[figure.direction][level].replace("national", "target")
    if not rating:
        rating = (
            "In-year teacher assessment: no trust target set, and not compared with the "
            "end-of-key-stage national figure"
            if in_year and KPIS[figure.kpi_code].key_stage != "all"
            else "No national figure or target"
        )
    trend = None
    if (
        previous is not None
        and previous.state is CellState.VALUE
        and previous.value is not None
        and previous.term is not None
        and previous.term != figure_term
    ):
        change = figure.value - previous.value
        better = change * (1 if figure.direction == "higher" else -1)
        unit = "pts" if figure.unit == "%" else "points"
        when = term_label(previous.term.code)
        if abs(change) < 0.05:
            trend = Trend(TrendDirection.LEVEL, f"level with {when}")
        else:
            word = "up" if change > 0 else "down"
            trend = Trend(
                TrendDirection(word),
                f"{word} {abs(change):.1f} {unit} on {when} "
                f"({'better' if better > 0 else 'worse'})",
                better > 0,
            )
    return Cell(
        code,
        CellKind.KPI,
        CellState.VALUE,
        rating,
        level=level,
        value=figure.value,
        display=_fmt(figure.value, figure.unit),
        unit=figure.unit,
        cohort=figure.cohort,
        term=figure_term,
        trend=trend,
        national=figure.national,
        national_year=figure.national_year,
        national_group="" if figure.national_group == "all" else figure.national_group,
        national_basis=figure.national_basis if figure.national is not None else "",
        target=target,
        gap=gap,
    )


def judgement_cell(
    area: str, judgements: list[JudgementEvidence], today: dt.date, settings: dict[str, Any]
) -> Cell:
    """Step 5: the latest judgement of the area, its trend against the one before."""
    ordered = sorted((j for j in judgements if j.area == area), key=lambda j: j.judged_on)
    if not ordered:
        return Cell(area, CellKind.JUDGEMENT, CellState.NONE, "Not judged")
    latest = ordered[-1]
    held = ""
    if area == "safeguarding":
        # Ofsted's "not met" stands until Ofsted re-judges it: a later trust "met" does not
        # replace it here, as it does not in the placement (rules: floors).
        ofsted = [j for j in ordered if j.source == OFSTED_SOURCE]
        if ofsted and ofsted[-1].grade == "not_met" and latest.source != OFSTED_SOURCE:
            latest, held = ofsted[-1], "; stands until Ofsted re-judges it"
    levels = SAFEGUARDING_LEVELS if area == "safeguarding" else GRADE_LEVELS
    stale = (today - latest.judged_on).days > settings.get("judgement_stale_days", 365)
    trend = None
    if len(ordered) > 1:
        before = levels.get(ordered[-2].grade)
        now = levels.get(latest.grade)
        if before is not None and now is not None:
            text = (
                f"{'better than' if now > before else 'worse than' if now < before else 'same as'} "
                f"{ordered[-2].judged_on:%b %Y} ({GRADE_WORDS.get(ordered[-2].grade, '')})"
            )
            if now == before:
                trend = Trend(TrendDirection.LEVEL, text)
            else:
                trend = Trend(
                    TrendDirection.UP if now > before else TrendDirection.DOWN, text, now > before
                )
    return Cell(
        area,
        CellKind.JUDGEMENT,
        CellState.VALUE,
        GRADE_WORDS.get(latest.grade, latest.grade),
        rating_code=latest.grade,
        level=levels.get(latest.grade),
        stale=stale,
        trend=trend,
        note=f"{latest.source}, {latest.judged_on:%d %b %Y}{held}" + (" (stale)" if stale else ""),
        link=latest.link,
        judged_on=latest.judged_on,
    )


def p8_cell(p8: P8Evidence | None, term: str, teaches_ks4: bool) -> Cell:
    """Step 6: DfE's Progress 8 band, never guessed when suppressed, and why it may be absent."""
    if not teaches_ks4:
        return Cell("p8", CellKind.P8, CellState.NA, "Not applicable", unit=P8_UNIT)
    map_term = parsed_term(term)
    year = map_term.academic_year if map_term else term[:7]
    if p8 is None:
        unpublished = year in P8_NOT_PUBLISHED
        return Cell(
            "p8",
            CellKind.P8,
            CellState.NONE,
            "Not published" if unpublished else "No data",
            unit=P8_UNIT,
            note="not published for this cohort" if unpublished else "no published figure",
        )
    band = p8_band(p8.score, p8.lower, p8.upper, suppressed=str(p8.dfe_banding).upper() == "SUPP")
    stale = p8.year != year
    note = p8.year + (" (stale)" if stale else "")
    if year in P8_NOT_PUBLISHED:
        note += "; not published for this cohort"
    return Cell(
        "p8",
        CellKind.P8,
        CellState.VALUE,
        band.label,
        rating_code=band.value,
        level=None if band == P8Band.NOT_BANDED else P8_LEVELS[band],
        display=f"{p8.score:+.2f}" if p8.score is not None else "",
        unit=P8_UNIT,
        stale=stale,
        note=note,
    )


@dataclass(frozen=True)
class AccuracyEvidence:
    """An academy's agreement with the moderators in one closed blind round (the assessment
    layer's read model of moderation, `frameworks.ModerationAgreement`)."""

    round_name: str
    term: str  # the round's term code
    moderated: int
    agreed: int
    generous: int = 0  # the school's judgement above the moderated one
    severe: int = 0  # ... below it
    previous: AccuracyEvidence | None = None  # the school's round before this one, if any


# Exact agreement -> level for the colour. No national standard exists for moderation agreement:
# these are trust-si's defaults, worded on the cell detail page. Below 10 pieces one piece moves
# the share by 10 points or more, so the cell says "small sample" (as moderation.agreement).
ACCURACY_BANDS = ((90.0, 4), (80.0, 3), (65.0, 2), (0.0, 1))
ACCURACY_SMALL_SAMPLE = 10
ACCURACY_WORDS = {4: "Accurate", 3: "Mostly accurate", 2: "Some inaccuracy", 1: "Inaccurate"}


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def accuracy_cell(
    term: str, evidence: AccuracyEvidence | None, column: str = ACCURACY_COLUMN
) -> Cell:
    """Step 7: the school's agreement with the moderators, in words as well as the colour.
    `column`: writing's (ACCURACY_COLUMN) or reading's (READING_ACCURACY_COLUMN)."""
    if evidence is None or not evidence.moderated:
        return Cell(column, CellKind.ACCURACY, CellState.NONE, "Not moderated yet")
    pct = 100 * evidence.agreed / evidence.moderated
    level = next(lvl for floor, lvl in ACCURACY_BANDS if pct >= floor)
    rating = (
        f"{ACCURACY_WORDS[level]}: {evidence.agreed} of {evidence.moderated} agreed ({pct:.0f}%)"
    )
    if evidence.moderated < ACCURACY_SMALL_SAMPLE:
        rating += f"; small sample (fewer than {ACCURACY_SMALL_SAMPLE} pieces), read with care"
    when = term_label(evidence.term)
    note = f"{evidence.round_name}, {when}"
    leans = [
        f"{_times(evidence.generous)} above the moderated one (generous)"
        if evidence.generous
        else "",
        f"{_times(evidence.severe)} below {'it' if evidence.generous else 'the moderated one'}"
        " (severe)"
        if evidence.severe
        else "",
    ]
    if any(leans):
        note += "; the school's judgement was " + " and ".join(w for w in leans if w)
    round_term, map_term = parsed_term(evidence.term), parsed_term(term)
    stale = bool(round_term and map_term and round_term.academic_year != map_term.academic_year)
    return Cell(
        column,
        CellKind.ACCURACY,
        CellState.VALUE,
        rating,
        trend=_accuracy_trend(pct, evidence.previous),
        level=level,
        value=round(pct, 1),
        display=f"{pct:.0f}%",
        unit="%",
        cohort=evidence.moderated,
        term=round_term,
        stale=stale,
        note=note + (" (an earlier year's round)" if stale else ""),
    )


def _accuracy_trend(pct: float, previous: AccuracyEvidence | None) -> Trend | None:
    """The change in exact agreement from the school's round before (higher is better)."""
    if previous is None or not previous.moderated:
        return None
    change = pct - 100 * previous.agreed / previous.moderated
    when = f"{previous.round_name} ({term_label(previous.term)})"
    if abs(change) < 0.05:
        return Trend(TrendDirection.LEVEL, f"level with {when}")
    word = "up" if change > 0 else "down"
    return Trend(
        TrendDirection(word),
        f"{word} {abs(change):.0f} pts on {when} ({'better' if change > 0 else 'worse'})",
        change > 0,
    )


def _scaffolded_note(figure: KpiFigure | None) -> str:
    """Step 8's label: the share of the judgements that rest on scaffolded work only."""
    if figure is None or figure.suppressed or figure.value is None:
        return ""
    if figure.value == 0:
        return "every judgement from independent work"
    return f"{figure.value:.1f}% of these judgements from scaffolded work only"


def heatmap_row(
    *,
    term: str,
    figures: list[KpiFigure],
    previous: Iterable[Cell] | None,
    judgements: list[JudgementEvidence],
    p8: P8Evidence | None,
    teaches_ks4: bool,
    today: dt.date,
    settings: dict[str, Any],
    accuracy: AccuracyEvidence | None = None,
    reading_accuracy: AccuracyEvidence | None = None,
) -> list[Cell]:
    """Every column's cell for one academy, term and group, in the columns' order.

    `figures` are this term's; `previous` is the academy's cells in the last kept map (same
    group), which gives the trend and carries summer-only results through autumn and spring.
    """
    by_kpi = {f.kpi_code: f for f in figures if f.term_code == term}
    before = {c.column: c for c in previous or ()}
    cells: list[Cell] = []
    scaffolded = _scaffolded_note(by_kpi.get(WRITING_SCAFFOLDED))
    for column in COLUMNS:
        if column.kind is CellKind.KPI:
            cell = kpi_cell(
                column.code, term, by_kpi.get(column.code), before.get(column.code), settings
            )
            if column.code in JUDGED_WRITING_CODES and scaffolded and not cell.carried:
                cell = replace(cell, note=scaffolded)
            cells.append(cell)
        elif column.code == READING_ACCURACY_COLUMN:
            cells.append(accuracy_cell(term, reading_accuracy, READING_ACCURACY_COLUMN))
        elif column.kind is CellKind.ACCURACY:
            cells.append(accuracy_cell(term, accuracy))
        elif column.kind is CellKind.P8:
            cells.append(p8_cell(p8, term, teaches_ks4))
        else:
            cells.append(judgement_cell(column.code, judgements, today, settings))
    return cells
