"""Assessment frameworks (a grid per subject and year group, in versions) and the teacher
judgements made against them. Writing first; reading uses the same models unchanged."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from academies.models import Academy
from assessment.models import Pupil, Term, Upload
from trust_si.tenancy.models import TenantModel
from trust_si.tenancy.storage import TenantUploadTo

from .rules import LEVEL_LABELS, standard_levels, standard_of


class FrameworkSubject(models.TextChoices):
    WRITING = "writing", "Writing"
    READING = "reading", "Reading"


class Level(models.TextChoices):
    WTS = "WTS", LEVEL_LABELS["WTS"]
    EXS = "EXS", LEVEL_LABELS["EXS"]
    GDS = "GDS", LEVEL_LABELS["GDS"]


class Framework(TenantModel):
    """One per trust, subject and year group; its content lives in versions."""

    subject = models.CharField(max_length=16, choices=FrameworkSubject.choices)
    year_group = models.CharField(max_length=3)  # "1".."11", as enrolments hold it

    class Meta:
        ordering = ["subject", "year_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "subject", "year_group"], name="framework_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Year {self.year_group} {self.get_subject_display().lower()}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class FrameworkVersion(TenantModel):
    """A draft is edited; a published version never changes (services refuse it)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # The working party that wrote it, as names (they need not be users of trust-si).
    authors = models.CharField(max_length=500, blank=True)
    allow_one_weakness = models.BooleanField(default=False)
    # The framework's levels, lowest first, as [code, name, marker]: DfE's WTS / EXS / GDS by
    # default, or the trust's own (rules.parse_levels). The markers name the expected and
    # greater-depth levels, through which the KPIs read any framework on DfE's scale.
    levels = models.JSONField(default=standard_levels)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "framework", "number"], name="framework_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework}, version {self.number} ({self.get_status_display().lower()})"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def statement_levels(self) -> list[tuple[str, str]]:
        return [(s.code, s.level) for s in self.statements.order_by("strand__order", "order")]

    @property
    def level_codes(self) -> list[str]:
        return [row[0] for row in self.levels]

    @property
    def level_choices(self) -> list[tuple[str, str]]:
        return [(row[0], row[1]) for row in self.levels]

    def level_name(self, code: str) -> str:
        return next((row[1] for row in self.levels if row[0] == code), code)

    def expected_code(self) -> str:
        return next((row[0] for row in self.levels if row[2] == "expected"), "EXS")


class Strand(TenantModel):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="strands")
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Statement(TenantModel):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="statements"
    )
    strand = models.ForeignKey(Strand, on_delete=models.CASCADE, related_name="statements")
    code = models.CharField(max_length=12)  # "EXS3": unique within the version
    level = models.CharField(max_length=3, choices=Level.choices)
    text = models.CharField(max_length=400)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["strand__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "version", "code"], name="statement_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class Independence(models.TextChoices):
    INDEPENDENT = "independent", "Independent"
    SCAFFOLDED = "scaffolded", "Scaffolded"


class TeacherJudgement(TenantModel):
    """A teacher's judgement of one pupil in one subject for one term, against one version.

    Keyed by the pupil's pseudonymous key, so it follows the pupil from first to middle to high
    school inside the trust.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="teacher_judgements")
    academy = models.ForeignKey(
        Academy, on_delete=models.CASCADE, related_name="teacher_judgements"
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="teacher_judgements")
    subject = models.CharField(max_length=16, choices=FrameworkSubject.choices)
    year_group = models.CharField(max_length=3)
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="teacher_judgements"
    )
    secure = models.TextField(blank=True)  # statement codes, space-separated, sorted
    independence = models.CharField(
        max_length=12, choices=Independence.choices, default=Independence.INDEPENDENT
    )
    source_subject = models.CharField(max_length=32, blank=True)  # writing across the curriculum
    proposed = models.CharField(max_length=3, choices=Level.choices)
    level = models.CharField(max_length=3, choices=Level.choices)
    reason = models.CharField(max_length=300, blank=True)  # why level differs from proposed
    upload = models.ForeignKey(Upload, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "pupil", "term", "subject"], name="one_judgement_per_term"
            )
        ]
        indexes = [models.Index(fields=["trust", "academy", "term", "subject"])]

    @property
    def secure_codes(self) -> list[str]:
        return self.secure.split()

    @property
    def overridden(self) -> bool:
        return self.level != self.proposed

    @property
    def level_name(self) -> str:
        """The level in the framework's own words (a trust's own level names included)."""
        return self.version.level_name(self.level)

    @property
    def proposed_name(self) -> str:
        return self.version.level_name(self.proposed)

    @property
    def standard(self) -> str:
        """WTS, EXS or GDS: what the level stands for on DfE's scale (the KPIs' reading)."""
        return standard_of(self.version.levels, self.level)


class Piece(TenantModel):
    """A piece of writing behind a judgement: PDF or image, checked by content, never by URL."""

    judgement = models.ForeignKey(TeacherJudgement, on_delete=models.CASCADE, related_name="pieces")
    file = models.FileField(upload_to=TenantUploadTo("pieces"))
    content_type = models.CharField(max_length=32)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class ModerationAgreement(TenantModel):
    """One academy's agreement with the moderators in one closed blind moderation round.

    A read model: the moderation app writes it when a round closes (`moderation_agreement_replace`)
    and the heat map's "assessment accuracy" cell reads it. The heat map sits in phases, below
    moderation, so it cannot read rounds; both may read the assessment layer. The round is named
    by its id and name, not a foreign key, for the same reason.
    """

    round_ref = models.PositiveIntegerField()  # the moderation round's id
    round_name = models.CharField(max_length=200)
    academy = models.ForeignKey(
        Academy, on_delete=models.CASCADE, related_name="moderation_agreements"
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=16, choices=FrameworkSubject.choices)
    moderated = models.PositiveIntegerField()  # pieces with a moderated judgement
    agreed = models.PositiveIntegerField()  # of which the school's judgement was the same
    generous = models.PositiveIntegerField(default=0)  # the school's was above the moderated one
    severe = models.PositiveIntegerField(default=0)  # ... below it
    closed_at = models.DateTimeField()

    class Meta:
        ordering = ["-closed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "round_ref", "academy"], name="one_agreement_per_round_academy"
            )
        ]
