from __future__ import annotations

from typing import Any

from django import forms

from academies.models import Academy
from phases.models import JudgementArea, ReportCardGrade, SafeguardingGrade
from trust_si.forms import plausible_date

from .models import ActionStatus, VisitType


class NewVisitForm(forms.Form):
    academy = forms.ModelChoiceField(label="Academy", queryset=Academy._base_manager.none())
    visit_type = forms.ModelChoiceField(
        label="Type of visit", queryset=VisitType._base_manager.none()
    )
    date = forms.DateField(
        label="Date of the visit",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible_date],
    )

    def __init__(self, *args: Any, academies: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]
        self.fields["visit_type"].queryset = types  # type: ignore[attr-defined]


def judgement_field_name(area: str) -> str:
    return f"judgement_{area}"


class VisitForm(forms.Form):
    date = forms.DateField(
        label="Date of the visit",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible_date],
    )
    focus_areas = forms.CharField(
        label="Focus areas", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label="Evidence seen", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    strengths = forms.CharField(
        label="Strengths", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    areas_for_development = forms.CharField(
        label="Areas for development", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for area in JudgementArea:
            grades = (
                SafeguardingGrade.choices
                if area == JudgementArea.SAFEGUARDING
                else ReportCardGrade.choices
            )
            self.fields[judgement_field_name(area.value)] = forms.ChoiceField(
                label=area.label,
                required=False,
                choices=[("", "Not judged on this visit"), *grades],
            )

    def judgements(self) -> dict[str, str]:
        return {
            a.value: self.cleaned_data[judgement_field_name(a.value)]
            for a in JudgementArea
            if self.cleaned_data.get(judgement_field_name(a.value))
        }

    def visit_data(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k]
            for k in ("date", "focus_areas", "evidence", "strengths", "areas_for_development")
        }

    def judgement_fields(self) -> list[Any]:
        return [self[judgement_field_name(a.value)] for a in JudgementArea]


class ActionForm(forms.Form):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what the action is"},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        error_messages={"required": "Enter who owns the action"},
    )
    due_on = forms.DateField(
        label="Due by",
        validators=[plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the action is due by",
            "invalid": "Enter the due date as a real date, for example 27 3 2026",
        },
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    note = forms.CharField(label="Follow-up note", required=False, max_length=2000)


class RespondForm(forms.Form):
    response = forms.CharField(
        label="Your response to the visit", widget=forms.Textarea(attrs={"rows": 5})
    )


class VisitTypeForm(forms.Form):
    name = forms.CharField(
        label="Name of the visit type",
        max_length=120,
        help_text="For example: Reading review, Early years review.",
    )


class OwnerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.get_role_display().lower()})"


class ProgrammeEntryForm(forms.Form):
    """An entry's owner and its planned dates (one field per planned visit not yet started)."""

    owner = OwnerChoiceField(
        label="Owner",
        queryset=VisitType._base_manager.none(),
        required=False,
        empty_label="No owner yet",
        help_text="The improvement officer (or leader) who makes these visits.",
    )
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args: Any, owners: Any, planned: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.planned_names = []
        for n, p in enumerate(planned, start=1):
            name = f"date_{p.pk}"
            self.fields[name] = forms.DateField(
                label=f"Date of planned visit {n}",
                initial=p.planned_on,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                validators=[plausible_date],
                error_messages={
                    "required": f"Enter the date of planned visit {n}.",
                    "invalid": f"Enter the date of planned visit {n} as a real date, "
                    "for example 2026-10-14.",
                },
            )
            self.planned_names.append(name)

    def dates(self) -> dict[int, Any]:
        return {int(n.removeprefix("date_")): self.cleaned_data[n] for n in self.planned_names}


class PlannedVisitStartForm(forms.Form):
    """The type of visit, asked only when the entry leaves it to the officer."""

    visit_type = forms.ModelChoiceField(
        label="Type of visit", queryset=VisitType._base_manager.none(), required=False
    )

    def __init__(self, *args: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit_type"].queryset = types  # type: ignore[attr-defined]
