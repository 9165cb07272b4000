"""Demo: last term's reports ready to download (seed_demo calls this inside the trust scope)."""

from __future__ import annotations

from typing import Any

from academies.models import Academy
from reporting.models import Report, ReportStatus
from reporting.services import report_generate, report_request

DEMO_TERM = "2025-26-summer"


def seed(trust: Any, ctx: dict[str, Any]) -> None:
    """Generate each academy's and the board's report for the demo term, once (idempotent)."""
    targets: list[Academy | None] = [*Academy.objects.filter(is_active=True).order_by("name"), None]
    for academy in targets:
        if Report.objects.filter(academy=academy, term_code=DEMO_TERM, status=ReportStatus.READY).exists():
            continue
        report = report_request(actor=None, trust=trust, term_code=DEMO_TERM, academy=academy,
                                enqueue=False)
        report_generate(report=report)
