"""Writes of the KPI app: importing DfE performance tables, targets, national benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from academies.models import Academy
from trust_si.audit.services import audit_record
from trust_si.tenancy.models import Trust
from trust_si.terms import AcademicYear, TermError

from . import similar
from .benchmarks import BenchmarkRow
from .catalogue import KPIS
from .dfe import CONTEXT_FIELDS, PerformanceFile
from .models import ComparisonSchool, KpiTarget, NationalBenchmark, PublishedResult

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership, User


# Cohort sizes are published even when every measure is suppressed: they do not count as results.
COUNT_FIELDS = {"TELIG", "TPUP", "P8PUP"}


@transaction.atomic
def published_results_import(
    *, actor: User | None, trust: Trust, parsed: PerformanceFile, year: str, source: str
) -> dict[str, int]:
    """Store the file's figures for the trust's academies (matched by URN); re-running changes
    nothing. Returns rows read, academies matched, unmatched rows, schools with nothing
    published, and rows created / updated / unchanged."""
    academies = {
        a.urn: a for a in Academy.objects.filter(trust=trust, urn__in=list(parsed.schools))
    }
    # A converter academy (URN_AC) whose results DfE published under its predecessor's URN:
    # matched too, and its source says so ("as predecessor school").
    via_predecessor = {
        parsed.predecessors[a.urn]: a
        for a in Academy.objects.filter(trust=trust, urn__in=list(parsed.predecessors))
        if a.urn not in academies and parsed.predecessors[a.urn] not in academies
    }
    counts = {
        "rows_read": parsed.rows_read,
        "matched": len(academies) + len(via_predecessor),
        "as_predecessor": len(via_predecessor),
        "unmatched": parsed.rows_read - len(academies) - len(via_predecessor),
        "not_published": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }
    existing = {
        (r.academy_id, r.field): r
        for r in PublishedResult.objects.filter(
            trust=trust, year=year, academy__in=[*academies.values(), *via_predecessor.values()]
        )
    }
    for urn, academy in [*academies.items(), *via_predecessor.items()]:
        rows = parsed.schools[urn]
        label = source if urn == academy.urn else f"{source} (as predecessor school, URN {urn})"
        if all(r.value is None for r in rows if r.field not in COUNT_FIELDS | CONTEXT_FIELDS):
            counts["not_published"] += 1
        for r in rows:
            values = {
                "value": r.value,
                "code": r.code,
                "lower": r.lower,
                "upper": r.upper,
                "banding": r.banding,
                "source": label,
            }
            current = existing.get((academy.pk, r.field))
            if current is None:
                PublishedResult.objects.create(
                    trust=trust, academy=academy, year=year, field=r.field, **values
                )
                counts["created"] += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    counts["comparison_schools"] = comparison_schools_store(
        trust=trust, parsed=parsed, year=year, source=source
    )
    audit_record(
        actor=actor,
        action="published_results.import",
        changes={**counts, "year": year, "source": source, "kind": parsed.kind},
        trust_id=trust.pk,
    )
    return counts


def comparison_schools_store(
    *, trust: Trust, parsed: PerformanceFile, year: str, source: str
) -> int:
    """Keep the file's schools (every school with its four context figures) for similar
    schools, replacing this trust's rows of the same kind and year: re-importing the same file
    gives the same rows. Returns how many are kept (0 when the file has no context columns,
    as DfE's headline download has not)."""
    if parsed.kind not in similar.CONTEXT_FIELDS:
        return 0
    academy_urns = {urn: ac for ac, urn in parsed.predecessors.items()}
    cohort_field = similar.COHORT_FIELD[parsed.kind]
    rows = []
    for urn, published in parsed.schools.items():
        numbers = {r.field: r.value for r in published if r.value is not None}
        context = similar.context_from(parsed.kind, numbers)
        if any(v is None for v in context.values()):
            continue
        cohort = numbers.get(cohort_field)
        rows.append(
            ComparisonSchool(
                trust=trust,
                kind=parsed.kind,
                year=year,
                urn=urn,
                academy_urn=academy_urns.get(urn, ""),
                name=(published[0].school if published else "")[:200],
                record_type=parsed.record_types.get(urn, "1")[:2],
                cohort=int(cohort) if cohort is not None else None,
                figures={
                    f: numbers[f] for f, _, _ in similar.MEASURES[parsed.kind] if f in numbers
                },
                source=source[:200],
                **{c: float(v) for c, v in context.items() if v is not None},
            )
        )
    ComparisonSchool.objects.filter(trust=trust, kind=parsed.kind, year=year).delete()
    ComparisonSchool.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _check_target(
    membership: Membership, academy: Academy | None, kpi_code: str, academic_year: str, value: float
) -> None:
    if not membership.can("targets.edit"):
        raise PermissionDenied("Your role does not set targets.")
    if academy is not None and academy.trust_id != membership.trust_id:
        raise PermissionDenied("That academy is not in this trust.")
    errors: dict[str, str] = {}
    if kpi_code not in KPIS:
        errors["kpi_code"] = "Choose a KPI from the catalogue."
    try:
        AcademicYear.parse(academic_year or "")
    except TermError:
        errors["academic_year"] = "Enter the academic year like 2025-26."
    top = 100 if kpi_code in KPIS and KPIS[kpi_code].unit == "%" else 90
    if not 0 <= value <= top:
        errors["value"] = f"Enter a target from 0 to {top}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def kpi_target_set(
    *,
    actor: User | None,
    membership: Membership,
    academy: Academy | None,
    kpi_code: str,
    academic_year: str,
    value: float,
) -> KpiTarget:
    """Create or change the target for a KPI and year (trust-wide when academy is None).

    Trust leaders and admins only (`targets.edit`); the old and new value are audited."""
    _check_target(membership, academy, kpi_code, academic_year, value)
    # No default ordering here: it joins academies (an outer join), which FOR UPDATE refuses.
    target = (
        KpiTarget.objects.select_for_update()
        .filter(
            trust_id=membership.trust_id,
            academy=academy,
            kpi_code=kpi_code,
            academic_year=academic_year,
        )
        .order_by("pk")
        .first()
    )
    old = target.value if target else None
    if target is None:
        target = KpiTarget.objects.create(
            trust_id=membership.trust_id,
            academy=academy,
            kpi_code=kpi_code,
            academic_year=academic_year,
            value=value,
            set_by=actor,
        )
    elif old != value:
        target.value, target.set_by = value, actor
        target.save()
    if old != value:
        audit_record(
            actor=actor,
            action="kpi_target.set",
            target=target,
            trust_id=membership.trust_id,
            changes={
                "kpi": kpi_code,
                "year": academic_year,
                "academy": academy.urn if academy else None,
                "value": [old, value],
            },
        )
    return target


@transaction.atomic
def kpi_target_update(
    *, actor: User | None, membership: Membership, target: KpiTarget, value: float
) -> KpiTarget:
    _check_target(membership, target.academy, target.kpi_code, target.academic_year, value)
    if target.value != value:
        old = target.value
        target.value, target.set_by = value, actor
        target.save()
        audit_record(
            actor=actor,
            action="kpi_target.set",
            target=target,
            trust_id=membership.trust_id,
            changes={
                "kpi": target.kpi_code,
                "year": target.academic_year,
                "academy": target.academy.urn if target.academy else None,
                "value": [old, value],
            },
        )
    return target


@transaction.atomic
def kpi_target_delete(*, actor: User | None, membership: Membership, target: KpiTarget) -> None:
    if not membership.can("targets.edit"):
        raise PermissionDenied("Your role does not set targets.")
    audit_record(
        actor=actor,
        action="kpi_target.delete",
        target=target,
        trust_id=membership.trust_id,
        changes={
            "kpi": target.kpi_code,
            "year": target.academic_year,
            "academy": target.academy.urn if target.academy else None,
            "value": [target.value, None],
        },
    )
    target.delete()


@transaction.atomic
def national_benchmarks_load(*, rows: list[BenchmarkRow]) -> dict[str, int]:
    """Insert or update national figures by (kpi, year); loading the same file twice changes
    nothing. Operator action: national figures belong to no trust, so no trust audit row."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {(b.kpi_code, b.year): b for b in NationalBenchmark.objects.select_for_update()}
    for row in rows:
        # A national other-pupils figure is kept under "kpi:non_disadvantaged" (benchmark_key).
        current = existing.get((row.key, row.year))
        if current is None:
            NationalBenchmark.objects.create(
                kpi_code=row.key, year=row.year, value=row.value, source=row.source
            )
            counts["created"] += 1
        elif (current.value, current.source) != (row.value, row.source):
            current.value, current.source = row.value, row.source
            current.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
