"""Planning against the real database: the self-judgement difference, half-termly review
scheduling and overdue lists, risk suggestions from the placement engine's floors, and the
governor and board reports' new sections read back from the PDF text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from phases.models import Placement
from phases.services import judgement_record
from planning import selectors, services
from planning.models import Risk, RiskStatus
from planning.schedule import half_term_of, review_schedule
from reporting.services import report_generate, report_request
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role

from .helpers import START, make_plan

pytestmark = pytest.mark.django_db


def test_half_terms_follow_the_school_year() -> None:
    assert half_term_of(dt.date(2025, 10, 31)).label == "Autumn 1 2025-26"
    assert half_term_of(dt.date(2025, 11, 1)).label == "Autumn 2 2025-26"
    assert half_term_of(dt.date(2026, 1, 5)).label == "Spring 1 2025-26"


def test_review_schedule_lists_each_unreviewed_half_term_as_overdue() -> None:
    reviews = [dt.date(2025, 10, 15), dt.date(2025, 12, 3)]
    schedule = review_schedule(starts_on=START, reviews=reviews, today=dt.date(2026, 3, 10))
    assert [h.label for h in schedule.owed] == [
        "Autumn 1 2025-26",
        "Autumn 2 2025-26",
        "Spring 1 2025-26",
    ]
    assert [h.label for h in schedule.overdue] == ["Spring 1 2025-26"]
    assert schedule.next_due is not None and schedule.next_due.month in (3, 4)
    # A review this half term clears the next due date; a plan that ended owes nothing after.
    done = review_schedule(
        starts_on=START, reviews=[*reviews, dt.date(2026, 3, 9)], today=dt.date(2026, 3, 10)
    )
    assert done.next_due is None
    ended = review_schedule(
        starts_on=START,
        reviews=reviews,
        today=dt.date(2027, 1, 10),
        ends_on=dt.date(2026, 7, 31),
    )
    assert len(ended.owed) == 6 and ended.next_due is None


def test_overdue_reviews_appear_for_the_trust_and_not_for_another(world) -> None:
    make_plan(world.a, reviews=[dt.date(2025, 10, 15)])
    make_plan(world.b, title="Beta priority", reviews=[])
    with world.a.scope():
        m = Membership.objects.get(user=world.a.user(Role.TRUST_LEADER))
        overdue = selectors.overdue_reviews_for(m, dt.date(2026, 1, 20))
    assert [o["priority"].title for o in overdue] == ["Reading fluency"]
    assert [h.label for h in overdue[0]["overdue"]] == ["Autumn 2 2025-26"]


def test_a_review_in_the_future_or_with_no_evidence_is_refused(world) -> None:
    _plan, priority, _risk = make_plan(world.a)
    with world.a.scope():
        with pytest.raises(ValidationError):
            services.review_record(
                actor=None,
                priority=priority,
                reviewed_on=dt.date.today() + dt.timedelta(days=2),
                rag="on_track",
                evidence="x",
            )
        with pytest.raises(ValidationError):
            services.review_record(
                actor=None, priority=priority, reviewed_on=START, rag="green", evidence="x"
            )
        with pytest.raises(ValidationError):
            services.review_record(
                actor=None, priority=priority, reviewed_on=START, rag="on_track", evidence=" "
            )


def test_self_judgement_is_shown_beside_the_visit_with_the_difference(world) -> None:
    tw = world.a
    make_plan(tw)
    academy = tw.academies[0]
    with tw.scope():
        judgement_record(
            actor=None,
            academy=academy,
            area="achievement",
            grade="expected_standard",
            judged_on=dt.date(2026, 3, 12),
            source="visit",
            source_ref="visits.visit:1",
        )
        rows = selectors.sef_validation(academy, selectors.sef_latest(academy))
        m = Membership.objects.get(user=tw.user(Role.TRUST_LEADER))
        accuracy = selectors.sef_accuracy_for(m)
    [row] = rows
    [comparison] = row["comparisons"]
    assert comparison["text"] == (
        "School judges Strong standard; visit of 12 Mar 2026 judged Expected standard "
        "(one grade more generous)"
    )
    assert not comparison["agrees"]
    assert accuracy[0]["compared"] == 1 and accuracy[0]["generous"] == 1
    assert accuracy[0]["accuracy"] == 0


def test_a_floor_placement_suggests_an_achievement_risk_once_and_a_leader_decides(world) -> None:
    tw = world.a
    academy = tw.academies[0]
    with tw.scope():
        Placement.objects.create(
            trust=tw.trust,
            academy=academy,
            term_code="2025-26-summer",
            proposed_phase="stabilise",
            reasons=[{"text": "KS2 RWM below the floor"}],
        )
        made = services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer")
        assert len(made) == 1
        risk = made[0]
        assert risk.status == RiskStatus.SUGGESTED and risk.category == "achievement"
        assert "KS2 RWM below the floor" in risk.title and "placement engine" in risk.source
        assert services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer") == []
        services.risk_decide(actor=tw.user(Role.TRUST_LEADER), risk=risk, decision="accept")
        risk.refresh_from_db()
        assert risk.status == RiskStatus.OPEN
        assert [h.status for h in risk.history.all()] == ["open", "suggested"]
        with pytest.raises(ValidationError):
            services.risk_decide(actor=None, risk=risk, decision="accept")
    with world.b.scope():
        assert not Risk.objects.exists()


def test_a_needs_attention_heatmap_cell_suggests_a_risk_once_and_a_leader_dismisses_it(
    world,
) -> None:
    from phases.heatmap import Cell, CellKind, CellState, cells_to_json
    from phases.models import HeatmapRow

    tw = world.a
    academy = tw.academies[0]
    weak = Cell(
        column="ks2_rwm_exp",
        kind=CellKind.KPI,
        state=CellState.VALUE,
        rating="Needs attention",
        level=1,
        value=41.0,
        display="41.0%",
        unit="%",
        cohort=30,
    )
    fine = Cell(
        column="ks2_reading_exp",
        kind=CellKind.KPI,
        state=CellState.VALUE,
        rating="Above national",
        level=3,
        value=80.0,
        display="80.0%",
        unit="%",
        cohort=30,
    )
    with tw.scope():
        HeatmapRow.objects.create(
            trust=tw.trust,
            academy=academy,
            term_code="2025-26-summer",
            group="all",
            cells=cells_to_json([weak, fine]),
        )
        made = services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer")
        # Only the weakest-rated cell suggests a risk, achievement, from the heat map, once.
        assert len(made) == 1
        risk = made[0]
        assert risk.status == RiskStatus.SUGGESTED and risk.category == "achievement"
        assert "rated needs attention" in risk.title and risk.likelihood == 3
        assert risk.source == "the heat map, Summer term 2025-26"
        assert services.risk_suggestions_refresh(trust=tw.trust, term_code="2025-26-summer") == []
        services.risk_decide(actor=tw.user(Role.TRUST_LEADER), risk=risk, decision="dismiss")
        risk.refresh_from_db()
        assert risk.status == RiskStatus.DISMISSED
    with world.b.scope():
        assert not Risk.objects.exists()


def test_risk_register_page_accepts_a_suggestion(world, client_for) -> None:
    tw = world.a
    with tw.scope():
        Placement.objects.create(
            trust=tw.trust,
            academy=tw.academies[0],
            term_code="2025-26-summer",
            proposed_phase="repair",
            reasons=[],
        )
    client = client_for(tw.user(Role.TRUST_LEADER))
    url = f"/t/{tw.slug}/planning/risks/"
    assert client.post(url, {"action": "suggest"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Suggested from the evidence" in page and "placed in Repair" in page
    with tw.scope():
        risk = Risk.objects.get()
    client.post(f"/t/{tw.slug}/planning/risks/{risk.pk}/decide/", {"decision": "accept"})
    with tw.scope():
        risk.refresh_from_db()
    assert risk.status == "open"


def _text(report) -> str:
    with report.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_governor_and_board_reports_carry_the_planning_sections(world) -> None:
    tw = world.a
    make_plan(tw, reviews=[dt.date(2025, 10, 15)])
    with tw.scope():
        academy_report = report_generate(
            report=report_request(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-summer",
                academy=tw.academies[0],
                enqueue=False,
            )
        )
        board_report = report_generate(
            report=report_request(
                actor=None, trust=tw.trust, term_code="2025-26-summer", academy=None, enqueue=False
            )
        )
    text = _text(academy_report)
    assert "Self-evaluation and improvement plan" in text
    assert "Reading fluency" in text and "At risk (15 Oct 2025)" in text
    assert "Strong standard" in text
    assert "Forecast: end of key stage 2" in text
    assert "No forecast for Year 6: no past Year 6 cohort in the trust's data has reached" in text
    board = _text(board_report)
    assert "Risk register" in board and "Reading fluency risk" in board
    assert "High (12)" in board
    assert "What the trust's programmes added: effect sizes" in board


def _cohort(academy, year: str, bands: list[str], *, outcomes: bool) -> None:
    """Year 6 pupils of one year: spring teacher assessments in the band (all three subjects),
    and (with outcomes) KS2 tests and writing TA in summer that follow the band."""
    import hashlib

    from assessment.models import Enrolment, Pupil, Result
    from assessment.services import term_get_or_create

    spring = term_get_or_create(trust=academy.trust, code=f"{year}-spring")
    summer = term_get_or_create(trust=academy.trust, code=f"{year}-summer")
    for n, band in enumerate(bands):
        key = hashlib.sha256(f"{academy.pk}-{year}-{n}".encode()).hexdigest()
        pupil = Pupil.objects.create(trust=academy.trust, key=key)
        Enrolment.objects.create(
            trust=academy.trust,
            pupil=pupil,
            academy=academy,
            academic_year=year,
            year_group="6",
            sex="F",
        )
        for subject in ("reading", "writing", "maths"):
            Result.objects.create(
                trust=academy.trust,
                pupil=pupil,
                academy=academy,
                term=spring,
                subject=subject,
                measure="ta",
                value=band,
            )
        if outcomes:
            score = {"WTS": 95, "EXS": 104, "GDS": 112}[band]
            for subject in ("reading", "maths"):
                Result.objects.create(
                    trust=academy.trust,
                    pupil=pupil,
                    academy=academy,
                    term=summer,
                    subject=subject,
                    measure="scaled_score",
                    value=str(score),
                    numeric=score,
                )
            Result.objects.create(
                trust=academy.trust,
                pupil=pupil,
                academy=academy,
                term=summer,
                subject="writing",
                measure="ta",
                value=band,
            )


def test_ks2_forecast_is_fitted_on_past_cohorts_and_shown_on_the_kpi_page(world, client_for):
    from assessment.outcomes import ks2_backtest, ks2_forecast_for

    tw = world.a
    academy = tw.academies[0]
    bands = ["WTS"] * 3 + ["EXS"] * 5 + ["GDS"] * 2
    with tw.scope():
        for year in ("2021-22", "2022-23", "2023-24", "2024-25"):
            _cohort(academy, year, bands, outcomes=True)
        _cohort(academy, "2025-26", ["EXS"] * 8 + ["GDS"] * 2, outcomes=False)
        data = ks2_forecast_for(
            trust_id=tw.trust.pk, academy_id=academy.pk, term_code="2025-26-spring", min_n=5
        )
        backtest = ks2_backtest(tw.trust.pk, "spring")
    f = data["forecast"]
    assert f.available and f.n_cohorts == 4 and f.n_pupils == 10 and f.n_history_pupils == 40
    # Past EXS and GDS pupils all reached the expected standard: the forecast is high, its
    # range below 100 by the Jeffreys estimate, never above it.
    assert 85 <= f.expected.value <= 100 and f.expected.high <= 100
    # Leave one out: each past cohort forecast from the other three, which hold it (same mix).
    assert len(backtest.rows) == 8 and backtest.coverage("expected") == 1.0
    page = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/{tw.slug}/kpis/{academy.urn}/?term=2025-26-spring"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Forecast: end of key stage 2" in html and "fitted on 4 past cohorts" in html


def test_backtest_command_prints_error_and_coverage(world) -> None:
    from django.core.management import call_command

    tw = world.a
    with tw.scope():
        for n, year in enumerate(("2021-22", "2022-23", "2023-24", "2024-25")):
            bands = ["WTS"] * (2 + n) + ["EXS"] * 6 + ["GDS"] * 2
            _cohort(tw.academies[0], year, bands, outcomes=True)
    out = io.StringIO()
    call_command("forecast_backtest", trust=tw.slug, stdout=out)
    text = out.getvalue()
    assert "Expected standard: 4 cohorts, mean absolute error" in text
    assert "90% interval held the outcome in" in text


def test_overdue_reviews_are_on_the_dashboard_beside_overdue_actions(world, client_for) -> None:
    make_plan(world.a, reviews=[dt.date(2025, 10, 15)])
    page = client_for(world.a.user(Role.IMPROVEMENT_OFFICER)).get(f"/t/{world.a.slug}/")
    html = page.content.decode()
    assert "Overdue actions" in html and "Overdue half-termly reviews" in html
    assert "Reading fluency" in html and "not reviewed in Autumn 2 2025-26" in html
    governor = client_for(world.a.user(Role.GOVERNOR)).get(f"/t/{world.a.slug}/")
    assert "Overdue half-termly reviews" not in governor.content.decode()


def test_trust_self_assessment_is_twice_yearly_under_the_dfe_pillars(world, client_for) -> None:
    tw = world.a
    with tw.scope():
        with pytest.raises(ValidationError):
            services.trust_statement_add(
                actor=None,
                trust=tw.trust,
                term_code="2025-26-spring",
                pillar="workforce",
                statement="x",
                rating="strong",
            )
        services.trust_statement_add(
            actor=None,
            trust=tw.trust,
            term_code="2025-26-autumn",
            pillar="workforce",
            statement="Leaders grown from within",
            rating="developing",
        )
    page = client_for(tw.user(Role.TRUST_LEADER)).get(f"/t/{tw.slug}/planning/trust-assessment/")
    html = page.content.decode()
    assert "Autumn term 2025-26" in html and "Leaders grown from within" in html
    assert "Developing: met in part, with a plan" in html


def test_head_adds_a_priority_linked_to_a_trust_priority_and_coverage_counts_it(
    world, client_for
) -> None:
    from cpd.models import Priority as TrustPriority

    tw = world.a
    with tw.scope():
        tp = TrustPriority.objects.create(trust=tw.trust, title="Disadvantaged writing")
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    url = f"/t/{tw.slug}/planning/academies/{tw.academies[0].urn}/priorities/new/"
    bad = head.post(url, {"title": "Writing"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    ok = head.post(
        url,
        {
            "title": "Writing stamina",
            "departure": "Writing EXS 58%",
            "arrival": "Writing EXS 72%",
            "kpi_code": "ks2_writing_exp",
            "target": "72",
            "trust_priority": tp.pk,
            "starts_on": "2025-09-08",
        },
    )
    assert ok.status_code == 302
    with tw.scope():
        m = Membership.objects.get(user=tw.user(Role.TRUST_LEADER))
        [coverage] = selectors.trust_priority_coverage(m)
        plan = selectors.plan_list_for(m).get()
    assert plan.academic_year == "2025-26"
    assert coverage["text"] == "1 of 2 academies have a priority on disadvantaged writing"


def test_cpd_programme_page_shows_the_effect_size_with_its_pupils(world, client_for) -> None:
    import hashlib

    from assessment.models import Enrolment, Pupil, Result
    from assessment.services import term_get_or_create
    from tests.cpd.helpers import make_programme

    tw = world.a
    objs = make_programme(tw)
    academy = tw.academies[0]
    before = ["WTS", "WTS", "EXS", "EXS", "WTS", "EXS", "WTS", "EXS"]
    after = ["EXS", "WTS", "GDS", "EXS", "EXS", "GDS", "EXS", "EXS"]
    with tw.scope():
        # A junior school of 8, so both terms' data is complete (effect sizes use complete
        # terms only).
        type(academy).objects.filter(pk=academy.pk).update(age_low=7, age_high=11, pupils_on_roll=8)
        autumn = term_get_or_create(trust=tw.trust, code="2025-26-autumn")
        spring = term_get_or_create(trust=tw.trust, code="2025-26-spring")
        for n, (b, a) in enumerate(zip(before, after, strict=True)):
            pupil = Pupil.objects.create(
                trust=tw.trust, key=hashlib.sha256(f"cpd-{n}".encode()).hexdigest()
            )
            Enrolment.objects.create(
                trust=tw.trust,
                pupil=pupil,
                academy=academy,
                academic_year="2025-26",
                year_group="5",
                sex="M",
            )
            for term, value in ((autumn, b), (spring, a)):
                for subject in ("reading", "writing", "maths"):
                    Result.objects.create(
                        trust=tw.trust,
                        pupil=pupil,
                        academy=academy,
                        term=term,
                        subject=subject,
                        measure="ta",
                        value=value,
                    )
    page = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/{tw.slug}/cpd/programmes/{objs['programme'].pk}/"
    )
    html = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert "Effect size for pupils of the targeted academies" in html
    assert "8 (before and after)" in html
    assert "Autumn term 2025-26 to Spring term 2025-26" in html
    assert "positive association" in html and "not proof" in html


def test_plan_actions_are_added_changed_and_completed_from_the_page(world, client_for) -> None:
    from planning.models import PlanAction

    from .helpers import make_visit_action

    tw = world.a
    _, priority, _ = make_plan(tw)
    visit, visit_action = make_visit_action(tw)
    _, other_academys = make_visit_action(tw, tw.academies[1], description="Other school's")
    _, other_trusts = make_visit_action(world.b, description="Other trust's")
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    base = f"/t/{tw.slug}/planning"
    page = head.get(f"{base}/priorities/{priority.pk}/actions/new/")
    assert page.status_code == 200
    assert "Phonics catch-up groups daily" in page.content.decode()
    assert "Other school" not in page.content.decode()
    form = {"description": "Daily catch-up", "owner": "Phonics lead", "due_on": "2026-02-13"}
    for foreign in (other_academys, other_trusts):
        refused = head.post(
            f"{base}/priorities/{priority.pk}/actions/new/", {**form, "visit_action": foreign.pk}
        )
        assert refused.status_code == 400
    assert (
        head.post(f"{base}/priorities/{priority.pk}/actions/new/", {"owner": ""}).status_code == 400
    )
    ok = head.post(
        f"{base}/priorities/{priority.pk}/actions/new/", {**form, "visit_action": visit_action.pk}
    )
    assert ok.status_code == 302
    with tw.scope():
        action = PlanAction.objects.get(priority=priority)
    assert action.visit_action_id == visit_action.pk and action.owner == "Phonics lead"
    plan_page = head.get(f"{base}/academies/{tw.academies[0].urn}/").content.decode()
    assert "Carries forward" in plan_page and f"/visits/{visit.pk}/" in plan_page
    edited = head.post(
        f"{base}/actions/{action.pk}/edit/",
        {**form, "owner": "Deputy head", "due_on": "2026-03-06", "visit_action": ""},
    )
    assert edited.status_code == 302
    # Another academy's visit action is refused on edit too, and nothing changes.
    assert (
        head.post(
            f"{base}/actions/{action.pk}/edit/", {**form, "visit_action": other_academys.pk}
        ).status_code
        == 400
    )
    assert head.post(f"{base}/actions/{action.pk}/complete/", {"done": "1"}).status_code == 302
    with tw.scope():
        action.refresh_from_db()
    assert (action.owner, action.due_on, action.visit_action_id) == (
        "Deputy head",
        dt.date(2026, 3, 6),
        None,
    )
    assert action.done and action.completed_on == dt.date.today()
    assert "Reopen" in head.get(f"{base}/academies/{tw.academies[0].urn}/").content.decode()
    with tw.scope(), pytest.raises(ValidationError):
        services.plan_action_add(
            actor=None,
            priority=priority,
            description="x",
            owner="y",
            due_on=START,
            visit_action=other_academys,
        )


def test_sef_evidence_links_are_the_academys_own_and_shown_as_links(world, client_for) -> None:
    from planning.models import SefEvidence

    from .helpers import make_visit_action

    tw = world.a
    make_plan(tw)
    visit, _ = make_visit_action(tw)
    other_visit, _ = make_visit_action(tw, tw.academies[1])
    foreign_visit, _ = make_visit_action(world.b)
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    url = f"/t/{tw.slug}/planning/academies/{tw.academies[0].urn}/sef/"
    form = head.get(url).content.decode()
    assert f'value="visit:{visit.pk}"' in form and f'value="visit:{other_visit.pk}"' not in form
    assert 'value="kpi:ks2_reading_exp"' in form
    data = {"achievement-grade": "strong_standard", "achievement-narrative": "Reading up"}
    for bad in (f"visit:{other_visit.pk}", f"visit:{foreign_visit.pk}", "kpi:nope", "upload:x"):
        assert head.post(url, {**data, "achievement-links": [bad]}).status_code == 400
    with tw.scope(), pytest.raises(ValidationError):
        services.sef_save(
            actor=None,
            academy=tw.academies[0],
            term_code="2025-26-autumn",
            entries={"achievement": {"grade": "strong_standard", "links": ["round:999999"]}},
        )
    links = [f"visit:{visit.pk}", "kpi:ks2_reading_exp"]
    assert head.post(url, {**data, "achievement-links": links}).status_code == 302
    with tw.scope():
        saved = sorted(link.ref for link in SefEvidence.objects.all())
    assert saved == sorted(links)
    page = head.get(f"/t/{tw.slug}/planning/academies/{tw.academies[0].urn}/").content.decode()
    assert f'href="/t/{tw.slug}/visits/{visit.pk}/"' in page
    assert f'href="/t/{tw.slug}/kpis/{tw.academies[0].urn}/"' in page
    assert "KS2 reading: expected standard (test)" in page
    # The form shows the saved links chosen.
    assert f'value="visit:{visit.pk}" selected' in head.get(url).content.decode()


def test_planning_write_api_respects_role_and_academy(world, client_for) -> None:
    from cpd.models import Priority as TrustPriority
    from planning.models import PlanPriority, PlanReview

    tw = world.a
    plan, _priority, risk = make_plan(tw)
    with tw.scope():
        tp = TrustPriority.objects.create(trust=tw.trust, title="Reading")
    api = f"/api/v1/t/{tw.slug}"
    head = client_for(tw.user(Role.SCHOOL_STAFF))
    officer = client_for(tw.user(Role.IMPROVEMENT_OFFICER))
    leader = client_for(tw.user(Role.TRUST_LEADER))
    governor = client_for(tw.user(Role.GOVERNOR))
    as_json = {"content_type": "application/json"}
    other_urn = tw.academies[1].urn  # not among the head's academies

    # Plans: the head makes their academy's next plan (201), gets the same one again (200);
    # another academy of the trust is 404 for them, a bad year is 400, a governor is 403.
    body = {"academy_urn": tw.academies[0].urn, "academic_year": "2026-27"}
    made = head.post(f"{api}/plans/", body, **as_json)
    assert made.status_code == 201, made.content
    assert head.post(f"{api}/plans/", body, **as_json).status_code == 200
    assert (
        head.post(f"{api}/plans/", {**body, "academy_urn": other_urn}, **as_json).status_code == 404
    )
    assert (
        head.post(f"{api}/plans/", {**body, "academic_year": "2026-28"}, **as_json).status_code
        == 400
    )
    assert governor.post(f"{api}/plans/", body, **as_json).status_code == 403

    # Priorities: created with a trust priority, changed by PATCH; an unknown KPI is 400.
    new = {
        "title": "Writing",
        "departure": "58%",
        "arrival": "72%",
        "starts_on": "2025-09-08",
        "kpi_code": "ks2_writing_exp",
        "target": 72,
        "trust_priority": tp.pk,
    }
    created = head.post(f"{api}/plans/{plan.pk}/priorities/", new, **as_json)
    assert created.status_code == 201, created.content
    assert created.json()["trust_priority"] == tp.pk
    bad = head.post(f"{api}/plans/{plan.pk}/priorities/", {**new, "kpi_code": "nope"}, **as_json)
    assert bad.status_code == 400
    pk = created.json()["id"]
    changed = officer.patch(f"{api}/priorities/{pk}/", {"owner": "Deputy head"}, **as_json)
    assert changed.status_code == 200 and changed.json()["owner"] == "Deputy head"
    assert officer.patch(f"{api}/priorities/{pk}/", {"title": ""}, **as_json).status_code == 400

    # Reviews: recorded and listed; a future date is refused in words.
    review = {"reviewed_on": "2025-10-20", "rag": "at_risk", "evidence": "Books"}
    assert officer.post(f"{api}/priorities/{pk}/reviews/", review, **as_json).status_code == 201
    future = officer.post(
        f"{api}/priorities/{pk}/reviews/", {**review, "reviewed_on": "2099-01-01"}, **as_json
    )
    assert future.status_code == 400 and "future" in future.content.decode()
    assert [r["rag"] for r in head.get(f"{api}/priorities/{pk}/reviews/").json()["results"]] == [
        "at_risk"
    ]

    # Risks: leaders add (trust-wide too) and decide; an officer (risk.view only) may not.
    risk_body = {"category": "estates", "title": "Boiler", "likelihood": 2, "impact": 3}
    assert officer.post(f"{api}/risks/", risk_body, **as_json).status_code == 403
    trust_wide = leader.post(f"{api}/risks/", risk_body, **as_json)
    assert trust_wide.status_code == 201 and trust_wide.json()["academy_urn"] is None
    assert (
        leader.post(f"{api}/risks/", {**risk_body, "likelihood": 6}, **as_json).status_code == 400
    )
    rescored = leader.patch(
        f"{api}/risks/{risk.pk}/", {"decision": "review", "impact": 5, "note": "Worse"}, **as_json
    )
    assert rescored.status_code == 200 and rescored.json()["score"] == 15
    refused = leader.patch(f"{api}/risks/{risk.pk}/", {"decision": "accept"}, **as_json)
    assert refused.status_code == 400
    assert (
        officer.patch(f"{api}/risks/{risk.pk}/", {"decision": "close"}, **as_json).status_code
        == 403
    )
    with tw.scope():
        assert PlanPriority.objects.filter(plan=plan).count() == 2
        assert PlanReview.objects.filter(priority_id=pk).count() == 1


def test_openapi_schema_documents_the_planning_writes(client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    base = "/api/v1/t/{trust_slug}"
    assert "post" in paths[f"{base}/plans/"]
    assert "post" in paths[f"{base}/plans/{{id}}/priorities/"] or "post" in paths.get(
        f"{base}/plans/{{pk}}/priorities/", {}
    )
    detail = paths.get(f"{base}/priorities/{{pk}}/") or paths[f"{base}/priorities/{{id}}/"]
    assert {"get", "patch"} <= set(detail)
    reviews = (
        paths.get(f"{base}/priorities/{{pk}}/reviews/")
        or paths[f"{base}/priorities/{{id}}/reviews/"]
    )
    assert {"get", "post"} <= set(reviews)
    assert "post" in paths[f"{base}/risks/"]
    risk = paths.get(f"{base}/risks/{{id}}/") or paths[f"{base}/risks/{{pk}}/"]
    assert "patch" in risk
    ref = risk["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("RiskChangeIn") or "RiskChange" in ref


def test_trust_support_is_picked_from_the_academys_offer_cpd_and_partners_days(
    world, client_for
) -> None:
    """The priority form offers the academy's phase offer, the trust's CPD programmes and the
    partners' commissions the academy is in; the plan shows the picks in words; another trust's
    programme, or a commission the academy is not in, is refused (400, nothing saved)."""
    from cpd.models import Programme
    from partnerships.models import Commission, PartnerOrganisation
    from planning.models import PlanPriority

    tw, other = world.a, world.b
    academy = tw.academies[0]
    with tw.scope():
        Placement.objects.create(
            trust=tw.trust,
            academy=academy,
            term_code="2025-26-autumn",
            proposed_phase="repair",
            reasons=[{"text": "Below the floor"}],
        )
        programme = Programme.objects.create(
            trust=tw.trust, title="Writing for meaning", domain="applying", format="coaching"
        )
        partner = PartnerOrganisation.objects.create(
            trust=tw.trust, name="County English hub", kind="english_hub"
        )
        commission = Commission.objects.create(
            trust=tw.trust,
            partner=partner,
            title="Writing moderation support",
            key_area="english",
            nature="support",
            days_per_academy=3,
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 7, 31),
        )
        commission.academies.add(academy)
        elsewhere = Commission.objects.create(
            trust=tw.trust,
            partner=partner,
            title="Maths hub days",
            key_area="english",
            nature="support",
            days_per_academy=2,
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 7, 31),
        )
        elsewhere.academies.add(tw.academies[1])
    with other.scope():
        foreign = Programme.objects.create(
            trust=other.trust, title="Beta coaching", domain="applying", format="coaching"
        )
    client = client_for(tw.user(Role.SCHOOL_STAFF))
    url = f"/t/{tw.slug}/planning/academies/{academy.urn}/priorities/new/"
    form = client.get(url).content.decode()
    assert "Repair offer:" in form and "CPD: Writing for meaning" in form
    assert "County English hub: Writing moderation support (3 days per academy)" in form
    assert "Maths hub days" not in form and "Beta coaching" not in form
    body = {
        "title": "Writing",
        "departure": "Below national",
        "arrival": "At national",
        "starts_on": "2025-09-08",
    }
    offer_ref = "offer:repair:0"
    for refused in (f"programme:{foreign.pk}", f"commission:{elsewhere.pk}", "offer:sustain:0"):
        response = client.post(url, {**body, "support_refs": [offer_ref, refused]})
        assert response.status_code == 400, refused
    with tw.scope():
        assert not PlanPriority.objects.exists()
    response = client.post(
        url,
        {
            **body,
            "support_refs": [offer_ref, f"programme:{programme.pk}", f"commission:{commission.pk}"],
        },
    )
    assert response.status_code == 302
    with tw.scope():
        priority = PlanPriority.objects.get()
        assert priority.support_refs == [
            offer_ref,
            f"programme:{programme.pk}",
            f"commission:{commission.pk}",
        ]
        with pytest.raises(ValidationError):
            services.priority_update(
                actor=None, priority=priority, data={"support_refs": [f"programme:{foreign.pk}"]}
            )
    page = client.get(f"/t/{tw.slug}/planning/academies/{academy.urn}/").content.decode()
    assert "CPD: Writing for meaning" in page
    assert "County English hub: Writing moderation support (3 days per academy)" in page


def test_dashboard_lists_overdue_reviews_as_the_selector_reads_them(world, client_for) -> None:
    make_plan(world.a, reviews=[dt.date(2025, 10, 15)])
    make_plan(world.b, title="Beta priority", reviews=[])
    with world.a.scope():
        m = Membership.objects.get(user=world.a.user(Role.TRUST_LEADER))
        (o,) = selectors.overdue_reviews_for(m, dt.date.today())
    later = len(o["overdue"]) - 1
    more = f" and {later} later half term{'s' if later != 1 else ''}" if later else ""
    page = client_for(world.a.user(Role.TRUST_LEADER)).get("/t/alpha/").content.decode()
    assert (
        f'<a class="govuk-link" href="/t/alpha/planning/academies/{o["academy"].urn}/">'
        f"Reading fluency</a> — {o['academy'].name}, not reviewed in "
        f"{o['overdue'][0].label}{more}</li>"
    ) in page
    assert "Beta priority" not in page
