"""Published results (DfE performance tables), KPI targets and loaded national benchmarks."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from academies.models import Academy
from trust_si.tenancy.models import TenantModel


class PublishedResult(TenantModel):
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="published_results")
    year = models.CharField(max_length=7)  # "2018-19"
    field = models.CharField(max_length=40)  # DfE's own field name: P8MEA, READPROG, PTRWM_EXP...
    value = models.FloatField(null=True, blank=True)
    # DfE's code when no number was published (SUPP, NE, NP, LOWCOV, NA...): never a number.
    code = models.CharField(max_length=12, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    # DfE's banding as published: P8_BANDING 1-5 or SUPP; READPROG_DESCR text for KS2.
    banding = models.CharField(max_length=60, blank=True)
    source = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academy__name", "-year", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "year", "field"], name="published_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.academy} {self.year} {self.field}"


class KpiTarget(TenantModel):
    """A trust's target for one KPI in one academic year: trust-wide (academy None) or for one
    academy, which then takes precedence over the trust-wide one. Targets are for all pupils."""

    academy = models.ForeignKey(
        Academy, null=True, blank=True, on_delete=models.CASCADE, related_name="kpi_targets"
    )
    kpi_code = models.CharField(max_length=40)
    academic_year = models.CharField(max_length=7)  # "2025-26"
    value = models.FloatField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academic_year", "kpi_code", "academy__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "kpi_code", "academic_year"],
                name="kpi_target_unique_academy",
            ),
            # NULLs are distinct in a unique index: one trust-wide target needs its own rule.
            models.UniqueConstraint(
                fields=["trust", "kpi_code", "academic_year"],
                condition=models.Q(academy__isnull=True),
                name="kpi_target_unique_trust_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_code} {self.academic_year} target {self.value:g}"


class NationalBenchmark(models.Model):
    """A national figure loaded by the operator (`manage.py load_benchmarks`), layered over the
    shipped CSV: the same (kpi, year) here wins. National figures are the same for every trust,
    so this table is deliberately not tenant-owned."""

    kpi_code = models.CharField(max_length=40)
    year = models.CharField(max_length=7)
    value = models.FloatField()
    source = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kpi_code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi_code", "year"], name="national_benchmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kpi_code} {self.year}: {self.value:g}"


class ComparisonSchool(TenantModel):
    """One school's row of a DfE national file the trust imported, kept for similar schools:
    its context (prior attainment, disadvantage, SEND, size) and its published school-level
    figures (numbers only; DfE's codes are no figure). Published data, no pupil data.

    Tenant-owned on purpose, though DfE publishes the same file for everyone: each trust's
    comparison comes from the files it imported itself, so no trust's upload (a file edited
    before upload, a wrong year) can change what another trust is shown."""

    kind = models.CharField(max_length=3)  # "ks2" or "ks4"
    year = models.CharField(max_length=7)
    urn = models.CharField(max_length=10)
    academy_urn = models.CharField(max_length=10, blank=True)  # DfE's URN_AC (converter)
    name = models.CharField(max_length=200)
    record_type = models.CharField(max_length=2)  # DfE's RECTYPE: 1 mainstream, 2 special
    prior_attainment = models.FloatField()
    pct_disadvantaged = models.FloatField()
    pct_send = models.FloatField()
    pupils = models.FloatField()
    cohort = models.IntegerField(null=True, blank=True)  # TPUP (KS4) or TELIG (KS2)
    figures = models.JSONField(default=dict)  # DfE field -> number as published
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "-year", "urn"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "kind", "year", "urn"], name="comparison_school_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.urn}"
