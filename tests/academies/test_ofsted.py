"""Ofsted's management information: three editions' real column lists (before report cards, and
the two sheets since November 2025), refusals, codes, the real path."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from academies.models import Inspection
from academies.ofsted import NotAnOfstedFile, read_outcomes
from phases.models import Placement
from phases.pipeline import recompute_run
from trust_si.accounts.roles import Role

DATA = Path(__file__).resolve().parent.parent / "data" / "ofsted"
PRE = next(csv.reader((DATA / "mi_edition_2025_03_columns.csv").open()))
POST = next(csv.reader((DATA / "mi_edition_2026_d2_most_recent_columns.csv").open()))
IN_YEAR = next(csv.reader((DATA / "mi_edition_2026_d1_in_year_columns.csv").open()))


def build(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "NULL") for h in header])
    return out.getvalue().encode("utf-8")


def legacy_row(urn: str, **kw: str) -> dict[str, str]:
    return {
        "URN": urn,
        "Web link": f"https://reports.ofsted.gov.uk/provider/21/{urn}",
        "School name": "A school",
        "Sixth form": "Does not have a sixth form",
        "Inspection start date": "14/03/2023",
        "Publication date": "20/04/2023",
        "Does the latest full inspection relate to the URN of the current school?": "Yes",
        "Overall effectiveness": "2",
        "Category of concern": "NULL",
        "Quality of education": "2",
        "Behaviour and attitudes": "2",
        "Personal development": "1",
        "Effectiveness of leadership and management": "2",
        "Safeguarding is effective?": "Yes",
        "Early years provision (where applicable)": "9",
        **kw,
    }


def card_row(urn: str, **kw: str) -> dict[str, str]:
    return {
        "URN": urn,
        "Sixth form": "Has a sixth form",
        "Inspection start date": "01/12/2025",
        "Publication date": "15/01/2026",
        "Does the latest full inspection relate to the URN of the current school?": "Yes",
        "Category of concern": "NULL",
        "Inclusion": "Expected standard",
        "Curriculum and teaching": "Strong standard",
        "Achievement": "Expected standard",
        "Attendance and behaviour": "Expected standard",
        "Personal development and wellbeing": "Strong standard",
        "Early years (where applicable)": "NULL",
        "Post-16 provision (where applicable)": "Expected standard",
        "Leadership and governance": "Expected standard",
        "Safeguarding standards": "Met",
        **kw,
    }


def oeif_columns(on: str, overall: str = "2", **kw: str) -> dict[str, str]:
    """The most-recent sheet's columns for the school's latest 2019-framework inspection."""
    return {
        "Inspection start date of latest OEIF graded inspection": on,
        "Publication date of latest OEIF graded inspection": "NULL",
        "Does the latest OEIF graded inspection relate to the URN of the current school?": "Yes",
        "Latest OEIF category of concern": "NULL",
        "Latest OEIF overall effectiveness": overall,
        "Latest OEIF quality of education": overall,
        "Latest OEIF behaviour and attitudes": "2",
        "Latest OEIF personal development": "2",
        "Latest OEIF effectiveness of leadership and management": overall,
        "Latest OEIF  safeguarding is effective?": "Yes",  # two spaces, as Ofsted's header has
        "Latest OEIF early years provision (where applicable)": "9",
        "Latest OEIF sixth form provision (where applicable)": "NULL",
        **kw,
    }


def test_edition_before_report_cards_is_read_and_codes_stay_codes():
    content = build(
        PRE,
        [
            legacy_row("100001"),
            legacy_row("100002", **{"Overall effectiveness": "9"}),  # 9 is a code
            legacy_row(
                "100003",
                **{
                    "Inspection start date": "10/10/2024",
                    "Overall effectiveness": "Not judged",
                    "Effectiveness of leadership and management": "4",
                    "Category of concern": "Serious Weaknesses",
                    "Does the latest full inspection relate to the URN of the current school?": "No",
                },
            ),
            legacy_row("999999"),  # another school's row: not read
            legacy_row("100004", **{"Inspection start date": "NULL"}),
        ],
    )
    result = read_outcomes(content, {"100001", "100002", "100003", "100004"})
    assert result.matched["safeguarding_effective"] == "Safeguarding is effective?"
    assert "rc_sixth_form" not in result.matched  # "Sixth form" says whether there is one
    assert not result.problems
    by_urn = {r.urn: r.data for r in result.rows}
    assert by_urn["100001"]["kind"] == "legacy" and by_urn["100001"]["overall_grade"] == 2
    assert "early_years" not in by_urn["100001"]["key_judgements"]  # "9" is not a grade
    # "9" overall with key judgements from 2023 is still a legacy inspection, without a grade.
    assert by_urn["100002"]["overall_grade"] is None
    graded = by_urn["100003"]
    assert graded["kind"] == "graded" and graded["key_judgements"]["leadership_management"] == 4
    assert graded["category_of_concern"] == "serious_weaknesses" and graded["is_predecessor"]
    assert result.other_schools == 1
    assert [(p.row, p.message) for p in result.skipped] == [(6, "no inspection yet")]


def test_report_card_edition_is_read():
    content = build(POST, [card_row("100001", **{"Safeguarding standards": "Not met"})])
    result = read_outcomes(content, {"100001"})
    data = result.rows[0].data
    assert data["kind"] == "report_card" and data["safeguarding_met"] is False
    assert data["area_grades"]["curriculum_teaching"] == "strong_standard"
    assert data["area_grades"]["sixth_form"] == "expected_standard"  # "Post-16 provision"
    assert "early_years" not in data["area_grades"]  # NULL is not a grade
    assert data["overall_grade"] is None and data["published_on"] == dt.date(2026, 1, 15)
    assert result.matched["rc_leadership_governance"] == "Leadership and governance"


def test_most_recent_sheet_gives_the_report_card_the_2019_inspection_and_the_ungraded_one():
    """Since November 2025 a row of the most-recent sheet holds up to three inspections: the
    latest full one (here a report card), the latest graded one of the 2019 framework and the
    latest ungraded one. Each is recorded once, with Ofsted's words for the ungraded outcome."""
    card = card_row(
        "100001",
        **oeif_columns("07/07/2021", overall="2"),
        **{
            "Date of latest ungraded inspection": "10/05/2023",
            "Ungraded inspection publication date": "12/06/2023",
            "Does the ungraded inspection relate to the URN of the current school?": "Yes",
            "Ungraded inspection overall outcome": "School remains Good",
        },
    )
    # Latest full inspection is the 2019-framework one: the same date in both places, no
    # report card yet. One inspection, not skipped, not recorded twice.
    oeif_only = {
        "URN": "100002",
        "Inspection start date": "03/10/2024",
        "Publication date": "20/11/2024",
        **oeif_columns(
            "03/10/2024",
            overall="NULL",
            **{
                "Latest OEIF category of concern": "Serious Weaknesses",
                "Does the latest OEIF graded inspection relate to the URN of the current "
                "school?": "No",
            },
        ),
    }
    never = {"URN": "100003", "Inspection start date": "NULL"}
    result = read_outcomes(build(POST, [card, oeif_only, never]), {"100001", "100002", "100003"})
    assert not result.problems
    for ours, theirs in {
        "oeif_safeguarding_effective": "Latest OEIF  safeguarding is effective?",
        "ungraded_outcome": "Ungraded inspection overall outcome",
        "safeguarding_met": "Safeguarding standards",
        "rc_personal_development": "Personal development and wellbeing",
        "report_url": "Web Link (opens in new window)",
    }.items():
        assert result.matched[ours] == theirs
    first = {r.data["kind"]: r.data for r in result.rows if r.urn == "100001"}
    assert set(first) == {"report_card", "legacy", "ungraded"}
    legacy = first["legacy"]
    assert legacy["inspected_on"] == dt.date(2021, 7, 7) and legacy["overall_grade"] == 2
    assert legacy["key_judgements"]["quality_of_education"] == 2
    assert "early_years" not in legacy["key_judgements"] and legacy["safeguarding_met"] is True
    ungraded = first["ungraded"]
    assert ungraded["inspected_on"] == dt.date(2023, 5, 10)
    assert ungraded["outcome"] == "School remains Good" and ungraded["overall_grade"] is None
    assert ungraded["published_on"] == dt.date(2023, 6, 12)
    second = [r.data for r in result.rows if r.urn == "100002"]
    assert len(second) == 1 and second[0]["kind"] == "graded"  # from September 2024, no overall
    assert second[0]["category_of_concern"] == "serious_weaknesses" and second[0]["is_predecessor"]
    assert [(p.row, p.message) for p in result.skipped] == [(4, "no inspection yet")]


def test_in_year_sheet_reads_report_cards_and_monitoring_outcomes_in_ofsteds_words():
    card = card_row("100001")
    monitoring = {
        "URN": "100002",
        "Inspection start date": "20/01/2026",
        "Publication date": "02/03/2026",
        "Outcomes for legacy monitoring inspections": "Taking effective action",
        "Category of concern": "Special Measures",
    }
    result = read_outcomes(build(IN_YEAR, [card, monitoring]), {"100001", "100002"})
    assert not result.problems and not result.skipped
    by_urn = {r.urn: r.data for r in result.rows}
    assert by_urn["100001"]["kind"] == "report_card"
    assert by_urn["100001"]["area_grades"]["personal_development"] == "strong_standard"
    ungraded = by_urn["100002"]
    assert ungraded["kind"] == "ungraded" and ungraded["outcome"] == "Taking effective action"
    assert ungraded["category_of_concern"] == "special_measures"
    assert ungraded["area_grades"] == {} and ungraded["overall_grade"] is None


def test_bad_rows_are_reported_with_row_column_and_reason():
    content = build(
        POST,
        [
            card_row("100001", **{"Inspection start date": "31/02/2026"}),
            card_row("100002", **{"Achievement": "Secure"}),
        ],
    )
    result = read_outcomes(content, {"100001", "100002"})
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "Inspection start date", "not a date"),
        (3, "Achievement", "not a report-card grade"),
    ]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"URN,School name\n100001,A\n", "no Inspection start date, an outcome column"),
        (b"name,grade\nA,2\n", "no URN column"),
        (b"\xff\xfe\x00\x00", "not Ofsted"),
    ],
)
def test_a_file_that_is_not_ofsteds_is_refused_with_a_clear_message(content, words):
    with pytest.raises(NotAnOfstedFile) as exc:
        read_outcomes(content, {"100001"})
    assert words in str(exc.value) or "not" in str(exc.value)


@pytest.mark.django_db
def test_command_imports_idempotently_and_places_on_the_floor(world, tmp_path):
    a = world.a
    first, second = a.academies
    path = tmp_path / "mi.csv"
    path.write_bytes(
        build(
            POST,
            [
                card_row(first.urn, **{"Leadership and governance": "Urgent improvement"}),
                {
                    "URN": second.urn,
                    "Inspection start date": "14/03/2023",
                    **oeif_columns(
                        "14/03/2023",
                        overall="4",
                        **{
                            "Latest OEIF category of concern": "Special Measures",
                            "Does the latest OEIF graded inspection relate to the URN of the "
                            "current school?": "No",
                        },
                    ),
                },
            ],
        )
    )
    out = StringIO()
    call_command("import_ofsted_outcomes", "--trust", "alpha", "--file", str(path), stdout=out)
    assert "2 created" in out.getvalue()
    assert "matched 'Leadership and governance' as rc_leadership_governance" in out.getvalue()
    out = StringIO()
    call_command("import_ofsted_outcomes", "--trust", "alpha", "--file", str(path), stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()
    with a.scope():
        assert Inspection.objects.filter(source="ofsted").count() == 2
        predecessor = Inspection.objects.get(academy=second)
        assert predecessor.is_predecessor and predecessor.category_of_concern == "special_measures"
        recompute_run(trust=a.trust)
        placements = {p.academy_id: p for p in Placement.objects.filter(subject="", trust=a.trust)}
    assert placements[first.pk].proposed_phase == "stabilise"
    assert placements[first.pk].reasons[0]["rule"] == "leadership_urgent_improvement"
    rules = [r["rule"] for r in placements[second.pk].reasons]
    assert placements[second.pk].proposed_phase == "stabilise"
    assert {"category_of_concern", "legacy_inadequate"} <= set(rules)
    assert "Predecessor school's" in placements[second.pk].reasons[0]["text"]
    with world.b.scope():
        assert not Inspection.objects.exists()


@pytest.mark.django_db
def test_command_refuses_a_file_that_is_not_ofsteds(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"URN,Name\n100001,A\n")
    with pytest.raises(CommandError, match="not Ofsted's management information"):
        call_command("import_ofsted_outcomes", "--trust", "alpha", "--file", str(path))


@pytest.mark.django_db
def test_import_page_reports_what_was_matched_and_refuses_bad_rows(world, client_for):
    a = world.a
    admin = client_for(a.user(Role.TRUST_ADMIN))
    url = "/t/alpha/academies/import-ofsted/"
    good = build(PRE, [legacy_row(a.academies[0].urn)])
    response = admin.post(url, {"file": SimpleUploadedFile("mi.csv", good)})
    page = response.content.decode()
    assert response.status_code == 200 and "1 added" in page
    assert "Safeguarding is effective?" in page
    bad = build(PRE, [legacy_row(a.academies[0].urn, **{"Inspection start date": "soon"})])
    response = admin.post(url, {"file": SimpleUploadedFile("mi.csv", bad)})
    assert response.status_code == 400 and "not a date" in response.content.decode()
    wrong = admin.post(url, {"file": SimpleUploadedFile("mi.csv", b"a,b\n1,2\n")})
    assert wrong.status_code == 400 and "no URN column" in wrong.content.decode()
    with a.scope():
        assert Inspection.objects.filter(academy=a.academies[0]).count() == 1


@pytest.mark.django_db
def test_an_ungraded_inspection_keeps_ofsteds_words_on_the_page_and_in_the_api(world, client_for):
    a = world.a
    academy = a.academies[0]
    admin = client_for(a.user(Role.TRUST_ADMIN))
    response = admin.post(
        f"/t/alpha/academies/{academy.urn}/inspections/new/",
        {
            "kind": "ungraded",
            "inspected_on": "2025-05-10",
            "outcome": "School remains Good",
            "safeguarding_met": "met",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = admin.get(f"/t/alpha/academies/{academy.urn}/").content.decode()
    assert "Outcome (Ofsted's words)" in page and "School remains Good" in page
    api = client_for(a.user(Role.TRUST_LEADER)).get(f"/api/v1/t/alpha/academies/{academy.urn}/")
    assert api.json()["latest_inspection"]["outcome"] == "School remains Good"
