"""Similar schools: the nearest schools of a DfE national file by standardised distance on prior
attainment, disadvantage, SEND and size, and the academy's position among them.

The pure tests use figures small enough to work out by hand; the others import a KS2 file built
from DfE's own column names (ks2_meta.csv) and read the KPI page and the governor report."""

from __future__ import annotations

import csv
import io
import math
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from assessment.kpis import similar
from assessment.kpis.models import ComparisonSchool
from reporting.services import report_generate, report_request
from tests.factories import AcademyFactory
from trust_si.accounts.roles import Role

KS4 = Path(__file__).resolve().parents[1] / "data" / "dfe" / "england_ks4provisional_2019.csv"


def _school(urn, prior, dis, send=12.0, pupils=200.0, figures=None, cohort=30):
    return similar.School(
        urn=urn,
        name=f"School {urn}",
        context={
            "prior_attainment": prior,
            "pct_disadvantaged": dis,
            "pct_send": send,
            "pupils": pupils,
        },
        figures=figures or {},
        cohort=cohort,
    )


# By hand, over T, A, B and C: prior 2, 2, 4, 0 -> mean 2, deviation sqrt(8/4) = sqrt(2);
# disadvantaged 10, 30, 10, 10 -> mean 15, deviation sqrt(300/4) = sqrt(75); SEND and size are
# the same everywhere (deviation 0) and add nothing.
# Distances from T: A = 20 / sqrt(75) = 2.309; B = C = 2 / sqrt(2) = 1.414 (B before C by URN).
T = _school("100", 2, 10, figures={"PTRWM_EXP": 50.0})
A = _school("400", 2, 30, figures={"PTRWM_EXP": 70.0})
B = _school("200", 4, 10, figures={"PTRWM_EXP": 60.0})
C = _school("300", 0, 10, figures={"PTRWM_EXP": 40.0})


def test_the_nearest_schools_by_standardised_distance_worked_by_hand():
    near = similar.nearest(T, [T, A, B, C], count=3)
    assert [n.school.urn for n in near] == ["200", "300", "400"]
    assert near[0].distance == pytest.approx(math.sqrt(2))
    assert near[1].distance == pytest.approx(math.sqrt(2))
    assert near[2].distance == pytest.approx(20 / math.sqrt(75))
    assert [n.school.urn for n in similar.nearest(T, [T, A, B, C], count=2)] == ["200", "300"]


def test_a_school_without_every_context_figure_is_left_out_and_so_is_the_academy_itself():
    incomplete = _school("150", None, 10)
    near = similar.nearest(T, [T, A, B, C, incomplete], count=20)
    assert {n.school.urn for n in near} == {"200", "300", "400"}
    assert similar.nearest(incomplete, [T, A, B, C]) == []


def test_size_in_other_units_gives_the_same_neighbours():
    # Standardising removes the unit: pupils counted in hundreds or ones, the same order.
    pool = [
        _school(str(u), p, d, pupils=n)
        for u, p, d, n in [(1, 2, 10, 100), (2, 3, 12, 900), (3, 1, 9, 150), (4, 2, 20, 120)]
    ]
    hundreds = [
        similar.School(s.urn, s.name, {**s.context, "pupils": s.context["pupils"] / 100})
        for s in pool
    ]
    assert [n.school.urn for n in similar.nearest(pool[0], pool)] == [
        n.school.urn for n in similar.nearest(hundreds[0], hundreds)
    ]


def test_position_among_the_similar_schools_worked_by_hand():
    near = similar.nearest(T, [T, A, B, C], count=3)
    p = similar.position(T, near, "PTRWM_EXP", "RWM", "higher")
    # T 50 among 60, 40, 70: two above it, one below -> 3rd of 4, above 1; median of 40/60/70 60.
    assert (p.rank, p.of, p.above, p.median) == (3, 4, 1, 60.0)
    lower = similar.position(T, near, "PTRWM_EXP", "RWM", "lower")
    assert (lower.rank, lower.above) == (2, 2)


def test_a_school_with_5_or_fewer_pupils_gives_no_figure_to_rank_against():
    tiny = _school("300", 0, 10, figures={"PTRWM_EXP": 40.0}, cohort=5)
    near = similar.nearest(T, [T, A, B, tiny], count=3)
    p = similar.position(T, near, "PTRWM_EXP", "RWM", "higher")
    assert (p.rank, p.of, p.above, p.median) == (3, 3, 0, 65.0)
    mine_tiny = similar.position(
        _school("100", 2, 10, figures={"PTRWM_EXP": 50.0}, cohort=4),
        near,
        "PTRWM_EXP",
        "",
        "higher",
    )
    assert mine_tiny.value is None and mine_tiny.rank is None


def test_a_headline_file_lacks_the_context_columns():
    header = next(csv.reader(io.StringIO(KS4.read_text(encoding="utf-8-sig"))))
    assert similar.missing_columns("ks4", header) == [
        "KS2APS",
        "PTFSM6CLA1A",
        "PSEN_ALL",
        "TOTPUPS",
    ]


# ---- through the importer, the KPI page and the governor report ----

HEADER = [
    "RECTYPE",
    "URN",
    "URN_AC",
    "SCHNAME",
    "TOTPUPS",
    "TELIG",
    "TKS1AVERAGE",
    "PTFSM6CLA1A",
    "PSENELEK",
    "PTRWM_EXP",
    "PTRWM_HIGH",
    "READPROG",
]


def _national_file(tmp_path, academy_urn, *, predecessor=False):
    """The academy (prior 16, 20% disadvantaged, 10% SEND, 300 pupils, RWM 60%) and 30 other
    schools: 20 near it (RWM 41% .. 79%, step 2) and 10 far from it (RWM 99%), plus a special
    school exactly like it that must not count (another record type)."""
    first = "900000" if predecessor else academy_urn
    rows = [
        [
            "1",
            first,
            academy_urn if predecessor else "",
            *["The Academy", "300", "40", "16", "20%", "10%", "60%", "8%", "0.5"],
        ]
    ]
    for i in range(20):
        rows.append(
            [
                *["1", f"91{i:04d}", "", f"Near {i}", f"{300 + i}", "40", "16"],
                *[f"{20 + i * 0.1:.1f}%", "10%", f"{41 + 2 * i}%", "5%", "0.1"],
            ]
        )
    for i in range(10):
        rows.append(
            ["1", f"92{i:04d}", "", f"Far {i}", "900", "80", "19", "60%", "40%", "99%", "50%", "4"]
        )
    rows.append(["2", "930000", "", "Special", "300", "40", "16", "20%", "10%", "0%", "0%", "0"])
    rows.append(["4", "", "", "England", "", "", "", "", "", "65%", "8%", ""])
    path = tmp_path / "2018-2019_england_ks2final.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


@pytest.fixture
def imported(world, tmp_path):
    academy = world.a.academies[0]  # a primary (ages 4-11: KS2)
    out = StringIO()
    path = _national_file(tmp_path, academy.urn)
    call_command("import_performance_tables", "--trust", "alpha", "--file", str(path), stdout=out)
    return academy, out.getvalue(), path


@pytest.mark.django_db
def test_import_keeps_the_national_schools_for_the_importing_trust_only(world, imported):
    _, summary, path = imported
    assert "32 schools kept for similar schools" in summary
    with world.a.scope():
        assert ComparisonSchool.objects.filter(kind="ks2", year="2018-19").count() == 32
    with world.b.scope():
        assert ComparisonSchool.objects.count() == 0
    again = StringIO()
    call_command("import_performance_tables", "--trust", "alpha", "--file", str(path), stdout=again)
    with world.a.scope():
        assert ComparisonSchool.objects.count() == 32


@pytest.mark.django_db
def test_the_kpi_page_shows_the_twenty_near_schools_and_the_position(world, imported, client_for):
    academy, _, _ = imported
    page = client_for(world.a.user(Role.TRUST_LEADER)).get(f"/t/alpha/kpis/{academy.urn}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Similar schools" in html
    # RWM 60% among 41, 43 .. 79: 10 of them above (61 .. 79), 10 below -> 11th of 21.
    assert "11th of 21: above 10 of the 20 similar schools with a figure" in html
    assert html.count("Near ") == 20 and "Far 0" not in html and "930000" not in html
    assert "standardised" in html  # the method is on the page


@pytest.mark.django_db
def test_another_trust_sees_none_of_it(world, imported, client_for):
    academy, _, _ = imported
    other = client_for(world.b.user(Role.TRUST_LEADER))
    assert other.get(f"/t/beta/kpis/{academy.urn}/").status_code == 404
    own = other.get(f"/t/beta/kpis/{world.b.academies[0].urn}/").content.decode()
    assert "No similar schools yet" in own and "Near 0" not in own


@pytest.mark.django_db
def test_a_converter_academy_is_placed_by_its_predecessor_schools_row(world, tmp_path, client_for):
    academy = world.a.academies[0]
    path = _national_file(tmp_path, academy.urn, predecessor=True)
    call_command(
        "import_performance_tables", "--trust", "alpha", "--file", str(path), stdout=StringIO()
    )
    html = client_for(world.a.user(Role.TRUST_LEADER)).get(f"/t/alpha/kpis/{academy.urn}/")
    assert "as predecessor school, URN 900000" in html.content.decode()


@pytest.mark.django_db
def test_the_governor_report_has_the_similar_schools_section(world, imported):
    academy, _, _ = imported
    with world.a.scope():
        report = report_generate(
            report=report_request(
                actor=None,
                trust=world.a.trust,
                term_code="2025-26-summer",
                academy=academy,
                enqueue=False,
            )
        )
        with report.pdf.open("rb") as fh:
            reader = PdfReader(io.BytesIO(fh.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Similar schools" in text
    assert "11th of 21: above 10 of the 20 similar schools with a figure" in text
    assert "standardised" in text


@pytest.mark.django_db
def test_the_real_2019_ks4_headline_file_says_why_no_similar_schools(world):
    with world.a.scope():
        AcademyFactory(trust=world.a.trust, urn="100003", age_low=11, age_high=16)
    out = StringIO()
    call_command("import_performance_tables", "--trust", "alpha", "--file", str(KS4), stdout=out)
    assert (
        "No schools kept for similar schools: the file has no KS2APS, PTFSM6CLA1A, PSEN_ALL, TOTPUPS"
        in (out.getvalue())
    )
