"""The report generator base: snapshot -> HTML (preview and PDF) -> CSV of the figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING, Any, ClassVar

from django.template.loader import render_to_string
from pypdf import PdfReader

from assessment.kpis.display import number_text
from reporting.charts import Series, bar_chart, legend_words, line_chart
from reporting.selectors import logo_data_uri_for
from reporting.summary import board_summary, governor_summary
from trust_si.exports import formula_safe
from trust_si.pdf import html_to_pdf
from trust_si.terms import TermCode
from trust_si.vocab import words

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust


def fmt_figure(
    value: float | None, unit: str, *, suppressed: bool = False, min_cohort: int = 5
) -> str:
    """A figure as governors read it: suppressed and missing figures say so in words."""
    if suppressed:
        return f"suppressed ({min_cohort} or fewer pupils, or would reveal them)"
    if value is None:
        return "no data"
    text = number_text(value) if unit in ("%", "points") else f"{value:.2f}"
    return f"{text}%" if unit == "%" else text


class BaseReport:
    kind: ClassVar[str]
    template_name: ClassVar[str]

    @classmethod
    def build_snapshot(
        cls, *, trust: Trust, academy: Academy | None, term_code: str
    ) -> dict[str, Any]:
        raise NotImplementedError  # each report class states its own snapshot

    @classmethod
    def charts(cls, snapshot: dict[str, Any]) -> list[dict[str, str]]:
        """SVG trend charts for the KPIs that have at least two terms of figures."""
        out = []
        for kpi in snapshot.get("kpis", []):
            trend = kpi.get("trend") or []
            points = [p for p in trend if p.get("value") is not None]
            if len(points) < 2:
                continue
            # Terms with no figure at either end are left off: an axis of empty terms says
            # nothing and squeezes the ones that have figures.
            filled = [
                i
                for i, p in enumerate(trend)
                if p.get("value") is not None or p.get("national") is not None
            ]
            trend = trend[filled[0] : filled[-1] + 1]
            terms = [p["term_label"] for p in trend]
            # A measure published once a year (KS2, KS4, phonics, EYFS) has figures only in
            # summer: autumn and spring points would be empty places between dots, so its
            # chart has one point a year, labelled by the year.
            yearly = all(trend[i - filled[0]]["term"].endswith("-summer") for i in filled)
            if yearly:
                trend = [p for p in trend if p["term"].endswith("-summer")]
                terms = [TermCode.parse(p["term"]).academic_year for p in trend]
            series = [
                Series(snapshot.get("subject_name", "Academy"), [p.get("value") for p in trend])
            ]
            if any(p.get("national") is not None for p in trend):
                series.append(Series("National", [p.get("national") for p in trend]))
            svg = line_chart(
                kpi["label"], terms, series, unit=kpi.get("unit_suffix", ""), width=320
            )
            out.append(
                {
                    "kpi": kpi["code"],
                    "title": kpi["label"],
                    "svg": svg,
                    "key": legend_words(series),
                    "period": "recent years (summer results)" if yearly else "recent terms",
                }
            )
        return out[: snapshot.get("max_charts", 6)]

    @classmethod
    def context(cls, snapshot: dict[str, Any]) -> dict[str, Any]:

        logo = logo_data_uri_for((snapshot.get("trust") or {}).get("logo"))
        summary = (
            board_summary(snapshot)
            if snapshot.get("kind") == "trust"
            else governor_summary(snapshot)
        )
        return {
            "s": snapshot,
            "summary": summary,
            "charts": cls.charts(snapshot),
            # A measure whose every group figure is suppressed gets a line, not a row of
            # "suppressed" cells.
            "group_kpis": [
                k for k in snapshot.get("kpis", []) if any(not g["suppressed"] for g in k["groups"])
            ],
            "groups_hidden": [
                k["label"]
                for k in snapshot.get("kpis", [])
                if k["groups"] and all(g["suppressed"] for g in k["groups"])
            ],
            "bar_chart": bar_chart,
            "logo_uri": logo,
        }

    @classmethod
    def render_html(cls, snapshot: dict[str, Any], *, for_pdf: bool) -> str:
        return render_to_string(cls.template_name, {**cls.context(snapshot), "for_pdf": for_pdf})

    @classmethod
    def render_pdf(cls, snapshot: dict[str, Any], *, title: str) -> tuple[bytes, int]:

        created = dt.datetime.fromisoformat(snapshot["generated_at"])
        pdf = html_to_pdf(
            cls.render_html(snapshot, for_pdf=True),
            title=title,
            author=snapshot["trust"]["name"],
            subject=title,
            created=created,
        )
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        return pdf, pages

    @classmethod
    def csv_rows(cls, snapshot: dict[str, Any]) -> list[list[Any]]:
        rows: list[list[Any]] = [
            [
                "Academy or trust",
                "Measure",
                "Pupil group",
                "Term",
                "Value",
                "National",
                "Target",
                "Pupils",
                "Note",
            ]
            # value, national and target are in the measure's unit (a percentage as 43.3)
        ]
        for kpi in snapshot.get("kpis", []):
            for g in kpi.get("groups", []):
                rows.append(
                    [
                        snapshot.get("subject_name", ""),
                        # Labels through the one vocabulary (an old snapshot may hold codes).
                        words(kpi["label"]),
                        words(g["group_label"]),
                        words(snapshot["term_label"]),
                        # Plain numbers (a spreadsheet can sort them); words where none.
                        g["display"] if g.get("value") is None else round(g["value"], 2),
                        kpi.get("national_display", "")
                        if kpi.get("national") is None
                        else kpi["national"],
                        kpi.get("target_display", "")
                        if kpi.get("target") is None
                        else kpi["target"],
                        g.get("cohort_display", ""),
                        g.get("note", ""),
                    ]
                )
        return rows

    @classmethod
    def render_csv(cls, snapshot: dict[str, Any]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in cls.csv_rows(snapshot):
            writer.writerow([formula_safe(v) for v in row])
        return buffer.getvalue()
