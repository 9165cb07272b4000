"""Gathers an academy's evidence for the rules engine from the other apps' selectors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from academies.models import Academy, Inspection
from assessment.kpis.catalogue import CATALOGUE, WRITING_SCAFFOLDED, assessment_of
from assessment.kpis.models import PublishedResult
from assessment.kpis.selectors import kpi_figures_for, term_codes_with_data
from assessment.kpis.store import data_version
from assessment.models import Enrolment, Term
from assessment.selectors import pupils_with_data
from trust_si.tenancy.storage import tenant_cache_key
from trust_si.terms import TermCode

from .completeness import Coverage, coverage
from .models import Judgement, TermCompletion
from .rules import (
    Evidence,
    GapEvidence,
    InspectionEvidence,
    JudgementEvidence,
    KpiEvidence,
    P8Evidence,
    ProgressEvidence,
)

# Judgement rows written from an inspection carry this source_ref prefix: the engine reads the
# inspection itself, so they are left out of the trust's own judgements (never counted twice).
INSPECTION_REF = "academies.inspection:"


# The pupil groups the placement engine reads: all pupils, and disadvantaged pupils (compared
# with national *other* pupils, for the persistent-gap rule and the Sustain gate).
ENGINE_GROUPS = ("all", "disadvantaged")
# DfE's performance-table fields the engine reads: KS2 progress scores (with their 95%
# confidence interval and descriptor) and the disadvantaged pupils' published difference from
# national other pupils (DIFFN_*), with the measure each belongs with.
PROGRESS_FIELDS = {
    "READPROG": ("KS2 reading progress", "reading"),
    "WRITPROG": ("KS2 writing progress", "writing"),
    "MATPROG": ("KS2 maths progress", "maths"),
    "P8MEAENG": ("Progress 8 English element", "english"),
    "P8MEAMAT": ("Progress 8 maths element", "maths"),
}
P8_ELEMENTS = {"P8MEAENG", "P8MEAMAT"}
DIFFN_FIELDS = {
    "DIFFN_RWM_EXP": ("ks2_rwm_exp", "KS2 reading, writing and maths combined"),
    "DIFFN_RWM_HIGH": ("ks2_rwm_high", "KS2 reading, writing and maths: higher standard"),
    "DIFFN_READPROG": ("ks2_reading_progress", "KS2 reading progress"),
    "DIFFN_WRITPROG": ("ks2_writing_progress", "KS2 writing progress"),
    "DIFFN_MATPROG": ("ks2_maths_progress", "KS2 maths progress"),
    # KS4 (ks4_meta.csv rows 224-225): Attainment 8 and Progress 8 of the school's
    # disadvantaged pupils minus those of non-disadvantaged pupils nationally.
    "DIFFN_ATT8": ("ks4_att8", "Attainment 8"),
    "DIFFN_P8MEA": ("ks4_progress8", "Progress 8"),
}


def kpi_evidence(f: Any) -> KpiEvidence:
    """A stored KPI figure as the pure engine reads it."""
    return KpiEvidence(
        f.kpi_code,
        f.label,
        f.subject,
        f.unit,
        f.direction,
        f.value,
        f.national,
        f.national_year,
        f.cohort,
        f.suppressed,
        f.term_code,
        (),
        f.target,
        f.group,
        assessment_of(f.kpi_code, f.term_code),
    )


def inspection_evidence(i: Inspection) -> InspectionEvidence:
    """An inspection row as the pure engine reads it."""
    return InspectionEvidence(
        kind=i.kind,
        inspected_on=i.inspected_on,
        overall_grade=i.overall_grade,
        key_judgements=tuple(
            (k, int(v)) for k, v in sorted((i.key_judgements or {}).items()) if str(v).isdigit()
        ),
        area_grades=tuple(sorted((i.area_grades or {}).items())),
        safeguarding_met=i.safeguarding_met,
        category_of_concern=i.category_of_concern,
        predecessor=i.is_predecessor,
        link=i.report_url,
    )


def _stage(year_group: str) -> str:
    if not year_group.isdigit():
        return "EYFS"
    n = int(year_group)
    return (
        "KS1" if n <= 2 else "KS2" if n <= 6 else "KS3" if n <= 9 else "KS4" if n <= 11 else "KS5"
    )


COVERAGE_CACHE_SECONDS = 24 * 3600


def _pupil_counts(
    trust_id: int, ids: list[int], terms: list[Term]
) -> tuple[dict[tuple[int, int], dict[str, int]], dict[tuple[int, str], int]]:
    """Pupils with data per academy, term and year group, and pupils enrolled per academy and
    year: counted by the database, kept in the cache while the trust's pupil data stays the
    same.

    Counting a term's rows is most of the heat map's and the placements page's time (0.8 s of
    PostgreSQL per request on the demo trust), and the answer changes only when pupil data
    does. `data_version` changes with every commit, restore or erasure of pupil data (each
    marks the stored figures out of date and the next reader rebuilds them): a new version is
    a new key, so an old count is never read; while it is None nothing is cached. The
    academies and terms asked for are part of the key.
    """
    version = data_version(trust_id)
    term_ids = [t.pk for t in terms]
    key = tenant_cache_key(
        "pupil-counts",
        version,
        hashlib.sha256(repr((ids, term_ids)).encode()).hexdigest()[:24],
        trust_id=trust_id,
    )
    found = cache.get(key) if version else None
    if found is not None:
        return found
    with_data = pupils_with_data(trust_id, ids, term_ids)
    years = {t.academic_year for t in terms} | {
        TermCode.parse(t.code).year.previous().code for t in terms
    }
    enrolled: dict[tuple[int, str], int] = {
        (row["academy_id"], row["academic_year"]): row["pupils"]
        for row in Enrolment.objects.filter(
            trust_id=trust_id, academy_id__in=ids, academic_year__in=years
        )
        .values("academy_id", "academic_year")
        .annotate(pupils=Count("pupil_id", distinct=True))
    }
    if version:
        cache.set(key, (with_data, enrolled), COVERAGE_CACHE_SECONDS)
    return with_data, enrolled


def term_coverage(
    trust_id: int, academy_ids: list[int] | None = None, term_codes: list[str] | None = None
) -> dict[int, dict[str, Coverage]]:
    """Each academy's terms and whether their data is complete (`phases.completeness`).

    The roll is the larger of the academy's enrolments (its pupils uploads) that year and the
    year before: an upload of 11 pupils brings 11 enrolments with it, so this year's alone would
    call it complete. With no enrolments, the academy record's pupils on roll. Every term of the
    trust is listed, "not yet uploaded" included.
    """
    academies = Academy.objects.filter(trust_id=trust_id, is_active=True)
    if academy_ids is not None:
        academies = academies.filter(pk__in=academy_ids)
    terms = [
        t
        for t in Term.objects.filter(trust_id=trust_id)
        if term_codes is None or t.code in term_codes
    ]
    ids = [a.pk for a in academies]
    with_data, enrolled = _pupil_counts(trust_id, ids, terms)
    marked = set(
        TermCompletion.objects.filter(trust_id=trust_id, academy_id__in=ids).values_list(
            "academy_id", "term_code"
        )
    )
    out: dict[int, dict[str, Coverage]] = {}
    for academy in academies:
        stages = academy.key_stages
        for term in terms:
            by_year_group = with_data.get((academy.pk, term.pk), {})
            this_year = enrolled.get((academy.pk, term.academic_year), 0)
            last_year = enrolled.get(
                (academy.pk, TermCode.parse(term.code).year.previous().code), 0
            )
            expected = max(this_year, last_year) or (academy.pupils_on_roll or 0)
            covered = {_stage(year_group) for year_group in by_year_group if year_group}
            out.setdefault(academy.pk, {})[term.code] = coverage(
                term=term.code,
                pupils=sum(by_year_group.values()),
                expected=expected,
                stages_expected=stages,
                stages_covered=covered,
                marked=(academy.pk, term.code) in marked,
            )
    return out


def current_term_code(trust_id: int) -> str:
    """The latest term with committed data, else the term today falls in."""

    terms = term_codes_with_data(trust_id)
    if terms:
        return terms[0]
    return TermCode.for_date(timezone.localdate()).code


def term_window(trust_id: int, term_code: str, size: int = 4) -> list[str]:
    """The term and up to size-1 earlier terms of the trust that exist, newest first."""

    term = TermCode.parse(term_code)
    earlier = sorted(
        (t.term_code for t in Term.objects.filter(trust_id=trust_id) if t.term_code < term),
        reverse=True,
    )
    return [term.code, *[t.code for t in earlier[: size - 1]]]


@dataclass
class Bundle:
    """The qualitative evidence of many academies, loaded in a few queries (a trust's recompute)."""

    judgements: dict[int, list[JudgementEvidence]]  # every judgement (the heat map shows all)
    p8: dict[int, P8Evidence]
    inspections: dict[int, list[InspectionEvidence]]
    trust_judgements: dict[int, list[JudgementEvidence]]  # visits, reviews, direct: not Ofsted
    progress: dict[int, list[ProgressEvidence]] = field(default_factory=dict)
    published_gaps: dict[int, list[GapEvidence]] = field(default_factory=dict)

    @classmethod
    def load(cls, academy_ids: list[int]) -> Bundle:

        judgements: dict[int, list[JudgementEvidence]] = {}
        trust_judgements: dict[int, list[JudgementEvidence]] = {}
        for j in Judgement.objects.filter(academy_id__in=academy_ids).order_by("judged_on", "id"):
            item = JudgementEvidence(
                j.area, j.grade, j.judged_on, j.get_source_display(), j.source_url
            )
            judgements.setdefault(j.academy_id, []).append(item)
            if not j.source_ref.startswith(INSPECTION_REF):
                trust_judgements.setdefault(j.academy_id, []).append(item)
        p8: dict[int, P8Evidence] = {}
        for r in PublishedResult.objects.filter(academy_id__in=academy_ids, field="P8MEA").order_by(
            "academy_id", "-year"
        ):
            p8.setdefault(r.academy_id, P8Evidence(r.year, r.value, r.lower, r.upper, r.banding))
        inspections: dict[int, list[InspectionEvidence]] = {}
        for i in Inspection.objects.filter(academy_id__in=academy_ids).order_by("inspected_on"):
            inspections.setdefault(i.academy_id, []).append(inspection_evidence(i))
        progress: dict[int, list[ProgressEvidence]] = {}
        gaps: dict[int, list[GapEvidence]] = {}
        seen: set[tuple[int, str]] = set()
        for r in PublishedResult.objects.filter(
            academy_id__in=academy_ids, field__in=[*PROGRESS_FIELDS, *DIFFN_FIELDS]
        ).order_by("academy_id", "field", "-year"):
            if r.field in PROGRESS_FIELDS:
                if (r.academy_id, r.field) in seen:
                    continue  # the latest year's score only, as for Progress 8
                seen.add((r.academy_id, r.field))
                label, subject = PROGRESS_FIELDS[r.field]
                progress.setdefault(r.academy_id, []).append(
                    ProgressEvidence(
                        r.field, label, subject, r.year, r.value, r.lower, r.upper, r.banding
                    )
                )
            else:
                kpi, label = DIFFN_FIELDS[r.field]
                gaps.setdefault(r.academy_id, []).append(
                    GapEvidence(kpi, label, r.year, r.value, r.field)
                )
        return cls(judgements, p8, inspections, trust_judgements, progress, gaps)


# A year group's breakdown repeats its headline KPI's pupils, and the scaffolded share labels the
# judged-writing figures: neither is evidence of its own (counted twice, or not an outcome).
NOT_EVIDENCE = frozenset(k.code for k in CATALOGUE if k.breakdown_of) | {WRITING_SCAFFOLDED}


def evidence_for(
    academy: Academy,
    term_code: str,
    kpi_figures: list[Any] | None = None,
    bundle: Bundle | None = None,
    history: list[Any] | None = None,
) -> Evidence:
    """The academy's evidence for the engine: `kpi_figures` are the figures to score (all pupils
    and disadvantaged pupils), `history` earlier terms' disadvantaged figures (persistent gaps)."""

    figures = (
        kpi_figures
        if kpi_figures is not None
        else kpi_figures_for(
            trust_id=academy.trust_id,
            academy_ids=[academy.pk],
            term_codes=[term_code],
            groups=ENGINE_GROUPS,
        )
    )
    kpis = tuple(
        kpi_evidence(f)
        for f in figures
        if f.academy_id == academy.pk
        and f.group in ENGINE_GROUPS
        and f.kpi_code not in NOT_EVIDENCE
    )
    bundle = bundle or Bundle.load([academy.pk])
    return Evidence(
        term=term_code,
        today=timezone.localdate(),
        kpis=kpis,
        judgements=tuple(bundle.trust_judgements.get(academy.pk, [])),
        p8=bundle.p8.get(academy.pk),
        teaches_ks4="KS4" in academy.key_stages,
        inspections=tuple(bundle.inspections.get(academy.pk, [])),
        phase_of_education=academy.phase_of_education,
        history=tuple(
            kpi_evidence(f)
            for f in history or []
            if f.academy_id == academy.pk and f.kpi_code not in NOT_EVIDENCE
        ),
        progress=tuple(p for p in bundle.progress.get(academy.pk, []) if p.field not in P8_ELEMENTS)
        if "KS2" in academy.key_stages
        else (),
        subject_progress=tuple(
            p for p in bundle.progress.get(academy.pk, []) if p.field in P8_ELEMENTS
        )
        if "KS4" in academy.key_stages
        else (),
        published_gaps=tuple(bundle.published_gaps.get(academy.pk, [])),
    )
