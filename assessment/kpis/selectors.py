"""Permission-aware reads of published results (DfE performance tables)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from academies.models import Academy
from academies.selectors import academy_list_for
from assessment.contracts import KpiFigure, PublishedFigure
from phases.banding import P8Band, band_from_dfe_code

from .models import PublishedResult


def published_results_for(membership: Any) -> QuerySet[PublishedResult]:
    return PublishedResult.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership).values("pk")
    ).select_related("academy")


def banding_label(result: PublishedResult) -> str:
    """DfE's banding in words: P8 codes 1-5 (SUPP: not banded), KS2 descriptors as published."""
    if result.field == "P8MEA":
        return band_from_dfe_code(result.banding).label if result.banding else P8Band.NOT_BANDED.label
    return result.banding


def published_figures_for(*, trust_id: int, academy_ids: list[int] | None = None) -> list[PublishedFigure]:
    rows = PublishedResult.objects.filter(trust_id=trust_id)
    if academy_ids is not None:
        rows = rows.filter(academy_id__in=academy_ids)
    return [PublishedFigure(academy_id=r.academy_id, field=r.field, year=r.year, value=r.value,
                            code=r.code, lower=r.lower, upper=r.upper, dfe_banding=r.banding,
                            source=r.source) for r in rows]


def kpi_figures_for(*, trust_id: int, academy_ids: list[int] | None = None,
                    term_codes: list[str] | None = None, groups: tuple[str, ...] | list[str] = ("all",),
                    ) -> list[KpiFigure]:
    """KPI figures per academy (and trust-wide, academy_id None) per term and group, suppressed.

    1. Load the terms' results and attendance and the matching years' enrolments (group flags).
    2. Build each pupil's facts per academy and term; compute every catalogue KPI per group.
    3. A figure from fewer pupils than the trust's minimum cohort is suppressed: no value.
    4. Compare with the national figure of the same academic year (or the latest earlier one).
    """
    from assessment.models import Attendance, Enrolment, Result, Term
    from trust_si.tenancy.models import Trust

    from .catalogue import KPIS, PupilFacts, benchmark_for, compute, load_benchmarks

    trust = Trust.objects.get(pk=trust_id)
    wanted = {tuple(c.rsplit("-", 1)) for c in term_codes or []}
    terms = [t for t in Term.objects.filter(trust_id=trust_id)
             if not wanted or (t.academic_year, t.season) in wanted]
    if not terms:
        return []
    academies = Academy.objects.filter(trust_id=trust_id, is_active=True)
    if academy_ids is not None:
        academies = academies.filter(pk__in=academy_ids)
    academy_ids = list(academies.values_list("pk", flat=True))
    years = {t.academic_year for t in terms}
    enrolments = {
        (pupil, year): (academy, yg, dis, send, eal, sex, band)
        for pupil, year, academy, yg, dis, send, eal, sex, band in Enrolment.objects.filter(
            trust_id=trust_id, academy_id__in=academy_ids, academic_year__in=years).values_list(
            "pupil_id", "academic_year", "academy_id", "year_group", "disadvantaged", "send", "eal",
            "sex", "prior_band")
    }
    results: dict[tuple[int, int], dict[tuple[str, str], tuple[str, float | None]]] = {}
    for pupil, term_id, subject, measure, value, numeric in Result.objects.filter(
            trust_id=trust_id, academy_id__in=academy_ids, term__in=terms).values_list(
            "pupil_id", "term_id", "subject", "measure", "value", "numeric"):
        results.setdefault((pupil, term_id), {})[(subject, measure)] = (value, numeric)
    attendance = {(p, t): (pos, mis) for p, t, pos, mis in Attendance.objects.filter(
        trust_id=trust_id, academy_id__in=academy_ids, term__in=terms).values_list(
        "pupil_id", "term_id", "sessions_possible", "sessions_missed")}
    benchmarks = load_benchmarks()
    labels = {a.pk: a for a in academies}
    figures: list[KpiFigure] = []
    for term in terms:
        by_academy: dict[int, list[PupilFacts]] = {}
        for (pupil, year), (academy, yg, dis, send, eal, sex, band) in enrolments.items():
            if year != term.academic_year:
                continue
            pos, mis = attendance.get((pupil, term.pk), (0, 0))
            by_academy.setdefault(academy, []).append(PupilFacts(
                yg, dis, send, eal, sex, band, results.get((pupil, term.pk), {}), pos, mis))
        everyone = [p for pupils in by_academy.values() for p in pupils]
        for kpi in KPIS.values():
            if kpi.summer_only and term.season != "summer":
                continue
            national = benchmark_for(benchmarks, kpi.code, term.academic_year)
            for academy_id, pupils in [*((a, by_academy.get(a, [])) for a in labels), (None, everyone)]:
                for group in groups:
                    figure = compute(kpi, pupils, group)
                    if figure.cohort == 0:
                        continue
                    suppressed = figure.cohort < max(trust.min_cohort, 3)
                    figures.append(KpiFigure(
                        academy_id=academy_id, kpi_code=kpi.code, label=kpi.label,
                        key_stage=kpi.key_stage, subject=kpi.subject, group=group,
                        term_code=term.code, value=None if suppressed else round(figure.value or 0, 1)
                        if figure.value is not None else None,
                        cohort=figure.cohort, suppressed=suppressed,
                        national=national[1] if national else None,
                        national_year=national[0] if national else None, target=None,
                        unit=kpi.unit, direction=kpi.direction))
    return figures
