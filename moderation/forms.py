"""HTML forms of moderation. Querysets are passed in per request, already scoped by selectors."""

from __future__ import annotations

from typing import Any

from django import forms

from assessment.frameworks.models import FrameworkSubject, Level

from .models import RoundMethod

YEAR_GROUPS = [(str(y), f"Year {y}") for y in range(1, 12)]


class RoundForm(forms.Form):
    name = forms.CharField(label="Name of the round", max_length=150)
    term: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Term of the judgements",
        queryset=None,  # type: ignore[arg-type]  # set per request
        empty_label="Choose a term",
    )
    subject = forms.ChoiceField(
        label="Subject", choices=FrameworkSubject.choices, widget=forms.RadioSelect
    )
    year_groups = forms.MultipleChoiceField(
        label="Year groups", choices=YEAR_GROUPS, widget=forms.CheckboxSelectMultiple
    )
    academies: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Academies",
        queryset=None,  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(
        label="Method",
        choices=RoundMethod.choices,
        initial=RoundMethod.BLIND,
        widget=forms.RadioSelect,
    )
    share = forms.IntegerField(
        label="Sample size: share of each school's pupils (%)",
        min_value=1,
        max_value=100,
        initial=15,
        help_text="Each school's sample is this share of its judgements, and at least the "
        "minimum below; stratified by the school's judgement, greater depth counted twice.",
    )
    minimum = forms.IntegerField(
        label="Sample size: at least this many pieces per school",
        min_value=1,
        max_value=50,
        initial=3,
    )
    deadline = forms.DateField(
        label="Deadline (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, terms: Any, academies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms  # type: ignore[attr-defined]
        self.fields["academies"].queryset = academies  # type: ignore[attr-defined]


class AgreeForm(forms.Form):
    level = forms.ChoiceField(
        label="Agreed judgement", choices=Level.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="How it was agreed",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: discussed with both moderators against statements EXS4 and EXS6.",
    )

    def __init__(self, *args: Any, levels: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The levels of the framework the piece was judged against (a trust's own, by name).
        if levels is not None:
            self.fields["level"].choices = levels  # type: ignore[attr-defined]
