from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from academies.selectors import academy_list_for
from assessment.kpis.selectors import term_codes_with_data
from trust_si.terms import TermCode, TermError, term_choices

from .logo import MAX_BYTES, LogoError, logo_normalise

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def report_terms(trust_id: int, today: dt.date) -> tuple[list[tuple[str, str]], TermCode]:
    """The terms a report can be generated for, newest first, and the default one.

    1. The current term and the two academic years before it, from today (no fixed list), and
       any earlier term with data, so an old report can still be regenerated.
    2. Never a future term: a report is of a term that has happened or is happening.
    3. The default is the latest term with data, else the current term.
    """
    current = TermCode.for_date(today)
    with_data = [
        t
        for t in (TermCode.parse_or_none(c) for c in term_codes_with_data(trust_id))
        if t is not None and t <= current
    ]
    terms = {TermCode.parse(code) for code, _ in term_choices(today, years_back=2)}
    terms.update(with_data)
    choices = [(t.code, t.label) for t in sorted(terms, reverse=True)]
    return choices, max(with_data, default=current)


class GenerateForm(forms.Form):
    term = forms.ChoiceField(label="Term")
    academy = forms.ChoiceField(label="Report")
    head_commentary = forms.CharField(
        label="Commentary from the head teacher (optional)",
        help_text="Printed in the report as the head wrote it. Not for a batch of every academy.",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    officer_commentary = forms.CharField(
        label="Commentary from the school improvement officer (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, membership: Membership, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices, default = report_terms(membership.trust_id, today or timezone.localdate())
        self.fields["term"].choices = choices  # type: ignore[attr-defined]
        self.fields["term"].initial = default.code
        choices = [
            ("__all__", "Every academy and the trust board (batch)"),
            ("__trust__", "Trust board report"),
        ]
        choices += list(academy_list_for(membership).values_list("urn", "name"))
        self.fields["academy"].choices = choices  # type: ignore[attr-defined]

    def clean_term(self) -> str:
        try:
            return TermCode.parse(self.cleaned_data["term"]).code
        except TermError:
            raise forms.ValidationError("Choose a term.") from None


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
