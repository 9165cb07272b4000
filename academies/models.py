"""Academies of a trust and their inspections."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from trust_si.tenancy.models import TenantModel

from .stages import key_stages_for_ages


class PhaseOfEducation(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    FIRST = "first", "First"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"
    SIXTEEN_PLUS = "16_plus", "16 plus"


# Special schools and alternative provision: DfE leaves them out of mainstream comparisons
# (national attainment, the multi-academy trust performance measures).
SPECIAL_EDUCATION = frozenset({PhaseOfEducation.SPECIAL, PhaseOfEducation.ALTERNATIVE_PROVISION})

_percent = [MinValueValidator(0), MaxValueValidator(100)]


class Academy(TenantModel):
    urn = models.CharField(
        "URN",
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", "A URN is six digits.")],
        help_text="DfE unique reference number (six digits).",
    )
    name = models.CharField(max_length=200)
    phase_of_education = models.CharField(max_length=32, choices=PhaseOfEducation.choices)
    age_low = models.PositiveSmallIntegerField(
        "lowest age", validators=[MinValueValidator(2), MaxValueValidator(19)]
    )
    age_high = models.PositiveSmallIntegerField(
        "highest age", validators=[MinValueValidator(3), MaxValueValidator(25)]
    )
    pupils_on_roll = models.PositiveIntegerField(null=True, blank=True)
    pct_disadvantaged = models.DecimalField(
        "% disadvantaged (pupil premium)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_percent,
    )
    pct_send_support = models.DecimalField(
        "% SEND support",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_percent,
    )
    pct_ehcp = models.DecimalField(
        "% EHCP", max_digits=5, decimal_places=1, null=True, blank=True, validators=_percent
    )
    pct_eal = models.DecimalField(
        "% EAL", max_digits=5, decimal_places=1, null=True, blank=True, validators=_percent
    )
    is_church_school = models.BooleanField("church school (SIAMS)", default=False)
    local_authority = models.CharField(max_length=100, blank=True)
    date_joined = models.DateField("date joined the trust", null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "academies"
        constraints = [
            models.UniqueConstraint(fields=["trust", "urn"], name="academy_urn_unique_in_trust"),
            models.CheckConstraint(
                condition=models.Q(age_high__gt=models.F("age_low")), name="academy_age_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key_stages(self) -> list[str]:
        return key_stages_for_ages(self.age_low, self.age_high)

    @property
    def age_range(self) -> str:
        return f"{self.age_low}–{self.age_high}"


class ReportCardGrade(models.TextChoices):
    EXCEPTIONAL = "exceptional", "Exceptional"
    STRONG = "strong_standard", "Strong standard"
    EXPECTED = "expected_standard", "Expected standard"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    URGENT = "urgent_improvement", "Urgent improvement"


class LegacyGrade(models.IntegerChoices):
    OUTSTANDING = 1, "Outstanding"
    GOOD = 2, "Good"
    REQUIRES_IMPROVEMENT = 3, "Requires improvement"
    INADEQUATE = 4, "Inadequate"


class InspectionArea(models.TextChoices):
    INCLUSION = "inclusion", "Inclusion"
    CURRICULUM_TEACHING = "curriculum_teaching", "Curriculum and teaching"
    ACHIEVEMENT = "achievement", "Achievement"
    ATTENDANCE_BEHAVIOUR = "attendance_behaviour", "Attendance and behaviour"
    PERSONAL_DEVELOPMENT = "personal_development", "Personal development and well-being"
    LEADERSHIP_GOVERNANCE = "leadership_governance", "Leadership and governance"
    EARLY_YEARS = "early_years", "Early years"
    SIXTH_FORM = "sixth_form", "Sixth form"


class KeyJudgement(models.TextChoices):
    """The key judgements of Ofsted's 2019 education inspection framework (graded 1-4)."""

    QUALITY_OF_EDUCATION = "quality_of_education", "Quality of education"
    BEHAVIOUR_ATTITUDES = "behaviour_attitudes", "Behaviour and attitudes"
    PERSONAL_DEVELOPMENT = "personal_development", "Personal development"
    LEADERSHIP_MANAGEMENT = "leadership_management", "Leadership and management"
    EARLY_YEARS = "early_years", "Early years provision"
    SIXTH_FORM = "sixth_form", "Sixth-form provision"


class CategoryOfConcern(models.TextChoices):
    NONE = "", "None"
    SPECIAL_MEASURES = "special_measures", "Special measures"
    SERIOUS_WEAKNESSES = "serious_weaknesses", "Serious weaknesses"


class Inspection(TenantModel):
    """An Ofsted inspection as Ofsted records it.

    legacy: overall effectiveness 1-4, the key judgements, safeguarding effective yes/no;
    graded (September 2024 to November 2025): the key judgements and safeguarding, no overall
    grade; report card (from November 2025): evaluation areas on the five-point scale and
    safeguarding met / not met; ungraded (section 8): safeguarding and any category of concern.
    `safeguarding_met` holds "effective" for the older kinds and "met" for report cards.
    """

    class Kind(models.TextChoices):
        REPORT_CARD = "report_card", "Report card (from November 2025)"
        GRADED = "graded", "Graded, without an overall grade (September 2024 to November 2025)"
        LEGACY = "legacy", "Overall effectiveness (before September 2024)"
        UNGRADED = "ungraded", "Ungraded inspection (section 8)"

    class Source(models.TextChoices):
        MANUAL = "manual", "Recorded by the trust"
        OFSTED = "ofsted", "Ofsted management information"

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    inspected_on = models.DateField()
    # Report card: {area: grade} using InspectionArea / ReportCardGrade values.
    area_grades = models.JSONField(default=dict, blank=True)
    safeguarding_met = models.BooleanField(null=True, blank=True)
    overall_grade = models.PositiveSmallIntegerField(
        choices=LegacyGrade.choices, null=True, blank=True
    )
    # Legacy and graded: {key judgement: 1-4} using KeyJudgement values.
    key_judgements = models.JSONField(default=dict, blank=True)
    category_of_concern = models.CharField(
        max_length=24, choices=CategoryOfConcern.choices, blank=True, default=""
    )
    published_on = models.DateField(null=True, blank=True)
    # A converter academy's latest inspection may be its predecessor school's (another URN).
    is_predecessor = models.BooleanField("predecessor school's inspection", default=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    report_url = models.URLField(blank=True)
    # An ungraded or monitoring inspection's outcome in Ofsted's own words ("School remains
    # Good"): kept as Ofsted wrote it, never read as a grade.
    outcome = models.CharField("Ofsted's outcome", max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-inspected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "inspected_on"], name="one_inspection_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.academy} inspection {self.inspected_on:%d %b %Y}"


def _grade_label(value: str) -> str:
    return dict(ReportCardGrade.choices).get(value, value)


def inspection_area_rows(inspection: Inspection) -> list[tuple[str, str]]:
    """(area, grade) in Ofsted's order, for display."""
    labels = dict(InspectionArea.choices)
    return [
        (labels[a], _grade_label(inspection.area_grades[a]))
        for a in labels
        if a in (inspection.area_grades or {})
    ]


def inspection_headline(inspection: Inspection) -> str:
    """One line for tables: the grade or the safeguarding outcome, and any category of concern."""
    concern = (
        f"; {inspection.get_category_of_concern_display().lower()}"
        if inspection.category_of_concern
        else ""
    )
    prefix = "Predecessor school: " if inspection.is_predecessor else ""
    if inspection.kind == Inspection.Kind.LEGACY:
        return f"{prefix}{inspection.get_overall_grade_display()} (overall effectiveness){concern}"
    if inspection.kind == Inspection.Kind.REPORT_CARD:
        words = {True: "met", False: "not met", None: "not recorded"}
        return f"{prefix}Report card; safeguarding {words[inspection.safeguarding_met]}{concern}"
    words = {True: "effective", False: "not effective", None: "not recorded"}
    kind = "Graded, no overall grade" if inspection.kind == Inspection.Kind.GRADED else "Ungraded"
    return f"{prefix}{kind}; safeguarding {words[inspection.safeguarding_met]}{concern}"


def inspection_key_judgement_rows(inspection: Inspection) -> list[tuple[str, str]]:
    """(key judgement, grade) in the framework's order, for display."""
    labels = dict(KeyJudgement.choices)
    grades = dict(LegacyGrade.choices)
    kj = inspection.key_judgements or {}
    return [(labels[k], str(grades.get(kj[k], kj[k]))) for k in labels if k in kj]


Inspection.area_rows = property(inspection_area_rows)  # type: ignore[attr-defined]
Inspection.headline = property(inspection_headline)  # type: ignore[attr-defined]
Inspection.key_judgement_rows = property(inspection_key_judgement_rows)  # type: ignore[attr-defined]
