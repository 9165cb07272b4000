"""HTML forms of CPD. Querysets are passed in per request, already scoped by the selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from assessment.kpis.catalogue import KPIS
from trust_si.vocab import words

from .models import Domain, Format, NpqProgramme, NpqStatus, SchoolRole

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def kpi_choices(extra: list[str] | None = None) -> list[tuple[str, str]]:
    """The KPI catalogue's codes, plus any code a programme already holds (kept, not dropped)."""
    choices = [(code, kpi.label) for code, kpi in KPIS.items()]
    known = {code for code, _ in choices}
    return choices + [(code, words(code)) for code in extra or [] if code not in known]


class ProgrammeForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    domain = forms.ChoiceField(label="Domain", choices=Domain.choices, widget=forms.RadioSelect)
    format = forms.ChoiceField(label="Format", choices=[("", "Choose a format"), *Format.choices])
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    priorities: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Trust priorities it targets",
        queryset=None,  # type: ignore[arg-type]  # set per request
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kpi_codes = forms.MultipleChoiceField(
        label="KPIs it targets", required=False, widget=forms.CheckboxSelectMultiple
    )
    academies: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Academies whose KPIs it targets",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their KPIs before and after the programme are shown side by side.",
    )

    def __init__(
        self, *args: Any, priorities: Any, academies: Any, kpi_codes: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = priorities  # type: ignore[attr-defined]
        self.fields["academies"].queryset = academies  # type: ignore[attr-defined]
        self.fields["kpi_codes"].choices = kpi_choices(kpi_codes)  # type: ignore[attr-defined]

    def programme_data(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k]
            for k in ("title", "domain", "format", "description", "kpi_codes")
        }


class SessionForm(forms.Form):
    title = forms.CharField(
        label="Session title",
        max_length=200,
        required=False,
        help_text="Leave blank to use the programme's title and the date.",
    )
    date = forms.DateField(label="Date", widget=DATE, help_text="For example, 2026-03-17")
    start_time = forms.TimeField(label="Starts at", widget=TIME, help_text="For example, 15:30")
    end_time = forms.TimeField(label="Ends at", widget=TIME, help_text="For example, 17:00")
    location = forms.CharField(label="Location", max_length=200, required=False)
    leader: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Internal leader",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="No internal leader",
    )
    partner: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Partner leading it",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="Not led by a partner",
    )
    leading_academy: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Academy whose staff lead it",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="None",
        help_text="Sessions led by a Sustain academy's staff count as capacity given.",
    )
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=1000, initial=30)

    def __init__(
        self, *args: Any, people: Any, partners: Any, academies: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = people  # type: ignore[attr-defined]
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["leading_academy"].queryset = academies  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(session: Any) -> dict[str, Any]:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "title": session.title,
            "date": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "location": session.location,
            "leader": session.leader_id,
            "partner": session.partner_id,
            "leading_academy": session.leading_academy_id,
            "capacity": session.capacity,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            if end <= start:
                self.add_error("end_time", "The session must end after it starts.")
            else:
                tz = timezone.get_current_timezone()
                data["starts_at"] = timezone.make_aware(dt.datetime.combine(date, start), tz)
                data["ends_at"] = timezone.make_aware(dt.datetime.combine(date, end), tz)
        return data

    def session_data(self) -> dict[str, Any]:
        keys = (
            "title",
            "starts_at",
            "ends_at",
            "location",
            "leader",
            "partner",
            "leading_academy",
            "capacity",
        )
        return {k: self.cleaned_data[k] for k in keys}


class EnrolForm(forms.Form):
    participant: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Person",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose a person",
    )
    academy: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Their academy",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose an academy",
    )
    school_role = forms.ChoiceField(
        label="Their role in school", choices=[("", "Choose a role"), *SchoolRole.choices]
    )

    def __init__(self, *args: Any, people: Any, academies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = people  # type: ignore[attr-defined]
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]


class NpqForm(forms.Form):
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Person",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose a person",
    )
    academy: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Academy",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose an academy",
    )
    programme = forms.ChoiceField(
        label="NPQ", choices=[("", "Choose an NPQ"), *NpqProgramme.choices]
    )
    provider = forms.CharField(label="Provider", max_length=200)
    cohort = forms.CharField(
        label="Cohort", max_length=20, help_text="For example, Autumn term 2025-26"
    )
    status = forms.ChoiceField(label="Status", choices=NpqStatus.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, people: Any, academies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How useful was the session?",
        coerce=int,
        choices=[
            (5, "5: very useful"),
            (4, "4: useful"),
            (3, "3: somewhat useful"),
            (2, "2: not very useful"),
            (1, "1: not useful"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="What will you do differently as a result?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
