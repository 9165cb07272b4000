"""KPI figures worked out from the pupils themselves: the computation `kpis.store` keeps.

Pages, the API and exports read the stored figures (`selectors.kpi_figures_for`); this module is
what fills the store, and what a test compares the store with.
"""

from __future__ import annotations

import functools
from typing import Any

from academies.models import SPECIAL_EDUCATION, Academy
from assessment.contracts import KpiFigure
from assessment.frameworks.models import TeacherJudgement
from assessment.frameworks.rules import standard_of
from assessment.models import Attendance, Enrolment, Exclusion, Result, Term, Upload, UploadStatus
from trust_si.tenancy.models import Trust
from trust_si.terms import AcademicYear, Season, TermCode

from . import disclosure
from .catalogue import GROUPS, KPIS, PupilFacts, compared_nationally, compute_groups
from .models import KpiTarget, NationalBenchmark
from .national import NATIONAL_GROUP_FOR, benchmark_links, load_benchmarks, national_for_term
from .primary import EARLIER_MEASURES, GIVES_AWAY, SUBSET_OF, earlier

Benchmarks = dict[str, list[tuple[str, float, str]]]


def _hiding_cost(cell: Any) -> tuple[int, int]:
    """Which figure a secondary suppression gives up first: a pupil group's before any all-pupils
    figure (a board reads the trust's all-pupils figure, a head their academy's: giving those up
    to protect a group of another academy hid every trust-wide figure of the demo), then an
    aggregate's (the trust's, a phase of education's) before an academy's, since each academy
    acts on its own figures; ties go to the fewest pupils."""
    unit, group = cell
    return (1 if group == "all" else 0, 1 if isinstance(unit, int) else 0)


def kpi_figures_compute(
    *,
    trust_id: int,
    academy_ids: list[int] | None = None,
    term_codes: list[str] | None = None,
    groups: tuple[str, ...] | list[str] = ("all",),
    by_education: bool = False,
) -> list[KpiFigure]:
    """KPI figures per academy (and trust-wide, academy_id None) per term and group, suppressed.

    Aggregation runs pupil -> group -> academy -> phase of education (with `by_education`) ->
    trust, each level from the pupils themselves, never an average of averages.

    1. Load the terms' results and attendance and the matching years' enrolments (group flags).
    2. Build each pupil's facts per academy and term; compute every catalogue KPI per group.
    3. Disclosure control (`kpis.disclosure.protect`) over the whole table of each KPI and
       term: figures from 5 or fewer pupils (or the trust's higher threshold) and enough of
       their complements and totals that no subtraction recovers them carry no value and no
       cohort (`suppressed`, with `suppression` saying primary or secondary).
    4. Compare with the national figure of the same academic year (or the latest earlier one):
       the shipped CSV with any figures loaded by `manage.py load_benchmarks` over it.
    5. `target` (group "all" only: targets are for all pupils) is the academy's own target for
       the KPI and academic year, else the trust-wide one; trust-wide rows take the trust-wide.
    """

    trust = Trust.objects.get(pk=trust_id)
    # A code that is not a term matches no term (an empty answer, never an error).
    wanted = {TermCode.parse_or_none(c) for c in term_codes or []}
    terms = [
        t for t in Term.objects.filter(trust_id=trust_id) if not term_codes or t.term_code in wanted
    ]
    if not terms:
        return []
    # Disclosure control needs the whole table (every academy, aggregate and group), whatever
    # the caller asked for: a pattern worked out on part of it could differ from another page's,
    # and the two together would give a small group away. The answer is filtered afterwards.
    academies = Academy.objects.filter(trust_id=trust_id, is_active=True)
    asked = set(academy_ids) if academy_ids is not None else None
    academy_ids = list(academies.values_list("pk", flat=True))
    asked_groups = set(groups)
    years = {t.academic_year for t in terms}
    enrolments = {
        (pupil, year): (academy, yg, dis, send, eal, sex, band)
        for pupil, year, academy, yg, dis, send, eal, sex, band in Enrolment.objects.filter(
            trust_id=trust_id, academy_id__in=academy_ids, academic_year__in=years
        ).values_list(
            "pupil_id",
            "academic_year",
            "academy_id",
            "year_group",
            "disadvantaged",
            "send",
            "eal",
            "sex",
            "prior_band",
        )
    }
    results: dict[tuple[int, int], dict[tuple[str, str], tuple[str, float | None]]] = {}
    for pupil, term_id, subject, measure, value, numeric in Result.objects.filter(
        trust_id=trust_id, academy_id__in=academy_ids, term__in=terms
    ).values_list("pupil_id", "term_id", "subject", "measure", "value", "numeric"):
        results.setdefault((pupil, term_id), {})[(subject, measure)] = (value, numeric)
    # Teacher judgements against the trust's frameworks are one more result per pupil, subject
    # and term: the level the teacher recorded and whether the work behind it was independent.
    # A judged pupil counts where their enrolment of that year puts them (as every result).
    # A framework with the trust's own levels counts through its expected / greater-depth
    # markers: the KPIs read every judgement as the WTS / EXS / GDS it stands for.
    for pupil, term_id, subject, level, independence, levels in TeacherJudgement.objects.filter(
        trust_id=trust_id, academy_id__in=academy_ids, term__in=terms
    ).values_list("pupil_id", "term_id", "subject", "level", "independence", "version__levels"):
        facts = results.setdefault((pupil, term_id), {})
        facts[(subject, "judgement")] = (standard_of(levels, level), None)
        facts[(subject, "judgement_evidence")] = (independence, None)
    _fold_in_exclusions(results, trust_id=trust_id, academy_ids=academy_ids, terms=terms)
    earlier_facts = earlier_results(trust_id=trust_id, years=years)
    attendance = {
        (p, t): (pos, mis)
        for p, t, pos, mis in Attendance.objects.filter(
            trust_id=trust_id, academy_id__in=academy_ids, term__in=terms
        ).values_list("pupil_id", "term_id", "sessions_possible", "sessions_missed")
    }
    benchmarks = benchmarks_current()
    targets = targets_index(trust_id=trust_id, years=years)
    labels = {a.pk: a for a in academies}
    limit = disclosure.threshold(trust.min_cohort)
    educations: dict[str, list[int]] = {}
    for member in academies:
        educations.setdefault(member.phase_of_education, []).append(member.pk)
    # DfE's multi-academy trust performance measures cover mainstream academies only: "special
    # schools, pupil referral units, alternative provision academies ... are not included"
    # (DfE, MAT performance measures methodology, 1.2). A trust's statutory-assessment figures
    # follow that; its teacher-assessment and absence figures count every academy.
    mainstream = [a.pk for a in academies if a.phase_of_education not in SPECIAL_EDUCATION]
    totals_all: dict[Any, list[Any]] = {TRUST_UNIT: list(labels)}
    totals_all.update({(EDUCATION_UNIT, edu): members for edu, members in educations.items()})
    totals_mainstream = {**totals_all, TRUST_UNIT: mainstream}
    figures: list[KpiFigure] = []
    for term in terms:
        by_academy: dict[int, list[PupilFacts]] = {}
        for (pupil, year), (academy, yg, dis, send, eal, sex, band) in enrolments.items():
            if year != term.academic_year:
                continue
            pos, mis = attendance.get((pupil, term.pk), (0, 0))
            by_academy.setdefault(academy, []).append(
                PupilFacts(
                    yg,
                    dis,
                    send,
                    eal,
                    sex,
                    band,
                    {
                        **earlier_facts.get((pupil, term.academic_year), {}),
                        **results.get((pupil, term.pk), {}),
                    },
                    pos,
                    mis,
                )
            )
        everyone = [p for pupils in by_academy.values() for p in pupils]
        everyone_mainstream = [p for a in mainstream for p in by_academy.get(a, [])]
        by_education_pupils = {
            edu: [p for m in members for p in by_academy.get(m, [])]
            for edu, members in educations.items()
        }
        for kpi in KPIS.values():
            if kpi.summer_only and term.term_code.season is not Season.SUMMER:
                continue
            # Disadvantaged pupils are compared with national *other* pupils, as DfE's DIFFN_*
            # fields do; never with all pupils (no such figure: no national figure at all).
            nationals = {
                group: national_for_term(
                    benchmarks, kpi, NATIONAL_GROUP_FOR.get(group, "all"), term.code
                )
                for group in GROUPS
            }
            totals = totals_mainstream if kpi.summer_only else totals_all
            units: list[tuple[Any, list[PupilFacts]]] = [
                *((a, by_academy.get(a, [])) for a in labels),
                (TRUST_UNIT, everyone_mainstream if kpi.summer_only else everyone),
                *(((EDUCATION_UNIT, edu), pupils) for edu, pupils in by_education_pupils.items()),
            ]
            table = {
                (unit, group): figure
                for unit, pupils in units
                for group, figure in compute_groups(kpi, pupils, GROUPS).items()
            }
            cohorts: dict[Any, int] = {cell: f.cohort for cell, f in table.items()}
            if not any(cohorts.values()):
                continue  # no pupil has data for it (a year group nobody judged): no figure
            rests = disclosure.rest_cohorts(cohorts, [u for u, _ in units])
            hidden = disclosure.protect(
                {**cohorts, **rests},
                disclosure.kpi_relations([u for u, _ in units], GROUPS, totals),
                limit,
                cost=_hiding_cost,
                unseen=rests,
                forced=_subset_cells(kpi.code, table, units, limit),
            )
            for (unit, group), figure in table.items():
                if figure.cohort == 0 or group not in asked_groups:
                    continue
                academy_id = unit if isinstance(unit, int) else None
                education = unit[1] if isinstance(unit, tuple) else ""
                if academy_id is not None and asked is not None and academy_id not in asked:
                    continue
                if education and not by_education:
                    continue
                reason = hidden.get((unit, group), "")
                national = nationals[group] if compared_nationally(kpi, term.code) else None
                figures.append(
                    KpiFigure(
                        academy_id=academy_id,
                        kpi_code=kpi.code,
                        label=kpi.label,
                        key_stage=kpi.key_stage,
                        subject=kpi.subject,
                        group=group,
                        term_code=term.code,
                        value=None
                        if reason or figure.value is None
                        else round(figure.value, kpi.decimals),
                        # A suppressed figure's cohort never leaves this function.
                        cohort=0 if reason else figure.cohort,
                        suppressed=bool(reason),
                        national=national[1] if national else None,
                        national_year=national[0] if national else None,
                        target=target_for(targets, academy_id, kpi.code, term.academic_year)
                        if group == "all" and not education
                        else None,
                        unit=kpi.unit,
                        direction=kpi.direction,
                        education=education,
                        suppression=reason,
                        national_group=NATIONAL_GROUP_FOR.get(group, "all"),
                        national_full_year=kpi.one_term
                        and national is not None
                        and national[2] == "year",
                        national_period=national[2] if national else "year",
                    )
                )
    return figures


# Secondary and behaviour measures (issue 13, i13-4b) --------------------------------------------
def _fold_in_exclusions(
    results: dict[tuple[int, int], dict[tuple[str, str], tuple[str, float | None]]],
    *,
    trust_id: int,
    academy_ids: list[int],
    terms: list[Term],
) -> None:
    """Each pupil's suspensions and permanent exclusions of the academic year up to and including
    each term, at the academy whose upload for the term is confirmed, as results the catalogue's
    exclusion KPIs read ("exclusions", "suspensions" | "permanent" | "reported").

    A pupil is counted at the academy of the exclusion; a confirmed upload with no rows says
    "none this term" (0), where an academy with no confirmed upload for the term has no figure.
    """
    reported = set(
        Upload.objects.filter(
            trust_id=trust_id,
            academy_id__in=academy_ids,
            term__in=terms,
            kind="exclusions",
            status=UploadStatus.COMMITTED,
        ).values_list("academy_id", "term_id")
    )
    if not reported:
        return
    years = {t.academic_year for t in terms}
    order = {
        t.pk: t.term_code for t in Term.objects.filter(trust_id=trust_id, academic_year__in=years)
    }
    rows = list(
        Exclusion.objects.filter(
            trust_id=trust_id, academy_id__in=academy_ids, term__academic_year__in=years
        ).values_list("pupil_id", "academy_id", "term_id", "category")
    )
    enrolled = {
        (pupil, year): academy
        for pupil, year, academy in Enrolment.objects.filter(
            trust_id=trust_id, academy_id__in=academy_ids, academic_year__in=years
        ).values_list("pupil_id", "academic_year", "academy_id")
    }
    for term in terms:
        code = term.term_code
        counts: dict[int, list[int]] = {}
        for pupil, academy, term_id, category in rows:
            when = order.get(term_id)
            if when is None or when.academic_year != code.academic_year or when > code:
                continue
            if enrolled.get((pupil, term.academic_year)) != academy:
                continue  # counted where the pupil is on roll this year, as DfE's school rates
            tally = counts.setdefault(pupil, [0, 0])
            tally[0 if category == "suspension" else 1] += 1
        for (pupil, year), academy in enrolled.items():
            if year != term.academic_year or (academy, term.pk) not in reported:
                continue
            suspensions, permanent = counts.get(pupil, (0, 0))
            facts = results.setdefault((pupil, term.pk), {})
            facts[("exclusions", "reported")] = ("Y", None)
            facts[("exclusions", "suspensions")] = (str(suspensions), float(suspensions))
            facts[("exclusions", "permanent")] = (str(permanent), float(permanent))


def _subset_cells(
    code: str, table: dict[Any, Any], units: list[tuple[Any, list[PupilFacts]]], limit: int
) -> list[Any]:
    """The cells hidden because of another KPI's small group: a subset KPI's (`primary.SUBSET_OF`)
    whose pupils left out of the whole KPI are 1 to `limit` (shown beside the whole, it would
    give that small group away), and a KPI's whose figure gives a small group away with an
    earlier year's published figure (`primary.GIVES_AWAY`: the group's own cohort 1 to `limit`)."""
    whole, small = SUBSET_OF.get(code), GIVES_AWAY.get(code)
    other = whole or small
    if other is None:
        return []
    figures = {
        (unit, group): figure
        for unit, pupils in units
        for group, figure in compute_groups(KPIS[other], pupils, GROUPS).items()
    }
    if small is not None:
        return [
            cell
            for cell, figure in table.items()
            if figure.cohort and 0 < figures[cell].cohort <= limit
        ]
    return [
        cell
        for cell, figure in table.items()
        if figure.cohort and 0 < figures[cell].cohort - figure.cohort <= limit
    ]


def earlier_results(
    *, trust_id: int, years: set[str]
) -> dict[tuple[int, str], dict[tuple[str, str], tuple[str, float | None]]]:
    """(pupil, academic year) -> the pupil's EYFS and phonics results of the two years before,
    keyed (subject, "<measure>@<year group then>") (`primary.earlier`), for phonics by the end
    of Year 2 and seed 003's cohort measures (issue 13, i13-4a).

    The pupil is followed by their pseudonymous key across the trust's academies (a child who
    moved school within the trust keeps their Reception and Year 1 results); the year group is
    their enrolment of that earlier year. A later term of a year overrides an earlier one (the
    summer check over a mock), the order `TermCode` sorts in.
    """
    feeds: dict[str, list[str]] = {}  # an earlier year -> the years whose figures read it
    for year in years:
        one_before = AcademicYear.parse(year).previous()
        for before in (one_before, one_before.previous()):
            feeds.setdefault(before.code, []).append(year)
    out: dict[tuple[int, str], dict[tuple[str, str], tuple[str, float | None]]] = {}
    terms = sorted(
        (t for t in Term.objects.filter(trust_id=trust_id) if t.academic_year in feeds),
        key=lambda t: t.term_code,
    )
    if not terms:
        return out
    order = {t.pk: i for i, t in enumerate(terms)}
    year_of = {t.pk: t.academic_year for t in terms}
    then = {
        (pupil, year): yg
        for pupil, year, yg in Enrolment.objects.filter(
            trust_id=trust_id, academic_year__in=set(year_of.values())
        ).values_list("pupil_id", "academic_year", "year_group")
    }
    rows = Result.objects.filter(
        trust_id=trust_id,
        term__in=terms,
        subject__in={s for s, _ in EARLIER_MEASURES},
        measure__in={m for _, m in EARLIER_MEASURES},
    ).values_list("pupil_id", "term_id", "subject", "measure", "value", "numeric")
    for pupil, term_id, subject, measure, value, numeric in sorted(rows, key=lambda r: order[r[1]]):
        year = year_of[term_id]
        yg = then.get((pupil, year))
        if yg is None or (subject, measure) not in EARLIER_MEASURES:
            continue
        for later in feeds[year]:
            out.setdefault((pupil, later), {})[(subject, earlier(measure, yg))] = (value, numeric)
    return out


TRUST_UNIT = "trust"
EDUCATION_UNIT = "education"


@functools.lru_cache(maxsize=1)
def _shipped_benchmarks() -> dict[str, dict[str, tuple[str, float, str]]]:
    """The shipped CSV by KPI and year, parsed once per process: it is part of the code (it
    changes with a deploy, never at run time) and the same for every trust, where reading it
    again on every KPI page was a millisecond each (issue 17). Callers copy before changing."""
    return {
        kpi: {year: (year, value, source) for year, value, source in rows}
        for kpi, rows in load_benchmarks().items()
    }


def benchmarks_current() -> Benchmarks:
    """kpi -> [(year, value, source)], oldest first: the shipped CSV, then the loaded rows, which
    replace the shipped figure of the same KPI and year."""
    merged = {kpi: dict(rows) for kpi, rows in _shipped_benchmarks().items()}
    # The four columns used, not a model per row: every KPI page reads them (issue 17).
    loaded = NationalBenchmark.objects.values_list("kpi_code", "year", "value", "source")
    for kpi_code, year, value, source in loaded:
        merged.setdefault(kpi_code, {})[year] = (year, value, source)
    return {kpi: sorted(rows.values()) for kpi, rows in merged.items()}


def benchmark_source(benchmarks: Benchmarks, kpi: str, year: str | None) -> str:
    return next((source for y, _, source in benchmarks.get(kpi, []) if y == year), "")


def benchmark_link(benchmarks: Benchmarks, kpi: str, year: str | None) -> str:
    """The link to DfE's publication of a shipped national figure ('' for a loaded one)."""
    shipped = benchmark_links().get((kpi, year or ""))
    source = benchmark_source(benchmarks, kpi, year)
    return shipped[1] if shipped and shipped[0] == source else ""


TargetIndex = dict[tuple[int | None, str, str], float]


def targets_index(*, trust_id: int, years: set[str] | None = None) -> TargetIndex:
    rows = KpiTarget.objects.filter(trust_id=trust_id)
    if years is not None:
        rows = rows.filter(academic_year__in=years)
    fields = rows.values_list("academy_id", "kpi_code", "academic_year", "value")
    return {(academy, kpi, year): value for academy, kpi, year, value in fields}


def target_for(targets: TargetIndex, academy_id: int | None, kpi: str, year: str) -> float | None:
    own = targets.get((academy_id, kpi, year)) if academy_id is not None else None
    return own if own is not None else targets.get((None, kpi, year))
