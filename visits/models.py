"""Visits by improvement officers (and partners), their judgements and actions, and the
monitoring programme that says how many visits each academy should have each term."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from academies.models import Academy
from phases.models import GRADE_CHOICES, JudgementArea
from trust_si.tenancy.models import TenantModel
from trust_si.terms import Season, TermCode, TermError

DEFAULT_VISIT_TYPES = [
    ("teaching_learning", "Teaching and learning review"),
    ("book_scrutiny", "Book scrutiny"),
    ("learning_walk", "Learning walk"),
    ("pupil_voice", "Pupil voice"),
    ("safeguarding", "Safeguarding review"),
    ("send", "SEND review"),
    ("governance", "Governance review"),
    ("moderation", "Cross-school moderation"),
    ("external", "External review"),
]


class VisitType(TenantModel):
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "code"], name="visit_type_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published to the school"


class Visit(TenantModel):
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="visits")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField()
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    partner = models.ForeignKey(
        "partnerships.PartnerOrganisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    # A partner's visit can count against a commission's days (no double counting on edit).
    commission = models.ForeignKey(
        "partnerships.Commission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    days = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    focus_areas = models.TextField(blank=True)
    evidence = models.TextField("evidence seen", blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    head_response = models.TextField(blank=True)
    head_responded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    autosaved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["trust", "academy", "-date"])]

    def __str__(self) -> str:
        return f"{self.visit_type} at {self.academy} on {self.date:%d %b %Y}"

    @property
    def is_published(self) -> bool:
        return self.status == VisitStatus.PUBLISHED


class VisitJudgement(TenantModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=32, choices=JudgementArea.choices)
    grade = models.CharField(max_length=32, choices=GRADE_CHOICES)

    class Meta:
        ordering = ["area"]
        constraints = [models.UniqueConstraint(fields=["visit", "area"], name="one_grade_per_area")]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_grade_display()}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(TenantModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="visit_actions")
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="Who will do it, e.g. 'Head teacher'.")
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    head_response = models.TextField(blank=True)
    followed_up_at = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="followed_up_actions"
    )
    follow_up_note = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["trust", "status", "due_on"])]

    def __str__(self) -> str:
        return self.description[:80]


class ProgrammeEntry(TenantModel):
    """Visits planned for an academy in one term: generated from its tier, editable."""

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="programme")
    academic_year = models.CharField(max_length=7)  # "2025-26"
    term = models.CharField(max_length=8, choices=[(s.code, s.label) for s in Season])
    visit_type = models.ForeignKey(
        VisitType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned = models.PositiveSmallIntegerField(default=1)
    phase_at_planning = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=200, blank=True)
    # Who makes these visits: an improvement officer (or leader) of the trust.
    owner = models.ForeignKey(
        "accounts.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_entries",
    )

    class Meta:
        ordering = ["academic_year", "term", "academy__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "academic_year", "term", "visit_type"],
                name="one_programme_entry_per_type",
            )
        ]

    def __str__(self) -> str:
        try:
            when = TermCode.of(self.academic_year, self.term).label
        except TermError:
            when = f"{self.term} {self.academic_year}"
        return f"{self.academy}: {self.planned} visit(s) in {when}"


class PlannedVisit(TenantModel):
    """One planned date of a programme entry: on the calendar until it is turned into a visit."""

    entry = models.ForeignKey(
        ProgrammeEntry, on_delete=models.CASCADE, related_name="planned_visits"
    )
    planned_on = models.DateField()
    visit = models.OneToOneField(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="planned_as"
    )

    class Meta:
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["trust", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.entry.academy}: planned visit on {self.planned_on:%d %b %Y}"


class ReminderSent(TenantModel):
    """One reminder per action per day: claimed before sending, so a retry never sends twice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "sent_on"], name="one_reminder_a_day")
        ]
