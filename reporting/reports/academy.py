"""The academy termly report for its local governing body."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone

from phases.config import phases_for
from reporting import sources
from reporting.models import ReportKind
from trust_si.terms import term_label

from .base import BaseReport

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust


# A KPI that moved by at least this much since last term is worth governors' attention.
NOTABLE_MOVE = {"%": 5.0, "points": 2.0, "score": 0.3}


def attention_items(snapshot: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The exception-based first page: what changed since last term, and what needs attention.

    1. Changes: the phase if it moved; each KPI whose value moved by a notable amount.
    2. Attention: safeguarding not met; KPIs worse than national; overdue actions; missing data.
    """
    changes: list[str] = []
    attention: list[str] = []
    placement = snapshot.get("placement") or {}
    history = placement.get("history") or []
    if len(history) >= 2 and history[0].get("phase") != history[1].get("phase"):
        changes.append(f"Phase changed from {history[1]['phase']} to {history[0]['phase']}.")
    for kpi in snapshot.get("kpis", []):
        trend = [p for p in kpi.get("trend", []) if p.get("value") is not None]
        if len(trend) >= 2 and trend[-1]["term"] == snapshot["term"]:
            move = trend[-1]["value"] - trend[-2]["value"]
            if abs(move) >= NOTABLE_MOVE.get(kpi["unit"], 5.0):
                word = "rose" if move > 0 else "fell"
                changes.append(
                    f"{kpi['label']} {word} from {sources._fmt(trend[-2]['value'], kpi['unit'])} "
                    f"to {sources._fmt(trend[-1]['value'], kpi['unit'])}."
                )
        if kpi.get("vs_national") in ("below national", "worse than national"):
            attention.append(
                f"{kpi['label']}: {kpi['display']} against {kpi['national_display']} nationally."
            )
    for cell in snapshot.get("heatmap_row", []):
        if cell.get("area") == "safeguarding" and cell.get("rating_code") == "not_met":
            attention.insert(0, "Safeguarding was judged not met.")
    overdue = [
        a for a in (snapshot.get("visits") or {}).get("open_actions", []) if a.get("overdue")
    ]
    if overdue:
        attention.append(f"{len(overdue)} action(s) from visits are overdue.")
    if not snapshot.get("kpis"):
        attention.append("No pupil data has been committed for this term yet.")
    return changes, attention


class AcademyTermlyReport(BaseReport):
    kind: ClassVar[str] = ReportKind.ACADEMY
    template_name: ClassVar[str] = "reporting/pdf/academy.html"

    @classmethod
    def build_snapshot(
        cls, *, trust: Trust, academy: Academy | None, term_code: str
    ) -> dict[str, Any]:
        if academy is None:
            raise ValueError("An academy report needs its academy.")
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
            "subject_name": academy.name,
            "academy": {
                "name": academy.name,
                "urn": academy.urn,
                "phase_of_education": academy.get_phase_of_education_display(),
                "age_range": academy.age_range,
                "key_stages": academy.key_stages,
                "pupils_on_roll": academy.pupils_on_roll,
                "pct_disadvantaged": float(academy.pct_disadvantaged)
                if academy.pct_disadvantaged is not None
                else None,
                "pct_send_support": float(academy.pct_send_support)
                if academy.pct_send_support is not None
                else None,
                "pct_eal": float(academy.pct_eal) if academy.pct_eal is not None else None,
                "local_authority": academy.local_authority,
            },
        }
        snapshot.update(
            sources.kpi_section(trust=trust, academy_ids=[academy.pk], term_code=term_code)
        )
        for section in sources.ACADEMY_SECTIONS:
            snapshot[section.key] = section.build(trust=trust, academy=academy, term_code=term_code)
        snapshot["phases"] = [
            {"name": p.name, "summary": p.summary, "offer": list(p.offer)}
            for p in phases_for(trust.config).values()
        ]
        snapshot["changes"], snapshot["attention"] = attention_items(snapshot)
        return snapshot
