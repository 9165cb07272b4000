from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms


class ActivityForm(forms.Form):
    academy: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set per request in __init__
        empty_label="Choose an academy",
    )
    date = forms.DateField(
        help_text="For example, 2026-01-27",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    days = forms.DecimalField(
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
        help_text="In half days, for example 0.5 or 1.5",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, academies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]
