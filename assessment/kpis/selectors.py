"""Permission-aware reads: published results, KPI figures, targets, benchmarks, transitions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from academies.models import Academy
from academies.selectors import academy_list_for
from assessment.contracts import KpiFigure, PublishedFigure
from assessment.kpis.banding import P8Band, band_from_dfe_code
from assessment.models import Attendance, Enrolment, Result, Term
from trust_si.terms import TermCode, term_label, term_sort_key

from . import disclosure, similar
from .catalogue import CATALOGUE, DEFINITIONS, GROUPS, KPIS, PupilFacts, in_group
from .dfe import ks2_descriptor_label
from .display import (
    GROUP_LABELS,
    GROUP_PAIRS,
    IN_SENTENCE,
    compare_text,
    figure_text,
    gap_text,
    trend_step,
)
from .figures import benchmark_link, benchmark_source, benchmarks_current
from .models import ComparisonSchool, KpiTarget, PublishedResult
from .national import benchmark_key
from .store import StoredFigures, kpi_figures_stored, kpi_figures_stored_lazy
from .transitions import (
    BANDS,
    MARKER_GROUPS,
    band_from_prior,
    band_from_ta,
    marker_checks,
    marker_of,
    transition_matrix,
)

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def published_results_for(membership: Membership) -> QuerySet[PublishedResult]:
    return PublishedResult.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy")


def banding_label(result: PublishedResult) -> str:
    """DfE's banding in words: P8 codes 1-5 (SUPP: not banded), KS2 descriptor codes 1-5."""
    if result.field == "P8MEA":
        return (
            band_from_dfe_code(result.banding).label if result.banding else P8Band.NOT_BANDED.label
        )
    if result.field.endswith("PROG") and result.banding:
        return ks2_descriptor_label(result.banding)
    return result.banding


def published_figures_for(
    *, trust_id: int, academy_ids: list[int] | None = None
) -> list[PublishedFigure]:
    rows = PublishedResult.objects.filter(trust_id=trust_id)
    if academy_ids is not None:
        rows = rows.filter(academy_id__in=academy_ids)
    return [
        PublishedFigure(
            academy_id=r.academy_id,
            field=r.field,
            year=r.year,
            value=r.value,
            code=r.code,
            lower=r.lower,
            upper=r.upper,
            dfe_banding=r.banding,
            source=r.source,
        )
        for r in rows
    ]


_MEMO: ContextVar[dict[Any, list[KpiFigure]] | None] = ContextVar("kpi_figures_memo", default=None)


@contextmanager
def kpi_figures_memo() -> Iterator[None]:
    """Inside the block, `kpi_figures_for` reads each whole table once and answers the same
    question again from it (figures are frozen). Only for a batch that changes no pupil data,
    targets or benchmarks meanwhile: the demo's reports, each of which asks for the whole table.
    """
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def kpi_figures_for(
    *,
    trust_id: int,
    academy_ids: list[int] | None = None,
    term_codes: list[str] | None = None,
    groups: tuple[str, ...] | list[str] = ("all",),
    by_education: bool = False,
    trust_row: bool = True,
) -> list[KpiFigure]:
    """KPI figures per academy (and trust-wide, academy_id None) per term and group, suppressed:
    read from the figures stored at recompute (`kpis.store`), which are built first when
    missing or out of date. They are the figures `figures.kpi_figures_compute` works out (its
    docstring gives the steps), in its order; aggregate rows are included unless `trust_row`
    is False (then only academies' rows: a page about one academy)."""

    memo = _MEMO.get()
    if memo is not None:
        key = (trust_id, tuple(term_codes or ()), tuple(groups), by_education)
        if key not in memo:
            memo[key] = kpi_figures_stored(
                trust_id=trust_id, term_codes=term_codes, groups=groups, by_education=by_education
            )
        if academy_ids is None and trust_row:
            return list(memo[key])
        # The whole table's answer, narrowed: academies asked for, aggregates unless not wanted.
        wanted_ids = set(academy_ids) if academy_ids is not None else None
        return [
            f
            for f in memo[key]
            if (
                trust_row
                if f.academy_id is None
                else wanted_ids is None or f.academy_id in wanted_ids
            )
        ]
    return kpi_figures_stored(
        trust_id=trust_id,
        academy_ids=academy_ids,
        term_codes=term_codes,
        groups=groups,
        by_education=by_education,
        trust_row=trust_row,
    )


def kpi_figures_paged_for(
    *,
    trust_id: int,
    academy_ids: list[int],
    term_codes: list[str] | None,
    groups: tuple[str, ...] | list[str],
    kpi_codes: list[str] | None,
    trust_row: bool,
) -> StoredFigures:
    """The figures `kpi_figures_for` gives (no phases of education), narrowed to the KPIs
    asked for and, without `trust_row`, to academies' rows: counted and sliced in the
    database, for the API's pages."""

    return kpi_figures_stored_lazy(
        trust_id=trust_id,
        academy_ids=academy_ids,
        term_codes=term_codes,
        groups=groups,
        kpi_codes=kpi_codes,
        trust_row=trust_row,
    )


def kpi_target_list_for(membership: Membership) -> QuerySet[KpiTarget]:
    """Trust-wide targets and the targets of the academies this membership covers."""

    return (
        KpiTarget.objects.filter(trust_id=membership.trust_id)
        .filter(Q(academy__isnull=True) | Q(academy__in=academy_list_for(membership).values("pk")))
        .select_related("academy", "set_by")
    )


def kpi_target_get_for(membership: Membership, pk: int) -> KpiTarget:
    target = kpi_target_list_for(membership).filter(pk=pk).first()
    if target is None:
        raise Http404("No such target.")
    return target


PAGE_GROUPS = ["all", "disadvantaged", "non_disadvantaged", "boys", "girls", "send", "no_send"]


def academy_kpis_for(
    membership: Membership, academy: Academy, term_code: str | None = None
) -> dict[str, Any]:
    """One academy's KPI page: for each KPI with data in the chosen term, the value, national,
    target, the trend over the terms with data, cohort and the group gaps, all in words.

    1. Compute the academy's figures for every term and the page's groups.
    2. The term shown is the one asked for if it has data, else the latest with data.
    3. The trend lists the KPI's figures in the terms with data up to that term; the step
       compares with the previous figure that is not suppressed.
    4. Each group pair shows both figures and the gap, unless either side is suppressed.
    """

    trust = membership.trust
    min_cohort = disclosure.threshold(trust.min_cohort)
    # The academy's own rows only (the trust's are not shown here): read half the cells.
    figures = kpi_figures_for(
        trust_id=trust.pk, academy_ids=[academy.pk], groups=PAGE_GROUPS, trust_row=False
    )
    terms = sorted({f.term_code for f in figures}, key=term_sort_key)
    term = term_code if term_code in terms else (terms[-1] if terms else None)
    index = {(f.kpi_code, f.term_code, f.group): f for f in figures}
    benchmarks = benchmarks_current()
    rows = []
    order = [k.code for k in CATALOGUE] + [c for c in KPIS if c not in {k.code for k in CATALOGUE}]
    for code in order:
        now = index.get((code, term, "all")) if term is not None else None
        if now is None or term is None:
            continue
        kpi = KPIS[code]
        trend = []
        previous: Any = None
        for t in terms[: terms.index(term) + 1]:
            point = index.get((code, t, "all"))
            if point is None:
                continue
            if point.suppressed:
                arrow, words = "", "not compared: too few pupils"
            else:
                arrow, words = trend_step(
                    previous.value if previous else None,
                    point.value,
                    unit=kpi.unit,
                    direction=kpi.direction,
                    since=term_label(previous.term_code) if previous else "",
                )
            trend.append(
                {
                    "term": term_label(t),
                    "arrow": arrow,
                    "words": words,
                    "text": figure_text(
                        point.value, kpi.unit, suppressed=point.suppressed, min_cohort=min_cohort
                    ),
                    # The number itself for exports (None where the text is withheld).
                    "value": None if point.suppressed else point.value,
                }
            )
            if not point.suppressed and point.value is not None:
                previous = point
        pairs = []
        for first, second in GROUP_PAIRS:
            a, b = index.get((code, term, first)), index.get((code, term, second))
            if a is None and b is None:
                continue
            hidden = bool((a and a.suppressed) or (b and b.suppressed))
            gap, words = gap_text(
                a.value if a else None,
                b.value if b else None,
                unit=kpi.unit,
                first_label=GROUP_LABELS[first],
                second_label=IN_SENTENCE[second],
                suppressed=hidden,
                min_cohort=min_cohort,
            )
            pairs.append(
                {
                    "first": GROUP_LABELS[first],
                    "second": GROUP_LABELS[second],
                    "first_text": figure_text(
                        a.value, kpi.unit, suppressed=a.suppressed, min_cohort=min_cohort
                    )
                    if a
                    else "no data",
                    "second_text": figure_text(
                        b.value, kpi.unit, suppressed=b.suppressed, min_cohort=min_cohort
                    )
                    if b
                    else "no data",
                    "first_cohort": _cohort_text(a, min_cohort),
                    "second_cohort": _cohort_text(b, min_cohort),
                    "gap": gap,
                    "gap_text": words,
                    "gap_display": "" if gap is None else f"{gap:+.1f}",
                    # The numbers themselves for exports, withheld exactly where the text is.
                    "first_value": a.value if a and not a.suppressed else None,
                    "second_value": b.value if b and not b.suppressed else None,
                }
            )
        rows.append(
            {
                "code": code,
                "label": kpi.label,
                "definition": DEFINITIONS.get(code, ("", ""))[0],
                "definition_source": DEFINITIONS.get(code, ("", ""))[1],
                "unit": kpi.unit,
                "direction": kpi.direction,
                "value": now.value,
                "suppressed": now.suppressed,
                "text": figure_text(
                    now.value, kpi.unit, suppressed=now.suppressed, min_cohort=min_cohort
                ),
                "cohort": _cohort_text(now, min_cohort),
                "national": now.national,
                "national_year": now.national_year,
                "national_basis": now.national_basis,
                "national_text": figure_text(now.national, kpi.unit)
                if now.national is not None
                else now.national_basis,
                # A termly national figure is kept under its period ("absence@autumn").
                "national_source": benchmark_source(
                    benchmarks, benchmark_key(code, "all", now.national_period), now.national_year
                ),
                "national_link": benchmark_link(
                    benchmarks, benchmark_key(code, "all", now.national_period), now.national_year
                ),
                "national_stale": bool(
                    now.national_year
                    and term
                    and now.national_year != TermCode.parse(term).academic_year
                ),
                "vs_national": compare_text(
                    now.value, now.national, unit=kpi.unit, direction=kpi.direction, what="national"
                ),
                "target": now.target,
                "target_text": figure_text(now.target, kpi.unit)
                if now.target is not None
                else "no target set",
                "vs_target": compare_text(
                    now.value, now.target, unit=kpi.unit, direction=kpi.direction, what="target"
                ),
                "trend": trend,
                "step": trend[-1] if trend else None,
                "pairs": pairs,
            }
        )
    return {
        "academy": academy,
        "term": term,
        "term_label": term_label(term) if term else "",
        "terms": [(t, term_label(t)) for t in reversed(terms)],
        "rows": rows,
        "min_cohort": min_cohort,
    }


def _cohort_text(figure: Any, min_cohort: int) -> str:
    if figure is None:
        return "–"
    return "not shown" if figure.suppressed else str(figure.cohort)


TRANSITION_SUBJECTS = ["reading", "writing", "maths"]
YEAR_ORDER = ["N1", "N2", "R", *[str(n) for n in range(1, 14)]]


def transition_terms_for(*, trust_id: int, academy: Academy) -> list[str]:
    """Term codes in which the academy has teacher assessments, oldest first."""

    ids = Result.objects.filter(trust_id=trust_id, academy=academy, measure="ta").values("term_id")
    return sorted(
        (t.code for t in Term.objects.filter(trust_id=trust_id, pk__in=ids)), key=term_sort_key
    )


def transition_choice(
    terms: list[str], from_code: str | None, to_code: str | None
) -> tuple[str | None, str | None]:
    """The two points compared: as asked when valid (from before to, or "prior"), else the
    latest term against the first term of its year (or the term before, or the prior band)."""

    if not terms:
        return None, None
    to = to_code if to_code in terms else terms[-1]
    earlier = [t for t in terms if term_sort_key(t) < term_sort_key(to)]
    if from_code == "prior" or from_code in earlier:
        return from_code, to
    to_year = TermCode.parse(to).year
    same_year = [t for t in earlier if TermCode.parse(t).year == to_year]
    return (same_year or earlier or ["prior"])[0], to


def transition_matrix_for(
    membership: Membership,
    academy: Academy,
    *,
    from_code: str | None,
    to_code: str | None,
    subject: str = "reading",
    year_group: str = "",
    group: str = "all",
) -> dict[str, Any]:
    """Attainer-band movement for one academy between two points (see kpis.transitions).

    1. The pupils are those enrolled at the academy in the later term's academic year; their
       year group and groups come from that enrolment.
    2. The later band is their teacher assessment in the subject that term; the earlier band is
       their assessment in the earlier term at any of the trust's academies (so pupils who moved
       up a tier keep their history), or the prior-attainment band of that enrolment.
    3. The matrix is built per year group (and for all year groups together) in the group asked
       for; small cohorts are suppressed and, for readers without pupil-data access, small
       counts are hidden as well.
    """

    trust_id = membership.trust_id
    min_cohort = disclosure.threshold(membership.trust.min_cohort)
    subject = subject if subject in TRANSITION_SUBJECTS else "reading"
    group = group if group in GROUPS else "all"
    terms = transition_terms_for(trust_id=trust_id, academy=academy)
    from_code, to_code = transition_choice(terms, from_code, to_code)
    context: dict[str, Any] = {
        "academy": academy,
        "terms": terms,
        "from_code": from_code,
        "to_code": to_code,
        "subject": subject,
        "group": group,
        "year_group": "",
        "year_groups": [],
        "matrix": None,
        "by_year_group": [],
        "min_cohort": min_cohort,
    }
    if to_code is None or from_code is None:
        return context

    def term_of(code: str) -> Any:
        term = TermCode.parse(code)
        return Term.objects.get(
            trust_id=trust_id, academic_year=term.academic_year, season=term.season.code
        )

    to_term = term_of(to_code)
    enrolled = {
        p: (yg, PupilFacts(yg, dis, send, eal, sex, band, {}), band)
        for p, yg, dis, send, eal, sex, band in Enrolment.objects.filter(
            trust_id=trust_id, academy=academy, academic_year=to_term.academic_year
        ).values_list("pupil_id", "year_group", "disadvantaged", "send", "eal", "sex", "prior_band")
    }
    later = {
        p: band_from_ta(v)
        for p, v in Result.objects.filter(
            trust_id=trust_id, academy=academy, term=to_term, subject=subject, measure="ta"
        ).values_list("pupil_id", "value")
    }
    if from_code == "prior":
        earlier = {p: band_from_prior(band) for p, (_, _, band) in enrolled.items()}
    else:
        earlier = {
            p: band_from_ta(v)
            for p, v in Result.objects.filter(
                trust_id=trust_id,
                term=term_of(from_code),
                subject=subject,
                measure="ta",
                pupil_id__in=list(enrolled),
            ).values_list("pupil_id", "value")
        }
    hide_small = not membership.can("pupil_data.view")
    # Every group's pairs, not only the one asked for: a matrix is shown only where no
    # subtraction from the matrices a reader can ask for (the other year groups and all year
    # groups together; the group's complement and all pupils) gives a suppressed one away.
    pairs_by: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    for pupil, (yg, facts, _) in enrolled.items():
        if pupil not in later and (from_code == "prior" or pupil not in earlier):
            continue  # no assessment in this subject at all (e.g. Reception): not in the cohort
        pair = (earlier.get(pupil), later.get(pupil))
        for g in GROUPS:
            if in_group(facts, g):
                pairs_by.setdefault((yg, g), []).append(pair)
                pairs_by.setdefault((ALL_YEARS, g), []).append(pair)
    year_groups = sorted(
        {yg for yg, g in pairs_by if g == group and yg != ALL_YEARS},
        key=lambda y: YEAR_ORDER.index(y) if y in YEAR_ORDER else 99,
    )
    withheld = _transition_withheld(pairs_by, min_cohort)
    chosen = year_group if year_group in year_groups else ""

    def matrix(unit: str, g: str = group) -> Any:
        return transition_matrix(
            pairs_by.get((unit, g), []),
            min_cohort=min_cohort,
            hide_small_counts=hide_small,
            withheld=(unit, g) in withheld,
        )

    unit = chosen or ALL_YEARS
    markers = {
        g: marker_of(matrix(unit, g) if (unit, g) in pairs_by else None) for g in MARKER_GROUPS
    }
    context.update(
        {
            "year_group": chosen,
            "year_groups": year_groups,
            "matrix": matrix(chosen or ALL_YEARS),
            "by_year_group": [(y, matrix(y)) for y in year_groups],
            "markers": markers,
            "marker_checks": marker_checks(markers),
        }
    )
    return context


ALL_YEARS = ""  # the unit of all year groups together


def _transition_withheld(
    pairs_by: dict[tuple[str, str], list[tuple[str | None, str | None]]], min_cohort: int
) -> set[Any]:
    """The (year group, group) matrices to withhold, by the one disclosure rule
    (`disclosure.protect`): each matrix is a cell of its matched pupils, all year groups are the
    sum of the year groups, and all pupils the sum of each partition's groups. A matrix's counts
    add up the same way as its pupils, so a matrix safe by its cohort is safe count by count."""
    cohorts: dict[Any, int] = {
        cell: sum(1 for a, b in pairs if a in BANDS and b in BANDS)
        for cell, pairs in pairs_by.items()
    }
    units = sorted({unit for unit, _ in pairs_by})
    year_groups = [u for u in units if u != ALL_YEARS]
    rests = disclosure.rest_cohorts(cohorts, units)
    hidden = disclosure.protect(
        {**cohorts, **rests},
        disclosure.kpi_relations(units, GROUPS, {ALL_YEARS: year_groups}),
        min_cohort,
        unseen=rests,
    )
    return {cell for cell, reason in hidden.items() if reason == disclosure.SECONDARY}


def term_codes_with_data(trust_id: int) -> list[str]:
    """Terms with committed results or attendance, newest first (attendance alone counts)."""

    terms = Term.objects.filter(trust_id=trust_id).filter(
        Q(pk__in=Result.objects.filter(trust_id=trust_id).values("term_id"))
        | Q(pk__in=Attendance.objects.filter(trust_id=trust_id).values("term_id"))
    )
    # The two columns a term code is made of, not a model per term (issue 17).
    codes = (
        TermCode.of(year, season) for year, season in terms.values_list("academic_year", "season")
    )
    return [t.code for t in sorted(codes, reverse=True)]


KIND_LABELS = {"ks2": "Key stage 2", "ks4": "Key stage 4"}


def _similar_text(name: str, value: float | None) -> str:
    if value is None:
        return "not published"
    if name.startswith("PT") or name.startswith("PSEN"):
        return f"{value:.1f}%"
    if name.endswith("PROG") or name == "P8MEA":
        return f"{value:+.2f}"
    return f"{value:.1f}" if name != "TOTPUPS" else f"{value:.0f}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _school(row: ComparisonSchool) -> similar.School:
    return similar.School(
        urn=row.urn,
        name=row.name,
        context={c: getattr(row, c) for c in similar.CONTEXT},
        figures={k: float(v) for k, v in (row.figures or {}).items()},
        cohort=row.cohort,
    )


def similar_schools_for(*, trust_id: int, academy: Academy) -> dict[str, Any]:
    """The academy's similar schools in the latest imported DfE file of each of its key stages
    (KS2, KS4) and its position among them on each published measure (`similar.METHOD`).

    Reads only this trust's imported rows: the academy is found by its URN, or as the converter
    academy (URN_AC) of a predecessor school's row, labelled so."""
    comparisons = []
    for kind in ("ks2", "ks4"):
        if kind.upper() not in (academy.key_stages or []):
            continue
        mine = (
            ComparisonSchool.objects.filter(trust_id=trust_id, kind=kind)
            .filter(Q(urn=academy.urn) | Q(academy_urn=academy.urn))
            .order_by("-year", "-urn")
            .first()
        )
        if mine is None:
            continue
        pool = [
            _school(r)
            for r in ComparisonSchool.objects.filter(
                trust_id=trust_id, kind=kind, year=mine.year, record_type=mine.record_type
            ).order_by("urn")
        ]
        target = _school(mine)
        near = similar.nearest(target, pool)
        places = similar.positions(kind, target, near)
        comparisons.append(
            {
                "kind": kind,
                "kind_label": KIND_LABELS[kind],
                "year": mine.year,
                "source": mine.source,
                "as_predecessor": mine.urn if mine.urn != academy.urn else "",
                "pool": len(pool),
                "context": [
                    {
                        "label": similar.CONTEXT_LABELS[c],
                        "field": similar.CONTEXT_FIELDS[kind][c][0],
                        "academy": _similar_text(
                            similar.CONTEXT_FIELDS[kind][c][0], getattr(mine, c)
                        ),
                        "median": _similar_text(
                            similar.CONTEXT_FIELDS[kind][c][0],
                            similar.median([float(n.school.context[c] or 0) for n in near]),
                        ),
                    }
                    for c in similar.CONTEXT
                ],
                "schools": [
                    {"urn": n.school.urn, "name": n.school.name, "distance": round(n.distance, 2)}
                    for n in near
                ],
                "positions": [
                    {
                        "field": p.field,
                        "label": p.label,
                        "value": p.value,
                        "value_text": _similar_text(p.field, p.value),
                        "median_text": _similar_text(p.field, p.median),
                        "rank": p.rank,
                        "of": p.of,
                        "above": p.above,
                        "words": (
                            f"{_ordinal(p.rank)} of {p.of}: above {p.above} of the "
                            f"{p.of - 1} similar schools with a figure"
                            if p.rank is not None
                            else "no figure published for the academy"
                        ),
                    }
                    for p in places
                ],
            }
        )
    return {
        "comparisons": comparisons,
        "method": similar.METHOD,
        "note": ""
        if comparisons
        else (
            "No similar schools yet: import DfE's full performance-table download (it carries "
            "each school's prior attainment, disadvantage, SEND and size; the headline "
            "download does not) on the published results page."
        ),
    }
