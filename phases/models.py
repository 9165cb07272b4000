"""Judgement records: the qualitative evidence the placement engine reads.

Visits, reviews and inspections write here (through `phases.services.judgement_record`), and
until visits exist leaders and officers can record a judgement directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from academies.models import Academy, InspectionArea, ReportCardGrade
from trust_si.tenancy.models import TenantModel
from trust_si.terms import TermCode

from .heatmap import Cell, cells_from_json


class JudgementArea(models.TextChoices):
    # Ofsted report-card areas, then safeguarding (met / not met), then trust review areas.
    INCLUSION = InspectionArea.INCLUSION.value, InspectionArea.INCLUSION.label
    CURRICULUM_TEACHING = (
        InspectionArea.CURRICULUM_TEACHING.value,
        InspectionArea.CURRICULUM_TEACHING.label,
    )
    ACHIEVEMENT = InspectionArea.ACHIEVEMENT.value, InspectionArea.ACHIEVEMENT.label
    ATTENDANCE_BEHAVIOUR = (
        InspectionArea.ATTENDANCE_BEHAVIOUR.value,
        InspectionArea.ATTENDANCE_BEHAVIOUR.label,
    )
    PERSONAL_DEVELOPMENT = (
        InspectionArea.PERSONAL_DEVELOPMENT.value,
        InspectionArea.PERSONAL_DEVELOPMENT.label,
    )
    LEADERSHIP_GOVERNANCE = (
        InspectionArea.LEADERSHIP_GOVERNANCE.value,
        InspectionArea.LEADERSHIP_GOVERNANCE.label,
    )
    EARLY_YEARS = InspectionArea.EARLY_YEARS.value, InspectionArea.EARLY_YEARS.label
    SIXTH_FORM = InspectionArea.SIXTH_FORM.value, InspectionArea.SIXTH_FORM.label
    SAFEGUARDING = "safeguarding", "Safeguarding"
    SEND = "send", "SEND"


class SafeguardingGrade(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"


# Every grade a judgement may carry: the five-point report-card scale, or safeguarding's two.
GRADE_CHOICES = [*ReportCardGrade.choices, *SafeguardingGrade.choices]


class JudgementSource(models.TextChoices):
    INSPECTION = "inspection", "Ofsted inspection"
    VISIT = "visit", "Visit"
    REVIEW = "review", "Review"
    DIRECT = "direct", "Recorded directly"


class Judgement(TenantModel):
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=32, choices=JudgementArea.choices)
    grade = models.CharField(max_length=32, choices=GRADE_CHOICES)
    judged_on = models.DateField()
    source = models.CharField(max_length=16, choices=JudgementSource.choices)
    # The record it came from ("visits.visit:12"), so the evidence link survives edits.
    source_ref = models.CharField(max_length=64, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-judged_on", "-id"]
        constraints = [
            # One judgement per area per source record: re-saving a visit updates, never adds.
            models.UniqueConstraint(
                fields=["trust", "academy", "area", "source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="one_judgement_per_area_per_source",
            )
        ]
        indexes = [models.Index(fields=["trust", "academy", "area", "-judged_on"])]

    def __str__(self) -> str:
        return f"{self.academy}: {self.get_area_display()} {self.get_grade_display()}"


class PhaseCode(models.TextChoices):
    STABILISE = "stabilise", "Stabilise"
    REPAIR = "repair", "Repair"
    IMPROVE = "improve", "Improve"
    SUSTAIN = "sustain", "Sustain"


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    OVERRIDDEN = "overridden", "Overridden"


class Placement(TenantModel):
    """One proposal (and its decision) for an academy and term: together, its phase history.

    Recomputing writes a new proposal only when the proposed phase or its reasons change, so the
    history shows movements, not every nightly run.
    """

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="placements")
    term_code = models.CharField(max_length=20)
    subject = models.CharField(max_length=32, blank=True)  # "" = the whole academy
    proposed_phase = models.CharField(max_length=16, choices=PhaseCode.choices)
    level = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.PROPOSED
    )
    decided_phase = models.CharField(max_length=16, choices=PhaseCode.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["trust", "academy", "subject", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.academy}: {self.get_proposed_phase_display()} ({self.term_code})"

    @property
    def phase(self) -> str:
        """The phase in force: the decision when there is one, else the proposal."""
        return self.decided_phase or self.proposed_phase

    @property
    def evidence_on(self) -> dt.date | None:
        """When the newest evidence the proposal scored happened: a visit's or inspection's date,
        a term's data at the end of its term (or today, for a term not yet over), never the date
        of the recompute that wrote the row."""
        dates: list[dt.date] = []
        for r in self.reasons:
            facts = r.get("evidence") or {}
            if r.get("rule") == "phase_change":
                continue
            if isinstance(facts.get("date"), str):
                with contextlib.suppress(ValueError):
                    dates.append(dt.date.fromisoformat(facts["date"]))
            term = TermCode.parse_or_none(facts.get("term"))
            if term is not None:
                dates.append(min(term.last_day, self.computed_at.date()))
        return max(dates) if dates else None


class RecomputeJob(TenantModel):
    """The latest recompute of a trust's placements, for "recomputed 2 min ago" / "recomputing…"."""

    academy = models.ForeignKey(
        Academy, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=16, default="queued")  # queued / running / done / failed
    reason = models.CharField(max_length=100, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]


class HeatmapRow(TenantModel):
    """One academy's heat-map row for one term and pupil group: the term's kept snapshot.

    Recomputing rewrites the current term's rows only; earlier terms stay as they were, which
    is how a trust compares this term's map with last term's. The phase is copied in so the
    page reads one table.
    """

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="heatmap_rows")
    term_code = models.CharField(max_length=20)
    group = models.CharField(max_length=24, default="all")
    phase = models.CharField(max_length=16, choices=PhaseCode.choices, blank=True)
    phase_status = models.CharField(max_length=16, blank=True)
    # Column code -> `Cell.to_dict()`. Rows kept before the Cell type hold unversioned dicts;
    # `Cell.from_dict` reads both, so old terms are never rewritten. Read through the accessors.
    cells = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academy__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "term_code", "group", "academy"],
                name="one_heatmap_row_per_term_group",
            )
        ]

    def cell_list(self) -> list[Cell]:
        """The row's cells, typed, in the columns' order."""
        return cells_from_json(self.cells)

    def cell(self, column: str) -> Cell | None:
        data = (self.cells or {}).get(column)
        return Cell.from_dict(data) if data is not None else None


class TermCompletion(TenantModel):
    """A leader's word that a term's data is complete for an academy, whatever the uploads show.

    Completeness is otherwise worked out from the uploads (`phases.completeness`); this row is
    the leader's mark (for a school whose roll the uploads cannot show, say), kept with who and
    why so the audit log and the page can say so.
    """

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="+")
    term_code = models.CharField(max_length=20)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academy", "term_code"], name="one_completion_per_academy_term"
            )
        ]


class ArrangementStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class SupportArrangement(TenantModel):
    """Support a leader brokered: a giver academy lends days in a subject to a taker academy.

    Days of an active arrangement are the giver's capacity used in that subject
    (`phases.matching`), so one strong academy is not promised to everyone.
    """

    giver = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="support_given")
    taker = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="support_received")
    subject = models.CharField(max_length=32)
    days = models.DecimalField(max_digits=4, decimal_places=1)
    start_on = models.DateField()
    end_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ArrangementStatus.choices, default=ArrangementStatus.ACTIVE
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(giver=models.F("taker")), name="arrangement_giver_not_taker"
            ),
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")),
                name="arrangement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(days__gt=0), name="arrangement_days_positive"
            ),
        ]
        indexes = [models.Index(fields=["trust", "giver", "subject", "status"])]

    def __str__(self) -> str:
        return f"{self.giver} supports {self.taker} in {self.subject}"

    @property
    def is_active(self) -> bool:
        """Active, and not past its end date: its days count as the giver's capacity used."""
        return self.status == ArrangementStatus.ACTIVE and self.end_on >= timezone.localdate()

    @property
    def state_words(self) -> str:
        if self.status == ArrangementStatus.ENDED:
            return "Ended early" if self.ended_at else "Ended"
        return "Active" if self.is_active else "Finished (end date passed)"
