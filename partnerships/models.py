"""External partners the trust commissions, their commissions and the days they spend."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from trust_si.tenancy.models import TenantModel


class PartnerKind(models.TextChoices):
    CONSULTANCY = "consultancy", "Consultancy"
    ENGLISH_HUB = "english_hub", "DfE English hub"
    MATHS_HUB = "maths_hub", "DfE maths hub"
    RESEARCH_SCHOOL = "research_school", "Research school"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    DIOCESE = "diocese", "Diocese"
    TRUST = "trust", "Another trust"
    ADVISER = "adviser", "Individual adviser"


class KeyArea(models.TextChoices):
    READING = "reading", "Reading"
    ENGLISH = "english", "English"
    MATHS = "maths", "Maths"
    SCIENCE = "science", "Science"
    ART = "art", "Art"
    ICT = "ict", "ICT"
    PE = "pe", "PE"
    EDI = "edi", "Equality, diversity and inclusion"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    CURRICULUM = "curriculum", "Curriculum"
    OTHER = "other", "Other"


class Nature(models.TextChoices):
    SUPPORT = "support", "Support"
    CHALLENGE = "challenge", "Challenge"
    BOTH = "both", "Support and challenge"


class PartnerOrganisation(TenantModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=PartnerKind.choices)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="partner_name_unique_in_trust")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerContact(TenantModel):
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commission(TenantModel):
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="commissions"
    )
    title = models.CharField(max_length=200)
    key_area = models.CharField(max_length=32, choices=KeyArea.choices)
    nature = models.CharField(max_length=16, choices=Nature.choices)
    academies = models.ManyToManyField("academies.Academy", related_name="commissions")
    package = models.TextField(blank=True, help_text="What the partner provides.")
    # "Up to N days per academy": the default; CommissionAllocation overrides it per academy.
    days_per_academy = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("3.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    funding_source = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    objectives = models.TextField(blank=True)
    evidence_of_impact = models.TextField(blank=True)
    # Partner users (role external_partner) who work on this commission; their membership's
    # academies are kept in sync by partnerships.services so academy selectors scope them too.
    partner_members = models.ManyToManyField(
        "accounts.Membership", blank=True, related_name="commissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="commission_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CommissionAllocation(TenantModel):
    """A per-academy override of the commission's days per academy."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="allocations")
    academy = models.ForeignKey("academies.Academy", on_delete=models.CASCADE, related_name="+")
    days = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "commission", "academy"], name="one_allocation_per_academy"
            )
        ]


class ImpactEvidence(TenantModel):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="evidence")
    recorded_on = models.DateField()
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on"]


class Activity(TenantModel):
    """Days a partner spent in one academy. One row per visit (`visit_ref`), never re-added."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="activities")
    academy = models.ForeignKey("academies.Academy", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    days = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    description = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The visit this activity came from ("visits.visit:12"). A visit edited later updates its
    # activity through activity_sync_for_visit; the constraint makes a second row impossible.
    # A reference, not a foreign key: visits sit above partnerships in the layers (a visit
    # records the partner and commission it was made under), so partnerships never import them.
    visit_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "visit_ref"],
                condition=~models.Q(visit_ref=""),
                name="one_activity_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commission} at {self.academy} on {self.date}"

    @property
    def visit_id(self) -> int | None:
        """The id of the visit behind `visit_ref` ("visits.visit:12" -> 12), for links."""
        label, _, pk = self.visit_ref.partition(":")
        return int(pk) if label == "visits.visit" and pk.isdigit() else None
