"""School improvement planning: self-evaluation (SEF), improvement plans reviewed half-termly,
and the trust's risk register."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from academies.models import Academy, InspectionArea, ReportCardGrade
from trust_si.tenancy.models import TenantModel
from trust_si.terms import TermCode


class SelfEvaluation(TenantModel):
    """An academy's SEF for one term: its own judgement per area on the report-card scale."""

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="sefs")
    term_code = models.CharField(max_length=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academy__name", "-term_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "term_code"], name="one_sef_per_academy_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.academy} SEF, {TermCode.parse(self.term_code).label}"


class SefEntry(TenantModel):
    sef = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="entries")
    area = models.CharField(max_length=32, choices=InspectionArea.choices)
    grade = models.CharField(max_length=32, choices=ReportCardGrade.choices)
    narrative = models.TextField(blank=True)
    evidence = models.TextField(blank=True, help_text="Links to KPIs, visits, uploads, rounds.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "sef", "area"], name="one_sef_entry_per_area")
        ]


class EvidenceKind(models.TextChoices):
    KPI = "kpi", "KPI"
    VISIT = "visit", "Visit"
    UPLOAD = "upload", "Upload"
    ROUND = "round", "Moderation round"


class SefEvidence(TenantModel):
    """A typed link from a SEF entry to evidence already in trust-si: one of a KPI (by its
    catalogue code), a visit, an upload or a moderation round, each the same academy's."""

    entry = models.ForeignKey(SefEntry, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    kpi_code = models.CharField(max_length=32, blank=True)
    visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    upload = models.ForeignKey(
        "assessment.Upload", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(
        "moderation.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["kind", "id"]
        verbose_name_plural = "SEF evidence links"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="kpi",
                        visit__isnull=True,
                        upload__isnull=True,
                        round__isnull=True,
                    )
                    & ~models.Q(kpi_code="")
                )
                | models.Q(
                    kind="visit",
                    kpi_code="",
                    visit__isnull=False,
                    upload__isnull=True,
                    round__isnull=True,
                )
                | models.Q(
                    kind="upload",
                    kpi_code="",
                    visit__isnull=True,
                    upload__isnull=False,
                    round__isnull=True,
                )
                | models.Q(
                    kind="round",
                    kpi_code="",
                    visit__isnull=True,
                    upload__isnull=True,
                    round__isnull=False,
                ),
                name="sef_evidence_one_target",
            )
        ]

    @property
    def ref(self) -> str:
        """The form's value for this link: "kpi:<code>", "visit:<pk>", "upload:<pk>"..."""
        if self.kind == EvidenceKind.KPI:
            return f"kpi:{self.kpi_code}"
        return f"{self.kind}:{getattr(self, f'{self.kind}_id')}"


class ImprovementPlan(TenantModel):
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="plans")
    academic_year = models.CharField(max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["academy__name", "-academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "academic_year"], name="one_plan_per_academy_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.academy} improvement plan {self.academic_year}"


class PlanPriority(TenantModel):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    departure = models.TextField(help_text="Where the school is now (its departure point).")
    arrival = models.TextField(help_text="Where it will be (its arrival point).")
    kpi_code = models.CharField(max_length=32, blank=True)
    target = models.FloatField(null=True, blank=True)
    # The trust priority (set by leaders) this academy priority serves.
    trust_priority = models.ForeignKey(
        "cpd.Priority", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support = models.TextField(blank=True, help_text="Other trust support, in words.")
    # The trust support allocated, picked from the academy's own options
    # (`selectors.support_options`): "offer:<phase>:<n>", "programme:<pk>", "commission:<pk>",
    # "arrangement:<pk>". Checked by `services.support_check`; shown as words.
    support_refs = models.JSONField(default=list, blank=True)
    success_criteria = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "plan priorities"

    def __str__(self) -> str:
        return self.title


class PlanAction(TenantModel):
    priority = models.ForeignKey(PlanPriority, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    done = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    visit_action = models.ForeignKey(
        "visits.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]


class Rag(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class PlanReview(TenantModel):
    """A half-termly review of one priority by the officer and the head."""

    priority = models.ForeignKey(PlanPriority, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    rag = models.CharField(max_length=16, choices=Rag.choices)
    evidence = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-id"]


class RiskCategory(models.TextChoices):
    ACHIEVEMENT = "achievement", "Achievement"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    LEADERSHIP = "leadership", "Leadership"
    FINANCE = "finance", "Finance"
    STAFFING = "staffing", "Staffing"
    ESTATES = "estates", "Estates"


class RiskStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    CLOSED = "closed", "Closed"


class Risk(TenantModel):
    """A risk for one academy (or the trust when academy is empty): likelihood x impact."""

    academy = models.ForeignKey(
        Academy, null=True, blank=True, on_delete=models.CASCADE, related_name="risks"
    )
    category = models.CharField(max_length=16, choices=RiskCategory.choices)
    title = models.CharField(max_length=200)
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    owner = models.CharField(max_length=200, blank=True)
    mitigations = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    # Where a suggestion came from ("placement:12", "heatmap:2025-26-summer:ks2_rwm_exp"), so
    # recomputing suggests each once; its source in words is shown beside it.
    source_ref = models.CharField(max_length=80, blank=True)
    source = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="one_risk_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5
                ),
                name="risk_scales_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        """Words for the score (5x5 matrix): 1-4 low, 5-9 medium, 10-16 high, 20-25 very high."""
        s = self.score
        return "Low" if s <= 4 else "Medium" if s <= 9 else "High" if s <= 16 else "Very high"


class RiskReview(TenantModel):
    """The history of a risk: each change of scores or status, with a note."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="history")
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=RiskStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class TrustPillar(models.TextChoices):
    # DfE, Trust Quality Descriptors (2023): the five pillars.
    EDUCATION = "education", "High-quality and inclusive education"
    SCHOOL_IMPROVEMENT = "school_improvement", "School improvement"
    WORKFORCE = "workforce", "Workforce"
    FINANCE = "finance", "Finance and operations"
    GOVERNANCE = "governance", "Governance and leadership"


class DescriptorRating(models.TextChoices):
    STRONG = "strong", "Strong: the descriptor is met across the trust"
    DEVELOPING = "developing", "Developing: met in part, with a plan"
    WEAK = "weak", "Weak: not yet met"


class TrustSelfAssessment(TenantModel):
    """The trust's own assessment, twice a year (autumn and summer), against the statements it
    enters under DfE's trust quality descriptor pillars."""

    term_code = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-term_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "term_code"], name="one_trust_assessment_per_term"
            )
        ]


class TrustStatement(TenantModel):
    assessment = models.ForeignKey(
        TrustSelfAssessment, on_delete=models.CASCADE, related_name="statements"
    )
    pillar = models.CharField(max_length=24, choices=TrustPillar.choices)
    statement = models.CharField(max_length=500)
    rating = models.CharField(max_length=16, choices=DescriptorRating.choices)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["pillar", "id"]
