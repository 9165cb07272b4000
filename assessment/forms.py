from __future__ import annotations

from typing import Any

from django import forms

from academies.models import Academy

from .kinds import KINDS
from .models import UploadKind
from .parsing import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    academy = forms.ModelChoiceField(label="Academy", queryset=Academy._base_manager.none())
    term = forms.ChoiceField(label="Term")
    kind = forms.ChoiceField(label="What the file contains", choices=UploadKind.choices)
    file = forms.FileField(label="File (CSV or XLSX, up to 20 MB)")

    def __init__(
        self, *args: Any, academies: Any, terms: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]
        self.fields["term"].choices = terms  # type: ignore[attr-defined]
        if len(academies) == 1:
            # A head teacher uploads for their own academy: no choice to make.
            self.fields["academy"].initial = academies[0].pk

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB. Split it by year group.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class MappingForm(forms.Form):
    def __init__(self, *args: Any, kind: str, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in my file"), *[(h, h) for h in headers]]
        for column in KINDS[kind].columns:
            self.fields[column.name] = forms.ChoiceField(
                label=f"Template column “{column.name}”",
                choices=choices,
                required=column.required,
                help_text=column.help,
            )
