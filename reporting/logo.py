"""The trust logo: check an upload is a real PNG or JPEG and normalise it. Pure: no ORM import.

The logo is printed on every governor report, so it is read by WeasyPrint on a worker: only
raster images Pillow can fully decode are accepted (never SVG, which could fetch or script),
and what is stored is a fresh PNG re-encoded from the pixels, so nothing else in the uploaded
file (metadata, a polyglot payload) survives.
"""

from __future__ import annotations

import base64
import io
import warnings

from trust_si.limits import LOGO

MAX_BYTES = LOGO.max_bytes
MAX_SIDE = LOGO.max_side  # pixels: refuses decompression bombs before Pillow allocates them
# Stored size: plenty for a 16 mm-high header at print resolution, small in every PDF.
STORED_BOX = (1200, 400)
ACCEPTED_FORMATS = {"PNG", "JPEG"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


class LogoError(ValueError):
    """The upload cannot be a logo; the message is written for the person who uploaded it."""


def logo_normalise(data: bytes) -> bytes:
    """Validate an uploaded logo and return it as PNG bytes.

    1. Size: not empty, at most MAX_BYTES.
    2. Magic bytes: the file must begin as a PNG or a JPEG (an SVG or a renamed PDF stops here).
    3. Pillow identifies the format (PNG or JPEG) and the dimensions (each side <= MAX_SIDE)
       without decoding, then verifies the whole file and decodes the pixels.
    4. The pixels are scaled down to fit STORED_BOX and written out as a new PNG.
    """
    from PIL import Image  # imported lazily: only the settings page and the tests need it

    if not data:
        raise LogoError("The selected file is empty.")
    if len(data) > MAX_BYTES:
        raise LogoError(f"The logo must be smaller than {MAX_BYTES // (1024 * 1024)} MB.")
    if not (data.startswith(PNG_MAGIC) or data.startswith(JPEG_MAGIC)):
        raise LogoError("The logo must be a PNG or JPEG image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise LogoError("The logo must be a PNG or JPEG image.")
                width, height = probe.size
                if width > MAX_SIDE or height > MAX_SIDE:
                    raise LogoError(f"The logo must be at most {MAX_SIDE} pixels on each side.")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                pixels = image.convert("RGBA" if _has_alpha(image) else "RGB")
    except LogoError:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise LogoError(
            "The file could not be read as an image. Save it again as PNG or JPEG."
        ) from exc
    pixels.thumbnail(STORED_BOX)
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _has_alpha(image: object) -> bool:
    mode = getattr(image, "mode", "")
    info = getattr(image, "info", {})
    return mode in ("RGBA", "LA", "PA") or "transparency" in info


def logo_data_uri(png: bytes) -> str:
    """A data: URI, so WeasyPrint embeds the logo without reading any file or URL itself."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
