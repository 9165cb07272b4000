"""A visit note as a PDF/UA document (the same WeasyPrint pipeline as governor reports)."""

from __future__ import annotations

from django.template.loader import render_to_string

from trust_si.pdf import html_to_pdf

from .models import Visit


def visit_note_pdf(visit: Visit) -> bytes:
    title = f"Visit note: {visit.visit_type} at {visit.academy.name}, {visit.date:%d %B %Y}"
    html = render_to_string(
        "visits/pdf_note.html",
        {
            "visit": visit,
            "title": title,
            "judgements": visit.judgements.all(),
            "actions": visit.actions.all(),
            "officers": visit.officers.all(),
        },
    )
    return html_to_pdf(html, title=title, author=visit.academy.trust.name, subject=title)
