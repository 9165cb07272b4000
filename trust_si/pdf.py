"""HTML -> PDF/UA-1 with WeasyPrint: language, title and metadata set, headings and tables tagged.

Shared by governor reports and visit notes, so every PDF the product emits is accessible the
same way. Pure of the ORM: it takes rendered HTML.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(
    html: str,
    *,
    title: str,
    author: str = "trust-si",
    subject: str = "",
    base_url: str | None = None,
    created: dt.datetime | None = None,
) -> bytes:
    """Render HTML to PDF/UA-1 bytes.

    1. The HTML must carry <html lang="en-GB"> and a <title>: WeasyPrint writes them as the
       document language and title (PDF/UA requires both; DisplayDocTitle is set).
    2. Metadata (author, subject, dates) is pinned so a regenerated report is identical.
    3. Fonts are the system's (no network): base_url resolves static files from disk.
    """
    import weasyprint  # imported lazily: pango loads slowly and most processes never need it

    document = weasyprint.HTML(
        string=html, base_url=base_url or str(Path(settings.BASE_DIR) / "static")
    ).render()
    document.metadata.title = title
    document.metadata.authors = [author]
    document.metadata.description = subject
    document.metadata.lang = "en-GB"
    if created is not None:
        stamp = created.isoformat(timespec="seconds")
        document.metadata.created = stamp
        document.metadata.modified = stamp
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
    assert pdf is not None
    return bytes(pdf)
