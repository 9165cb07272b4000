from __future__ import annotations

from django import forms

from trust_si.limits import DFE, MB


class PerformanceTableForm(forms.Form):
    file = forms.FileField(
        label="DfE performance-table file (CSV)",
        help_text="The KS4 headline download or the full KS2 download from "
        "Compare school and college performance.",
    )
    year = forms.RegexField(
        label="Academic year of the results",
        regex=r"^\d{4}-\d{2}$",
        help_text="For example 2018-19",
        required=False,
        error_messages={"invalid": "Enter the year like 2018-19."},
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > DFE.max_bytes:
            raise forms.ValidationError(f"The file must be smaller than {DFE.max_bytes // MB} MB.")
        return upload


class TargetForm(forms.Form):
    kpi_code = forms.ChoiceField(label="KPI")
    academic_year = forms.RegexField(
        label="Academic year",
        regex=r"^\d{4}-\d{2}$",
        help_text="For example 2025-26",
        error_messages={"invalid": "Enter the year like 2025-26."},
    )
    value = forms.FloatField(
        label="Target",
        help_text="A percentage (0-100) or Attainment 8 points (0-90)",
        min_value=0,
        max_value=100,
    )
    field_order = ["academy", "kpi_code", "academic_year", "value"]

    def __init__(self, *args, academies, kpis, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Built here, not on the class: the academies query needs the request's trust scope.
        self.fields["academy"] = forms.ModelChoiceField(
            queryset=academies,
            required=False,
            label="Academy",
            empty_label="Whole trust (every academy without its own target)",
            help_text="An academy's own target replaces the trust-wide one for that academy.",
        )
        self.fields["kpi_code"].choices = kpis  # type: ignore[attr-defined]
        self.order_fields(self.field_order)
