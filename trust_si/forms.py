"""Helpers every app's views share for forms backed by services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal shown on the form (next to the field when it names one)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages_ in errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def tenant_redirect(request: HttpRequest, name: str, **kwargs: Any) -> HttpResponse:
    """Redirect to a route of the request's trust."""
    return redirect(name, trust_slug=request.trust.slug, **kwargs)  # type: ignore[attr-defined]


# A date a person types for school work: visits, judgements, actions. Far outside this range it
# is a typo (or a probe: 9999-12-31 once sorted above every real judgement), not a plan.
EARLIEST_DATE = dt.date(1990, 1, 1)
YEARS_AHEAD = 10


def plausible_date(value: dt.date) -> None:
    """Refuse dates before 1990 or more than ten years from today (forms and serializers)."""
    latest = dt.date.today().replace(month=12, day=31)
    latest = latest.replace(year=latest.year + YEARS_AHEAD)
    if value < EARLIEST_DATE or value > latest:
        raise ValidationError(
            f"Enter a date between {EARLIEST_DATE:%-d %B %Y} and {latest:%-d %B %Y}.",
            code="implausible_date",
        )
