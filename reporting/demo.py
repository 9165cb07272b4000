"""Demo: last term's reports ready to download (seed_demo calls this inside the trust scope)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from academies.models import Academy
from assessment.kpis.selectors import kpi_figures_memo
from reporting import sources
from reporting.models import Report, ReportStatus
from reporting.services import report_generate, report_request

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


DEMO_TERM = "2025-26-summer"


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    """Generate each academy's and the board's report for the demo term (idempotent).

    A report already there is kept unless the academy's phase has changed since (a demo seeded
    before placements existed): then a new version is generated, so the demo shows the phase.
    """
    targets: list[Academy | None] = [*Academy.objects.filter(is_active=True).order_by("name"), None]
    with kpi_figures_memo():  # every report reads the same whole table: work it out once
        _generate(trust, targets)


def _generate(trust: Trust, targets: list[Academy | None]) -> None:
    for academy in targets:
        existing = (
            Report.objects.filter(academy=academy, term_code=DEMO_TERM, status=ReportStatus.READY)
            .order_by("-version")
            .first()
        )
        if existing is not None and not _phase_changed(trust, academy, existing):
            continue
        report = report_request(
            actor=None, trust=trust, term_code=DEMO_TERM, academy=academy, enqueue=False
        )
        report_generate(report=report)


def _phase_changed(trust: Trust, academy: Academy | None, report: Report) -> bool:
    if academy is None:
        return False
    now = sources.placement_section(trust=trust, academy=academy, term_code=DEMO_TERM).get("phase")
    return now != (report.snapshot.get("placement") or {}).get("phase")
