"""The trust board report: every academy's phase and headline KPIs, and the trust's totals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone

from academies.models import Academy
from phases.config import phases_for
from phases.selectors import heatmap_picture_for_report, placement_reasons_for_term
from phases.why import deciding_reasons
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
        phases = phases_for(trust.config)
        order = [p.name for p in phases.values()]  # weakest first: most support first
        raw_reasons = placement_reasons_for_term([a.pk for a in academies], term_code)
        rows = []
        for a in academies:
            placement = sources.placement_section(trust=trust, academy=a, term_code=term_code)
            phase = placement.get("phase") or "Not placed"
            code = next((c for c, p in phases.items() if p.name == phase), "")
            # The reasons that decided the phase (weakest evidence, strongest for Sustain), not
            # the engine's first line, which for an Improve school may be a strength.
            reasons = deciding_reasons(raw_reasons.get(a.pk) or [], code) or [
                r["text"] for r in (placement.get("reasons") or [])[:2]
            ]
            history = placement.get("history") or []
            direction = ""
            if len(history) >= 2 and {history[0]["phase"], history[1]["phase"]} <= set(order):
                move = order.index(history[0]["phase"]) - order.index(history[1]["phase"])
                direction = "up" if move > 0 else ("down" if move < 0 else "same")
            rows.append(
                {
                    "name": a.name,
                    "urn": a.urn,
                    "phase_of_education": a.get_phase_of_education_display(),
                    "phase": phase,
                    "phase_status": placement.get("status_label", ""),
                    "previous_phase": history[1]["phase"] if len(history) >= 2 else "",
                    "direction": direction,
                    "reason": reasons[0] if reasons else "",
                    "reasons": reasons,
                }
            )
        rank = {name: i for i, name in enumerate(order)}
        rows.sort(key=lambda r: (rank.get(r["phase"], len(order)), r["name"]))
        snapshot["phases"] = [
            {"name": p.name, "summary": p.summary, "offer": list(p.offer)} for p in phases.values()
        ]
        snapshot["academies"] = rows
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["phase"]] = counts.get(r["phase"], 0) + 1
        snapshot["phase_counts"] = [
            {"phase": k, "count": v}
            for k, v in sorted(counts.items(), key=lambda kv: rank.get(kv[0], len(order)))
        ]
        snapshot["heatmap"] = heatmap_picture_for_report(
            trust=trust, term_code=term_code, phases_by_urn={r["urn"]: r["phase"] for r in rows}
        )
        snapshot["risks"] = sources.board_risks_section(trust=trust, term_code=term_code)
        snapshot["effects"] = sources.board_effects_section(trust=trust, term_code=term_code)
        snapshot["placement"] = {}
        snapshot["changes"], snapshot["attention"] = attention_items(snapshot)
        return snapshot
