"""Published results: the DfE figures of the trust's academies, and the import page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from trust_si.accounts.access import require
from trust_si.tenancy.http import TenantRequest

from .dfe import read_performance_file, year_from_filename
from .forms import PerformanceTableForm
from .selectors import banding_label, published_results_for
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
