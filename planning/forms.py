"""Forms of planning: the SEF (one grade, narrative and evidence per area), a review, a risk."""

from __future__ import annotations

from typing import Any

from django import forms

from academies.models import InspectionArea, ReportCardGrade
from assessment.kpis.catalogue import CATALOGUE

from .models import DescriptorRating, Rag, RiskCategory, TrustPillar

SCALE = [(str(n), str(n)) for n in range(1, 6)]


class SefForm(forms.Form):
    def __init__(self, *args: Any, evidence: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in InspectionArea.choices:
            self.fields[f"{value}-grade"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Not judged"), *ReportCardGrade.choices],
            )
            self.fields[f"{value}-narrative"] = forms.CharField(
                label=f"{label}: why", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            # Choices are the academy's own evidence; another's id is "not a valid choice".
            self.fields[f"{value}-links"] = forms.MultipleChoiceField(
                label=f"{label}: evidence in trust-si (KPIs, visits, uploads, moderation rounds)",
                required=False,
                choices=evidence or [],
                widget=forms.SelectMultiple(attrs={"size": 6}),
                help_text="Hold Ctrl (or Cmd) to choose more than one.",
            )
            self.fields[f"{value}-evidence"] = forms.CharField(
                label=f"{label}: other evidence", required=False, max_length=2000
            )

    def areas(self) -> list[tuple[str, list[Any]]]:
        return [
            (
                label,
                [
                    self[f"{v}-grade"],
                    self[f"{v}-narrative"],
                    self[f"{v}-links"],
                    self[f"{v}-evidence"],
                ],
            )
            for v, label in InspectionArea.choices
        ]

    def entries(self) -> dict[str, dict[str, str]]:
        return {
            v: {
                "grade": self.cleaned_data[f"{v}-grade"],
                "narrative": self.cleaned_data[f"{v}-narrative"],
                "evidence": self.cleaned_data[f"{v}-evidence"],
                "links": self.cleaned_data[f"{v}-links"],
            }
            for v, _ in InspectionArea.choices
        }


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label="Date of the review", widget=forms.DateInput(attrs={"type": "date"})
    )
    rag = forms.ChoiceField(label="Progress", choices=Rag.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(
        label="Evidence", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RiskDecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accept", "Accept"),
            ("dismiss", "Dismiss"),
            ("review", "Review"),
            ("close", "Close"),
        ]
    )
    note = forms.CharField(required=False, max_length=2000)
    likelihood = forms.TypedChoiceField(choices=SCALE, coerce=int, required=False, empty_value=None)
    impact = forms.TypedChoiceField(choices=SCALE, coerce=int, required=False, empty_value=None)


class RiskForm(forms.Form):
    academy: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="The trust as a whole"
    )
    category = forms.ChoiceField(choices=RiskCategory.choices)
    title = forms.CharField(max_length=200)
    likelihood = forms.TypedChoiceField(choices=SCALE, coerce=int, label="Likelihood (1 to 5)")
    impact = forms.TypedChoiceField(choices=SCALE, coerce=int, label="Impact (1 to 5)")
    owner = forms.CharField(max_length=200, required=False)
    mitigations = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    review_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, academies: Any, trust_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["academy"]
        field.queryset = academies  # type: ignore[attr-defined]
        field.required = not trust_wide


class TrustStatementForm(forms.Form):
    pillar = forms.ChoiceField(
        choices=TrustPillar.choices, label="Pillar (DfE trust quality descriptors)"
    )
    statement = forms.CharField(max_length=500, label="Statement, in the trust's words")
    rating = forms.ChoiceField(choices=DescriptorRating.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PriorityForm(forms.Form):
    title = forms.CharField(max_length=200)
    departure = forms.CharField(
        label="Departure point: where the school is now", widget=forms.Textarea(attrs={"rows": 2})
    )
    arrival = forms.CharField(
        label="Arrival point: where it will be", widget=forms.Textarea(attrs={"rows": 2})
    )
    kpi_code = forms.ChoiceField(label="KPI it is measured by", required=False)
    target = forms.FloatField(required=False, label="Target for the KPI")
    trust_priority: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="None", label="Trust priority it serves"
    )
    support_refs = forms.MultipleChoiceField(
        required=False,
        label="Trust support allocated",
        help_text="From the phase's offer, CPD, partners' days or another academy's days. "
        "Hold Ctrl (Cmd on a Mac) to pick more than one.",
    )
    support = forms.CharField(required=False, label="Other trust support, in words")
    success_criteria = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(max_length=200, required=False)
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: Any, trust_priorities: Any, support_options: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trust_priority"].queryset = trust_priorities  # type: ignore[attr-defined]
        # Grouped choices; anything else posted is refused by the field (and the service).
        self.fields["support_refs"].choices = list(support_options)  # type: ignore[attr-defined]
        self.fields["kpi_code"].choices = [  # type: ignore[attr-defined]
            ("", "None"),
            *((k.code, k.label) for k in CATALOGUE),
        ]


def _visit_action_label(action: Any) -> str:
    return f"{action.description[:80]} (due {action.due_on:%-d %b %Y})"


class PlanActionForm(forms.Form):
    description = forms.CharField(
        label="What will be done", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(max_length=200, label="Owner")
    due_on = forms.DateField(label="Due by", widget=forms.DateInput(attrs={"type": "date"}))
    visit_action: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="None",
        label="Action from a visit it carries forward",
    )

    def __init__(self, *args: Any, visit_actions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["visit_action"]
        field.queryset = visit_actions  # type: ignore[attr-defined]
        field.label_from_instance = _visit_action_label  # type: ignore[attr-defined]
