from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from academies.models import Academy
from trust_si.terms import TermCode, term_choices

from .kinds import KINDS
from .models import UploadKind
from .parsing import MAX_UPLOAD_BYTES, match_headers


class UploadForm(forms.Form):
    academy = forms.ModelChoiceField(label="Academy", queryset=Academy._base_manager.none())
    term = forms.ChoiceField(label="Term")
    kind = forms.ChoiceField(label="What the file contains", choices=UploadKind.choices)
    file = forms.FileField(label="File (CSV or XLSX, up to 20 MB)")

    def __init__(
        self, *args: Any, academies: Any, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]
        # The terms come from today, not a fixed list: the current term (the usual choice) and
        # the three academic years before it, for late or corrected returns. No future term.
        today = today or timezone.localdate()
        self.fields["term"].choices = term_choices(today, years_back=3)  # type: ignore[attr-defined]
        self.fields["term"].initial = TermCode.for_date(today).code
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
    def __init__(
        self,
        *args: Any,
        kind: str,
        headers: list[str],
        mapping: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in my file"), *[(h, h) for h in headers]]
        # The columns already recognised (by name, alias or the saved mapping) start selected.
        found, _ = match_headers(headers, KINDS[kind], mapping)
        for column in KINDS[kind].columns:
            self.fields[column.name] = forms.ChoiceField(
                label=f"Template column “{column.name}”",
                choices=choices,
                required=column.required,
                help_text=column.help,
                initial=headers[found[column.name]] if column.name in found else "",
                error_messages={
                    "required": f"Choose the column in your file that holds “{column.name}”"
                },
            )
