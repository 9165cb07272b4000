"""The "no subtraction recovers a suppressed count" check over the demo data (`seed_demo`).

Seeding is slow, so the demo is seeded once and every output is checked in one test: the KPI
API (the whole table of every KPI and term against the independent attacker of
test_disclosure), the trust table page and its CSV and XLSX exports per group, the heat-map API
per group, each academy's KPI page and XLSX as its governor sees it, and the governor report
PDF (pypdf). Every output must hide at least what the API hides; leaks are collected and
reported together.
"""

from __future__ import annotations

import csv
import io
import time
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from academies.models import SPECIAL_EDUCATION, Academy
from assessment.kpis.catalogue import GROUPS, KPIS
from assessment.kpis.disclosure import Relation
from assessment.kpis.display import GROUP_LABELS
from assessment.models import Term
from reporting.services import report_generate, report_request
from tests.kpis.test_disclosure import PARTITIONS, recoverable
from trust_si.accounts.models import Membership, User
from trust_si.site import demo
from trust_si.tenancy.context import dangerously_unscoped, trust_scope
from trust_si.tenancy.models import Trust

SUPPRESSED = "suppressed"


def _relations(table: dict, kpi: str, special: set[str]) -> list[Relation]:
    """What a reader knows: the complements, and the trust as the sum of its academies (for
    statutory assessments its mainstream academies, as DfE's MAT measures and our glossary say)."""
    units = sorted({u for u, _ in table})
    academies = [u for u in units if u != "trust" and not (KPIS[kpi].summer_only and u in special)]
    return [
        Relation((u, "all"), tuple((u, g) for g in p))
        for u in units
        for p in PARTITIONS
        if (u, "all") in table and all((u, g) in table for g in p)
    ] + [
        Relation(("trust", g), tuple((u, g) for u in academies if (u, g) in table))
        for g in GROUPS
        if ("trust", g) in table
    ]


# The heat map's own groups (phases.api): another group is not a heat-map view.
HEATMAP_GROUPS = {"all", "disadvantaged", "non_disadvantaged", "send", "boys", "girls"}


# About 30 s since the disclosure solver went sparse: it runs in every suite.
@pytest.mark.django_db
def test_the_demo_gives_no_suppressed_count_away(settings, client_for):
    settings.TRUST_SI_DEMO_PASSWORD = "demo"
    started = time.monotonic()
    # The pupil data and the heat map are what the KPI outputs read; the other apps' demo data
    # (visits, CPD, planning, the reports the demo pre-generates) have tests of their own.
    hooks = demo.DEMO_HOOKS
    demo.DEMO_HOOKS = [
        demo.academies_demo,
        demo.assessment_demo,
        demo.assessment_primary_demo,  # issue 13 (i13-4a): the primary checks, earlier years
        demo.phases_demo,
    ]
    try:
        call_command("seed_demo", stdout=StringIO())
    finally:
        demo.DEMO_HOOKS = hooks
    seeded = time.monotonic() - started
    leaks: list[str] = []
    trust = Trust.objects.get(slug="northmoor")
    with dangerously_unscoped():
        leader = User.objects.get(email="trust_leader@northmoor.example")
        governor = User.objects.get(email="governor@northmoor.example")
        governed = list(Membership.objects.get(user=governor, trust=trust).academies.all())
        terms = sorted({t.code for t in Term.objects.filter(trust=trust)})
        special = {
            a.urn
            for a in Academy.objects.filter(trust=trust)
            if a.phase_of_education in SPECIAL_EDUCATION
        }
    assert special, "the demo has no special school: the mainstream-only trust rule is untested"
    assert terms, "the demo has no terms"
    lead = client_for(leader)
    base = f"/t/{trust.slug}"
    api = f"/api/v1/t/{trust.slug}"
    checked = {"tables": 0, "hidden": 0}
    hidden_by_term: dict[str, set] = {}
    for term in terms:
        rows, page = [], 1
        while True:  # every page of the list: the attacker gets the whole table
            body = lead.get(f"{api}/kpis/", {"term": term, "page_size": 500, "page": page}).json()
            rows += body["results"]
            if not body["next"]:
                break
            page += 1
        by_kpi: dict[str, dict] = {}
        for r in rows:
            by_kpi.setdefault(r["kpi"], {})[(r["urn"] or "trust", r["group"])] = r
            if r["suppressed"] and (r["value"] is not None or r["cohort"] is not None):
                leaks.append(f"API {term} {r['kpi']} {r['urn']} {r['group']}: value or cohort")
            if not r["suppressed"] and r["cohort"] is not None and r["cohort"] <= 5:
                leaks.append(f"API {term} {r['kpi']} {r['urn']} {r['group']}: cohort {r['cohort']}")
        for kpi, table in by_kpi.items():
            hidden = {cell for cell, r in table.items() if r["suppressed"]}
            hidden_by_term.setdefault(term, set()).update((kpi, *cell) for cell in hidden)
            checked["tables"] += 1
            checked["hidden"] += len(hidden)
            if found := recoverable(hidden, _relations(table, kpi, special)):
                leaks.append(f"API {term} {kpi}: recoverable {sorted(found)}")
    assert checked["hidden"], "the demo has no suppressed figure: the check would prove nothing"
    # The trust table, its CSV and XLSX exports and the heat map, group by group: every cell the
    # API hides is hidden there too (so their union gives nothing more away than the API).
    for term in terms:
        hidden = hidden_by_term.get(term, set())
        if not hidden:
            continue
        for group in GROUPS:
            want = {(kpi, urn) for kpi, urn, g in hidden if g == group and urn != "trust"}
            if not want:
                continue
            export = lead.get(f"{base}/kpis/export.csv", {"term": term, "group": group})
            lines = export.content.decode("utf-8-sig").splitlines()
            header = next(csv.reader([lines[0]]))  # labels may hold commas
            xlsx = lead.get(f"{base}/kpis/export.xlsx", {"term": term, "group": group})
            sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
            xrows = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
            page = lead.get(f"{base}/kpis/", {"term": term, "group": group}).content.decode()
            heat = lead.get(f"{api}/heatmap/", {"term": term, "group": group}).json()
            heat_rows = {r["urn"]: r["cells"] for r in heat.get("rows", [])}
            for kpi, urn in want:
                label = _label(kpi)
                if label in header:
                    column = header.index(label)
                    line = next((x for x in lines if f",{urn}," in x), "")
                    if line and SUPPRESSED not in _csv_cell(line, column):
                        leaks.append(f"CSV {term} {group} {kpi} {urn}: {_csv_cell(line, column)}")
                if xrows and label in xrows[0]:
                    column = xrows[0].index(label)
                    xrow = next((x for x in xrows if urn in x), None)
                    if xrow and SUPPRESSED not in xrow[column]:
                        leaks.append(f"XLSX {term} {group} {kpi} {urn}: {xrow[column]}")
                cell = heat_rows.get(urn, {}).get(kpi) if group in HEATMAP_GROUPS else None
                if cell and cell.get("term") == term and cell["state"] != "suppressed":
                    leaks.append(f"heat map {term} {group} {kpi} {urn}: {cell['state']}")
                if cell and cell["state"] == "suppressed" and cell.get("cohort") is not None:
                    leaks.append(f"heat map {term} {group} {kpi} {urn}: cohort")
            assert "<table" in page
    # Each governed academy's KPI page and its XLSX, and its governor report: no cohort of a
    # hidden group appears, and a hidden group's gap is not given.
    gov = client_for(governor)
    for academy in governed:
        last = terms[-1]
        page = gov.get(f"{base}/kpis/{academy.urn}/", {"term": last})
        assert page.status_code == 200
        book = gov.get(f"{base}/kpis/{academy.urn}/export.xlsx", {"term": last})
        assert book.status_code == 200
        with trust_scope(trust):
            report = report_generate(
                report=report_request(
                    actor=None, trust=trust, term_code=last, academy=academy, enqueue=False
                )
            )
            with report.pdf.open("rb") as fh:
                pdf = PdfReader(io.BytesIO(fh.read()))
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
        assert text
        hidden_here = {(k, g) for k, u, g in hidden_by_term.get(last, set()) if u == academy.urn}
        # The academy's XLSX (the KPI page's own rows, every sheet) and the governor report's
        # CSV export: a figure the API hides is hidden there too and keeps no cohort (issue 13,
        # i13-4b: "every export").
        leaks += _export_leaks(academy.urn, book.content, report, hidden_here, checked)
        for kpi, group in hidden_here:
            # A hidden group keeps no cohort: "<Group> suppressed (...) <n>" never appears.
            marker = f"{_group_label(group)} suppressed (5 or fewer pupils, or would reveal them) "
            at = text.find(marker)
            while at >= 0:
                after = text[at + len(marker) :].split(" ", 1)[0]
                if after.isdigit():
                    leaks.append(f"PDF {academy.urn} {kpi} {group}: cohort {after}")
                at = text.find(marker, at + 1)
    # Every academy's governor-report charts (built from the snapshot, as the PDF's are): a
    # term whose all-pupils figure is hidden has no point.
    from reporting.models import ReportKind
    from reporting.reports import report_class_for

    report_class = report_class_for(ReportKind.ACADEMY)
    with trust_scope(trust):
        for academy in Academy.objects.filter(trust=trust, is_active=True):
            snapshot = report_class.build_snapshot(
                trust=trust, academy=academy, term_code=terms[-1]
            )
            charted = {c["kpi"] for c in report_class.charts(snapshot)}
            for kpi in snapshot.get("kpis", []):
                for point in kpi.get("trend") or []:
                    hidden_then = hidden_by_term.get(point["term"], set())
                    if (kpi["code"], academy.urn, "all") not in hidden_then:
                        continue
                    checked["trend_points"] = checked.get("trend_points", 0) + 1
                    checked["chart_points"] = checked.get("chart_points", 0) + (
                        kpi["code"] in charted
                    )
                    if point.get("value") is not None:
                        leaks.append(f"chart {academy.urn} {kpi['code']} {point['term']}: {point}")
    print(
        f"seed {seeded:.0f} s; {len(terms)} terms, {checked['tables']} tables, "
        f"{checked['hidden']} hidden cells; {time.monotonic() - started:.0f} s in all; "
        f"hidden cells found in the academy XLSX Groups {checked.get('xlsx_groups', 0)}, KPIs "
        f"{checked.get('xlsx_kpis', 0)}, report CSV {checked.get('report_csv', 0)}, hidden trend points "
        f"{checked.get('trend_points', 0)} (in a chart {checked.get('chart_points', 0)}); governed "
        f"{[a.urn for a in governed]}; hidden there "
        f"{sum(1 for k, u, g in hidden_by_term.get(terms[-1], set()) if u in {a.urn for a in governed})}"
    )
    assert not leaks, "\n".join(leaks[:50])


def _label(kpi: str) -> str:
    return KPIS[kpi].label


def _group_label(group: str) -> str:
    return GROUP_LABELS[group]


def _csv_cell(line: str, column: int) -> str:
    row = next(csv.reader([line]))
    return row[column] if column < len(row) else ""


def _is_number(text: object) -> bool:
    try:
        float(str(text))
    except ValueError:
        return False
    return True


def _export_leaks(urn: str, xlsx: bytes, report, hidden: set, checked: dict) -> list[str]:
    """Leaks in one academy's KPI XLSX and its governor report's CSV: a suppressed cell beside a
    pupil count, or a figure the API hides shown as a number."""
    from reporting.reports import report_class_for
    from reporting.sources import GROUP_LABELS as REPORT_GROUP_LABELS
    from trust_si.vocab import words

    leaks = []
    book = load_workbook(io.BytesIO(xlsx))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if c is None else str(c) for c in row]
            for i, text in enumerate(cells[:-1]):
                if SUPPRESSED in text and cells[i + 1].strip().isdigit():
                    leaks.append(f"academy XLSX {urn} {sheet.title}: {cells}")
    kpi_rows = {str(r[0]): r for r in book["KPIs"].iter_rows(values_only=True)}
    for sheet_row in book["Groups"].iter_rows(min_row=2, values_only=True):
        for label_at in (2, 5):  # first group, compared-with group: (label, value, cohort)
            group = next(
                (g for g, words_ in GROUP_LABELS.items() if words_ == sheet_row[label_at]), None
            )
            if group and (_kpi_code(sheet_row[0]), group) in hidden:
                checked["xlsx_groups"] = checked.get("xlsx_groups", 0) + 1
                if SUPPRESSED not in str(sheet_row[label_at + 1]):
                    leaks.append(f"academy XLSX {urn} Groups: {sheet_row}")
    for kpi, group in hidden:
        row = kpi_rows.get(_label(kpi))
        if group == "all" and row is not None:
            checked["xlsx_kpis"] = checked.get("xlsx_kpis", 0) + 1
            if SUPPRESSED not in str(row[2]):
                leaks.append(f"academy XLSX {urn} KPIs: {row}")
    lines = list(csv.reader(io.StringIO(report_class_for(report.kind).render_csv(report.snapshot))))
    value_at, pupils_at = lines[0].index("Value"), lines[0].index("Pupils")
    for line in lines[1:]:
        if SUPPRESSED in line[value_at] and line[pupils_at].strip().isdigit():
            leaks.append(f"report CSV {urn}: {line}")
    shown = {(line[1], line[2]): line[value_at] for line in lines[1:]}
    for kpi, group in hidden:
        key = (words(_label(kpi)), REPORT_GROUP_LABELS.get(group, ""))
        if key in shown:
            checked["report_csv"] = checked.get("report_csv", 0) + 1
            if _is_number(shown[key]):
                leaks.append(f"report CSV {urn} {kpi} {group}: {shown[key]}")
    return leaks


def _kpi_code(label: object) -> str:
    return next((code for code, kpi in KPIS.items() if kpi.label == label), "")
