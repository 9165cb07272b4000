"""Pupil data: terms, pseudonymous pupils, enrolments with group flags, results, attendance, and
the uploads they came from. No names and no UPNs are ever stored: pupils are HMAC keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from academies.models import Academy
from trust_si.tenancy.models import TenantModel
from trust_si.tenancy.storage import TenantUploadTo
from trust_si.terms import TermCode


class Season(models.TextChoices):
    # The stored values are trust_si.terms.Season codes; TermCode gives their order and labels.
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class Term(TenantModel):
    academic_year = models.CharField(max_length=7)  # "2025-26"
    season = models.CharField(max_length=8, choices=Season.choices)

    class Meta:
        ordering = ["academic_year", "season"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "academic_year", "season"], name="term_unique")
        ]

    def __str__(self) -> str:
        return self.term_code.label

    @property
    def term_code(self) -> TermCode:
        return TermCode.of(self.academic_year, self.season)

    @property
    def code(self) -> str:
        return self.term_code.code


class Pupil(TenantModel):
    key = models.CharField(max_length=64)  # HMAC-SHA256(UPN, trust secret): pseudonymous

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trust", "key"], name="pupil_key_unique")]

    def __str__(self) -> str:
        return f"Pupil {self.key[:8]}"


class UploadKind(models.TextChoices):
    PUPILS = "pupils", "Pupils and groups"
    RESULTS = "results", "Results and teacher assessments"
    ATTENDANCE = "attendance", "Attendance"
    JUDGEMENTS = "judgements", "Teacher judgements (writing, reading)"
    EXCLUSIONS = "exclusions", "Suspensions and permanent exclusions"  # issue 13, i13-4b


class UploadStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    VALIDATING = "validating", "Checking"
    INVALID = "invalid", "Has problems"
    VALID = "valid", "Ready to confirm"
    COMMIT_QUEUED = "commit_queued", "Waiting to be saved"
    COMMITTING = "committing", "Saving…"
    COMMITTED = "committed", "Confirmed"
    UNCHANGED = "unchanged", "Identical to the current data"
    SUPERSEDED = "superseded", "Replaced by a newer upload"
    FAILED = "failed", "Could not be read"


class Upload(TenantModel):
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="uploads")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="uploads")
    kind = models.CharField(max_length=16, choices=UploadKind.choices)
    file = models.FileField(upload_to=TenantUploadTo("uploads"))
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    # Checksum of the validated rows (order-independent): the same data twice changes nothing.
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When this upload last became the slice's current data (a confirm, or a restore).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the save was asked for or started: a save waiting or running far longer than it
    # takes was interrupted (see services.upload_stalled_release).
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["trust", "academy", "term", "kind", "status"])]
        constraints = [
            # One current (committed) upload per slice, held by the database itself: the commit
            # holds the slice's lock, and this refuses a second current upload whatever path
            # wrote it.
            models.UniqueConstraint(
                fields=["trust", "academy", "term", "kind"],
                condition=models.Q(status="committed"),
                name="upload_one_current_per_slice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.academy} ({self.term})"


class ColumnMapping(TenantModel):
    """How an academy's own export names the template's columns, remembered per kind."""

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=UploadKind.choices)
    mapping = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "academy", "kind"], name="mapping_unique")
        ]


class Enrolment(TenantModel):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="enrolments")
    academic_year = models.CharField(max_length=7)
    year_group = models.CharField(max_length=3)
    disadvantaged = models.BooleanField(default=False)
    send = models.CharField(max_length=1, blank=True)  # "", "K" support, "E" EHCP
    eal = models.BooleanField(default=False)
    sex = models.CharField(max_length=1)
    prior_band = models.CharField(max_length=6, blank=True)
    upload = models.ForeignKey(Upload, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "pupil", "academic_year"], name="one_enrolment_per_year"
            )
        ]
        indexes = [models.Index(fields=["trust", "academy", "academic_year"])]


class Result(TenantModel):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="results")
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="results")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="results")
    subject = models.CharField(max_length=32)
    measure = models.CharField(max_length=16)
    value = models.CharField(max_length=8)
    numeric = models.FloatField(null=True, blank=True)
    upload = models.ForeignKey(Upload, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "pupil", "term", "subject", "measure"],
                name="one_result_per_measure",
            )
        ]
        indexes = [models.Index(fields=["trust", "academy", "term", "subject", "measure"])]


class Attendance(TenantModel):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attendance")
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="attendance")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="attendance")
    sessions_possible = models.PositiveIntegerField()
    sessions_missed = models.PositiveIntegerField()
    upload = models.ForeignKey(Upload, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "pupil", "term"], name="one_attendance_per_term"
            )
        ]

    @property
    def absence_pct(self) -> float:
        return (
            100 * self.sessions_missed / self.sessions_possible if self.sessions_possible else 0.0
        )

    @property
    def persistently_absent(self) -> bool:
        return self.absence_pct >= 10


# Secondary and behaviour measures (issue 13, i13-4b) --------------------------------------------
class ExclusionType(models.TextChoices):
    SUSPENSION = "suspension", "Suspension"
    PERMANENT = "permanent", "Permanent exclusion"


class Exclusion(TenantModel):
    """One suspension or permanent exclusion of a pupil, from the academy's upload for the term
    it began in (DfE's school census: the start date, the type and a suspension's length in
    sessions). The pupil is their pseudonymous key, as everywhere."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="exclusions")
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="exclusions")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="exclusions")
    date = models.DateField()
    category = models.CharField(max_length=10, choices=ExclusionType.choices)
    sessions = models.PositiveSmallIntegerField(default=0)  # 0 for a permanent exclusion
    upload = models.ForeignKey(Upload, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "pupil", "date", "category"],
                name="one_exclusion_per_pupil_day_type",
            )
        ]
        indexes = [models.Index(fields=["trust", "academy", "term"])]
