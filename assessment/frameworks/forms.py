"""HTML forms of frameworks and pieces. Querysets are passed in per request, already scoped."""

from __future__ import annotations

from typing import Any

from django import forms

from trust_si.limits import MB, PIECE

from .models import FrameworkSubject, Level
from .services import MAX_CSV_BYTES

YEAR_GROUPS = [(str(y), f"Year {y}") for y in range(1, 12)]


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.framework}, version {obj.number} ({obj.get_status_display().lower()})"


class FrameworkStartForm(forms.Form):
    subject = forms.ChoiceField(
        label="Subject", choices=FrameworkSubject.choices, widget=forms.RadioSelect
    )
    year_group = forms.ChoiceField(
        label="Year group", choices=[("", "Choose a year group"), *YEAR_GROUPS]
    )
    source = VersionChoiceField(
        label="Start from",
        queryset=None,  # type: ignore[arg-type]  # set per request
        required=False,
        empty_label="An empty draft",
        help_text="Copy the strands and statements of another year group's (or this one's) "
        "framework, then change what differs.",
    )

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = versions  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    authors = forms.CharField(
        label="Written by (the working party)",
        max_length=500,
        required=False,
        help_text="Names and schools, for example: A. Shah (Northmoor First), B. Lee (Ridge Middle).",
    )
    allow_one_weakness = forms.BooleanField(
        label="Allow one weakness",
        required=False,
        help_text="A pupil may be judged at a standard with one of its statements not yet "
        "secure, as DfE's 2018 writing frameworks allowed (used once per judgement).",
    )
    levels = forms.CharField(
        label="Levels, lowest first",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One level a line: a code of up to three letters, its name, and which level "
        "is the expected standard and which greater depth, for example: "
        "SEC, Secure, expected. Leave blank for working towards (WTS), expected (EXS) and "
        "greater depth (GDS).",
    )


class StatementForm(forms.Form):
    strand = forms.CharField(
        label="Strand",
        max_length=120,
        help_text="For example: Composition. A new name starts a new strand.",
        widget=forms.TextInput(attrs={"list": "strand-names", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label="Code",
        max_length=12,
        help_text="Letters and digits, unique in this version, for example EXS4.",
    )
    level = forms.ChoiceField(label="Standard", choices=Level.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="Statement", max_length=400)

    def __init__(self, *args: Any, levels: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if levels:  # the version's own levels (WTS / EXS / GDS unless the trust named its own)
            self.fields["level"].choices = levels  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().upper()
        if not code.isalnum():
            raise forms.ValidationError("Use letters and digits only, for example EXS4.")
        return code


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Framework CSV",
        help_text=f"Columns strand, code, level, statement (the export's format); at most "
        f"{MAX_CSV_BYTES // 1000} kB. It replaces this draft's statements.",
    )


class PieceForm(forms.Form):
    file = forms.FileField(
        label="Piece of writing",
        help_text=f"A PDF, or a PNG or JPEG image (a scan or photo of the pupil's book), at "
        f"most {PIECE.max_bytes // MB} MB.",
    )
