"""Published results: the DfE figures of the trust's academies, and the import page."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from academies.selectors import academy_list_for
from assessment.views import safe_cell
from trust_si.accounts.access import require
from trust_si.tenancy.http import TenantRequest

from .catalogue import GROUPS, KPIS
from .dfe import read_performance_file, year_from_filename
from .forms import PerformanceTableForm
from .selectors import banding_label, kpi_figures_for, published_results_for
from .services import published_results_import


def published_results(request: TenantRequest) -> HttpResponse:
    membership = require(request, "kpi.view")
    rows = published_results_for(membership).filter(field__in=["P8MEA", "ATT8SCR", "PTRWM_EXP", "READPROG", "WRITPROG", "MATPROG"])
    can_import = membership.can("targets.edit")
    posted = request.method == "POST"
    form = (PerformanceTableForm(request.POST if posted else None, request.FILES if posted else None)
            if can_import else None)
    counts = None
    if request.method == "POST":
        require(request, "targets.edit")
        assert form is not None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            year = form.cleaned_data["year"] or year_from_filename(upload.name)
            parsed = read_performance_file(upload.read())
            if parsed.problems:
                form.add_error("file", parsed.problems[0])
            elif not year:
                form.add_error("year", "Enter the academic year of these results.")
            else:
                counts = published_results_import(actor=request.user, trust=request.trust,
                                                  parsed=parsed, year=year, source=upload.name)
    return render(request, "kpis/published.html", {
        "rows": [(r, banding_label(r)) for r in rows], "form": form, "counts": counts,
    }, status=400 if form is not None and form.errors else 200)


TABLE_KPIS = ["eyfs_gld", "y1_phonics", "ks2_rwm_exp", "ks4_att8", "ks4_em4", "absence", "persistent_absence",
              "ta_reading_are", "ta_writing_are", "ta_maths_are"]


def _cell_text(figure: Any, min_cohort: int) -> str:
    if figure is None:
        return "–"
    if figure.suppressed:
        return f"suppressed (n<{min_cohort})"
    suffix = "%" if figure.unit == "%" else ""
    return f"{figure.value:.1f}{suffix}"


def _trust_table(request: TenantRequest) -> tuple[dict[str, Any], Any]:
    membership = require(request, "kpi.view")
    term = request.GET.get("term") or "2025-26-summer"
    group = request.GET.get("group") or "all"
    if group not in GROUPS:
        group = "all"
    academies = list(academy_list_for(membership))
    figures = kpi_figures_for(trust_id=request.trust.pk, academy_ids=[a.pk for a in academies],
                              term_codes=[term], groups=[group])
    index = {(f.academy_id, f.kpi_code): f for f in figures}
    columns = [code for code in TABLE_KPIS if any(f.kpi_code == code for f in figures)]
    min_cohort = max(request.trust.min_cohort, 3)
    rows = [{"academy": a, "cells": [_cell_text(index.get((a.pk, c)), min_cohort) for c in columns]}
            for a in academies]
    trust_row = [_cell_text(index.get((None, c)), min_cohort) for c in columns]
    national = []
    for code in columns:
        sample = next((f for f in figures if f.kpi_code == code), None)
        national.append(f"{sample.national:g}{'%' if sample.unit == '%' else ''}" if sample and sample.national is not None else "not published")
    return {"term": term, "group": group, "groups": GROUPS, "columns": [(c, KPIS[c].label) for c in columns],
            "rows": rows, "trust_row": trust_row, "national": national, "min_cohort": min_cohort,
            "show_trust_row": membership.is_trust_wide}, membership


def kpi_table(request: TenantRequest) -> HttpResponse:
    context, _ = _trust_table(request)
    return render(request, "kpis/table.html", context)


def kpi_table_csv(request: TenantRequest) -> HttpResponse:
    context, _ = _trust_table(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["academy", "urn", *[label for _, label in context["columns"]]])
    for row in context["rows"]:
        writer.writerow([safe_cell(row["academy"].name), row["academy"].urn, *[safe_cell(c) for c in row["cells"]]])
    writer.writerow(["national", "", *context["national"]])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpis-{context["term"]}-{context["group"]}.csv"'
    return response
