"""Helpers every app's views share for forms backed by services."""

from __future__ import annotations

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
