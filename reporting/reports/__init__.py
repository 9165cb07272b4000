"""One class per report; each renders the same snapshot to HTML, PDF and CSV."""

from __future__ import annotations

from .academy import AcademyTermlyReport
from .base import BaseReport
from .trust import TrustBoardReport

REPORT_CLASSES: dict[str, type[BaseReport]] = {
    AcademyTermlyReport.kind: AcademyTermlyReport,
    TrustBoardReport.kind: TrustBoardReport,
}


def report_class_for(kind: str) -> type[BaseReport]:
    return REPORT_CLASSES[kind]


__all__ = ["AcademyTermlyReport", "BaseReport", "TrustBoardReport", "report_class_for"]
