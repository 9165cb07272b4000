"""Professional development: priorities, programmes, sessions, enrolments, NPQs, evaluations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from trust_si.tenancy.models import TenantModel


class Domain(models.TextChoices):
    ACQUIRING = "acquiring", "Acquiring knowledge"
    APPLYING = "applying", "Applying it in the classroom"
    ASSESSING = "assessing", "Assessing impact"
    SHARING = "sharing", "Sharing what works"
    LEADERSHIP = "leadership", "Leadership development"


class Format(models.TextChoices):
    TRAINING = "training", "Training"
    COACHING = "coaching", "Coaching"
    INSTRUCTIONAL_COACHING = "instructional_coaching", "Instructional coaching"
    OBSERVATION = "observation", "Observation"
    LESSON_STUDY = "lesson_study", "Lesson study"
    PEER_REVIEW = "peer_review", "Peer review"
    SUBJECT_NETWORK = "subject_network", "Subject network"
    MASTERCLASS = "masterclass", "Masterclass"
    NPQ = "npq", "NPQ"


class SchoolRole(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    MIDDLE_LEADER = "middle_leader", "Middle leader"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    HEAD = "head", "Head teacher"
    TA = "ta", "Teaching assistant"
    OTHER = "other", "Other"


class AttendanceStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Absent"
    CANCELLED = "cancelled", "Cancelled"


class Priority(TenantModel):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # KPI catalogue codes (assessment.kpis) this priority is measured by, e.g. ["ks2_rwm_exp"].
    kpi_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class Programme(TenantModel):
    title = models.CharField(max_length=200)
    domain = models.CharField(max_length=32, choices=Domain.choices)
    format = models.CharField(max_length=32, choices=Format.choices)
    description = models.TextField(blank=True)
    priorities = models.ManyToManyField(Priority, blank=True, related_name="programmes")
    kpi_codes = models.JSONField(default=list, blank=True)
    academies = models.ManyToManyField(
        "academies.Academy",
        blank=True,
        related_name="cpd_programmes",
        help_text="The academies whose KPIs the programme targets.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Session(TenantModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.ForeignKey(
        "partnerships.PartnerOrganisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cpd_sessions",
    )
    # The academy whose staff lead it: a Sustain academy leading counts as capacity given.
    leading_academy = models.ForeignKey(
        "academies.Academy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    capacity = models.PositiveIntegerField(default=30)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_times"
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.programme}: {self.starts_at:%d %b %Y}"


class Enrolment(TenantModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    academy = models.ForeignKey("academies.Academy", on_delete=models.CASCADE, related_name="+")
    school_role = models.CharField(max_length=32, choices=SchoolRole.choices)
    status = models.CharField(
        max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.BOOKED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["participant__full_name", "participant__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "session", "participant"], name="one_enrolment_per_session"
            )
        ]

    @property
    def attended(self) -> bool:
        return self.status == AttendanceStatus.ATTENDED


class Evaluation(TenantModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="evaluations")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "session", "participant"], name="one_evaluation_per_session"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="evaluation_rating_1_5"
            ),
        ]


class NpqProgramme(models.TextChoices):
    NPQSL = "NPQSL", "NPQ Senior Leadership"
    NPQH = "NPQH", "NPQ Headship"
    NPQLT = "NPQLT", "NPQ Leading Teaching"
    NPQLTD = "NPQLTD", "NPQ Leading Teacher Development"
    NPQLBC = "NPQLBC", "NPQ Leading Behaviour and Culture"
    NPQLL = "NPQLL", "NPQ Leading Literacy"
    NPQLPM = "NPQLPM", "NPQ Leading Primary Mathematics"
    NPQEL = "NPQEL", "NPQ Executive Leadership"
    NPQEYL = "NPQEYL", "NPQ Early Years Leadership"
    NPQSENCO = "NPQSENCO", "NPQ for SENCOs"


class NpqStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Npq(TenantModel):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    academy = models.ForeignKey("academies.Academy", on_delete=models.CASCADE, related_name="+")
    programme = models.CharField(max_length=16, choices=NpqProgramme.choices)
    provider = models.CharField(max_length=200)
    # The provider's cohort in its own words; a term is written as people read it everywhere.
    cohort = models.CharField(max_length=20, help_text="For example, Autumn term 2025-26")
    status = models.CharField(max_length=16, choices=NpqStatus.choices, default=NpqStatus.APPLIED)

    class Meta:
        ordering = ["cohort", "programme"]
        verbose_name = "NPQ"
        verbose_name_plural = "NPQs"

    def __str__(self) -> str:
        return f"{self.get_programme_display()}: {self.person}"
