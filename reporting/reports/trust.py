"""The trust board report: every academy's phase and headline KPIs, and the trust's totals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone

from academies.models import Academy
from reporting import sources
from reporting.models import ReportKind
from trust_si.terms import term_label

from .academy import attention_items
from .base import BaseReport

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


class TrustBoardReport(BaseReport):
    kind: ClassVar[str] = ReportKind.TRUST
    template_name: ClassVar[str] = "reporting/pdf/trust.html"

    @classmethod
    def build_snapshot(
        cls, *, trust: Trust, academy: Academy | None, term_code: str
    ) -> dict[str, Any]:
        academies = list(Academy.objects.filter(trust_id=trust.pk, is_active=True).order_by("name"))
        snapshot: dict[str, Any] = {
            "kind": cls.kind,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "term": term_code,
            "term_label": term_label(term_code),
            "min_cohort": trust.min_cohort,
            "trust": {
                "name": trust.name,
                "slug": trust.slug,
                "logo": trust.logo.name if trust.logo else "",
            },
            "subject_name": trust.name,
            "academy_count": len(academies),
        }
        # Trust-wide figures: the KPI engine aggregates across all academies (academy_id None).
        snapshot.update(sources.kpi_section(trust=trust, academy_ids=None, term_code=term_code))
        rows = []
        for a in academies:
            placement = sources.placement_section(trust=trust, academy=a, term_code=term_code)
            rows.append(
                {
                    "name": a.name,
                    "urn": a.urn,
                    "phase_of_education": a.get_phase_of_education_display(),
                    "phase": placement.get("phase") or "Not placed",
                    "phase_status": placement.get("status_label", ""),
                    "reason": (placement.get("reasons") or [{}])[0].get("text", "")
                    if placement.get("reasons")
                    else "",
                }
            )
        snapshot["academies"] = rows
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["phase"]] = counts.get(r["phase"], 0) + 1
        snapshot["phase_counts"] = [{"phase": k, "count": v} for k, v in sorted(counts.items())]
        snapshot["risks"] = sources.board_risks_section(trust=trust, term_code=term_code)
        snapshot["effects"] = sources.board_effects_section(trust=trust, term_code=term_code)
        snapshot["placement"] = {}
        snapshot["changes"], snapshot["attention"] = attention_items(snapshot)
        return snapshot
