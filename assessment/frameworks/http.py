"""Serving a stored piece of writing: the one response both doors (the school's page and a
moderator's round) answer with."""

from __future__ import annotations

from django.http import FileResponse

from .models import Piece
from .pieces import EXTENSIONS


def piece_response(piece: Piece, label: str) -> FileResponse:
    """The file with the type found from its content when it was uploaded, never guessed by the
    browser (`nosniff`), sandboxed so a PDF cannot script the site, and named by `label` (a
    moderator is never shown the uploaded name, which could name the school or the pupil)."""
    response = FileResponse(
        piece.file.open("rb"),
        as_attachment=False,
        filename=f"{label}.{EXTENSIONS.get(piece.content_type, 'bin')}",
        content_type=piece.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response
