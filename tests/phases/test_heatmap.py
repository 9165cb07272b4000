"""The heat map: cells in words with trend and suppression, snapshots per term, filters, compare,
exports, API, constant query count, phase names from settings, support matching."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from academies.models import Academy
from assessment.contracts import KpiFigure
from phases.heatmap_rules import judgement_cell, kpi_cell, p8_cell
from phases.models import HeatmapRow, Placement
from phases.pipeline import recompute_run
from phases.rules import DEFAULT_SETTINGS, JudgementEvidence, P8Evidence
from tests.phases.helpers import map_two_terms
from trust_si.accounts.roles import Role

TODAY = dt.date(2026, 11, 20)


def fig(
    term,
    value,
    cohort=30,
    suppressed=False,
    code="ks2_rwm_exp",
    unit="%",
    direction="higher",
    national=62.0,
    target=None,
):
    return KpiFigure(
        academy_id=1,
        kpi_code=code,
        label="KS2 RWM",
        key_stage="KS2",
        subject="rwm",
        group="all",
        term_code=term,
        value=value,
        cohort=cohort,
        suppressed=suppressed,
        national=national,
        national_year=term[:7],  # the term's own year: labelled "latest published" else
        target=target,
        unit=unit,
        direction=direction,
    )


# The shipped national figures are DfE's 2024-25; these terms are 2025-26, which DfE has not
# published: the cell says so.
LATEST = "; latest published: 2024-25"
# Absence is one term's sessions against DfE's full-year figure: said too.
LATEST_TERM = f"{LATEST}, full year, against one term"
# Persistent absence has DfE's termly figures for 2024-25: a term is compared with the same term.
LATEST_SPRING = f"{LATEST}, spring term"
LATEST_SUMMER = f"{LATEST}, summer term"

# ---- the pure cell rules ----


def test_a_national_figure_from_an_earlier_year_is_labelled_latest_published():
    stale = replace(fig("2025-26-summer", 40.0), national_year="2024-25")
    cell = kpi_cell("ks2_rwm_exp", "2025-26-summer", stale, None, DEFAULT_SETTINGS)
    assert cell.rating == "Well below national; latest published: 2024-25"
    assert cell.national_basis == "latest published: 2024-25" and cell.national == 62.0
    same = kpi_cell(
        "ks2_rwm_exp", "2025-26-summer", fig("2025-26-summer", 40.0), None, DEFAULT_SETTINGS
    )
    assert same.rating == "Well below national" and same.national_basis == "2025-26"


def test_kpi_cell_rates_in_words_with_trend():
    last = kpi_cell(
        "ks2_rwm_exp", "2024-25-summer", fig("2024-25-summer", 58.0), None, DEFAULT_SETTINGS
    )
    cell = kpi_cell(
        "ks2_rwm_exp", "2025-26-summer", fig("2025-26-summer", 49.0), last, DEFAULT_SETTINGS
    )
    assert cell.rating == "Below national" and cell.level == 2
    assert cell.display == "49.0%" and cell.cohort == 30
    assert cell.trend.direction == "down"
    assert cell.trend.text == "down 9.0 pts on Summer term 2024-25 (worse)"
    assert not cell.stale


def test_absence_lower_is_better_and_carried_cells_are_stale():
    summer = kpi_cell(
        "persistent_absence",
        "2025-26-summer",
        fig("2025-26-summer", 12.0, code="persistent_absence", direction="lower", national=18.7),
        None,
        DEFAULT_SETTINGS,
    )
    assert summer.rating == "Well below national (better)" and summer.level == 4
    autumn = kpi_cell("persistent_absence", "2026-27-autumn", None, summer, DEFAULT_SETTINGS)
    assert autumn.stale and autumn.note == "from Summer term 2025-26" and autumn.display == "12.0%"
    assert kpi_cell("ks4_att8", "2026-27-autumn", None, None, DEFAULT_SETTINGS).rating == "No data"


def test_in_year_kpi_without_national_is_rated_against_the_target():
    ta = fig("2025-26-spring", 61.0, cohort=40, code="ta_reading_are", national=None, target=75.0)
    cell = kpi_cell("ta_reading_are", "2025-26-spring", ta, None, DEFAULT_SETTINGS)
    assert cell.rating == "Below target" and cell.level == 2 and cell.gap == -14.0
    no_target = kpi_cell(
        "ta_reading_are", "2025-26-spring", replace(ta, target=None), None, DEFAULT_SETTINGS
    )
    assert no_target.rating == "No national figure or target" and no_target.level is None


def test_suppressed_kpi_cell_has_no_value():
    cell = kpi_cell(
        "ks2_rwm_exp",
        "2025-26-summer",
        fig("2025-26-summer", None, cohort=3, suppressed=True),
        None,
        {**DEFAULT_SETTINGS, "min_cohort": 5},
    )
    assert (
        cell.state == "suppressed"
        and cell.rating == "Suppressed (5 or fewer pupils, or would reveal them)"
        and cell.value is None
    )


def test_judgement_cell_latest_with_trend_and_staleness():
    judged = [
        JudgementEvidence("achievement", "needs_attention", dt.date(2025, 1, 10), "Visit"),
        JudgementEvidence("achievement", "expected_standard", dt.date(2025, 6, 10), "Visit"),
    ]
    cell = judgement_cell("achievement", judged, TODAY, DEFAULT_SETTINGS)
    assert cell.rating == "Expected standard" and cell.trend.direction == "up" and cell.stale
    assert judgement_cell("inclusion", judged, TODAY, DEFAULT_SETTINGS).rating == "Not judged"


def test_p8_cell_not_published_and_banded():
    assert p8_cell(None, "2025-26-summer", True).rating == "Not published"
    assert p8_cell(None, "2025-26-summer", False).rating == "Not applicable"
    banded = p8_cell(P8Evidence("2018-19", -0.62, -0.8, -0.44, "1"), "2018-19-summer", True)
    assert banded.rating == "Well below average" and banded.level == 1
    supp = p8_cell(P8Evidence("2018-19", 0.1, -0.2, 0.4, "SUPP"), "2018-19-summer", True)
    assert supp.rating == "Not banded" and supp.level is None


# ---- with the database ----


@pytest.fixture
def mapped(world):
    return map_two_terms(world)


@pytest.mark.django_db
def test_recompute_keeps_one_snapshot_per_term(mapped):
    a = mapped.a
    with a.scope():
        terms = set(HeatmapRow.objects.values_list("term_code", flat=True))
        assert terms == {"2025-26-spring", "2025-26-summer"}
        summer = HeatmapRow.objects.get(
            academy=a.academies[0], term_code="2025-26-summer", group="all"
        )
        spring = HeatmapRow.objects.get(
            academy=a.academies[0], term_code="2025-26-spring", group="all"
        )
    absence = summer.cell("persistent_absence")
    assert absence.display == "100.0%"
    assert absence.trend.direction == "up"  # 0% in spring: worse
    assert "worse" in absence.trend.text
    assert summer.cell("curriculum_teaching").rating == "Needs attention"
    # Last term's map is kept as it was.
    assert spring.cell("persistent_absence").display == "0.0%"
    assert spring.cell("curriculum_teaching").state == "none"


@pytest.mark.django_db
def test_heatmap_page_words_groups_suppression_compare(mapped, client_for):
    a = mapped.a
    leader = client_for(a.user(Role.TRUST_LEADER))
    page = leader.get("/t/alpha/heatmap/").content.decode()
    assert a.academies[0].name in page and "Summer term 2025-26" in page
    # 100% persistent absence, in words: the rating shows whole, the qualifier is in its tip
    # (read out with the link).
    assert '<span class="app-heat__rating">Well above national (worse)</span>' in page
    assert f'<span class="govuk-visually-hidden">; </span>{LATEST_SUMMER[2:]}' in page
    assert "Needs attention" in page and "n=10" in page
    # Three disadvantaged pupils: suppressed in that group's map.
    page = leader.get("/t/alpha/heatmap/?group=disadvantaged").content.decode()
    assert "Suppressed (5 or fewer pupils, or would reveal them)" in page and "n=3" not in page
    page = leader.get(
        "/t/alpha/heatmap/?term=2025-26-summer&compare=2025-26-spring"
    ).content.decode()
    assert "compared with Spring term 2025-26" in page
    assert f"Spring term 2025-26: Well below national (better){LATEST_SPRING} 0.0% (worse)" in page
    # Unknown filter values are ignored, never an error.
    assert (
        leader.get(
            "/t/alpha/heatmap/?term=nope&group=x&key_stage=KS9&phase=z&officer=abc"
        ).status_code
        == 200
    )
    page = leader.get("/t/alpha/heatmap/?key_stage=judged").content.decode()
    # No outcome column (the "why" column may still quote the evidence that decided the phase).
    assert '<abbr title="Persistent absence' not in page and "Curriculum and teaching" in page
    assert "Early years" not in page  # nobody judged: the column is left out


@pytest.mark.django_db
def test_heatmap_exports_are_formula_safe(mapped, client_for):
    a = mapped.a
    with a.scope():
        Academy.objects.filter(pk=a.academies[0].pk).update(name='=HYPERLINK("http://x")')
        recompute_run(trust=a.trust)
    leader = client_for(a.user(Role.TRUST_LEADER))
    text = leader.get("/t/alpha/heatmap/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Persistent absence (10% or more): rating" in text
    book = load_workbook(io.BytesIO(leader.get("/t/alpha/heatmap/?format=xlsx").content))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert f"Well above national (worse){LATEST_TERM}" in values


@pytest.mark.django_db
def test_heatmap_query_count_does_not_grow_with_academies(mapped, client_for):
    a = mapped.a
    leader = client_for(a.user(Role.TRUST_LEADER))
    leader.get("/t/alpha/heatmap/")  # warm caches (sessions, content types)

    def queries() -> int:
        # Nothing from the cache (the pupil counts are kept per data version): the page's
        # queries as the first reader after a change makes them.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert leader.get("/t/alpha/heatmap/?compare=2025-26-spring").status_code == 200
        return len(ctx)

    before = queries()
    with a.scope():
        for n in range(12):
            Academy.objects.create(
                trust=a.trust,
                urn=f"9{n:05d}",
                name=f"Extra {n}",
                phase_of_education="primary",
                age_low=4,
                age_high=11,
            )
        recompute_run(trust=a.trust)
        assert HeatmapRow.objects.filter(term_code="2025-26-summer", group="all").count() == 14
    assert queries() == before


@pytest.mark.django_db
def test_heatmap_api_gives_cells(mapped, client_for):
    a = mapped.a
    data = client_for(a.user(Role.TRUST_LEADER)).get("/api/v1/t/alpha/heatmap/?group=all").json()
    assert data["term"] == "2025-26-summer" and "2025-26-spring" in data["terms"]
    row = next(r for r in data["rows"] if r["urn"] == a.academies[0].urn)
    cell = row["cells"]["persistent_absence"]
    assert cell["rating"] == f"Well above national (worse){LATEST_SUMMER}"
    assert cell["national_year"] == "2024-25"
    assert cell["national_basis"] == "latest published: 2024-25, summer term"
    assert any(c["code"] == "safeguarding" for c in data["columns"])
    # An officer sees only their academies.
    rows = (
        client_for(a.user(Role.IMPROVEMENT_OFFICER)).get("/api/v1/t/alpha/heatmap/").json()["rows"]
    )
    assert [r["urn"] for r in rows] == [a.academies[0].urn]


@pytest.mark.django_db
def test_trust_names_its_phases_and_tunes_rules(mapped, client_for):
    a = mapped.a
    admin = client_for(a.user(Role.TRUST_ADMIN))
    form = admin.get("/t/alpha/phases/settings/")
    assert form.status_code == 200 and "Stabilise" in form.content.decode()
    data = {"preset": "seed003"}
    for code in ("stabilise", "repair", "improve", "sustain"):
        data |= {f"{code}_name": code, f"{code}_tier": "Tier", f"{code}_summary": "Words"}
    for key, value in DEFAULT_SETTINGS.items():
        if key == "weights":
            data |= {f"weight_{k}": v for k, v in value.items()}
        else:
            data[key] = value
    bad = admin.post("/t/alpha/phases/settings/", {**data, "cut_improve": 9})
    assert bad.status_code == 400 and "The cut points must rise" in bad.content.decode()
    assert admin.post("/t/alpha/phases/settings/", data).status_code == 302
    a.trust.refresh_from_db()
    assert a.trust.config["phases"]["stabilise"]["name"] == "De-clutter"
    assert a.trust.config["phases"]["sustain"]["name"] == "Sustain and Strengthen"
    with a.scope():
        recompute_run(trust=a.trust)
    page = client_for(a.user(Role.TRUST_LEADER)).get("/t/alpha/heatmap/").content.decode()
    assert "De-clutter" in page and "Sustain and Strengthen" in page
    assert client_for(a.user(Role.TRUST_LEADER)).get("/t/alpha/phases/settings/").status_code == 403


@pytest.mark.django_db
def test_support_matching_pairs_takers_with_nearest_givers(world, client_for):
    a = world.a
    scored = [{"rule": "kpi_vs_national", "level": 4, "evidence": {"cohort": 40}}]
    with a.scope():
        taker = a.academies[0]
        giver = Academy.objects.create(
            trust=a.trust,
            urn="999002",
            name="Near Primary",
            phase_of_education="primary",
            age_low=4,
            age_high=11,
        )
        middle = Academy.objects.create(
            trust=a.trust,
            urn="999001",
            name="Far Middle",
            phase_of_education="middle",
            age_low=9,
            age_high=13,
        )
        for academy, phase in ((taker, "repair"), (giver, "sustain"), (middle, "sustain")):
            Placement.objects.create(
                trust=a.trust,
                academy=academy,
                term_code="2025-26-summer",
                subject="maths",
                proposed_phase=phase,
                reasons=scored if phase == "sustain" else [],
            )
    page = client_for(a.user(Role.TRUST_LEADER)).get("/t/alpha/support-matching/").content.decode()
    assert "Maths" in page and taker.name in page
    assert page.index(giver.name, page.index("Suggested givers")) < page.index("Far Middle")


@pytest.mark.django_db
def test_recompute_status_is_polled_until_the_job_is_done(world, client_for):
    from phases.models import RecomputeJob

    a = world.a
    officer = client_for(a.user(Role.IMPROVEMENT_OFFICER))
    assert (
        "Not computed yet" in officer.get("/t/alpha/placements/recompute/status/").content.decode()
    )
    with a.scope():
        job = RecomputeJob.objects.create(trust=a.trust, status="queued", reason="upload")
    fragment = officer.get("/t/alpha/placements/recompute/status/").content.decode()
    assert "Recomputing…" in fragment and 'hx-trigger="every 5s"' in fragment
    with a.scope():
        RecomputeJob.objects.filter(pk=job.pk).update(
            status="done", finished_at=dt.datetime.now(dt.UTC)
        )
    fragment = officer.get("/t/alpha/placements/recompute/status/").content.decode()
    assert "Recomputed" in fragment and "hx-trigger" not in fragment


def test_safeguarding_cell_keeps_ofsteds_not_met_over_a_later_visit_met():
    from phases.heatmap_rules import judgement_cell

    judgements = [
        JudgementEvidence("safeguarding", "not_met", dt.date(2025, 12, 1), "Ofsted inspection"),
        JudgementEvidence("safeguarding", "met", dt.date(2025, 12, 2), "Visit"),
    ]
    cell = judgement_cell("safeguarding", judgements, dt.date(2026, 1, 5), DEFAULT_SETTINGS)
    assert cell.rating_code == "not_met" and "until Ofsted re-judges it" in cell.note
    later = [
        *judgements,
        JudgementEvidence("safeguarding", "met", dt.date(2026, 3, 1), "Ofsted inspection"),
    ]
    assert (
        judgement_cell("safeguarding", later, dt.date(2026, 4, 1), DEFAULT_SETTINGS).rating_code
        == "met"
    )


def test_the_ofsted_source_label_is_the_models():
    from phases.heatmap import OFSTED_SOURCE
    from phases.models import JudgementSource

    assert JudgementSource.INSPECTION.label == OFSTED_SOURCE


def test_an_in_year_writing_assessment_is_rated_against_the_target_never_national():
    """Year 6 writing in the spring is a teacher assessment on the way, not the statutory
    result: the cell compares it with the trust's target (as the placement engine does), and
    says so where there is none; the summer's is compared with DfE's national figure."""
    spring = replace(
        fig("2025-26-spring", 60.0, code="ks2_writing_exp", national=72.0), target=70.0
    )
    cell = kpi_cell("ks2_writing_exp", "2025-26-spring", spring, None, DEFAULT_SETTINGS)
    assert cell.rating == "Below target" and cell.target == 70.0
    assert cell.national is None and "national" not in cell.rating
    untargeted = kpi_cell(
        "ks2_writing_exp",
        "2025-26-spring",
        replace(spring, target=None),
        None,
        DEFAULT_SETTINGS,
    )
    assert untargeted.level is None and untargeted.rating.startswith("In-year teacher assessment")
    summer = kpi_cell(
        "ks2_writing_exp",
        "2025-26-summer",
        fig("2025-26-summer", 60.0, code="ks2_writing_exp", national=72.0),
        None,
        DEFAULT_SETTINGS,
    )
    assert summer.rating == "Below national" and summer.national == 72.0


@pytest.mark.django_db
def test_a_row_saved_again_is_read_afresh_not_from_the_parsed_rows(mapped, client_for):
    """The page keeps each row's parsed cells per process (phases.heatmap_page._by_column),
    keyed by the row and its save time: a row written again shows its new cells at once."""
    a = mapped.a
    leader = client_for(a.user(Role.TRUST_LEADER))
    assert "Needs attention" in leader.get("/t/alpha/heatmap/?key_stage=judged").content.decode()
    with a.scope():
        for row in HeatmapRow.objects.filter(term_code="2025-26-summer", group="all"):
            for cell in row.cells.values():
                if cell.get("rating") == "Needs attention":
                    cell["rating"] = "Rewritten rating"
            row.save()
    page = leader.get("/t/alpha/heatmap/?key_stage=judged").content.decode()
    assert "Rewritten rating" in page and "Needs attention" not in page
