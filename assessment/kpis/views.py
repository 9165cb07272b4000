"""KPI pages: the trust table, an academy's KPIs, targets, transitions, exports, published results."""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from academies.models import PhaseOfEducation
from academies.selectors import academy_get_for, academy_list_for
from assessment.outcomes import (
    KS1_NO_FORECAST,
    forecast_term_for,
    forecasts_for_academy,
    no_forecast_note,
)
from trust_si.exports import Figure, csv_response, xlsx_response
from trust_si.terms import AcademicYear, TermCode, term_label
from trust_si.web.access import require
from trust_si.web.http import TenantRequest
from trust_si.web.links import key_url

from . import selectors, services
from .cards import kpi_cards_html
from .catalogue import CATALOGUE, GROUPS, KPIS, TRUST_SCOPE_NOTE
from .dfe import read_performance_file, year_from_filename
from .disclosure import threshold
from .display import GROUP_LABELS, national_label, number_text
from .forms import PerformanceTableForm, TargetForm
from .national import NATIONAL_GROUP_FOR
from .selectors import banding_label, kpi_figures_for, published_results_for, term_codes_with_data
from .services import published_results_import
from .transitions import BAND_LABELS, BANDS, CATEGORIES, CATEGORY_LABELS


def published_results(request: TenantRequest) -> HttpResponse:
    membership = require(request, "kpi.view")
    rows = published_results_for(membership).filter(
        field__in=["P8MEA", "ATT8SCR", "PTRWM_EXP", "READPROG", "WRITPROG", "MATPROG"]
    )
    can_import = membership.can("targets.edit")
    posted = request.method == "POST"
    form = (
        PerformanceTableForm(request.POST if posted else None, request.FILES if posted else None)
        if can_import
        else None
    )
    counts = None
    if request.method == "POST":
        require(request, "targets.edit")
        assert form is not None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            parsed = read_performance_file(upload.read())
            given = form.cleaned_data["year"]
            year = given or parsed.year or year_from_filename(upload.name)
            if parsed.problems:
                form.add_error("file", parsed.problems[0])
            elif given and parsed.year and given != parsed.year:
                form.add_error("year", f"The file says its year is {parsed.year}, not {given}.")
            elif not year:
                form.add_error("year", "Enter the academic year of these results.")
            else:
                counts = published_results_import(
                    actor=request.user,
                    trust=request.trust,
                    parsed=parsed,
                    year=year,
                    source=upload.name,
                )
    return render(
        request,
        "kpis/published.html",
        {
            "rows": [(r, banding_label(r)) for r in rows],
            "form": form,
            "counts": counts,
        },
        status=400 if form is not None and form.errors else 200,
    )


TABLE_KPIS = [
    "eyfs_gld",
    "y1_phonics",
    "ks2_rwm_exp",
    "ks4_att8",
    "ks4_em4",
    "absence",
    "persistent_absence",
    "ta_reading_are",
    "ta_writing_are",
    "ta_maths_are",
    "writing_judged_exs",
]


def _cell_text(figure: Any, min_cohort: int) -> str:
    if figure is None:
        return "–"
    if figure.suppressed:
        return f"suppressed ({min_cohort} or fewer pupils, or would reveal them)"
    if figure.value is None:
        return "no data"
    suffix = "%" if figure.unit == "%" else ""
    return f"{number_text(figure.value)}{suffix}"


def _cell_figure(figure: Any, min_cohort: int) -> Figure:
    """The cell for an export: the number with its unit, or the same words as on the page."""
    text = _cell_text(figure, min_cohort)
    if figure is None or figure.suppressed or figure.value is None:
        return Figure(None, words=text)
    return Figure(figure.value, figure.unit, text)


def _cells_html(cells: list[str]) -> SafeString:
    """A row's cells as the template wrote them (escaped, by the stdlib's escape as Django's
    does), joined once here rather than by a template loop per cell: the table's largest
    share of rendering (issue 17)."""
    html = "".join(f'<td class="govuk-table__cell">{escape(c)}</td>' for c in cells)
    return mark_safe(html)  # noqa: S308 - every cell's text escaped above


def _options_html(choices: list[tuple[str, Any]], selected: str) -> SafeString:
    """A select's options as the template's loop wrote them, escaped here (issue 17)."""
    html = "".join(
        f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


def _wrapped_html(texts: list[Any], before: str, after: str) -> SafeString:
    """Each text escaped between `before` and `after` (a table's header or row cells)."""
    html = "".join(f"{before}{escape(str(t))}{after}" for t in texts)
    return mark_safe(html)  # noqa: S308 - every text escaped above


def _academy_head_html(href: str, term: str, name: str) -> SafeString:
    """An academy row's heading, its link to the academy's KPIs as the template's `{% url %}`
    wrote it: reversed once per table, not once per row (issue 17)."""
    html = (
        f'<a class="govuk-link" href="{escape(href)}?term={escape(term)}">{escape(name)}'
        '<span class="govuk-visually-hidden">: all KPIs</span></a>'
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


def _cohort_number(text: Any) -> Any:
    return int(text) if isinstance(text, str) and text.isdigit() else text


def _trust_table(request: TenantRequest) -> tuple[dict[str, Any], Any]:
    membership = require(request, "kpi.view")
    terms = term_codes_with_data(request.trust.pk)
    term = request.GET.get("term") or ""
    if term not in terms:
        term = terms[0] if terms else ""
    group = request.GET.get("group") or "all"
    if group not in GROUPS:
        group = "all"
    academies = list(academy_list_for(membership))
    figures = (
        kpi_figures_for(
            trust_id=request.trust.pk,
            academy_ids=[a.pk for a in academies],
            term_codes=[term],
            groups=[group],
            by_education=membership.is_trust_wide,
        )
        if term
        else []
    )
    index = {(f.academy_id, f.kpi_code): f for f in figures if not f.education}
    educations = sorted({f.education for f in figures if f.education})
    by_education = {(f.education, f.kpi_code): f for f in figures if f.education}
    # Each KPI's first figure: which columns have data, and whose national figure they show.
    samples: dict[str, Any] = {}
    for f in figures:
        samples.setdefault(f.kpi_code, f)
    columns = [code for code in TABLE_KPIS if code in samples]
    min_cohort = threshold(request.trust.min_cohort)
    academy_url = key_url("kpis:academy", "urn", trust_slug=request.trust.slug)
    rows = [
        {
            "academy": a,
            "head_html": _academy_head_html(academy_url(a.urn), term, a.name),
            "cells": cells,
            "cells_html": _cells_html(cells),
            "figures": [_cell_figure(index.get((a.pk, c)), min_cohort) for c in columns],
        }
        for a in academies
        for cells in ([_cell_text(index.get((a.pk, c)), min_cohort) for c in columns],)
    ]
    trust_figures = [_cell_figure(index.get((None, c)), min_cohort) for c in columns]
    trust_row = [_cell_text(index.get((None, c)), min_cohort) for c in columns]
    education_labels = dict(PhaseOfEducation.choices)
    education_rows = (
        [
            {
                "label": str(education_labels.get(e, e)),
                "cells": cells,
                "cells_html": _cells_html(cells),
            }
            for e in educations
            for cells in ([_cell_text(by_education.get((e, c)), min_cohort) for c in columns],)
        ]
        if len(educations) > 1
        else []
    )
    national = []
    national_figures = []
    # Each national figure's year in words ("latest published: 2024-25" when DfE has not
    # published the term's year): exports carry it on a row of its own beside the numbers.
    national_years = []
    for code in columns:
        sample = samples.get(code)
        national_years.append(sample.national_basis if sample else "not published")
        national.append(
            f"{sample.national:g}{'%' if sample.unit == '%' else ''} ({sample.national_basis})"
            if sample and sample.national is not None
            else (sample.national_basis if sample else "not published")
        )
        national_figures.append(
            Figure(sample.national, sample.unit, national[-1])
            if sample and sample.national is not None
            else Figure(None, words=national[-1])
        )
    # Disadvantaged pupils are compared with national other pupils (DfE's DIFFN_* comparison).
    compared = national_label(NATIONAL_GROUP_FOR.get(group, "all"))
    terms_shown = [(t, term_label(t)) for t in terms]
    groups_shown = [(g, GROUP_LABELS[g]) for g in GROUPS]
    columns_shown = [(c, KPIS[c].label) for c in columns]
    return {
        "national_label": compared[0].upper() + compared[1:],
        # The page's loops over terms, groups and columns, as HTML (issue 17); the lists
        # stay for the exports.
        "terms_html": _options_html(terms_shown, term),
        "groups_html": _options_html(groups_shown, group),
        "columns_html": _wrapped_html(
            [label for _, label in columns_shown],
            '<th scope="col" class="govuk-table__header">',
            "</th>",
        ),
        "trust_row_html": _wrapped_html(
            trust_row, '<td class="govuk-table__cell"><strong>', "</strong></td>"
        ),
        "national_html": _cells_html(national),
        "term": term,
        "group": group,
        "groups": groups_shown,
        "columns": columns_shown,
        "rows": rows,
        "trust_row": trust_row,
        "trust_figures": trust_figures,
        "national_figures": national_figures,
        "national_years": national_years,
        "education_rows": education_rows,
        "terms": terms_shown,
        "national": national,
        "min_cohort": min_cohort,
        "show_trust_row": membership.is_trust_wide,
        "trust_scope_note": TRUST_SCOPE_NOTE,
    }, membership


def kpi_table(request: TenantRequest) -> HttpResponse:
    context, _ = _trust_table(request)
    return render(request, "kpis/table.html", context)


def kpi_table_csv(request: TenantRequest) -> HttpResponse:
    context, _ = _trust_table(request)
    rows = [[row["academy"].name, row["academy"].urn, *row["figures"]] for row in context["rows"]]
    rows.append([context["national_label"], "", *context["national_figures"]])
    rows.append(["National figure's year", "", *context["national_years"]])
    return csv_response(
        f"kpis-{context['term']}-{context['group']}.csv",
        ["academy", "urn", *[label for _, label in context["columns"]]],
        rows,
    )


def kpi_table_xlsx(request: TenantRequest) -> HttpResponse:
    context, _ = _trust_table(request)
    rows: list[list[Any]] = [["Academy", "URN", *[label for _, label in context["columns"]]]]
    rows += [[r["academy"].name, r["academy"].urn, *r["figures"]] for r in context["rows"]]
    if context["show_trust_row"] and context["rows"]:
        rows.append(["Whole trust", "", *context["trust_figures"]])
    rows.append([context["national_label"], "", *context["national_figures"]])
    rows.append(["National figure's year", "", *context["national_years"]])
    if context["show_trust_row"] and context["rows"]:
        rows.append([context["trust_scope_note"]])
    term = TermCode.parse_or_none(context["term"])
    # A sheet's name holds 31 characters: the short label ("Spring 2025-26") fits.
    title = f"{term.short_label} {context['group']}" if term else context["group"]
    return xlsx_response(f"kpis-{context['term']}-{context['group']}.xlsx", [(title, rows)])


def academy_kpis(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "kpi.view")
    academy = academy_get_for(membership, urn)
    context = selectors.academy_kpis_for(membership, academy, request.GET.get("term"))
    context["can_edit_targets"] = membership.can("targets.edit")
    context["similar"] = selectors.similar_schools_for(
        trust_id=membership.trust_id, academy=academy
    )
    # The forecasts are for the term asked for even when it has no KPI figure yet (Year 11
    # working-at grades make none: KS4 measures are summer results), else the page's term.
    forecast_term = forecast_term_for(
        membership.trust_id, request.GET.get("term"), context.get("term")
    )
    if forecast_term:
        # One card per year group of a key stage the academy teaches (KS2 before KS4).
        context["forecasts"] = forecasts_for_academy(
            academy,
            trust_id=membership.trust_id,
            term_code=forecast_term,
            min_n=membership.trust.min_cohort,
        )
        # Two cards to a row (each row its own grid row, so cards of unequal height line up).
        found = context["forecasts"]
        context["forecast_rows"] = [found[i : i + 2] for i in range(0, len(found), 2)]
    context["no_forecast_note"] = no_forecast_note(academy)
    context["no_forecast_title"] = (
        "Forecast: end of key stage 1"
        if context["no_forecast_note"] == KS1_NO_FORECAST
        else "Forecasts of end-of-key-stage outcomes"
    )
    context["cards_html"] = kpi_cards_html(context.get("rows") or (), context.get("term_label", ""))
    return render(request, "kpis/academy.html", context)


def academy_kpis_xlsx(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "kpi.view")
    academy = academy_get_for(membership, urn)
    c = selectors.academy_kpis_for(membership, academy, request.GET.get("term"))
    kpis: list[list[Any]] = [
        [
            "KPI",
            "Term",
            "Value",
            "Cohort",
            "National",
            "National year",
            "National source",
            "Against national",
            "Target",
            "Against target",
            "Change since the previous figure",
        ]
    ]
    groups: list[list[Any]] = [
        [
            "KPI",
            "Term",
            "Group",
            "Value",
            "Cohort",
            "Compared with",
            "Value",
            "Cohort",
            "Gap",
            "Gap in words",
        ]
    ]
    for r in c["rows"]:
        step = r["step"]
        kpis.append(
            [
                r["label"],
                c["term_label"],
                Figure(None if r["suppressed"] else r["value"], r["unit"], r["text"]),
                _cohort_number(r["cohort"]),
                Figure(r["national"], r["unit"], r["national_text"]),
                r["national_basis"],
                r["national_source"],
                r["vs_national"],
                Figure(r["target"], r["unit"], r["target_text"]),
                r["vs_target"],
                f"{step['arrow']} {step['words']}".strip() if step else "",
            ]
        )
        for p in r["pairs"]:
            groups.append(
                [
                    r["label"],
                    c["term_label"],
                    p["first"],
                    Figure(p["first_value"], r["unit"], p["first_text"]),
                    _cohort_number(p["first_cohort"]),
                    p["second"],
                    Figure(p["second_value"], r["unit"], p["second_text"]),
                    _cohort_number(p["second_cohort"]),
                    Figure(p["gap"], "", ""),
                    p["gap_text"],
                ]
            )
    trend: list[list[Any]] = [["KPI", "Term", "Value", "Change"]]
    for r in c["rows"]:
        trend += [
            [
                r["label"],
                t["term"],
                Figure(t["value"], r["unit"], t["text"]),
                f"{t['arrow']} {t['words']}".strip(),
            ]
            for t in r["trend"]
        ]
    return xlsx_response(
        f"kpis-{academy.urn}-{c['term'] or 'none'}.xlsx",
        [("KPIs", kpis), ("Groups", groups), ("Trend", trend)],
    )


def targets(request: TenantRequest) -> HttpResponse:
    membership = require(request, "kpi.view")
    can_edit = membership.can("targets.edit")
    form = None
    if request.method == "POST":
        require(request, "targets.edit")
    if can_edit:
        form = TargetForm(
            request.POST if request.method == "POST" else None,
            academies=academy_list_for(membership),
            kpis=[(k.code, k.label) for k in CATALOGUE],
            initial={"academic_year": AcademicYear.for_date(timezone.localdate()).code},
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                services.kpi_target_set(
                    actor=request.user,
                    membership=membership,
                    academy=d["academy"],
                    kpi_code=d["kpi_code"],
                    academic_year=d["academic_year"],
                    value=d["value"],
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, "Target saved.")
                return redirect("kpis:targets", trust_slug=request.trust.slug)
    rows = [
        {
            "target": t,
            "label": KPIS[t.kpi_code].label if t.kpi_code in KPIS else t.kpi_code,
            "unit": KPIS[t.kpi_code].unit if t.kpi_code in KPIS else "",
        }
        for t in selectors.kpi_target_list_for(membership)
    ]
    return render(
        request,
        "kpis/targets.html",
        {"rows": rows, "form": form, "can_edit": can_edit},
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def target_delete(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "targets.edit")
    target = selectors.kpi_target_get_for(membership, pk)
    services.kpi_target_delete(actor=request.user, membership=membership, target=target)
    messages.success(request, "Target removed.")
    return redirect("kpis:targets", trust_slug=request.trust.slug)


def transitions(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "kpi.view")
    academy = academy_get_for(membership, urn)
    context = selectors.transition_matrix_for(
        membership,
        academy,
        from_code=request.GET.get("from"),
        to_code=request.GET.get("to"),
        subject=request.GET.get("subject") or "reading",
        year_group=request.GET.get("year_group") or "",
        group=request.GET.get("group") or "all",
    )
    matrix = context["matrix"]
    context.update(
        {
            "bands": [(b, BAND_LABELS[b]) for b in BANDS],
            "categories": [(c, CATEGORY_LABELS[c]) for c in CATEGORIES],
            "term_options": [(t, term_label(t)) for t in reversed(context["terms"])],
            "groups": [(g, GROUP_LABELS[g]) for g in GROUPS],
            "subjects": selectors.TRANSITION_SUBJECTS,
            "group_label": GROUP_LABELS[context["group"]],
            "from_label": "Prior-attainment band"
            if context["from_code"] == "prior"
            else term_label(context["from_code"] or ""),
            "to_label": term_label(context["to_code"] or ""),
            "grid": [
                (b, BAND_LABELS[b], matrix.rows[b], [matrix.cells[(b, t)] for t in BANDS])
                for b in BANDS
            ]
            if matrix and not matrix.suppressed
            else [],
            "category_rows": [(CATEGORY_LABELS[c], matrix.categories[c]) for c in CATEGORIES]
            if matrix and not matrix.suppressed
            else [],
            "year_rows": [
                (y, m, [m.categories.get(c) for c in CATEGORIES])
                for y, m in context["by_year_group"]
            ],
            "marker_rows": [
                (GROUP_LABELS[g], marker) for g, marker in context.get("markers", {}).items()
            ],
        }
    )
    return render(request, "kpis/transitions.html", context)
