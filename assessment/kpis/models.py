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

    # The benchmark key: KPI, national group and period ("persistent_absence:non_disadvantaged
    # @autumn" is 44 characters).
    kpi_code = models.CharField(max_length=60)
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


class KpiFigureSet(TenantModel):
    """Whether a trust's stored KPI figures are current. One row per trust.

    `built` is cleared in the same transaction as any change to the trust's pupil data (an upload
    confirmed or restored, an erasure, retention), so a reader never takes figures older than
    the data it could see. `basis` fingerprints what else the figures depend on (the disclosure
    threshold, the active academies and their phases of education, the catalogue): a mismatch
    means rebuild. The row is locked while the figures are rebuilt, so the rebuild and a data
    change are ordered one after the other.
    """

    built = models.BooleanField(default=False)
    basis = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust"], name="kpi_figure_set_one_per_trust")
        ]

    def __str__(self) -> str:
        return f"KPI figures of trust {self.trust_id}: {'built' if self.built else 'to build'}"


class KpiFigureCell(TenantModel):
    """One disclosed KPI figure: academy (or the trust, or a phase of education) x term x KPI x
    pupil group, as `kpis.disclosure` left it. A suppressed figure is stored with no value and a
    cohort of 0: the hidden count is never written. National figures and targets are not
    stored; they change on their own and are joined when the figures are read."""

    academy = models.ForeignKey(
        Academy, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    education = models.CharField(max_length=30, blank=True)  # set on a phase-of-education row
    term_code = models.CharField(max_length=20)
    kpi_code = models.CharField(max_length=40)
    group = models.CharField(max_length=30)
    value = models.FloatField(null=True, blank=True)
    cohort = models.PositiveIntegerField()
    suppression = models.CharField(max_length=10, blank=True)  # "", "primary", "secondary"
    # The order the computation produced (term, KPI, academy, group): kept so every reader lists
    # the figures as the computed table did.
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["trust", "term_code", "group"], name="kpi_cell_term_group")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suppression="") | models.Q(cohort=0, value__isnull=True),
                name="kpi_cell_suppressed_has_no_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi_code} {self.term_code} {self.group}"
