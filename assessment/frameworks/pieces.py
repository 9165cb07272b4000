"""A pupil's piece of writing: check an upload is really a PDF, PNG or JPEG. Pure: no ORM import.

The type is read from the file's content, never from its name or the browser's claim: a
renamed executable (`essay.pdf` that begins `MZ`) is refused, and so is anything that is not
one of the three formats. The stored file is the uploaded bytes, served later with the type
found here (and `nosniff`), so the browser never guesses.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from trust_si.limits import MB, PIECE

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# What a file is when it claims otherwise: named, so the message can say so.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
ACCEPTED = "a PDF, or a PNG or JPEG image"


class PieceError(ValueError):
    """The upload cannot be a piece of writing; the message is for the person who sent it."""


@dataclass(frozen=True)
class CheckedPiece:
    content_type: str  # one of EXTENSIONS
    extension: str
    size: int


def piece_check(data: bytes) -> CheckedPiece:
    """The piece's type, found from its content, or PieceError.

    1. Size: not empty, at most PIECE.max_bytes.
    2. Magic bytes: `%PDF-`, the PNG signature or the JPEG start-of-image marker; an
       executable or script is refused by name, anything else as not one of the three.
    3. A PDF must also end with its `%%EOF` marker (in the last kilobyte, as readers look for
       it); an image must be identified by Pillow as that same format, each side at most
       PIECE.max_side pixels (read from the header before any pixels), and verify in full.
    """
    if not data:
        raise PieceError("The selected file is empty.")
    if len(data) > PIECE.max_bytes:
        raise PieceError(
            f"The {PIECE.what} must be smaller than {PIECE.max_bytes // MB} MB "
            f"(this file is {len(data) / MB:.1f} MB)."
        )
    if data.startswith(EXECUTABLE_MAGIC):
        raise PieceError(
            f"This file is a program, not a {PIECE.what}, whatever its name says: "
            f"upload {ACCEPTED}."
        )
    if data.startswith(PDF_MAGIC):
        if b"%%EOF" not in data[-1024:]:
            raise PieceError("The PDF is incomplete or damaged: save or scan it again.")
        return CheckedPiece("application/pdf", "pdf", len(data))
    if data.startswith(PNG_MAGIC):
        _check_image(data, "PNG")
        return CheckedPiece("image/png", "png", len(data))
    if data.startswith(JPEG_MAGIC):
        _check_image(data, "JPEG")
        return CheckedPiece("image/jpeg", "jpg", len(data))
    raise PieceError(f"The file must be {ACCEPTED}; this one is none of them.")


def _check_image(data: bytes, expected: str) -> None:
    from PIL import Image  # lazily: only uploads need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != expected:
                    raise PieceError(f"The file must be {ACCEPTED}.")
                width, height = probe.size
                if width > PIECE.max_side or height > PIECE.max_side:
                    raise PieceError(
                        f"The image must be at most {PIECE.max_side:,} pixels on each side."
                    )
                probe.verify()
    except PieceError:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise PieceError(
            "The image could not be read: save it again as PNG or JPEG, or scan it to PDF."
        ) from exc
