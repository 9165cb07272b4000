from __future__ import annotations

import re
from typing import Any

from django import forms

from academies.selectors import academy_list_for

TERM_RE = re.compile(r"^\d{4}-\d{2}-(autumn|spring|summer)$")


def term_choices() -> list[tuple[str, str]]:
    from .models import term_label

    codes = []
    for start in (2026, 2025, 2024):
        for season in ("summer", "spring", "autumn"):
            codes.append(f"{start}-{str(start + 1)[-2:]}-{season}")
    return [(c, term_label(c)) for c in codes]


class GenerateForm(forms.Form):
    term = forms.ChoiceField(label="Term", choices=term_choices)
    academy = forms.ChoiceField(label="Report")

    def __init__(self, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            ("__all__", "Every academy and the trust board (batch)"),
            ("__trust__", "Trust board report"),
        ]
        choices += [(a.urn, a.name) for a in academy_list_for(membership)]
        self.fields["academy"].choices = choices  # type: ignore[attr-defined]

    def clean_term(self) -> str:
        term = self.cleaned_data["term"]
        if not TERM_RE.match(term):
            raise forms.ValidationError("Choose a term.")
        return term


class LogoForm(forms.Form):
    """The trust's logo; the file is checked (and re-encoded) by reporting.logo, never trusted."""

    logo = forms.FileField(
        label="Logo",
        help_text="A PNG or JPEG image, smaller than 2 MB. It appears at the top of every report.",
        error_messages={
            "required": "Select a PNG or JPEG file",
            "empty": "The selected file is empty.",
        },
    )

    def clean_logo(self) -> bytes:
        from .logo import MAX_BYTES, LogoError, logo_normalise

        upload = self.cleaned_data["logo"]
        # Size first, from the upload's header, so a huge file is never read into memory.
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The logo must be smaller than {MAX_BYTES // (1024 * 1024)} MB."
            )
        try:
            return logo_normalise(upload.read())
        except LogoError as exc:
            raise forms.ValidationError(str(exc)) from exc
