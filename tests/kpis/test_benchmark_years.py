"""A national figure for a year DfE has not published is never shown as if current.

The product deliberately compares a term with DfE's latest published figure (casebook: "the
latest published one is used, and labelled"); wherever the figure is shown it says
"latest published: <year>", and "not published for <year>" when there is none at all.
DfE's numbers: pupil absence in schools in England 2024/25, overall absence 6.9% and
persistent absence 18.7% (the shipped national_benchmarks.csv); DfE has published no
2025-26 figure.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from assessment.contracts import national_basis
from phases.pipeline import recompute_run
from tests.reporting.data import seed_attendance
from trust_si.accounts.roles import Role

LATER = "2025-26-spring"  # DfE has not published 2025-26
SAME = "2024-25-spring"
# Absence is one term's sessions; DfE's national figure the full year's: said wherever shown.
TERM_WORDS = ", full year, against one term"
LATEST = f"latest published: 2024-25{TERM_WORDS}"
LATEST_SPRING = "latest published: 2024-25, spring term"


def test_national_basis_words():
    assert national_basis("2024-25", "2024-25") == "2024-25"
    assert national_basis("2024-25", "2025-26") == "latest published: 2024-25"
    assert national_basis(None, "2025-26") == "not published for 2025-26"
    assert national_basis("2024-25", "2025-26", full_year=True) == LATEST
    assert national_basis(None, "2025-26", full_year=True) == "not published for 2025-26"


@pytest.fixture
def dataset(world):
    tw = world.a
    with tw.scope():
        for term in (LATER, SAME):
            seed_attendance(
                academy=tw.academies[1],
                term_code=term,
                pupils=[
                    {
                        "upn": f"Y{i:012d}",
                        "year_group": "4",
                        "disadvantaged": i < 10,
                        "possible": 100,
                        "missed": 5,
                    }
                    for i in range(20)
                ],
            )
        recompute_run(trust=tw.trust)
    return tw


@pytest.mark.django_db
def test_a_year_dfe_has_not_published_is_labelled_everywhere(dataset, client_for):
    tw = dataset
    urn = tw.academies[1].urn
    leader = client_for(tw.user(Role.TRUST_LEADER))

    def api(term):
        rows = leader.get("/api/v1/t/alpha/kpis/", {"term": term, "page_size": 500}).json()
        return {(r["urn"], r["kpi"], r["group"]): r for r in rows["results"]}

    later = api(LATER)
    row = later[(urn, "absence", "all")]
    assert (row["national"], row["national_year"]) == (6.9, "2024-25")
    assert row["national_basis"] == LATEST
    # No national other-pupils persistent-absence figure at all: said, not borrowed.
    none = later[(urn, "persistent_absence", "disadvantaged")]
    assert none["national"] is None and none["national_basis"] == "not published for 2025-26"
    same = api(SAME)[(urn, "absence", "all")]
    assert (same["national"], same["national_basis"]) == (6.9, f"2024-25{TERM_WORDS}")

    page = leader.get(f"/t/alpha/kpis/{urn}/", {"term": LATER}).content.decode()
    assert f"6.9% ({LATEST})" in page
    assert (
        f"6.9% (2024-25{TERM_WORDS})"
        in leader.get(f"/t/alpha/kpis/{urn}/", {"term": SAME}).content.decode()
    )
    xlsx = leader.get(f"/t/alpha/kpis/{urn}/export.xlsx", {"term": LATER})
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    values = [c.value for r in sheet.iter_rows() for c in r]
    assert LATEST in values

    table = leader.get("/t/alpha/kpis/", {"term": LATER}).content.decode()
    assert f"6.9% ({LATEST})" in table
    csv = leader.get("/t/alpha/kpis/export.csv", {"term": LATER}).content.decode("utf-8-sig")
    # Persistent absence against DfE's spring-term 2024-25 figure (20.2%), overall absence
    # against the full year (DfE published no spring-term 2024-25 overall absence here).
    assert '"National, all pupils",,6.9,20.2' in csv
    assert f'National figure\'s year,,"{LATEST}","{LATEST_SPRING}"' in csv
    xlsx = leader.get("/t/alpha/kpis/export.xlsx", {"term": LATER})
    rows = [
        [c.value for c in r] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
    ]
    assert ["National figure's year", None, LATEST, LATEST_SPRING] in rows

    body = leader.get("/api/v1/t/alpha/heatmap/", {"term": LATER}).json()
    cell = next(r for r in body["rows"] if r["urn"] == urn)["cells"]["absence"]
    assert cell["national"] == 6.9 and cell["national_basis"] == LATEST
    assert cell["rating"].endswith(f"; {LATEST}")


def test_a_kpi_with_no_national_figure_by_its_nature_says_why():
    from assessment.kpis.catalogue import KPIS

    assert national_basis(None, "2025-26", kpi_code="ta_writing_are") == (
        "no national figure: the trust's own measure"
    )
    assert national_basis(None, "2025-26", kpi_code="severe_absence") == (
        "no termly national figure from DfE"
    )
    # A DfE statistic whose year is not out yet still says so.
    assert national_basis(None, "2025-26", kpi_code="ks2_rwm_exp") == "not published for 2025-26"
    assert "ta_writing_are" in KPIS
