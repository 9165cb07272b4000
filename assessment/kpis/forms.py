from __future__ import annotations

from django import forms


class PerformanceTableForm(forms.Form):
    file = forms.FileField(label="DfE performance-table file (CSV)",
                           help_text="The KS4 headline download or the full KS2 download from "
                                     "Compare school and college performance.")
    year = forms.RegexField(label="Academic year of the results", regex=r"^\d{4}-\d{2}$",
                            help_text="For example 2018-19", required=False,
                            error_messages={"invalid": "Enter the year like 2018-19."})

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 50 MB.")
        return upload
