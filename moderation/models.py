"""Moderation rounds: a sample of teacher judgements that moderators from other schools (or
county and LA moderators) judge blind, the agreed outcomes, and comparative-judgement choices."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from academies.models import Academy
from assessment.frameworks.models import FrameworkSubject, Level, TeacherJudgement
from assessment.models import Term
from partnerships.models import Commission, PartnerOrganisation
from trust_si.tenancy.models import TenantModel
from visits.models import Visit

MODERATION_VISIT_TYPE = "moderation"  # visits' built-in "Cross-school moderation" type


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Being set up"
    OPEN = "open", "Open for moderation"
    CLOSED = "closed", "Finished"


class RoundMethod(models.TextChoices):
    BLIND = "blind", "Blind second marking"
    COMPARATIVE = "comparative", "Comparative judgement"


class Round(TenantModel):
    name = models.CharField(max_length=150)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=16, choices=FrameworkSubject.choices)
    year_groups = models.JSONField(default=list)  # ["2", "6"]
    academies = models.ManyToManyField(Academy, related_name="moderation_rounds")
    method = models.CharField(max_length=12, choices=RoundMethod.choices, default=RoundMethod.BLIND)
    deadline = models.DateField(null=True, blank=True)
    # The Standards Moderation Leader: settles disagreements, records agreed judgements.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    share = models.FloatField(default=0.15)
    minimum = models.PositiveSmallIntegerField(default=3)
    seed = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    # Moderation visits (the existing visit type) made for this round.
    visits = models.ManyToManyField(Visit, blank=True, related_name="moderation_rounds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Moderator(TenantModel):
    """A moderator of a round: a user of the trust (from another school or tier), or an external
    county / LA moderator, linked to the partner and commission whose days the round uses."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="moderators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    external_name = models.CharField(max_length=150, blank=True)
    home_academy = models.ForeignKey(
        Academy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.ForeignKey(
        PartnerOrganisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commission = models.ForeignKey(
        Commission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Days on the round besides its linked moderation visits (whose days the visits carry): the
    # central moderation day, reviews done at a hub. A commissioned moderator's days count
    # against the commission at `days_academy`, since commissions count days per school.
    days = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    days_academy = models.ForeignKey(
        Academy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "round", "user"], name="moderator_once")
        ]

    def __str__(self) -> str:
        if self.user is not None:
            return self.user.display_name
        return self.external_name


class SampleItem(TenantModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    judgement = models.ForeignKey(TeacherJudgement, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()  # "Piece 7": all a blind moderator is told
    school_level = models.CharField(max_length=3, choices=Level.choices)  # as drawn
    agreed_level = models.CharField(max_length=3, choices=Level.choices, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_reason = models.CharField(max_length=300, blank=True)
    # A piece of known standard that places the comparative-judgement scale.
    anchor_level = models.CharField(max_length=3, choices=Level.choices, blank=True)

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "round", "judgement"], name="sample_once"),
            models.UniqueConstraint(fields=["trust", "round", "number"], name="sample_number"),
        ]

    def __str__(self) -> str:
        return f"Piece {self.number}"

    # The levels in the words of the framework the piece was judged against (a trust's own
    # level names included): the codes are compared, the names are shown.
    @property
    def school_level_name(self) -> str:
        return self.judgement.version.level_name(self.school_level)

    @property
    def agreed_level_name(self) -> str:
        return self.judgement.version.level_name(self.agreed_level)


class Review(TenantModel):
    """One moderator's blind judgement of one sampled piece."""

    item = models.ForeignKey(SampleItem, on_delete=models.CASCADE, related_name="reviews")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=3, choices=Level.choices)
    secure = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "item", "moderator"], name="review_once")
        ]

    @property
    def level_name(self) -> str:
        return self.item.judgement.version.level_name(self.level)


class Comparison(TenantModel):
    """A comparative judgement: of two pieces, the judge picked `winner`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="comparisons")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    winner = models.ForeignKey(SampleItem, on_delete=models.CASCADE, related_name="+")
    loser = models.ForeignKey(SampleItem, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
