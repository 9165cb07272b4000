"""Termly governor reports: versions built from a frozen snapshot, and batches of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from academies.models import Academy
from trust_si.tenancy.models import TenantModel
from trust_si.tenancy.storage import TenantUploadTo
from trust_si.terms import term_label

# Term codes sort as text in time order ("2025-26-autumn" < "-spring" < "-summer" <
# "2026-27-autumn"), so a database ORDER BY term_code is chronological.


class ReportKind(models.TextChoices):
    ACADEMY = "academy", "Academy termly report (local governing body)"
    TRUST = "trust", "Trust board report"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    GENERATING = "generating", "Generating"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportBatch(TenantModel):
    """Every academy's report (and the board's) for one term, generated as a Celery group."""

    term_code = models.CharField(max_length=20)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Reports for {term_label(self.term_code)}"

    @property
    def progress(self) -> int:
        return 100 if not self.total else round(100 * (self.done + self.failed) / self.total)


class Report(TenantModel):
    """One version of a report. The snapshot is the data it was built from, frozen."""

    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    academy = models.ForeignKey(
        Academy, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    term_code = models.CharField(max_length=20)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    snapshot = models.JSONField(default=dict, blank=True)
    # What the head and the improvement officer wrote before generation ({"head": ..,
    # "officer": ..}); copied into the snapshot, so the PDF and every re-render carry it.
    commentary = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to=TenantUploadTo("reports"), blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    batch = models.ForeignKey(
        ReportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker last claimed it: a report generating far past its time limit lost its
    # worker, and the sweeper (services.report_sweep) queues it again or ends it with a reason.
    claimed_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["term_code", "academy__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "kind", "academy", "term_code", "version"],
                name="report_version_unique",
            ),
            models.UniqueConstraint(
                fields=["trust", "kind", "term_code", "version"],
                condition=models.Q(academy__isnull=True),
                name="trust_report_version_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="academy", academy__isnull=False)
                    | models.Q(kind="trust", academy__isnull=True)
                ),
                name="report_kind_matches_academy",
            ),
        ]

    def __str__(self) -> str:
        subject = self.academy.name if self.academy else "Trust board"
        return f"{subject} report, {term_label(self.term_code)}, version {self.version}"

    @property
    def title(self) -> str:
        subject = self.academy.name if self.academy else "Trust board"
        return f"{subject}: termly report, {term_label(self.term_code)}"

    @property
    def filename(self) -> str:
        subject = self.academy.urn if self.academy else "trust-board"
        return f"report-{subject}-{self.term_code}-v{self.version}.pdf"
