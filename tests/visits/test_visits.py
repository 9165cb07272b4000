"""Visits: programme by tier, lifecycle, judgements feeding placement, reminders, PDF, scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from phases.models import Judgement
from tests.conftest import wait_for
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from visits.models import ProgrammeEntry, ReminderSent, Visit
from visits.programme import plan_for_phase
from visits.services import (
    action_create,
    action_follow_up,
    programme_generate,
    reminders_send,
    visit_autosave,
    visit_create,
    visit_publish,
    visit_types_ensure,
)

pytestmark = pytest.mark.django_db
OFFICER = Role.IMPROVEMENT_OFFICER


def _visit(tw, **fields):
    types = {t.code: t for t in visit_types_ensure(trust=tw.trust)}
    return visit_create(
        actor=tw.user(OFFICER),
        academy=tw.academies[0],
        visit_type=types["teaching_learning"],
        date=dt.date(2026, 3, 4),
        **fields,
    )


def _officer(tw):
    return Membership.objects.get(user=tw.user(OFFICER))


def test_programme_plans_more_visits_for_weaker_phases():
    per_term = {
        p: sum(x.planned for x in plan_for_phase(p) if x.term == "autumn")
        for p in ("Sustain", "Improve", "Repair", "Stabilise")
    }
    assert per_term == {"Sustain": 1, "Improve": 2, "Repair": 3, "Stabilise": 4}
    stabilise = plan_for_phase("Stabilise")
    assert {x.visit_type for x in stabilise if x.visit_type} == {"safeguarding"}
    assert (
        sum(
            x.planned
            for x in plan_for_phase("Repair", {"visits_per_term": {"repair": 5}})
            if x.term == "spring"
        )
        == 5
    )
    assert sum(x.planned for x in plan_for_phase("unknown")) == 6  # planned as Improve


def test_programme_generate_is_idempotent(world):
    with world.a.scope():
        first = programme_generate(
            actor=None, trust=world.a.trust, academic_year="2026-27", academies=world.a.academies
        )
        again = programme_generate(
            actor=None, trust=world.a.trust, academic_year="2026-27", academies=world.a.academies
        )
        assert first == 6 and again == 0  # Improve: one line a term, two academies
        assert ProgrammeEntry.objects.filter(term="autumn").count() == 2


def test_publish_records_judgements_once_and_edits_update_them(
    world, django_capture_on_commit_callbacks
):
    a = world.a
    with a.scope():
        visit = _visit(a)
        visit_autosave(
            actor=a.user(OFFICER),
            membership=_officer(a),
            visit=visit,
            data={"strengths": "Reading is taught well"},
            judgements={"curriculum_teaching": "strong_standard", "safeguarding": "met"},
        )
        assert Judgement.objects.count() == 0  # a draft is not evidence yet
        with django_capture_on_commit_callbacks() as callbacks:
            visit_publish(actor=a.user(OFFICER), membership=_officer(a), visit=visit)
        assert len(callbacks) >= 1  # the placement recompute is requested on commit
        assert Judgement.objects.filter(source="visit").count() == 2
        visit_autosave(
            actor=a.user(OFFICER),
            membership=_officer(a),
            visit=visit,
            data={},
            judgements={"curriculum_teaching": "needs_attention"},
        )
        rows = list(Judgement.objects.filter(source="visit"))
        assert [(j.area, j.grade) for j in rows] == [("curriculum_teaching", "needs_attention")]


def test_invalid_grade_for_safeguarding_is_refused(world):
    from django.core.exceptions import ValidationError

    with world.a.scope():
        visit = _visit(world.a)
        with pytest.raises(ValidationError):
            visit_autosave(
                actor=world.a.user(OFFICER),
                membership=_officer(world.a),
                visit=visit,
                data={},
                judgements={"safeguarding": "strong_standard"},
            )


def test_autosave_endpoint_keeps_the_draft(world, client_for):
    with world.a.scope():
        visit = _visit(world.a)
    client = client_for(world.a.user(OFFICER))
    url = reverse("visits:autosave", kwargs={"trust_slug": "alpha", "pk": visit.pk})
    response = client.post(
        url,
        {
            "date": "2026-03-04",
            "evidence": "Books in Y3 and Y5",
            "judgement_achievement": "expected_standard",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Draft saved" in response.content.decode()
    with world.a.scope():
        visit.refresh_from_db()
        assert visit.evidence == "Books in Y3 and Y5"
        assert visit.judgements.get().grade == "expected_standard"
        assert visit.status == "draft"
    edit = client.get(reverse("visits:edit", kwargs={"trust_slug": "alpha", "pk": visit.pk}))
    assert "Books in Y3 and Y5" in edit.content.decode()


def test_head_sees_published_visits_only_and_responds(world, client_for):
    a = world.a
    with a.scope():
        visit = _visit(a, strengths="Strong start")
        action = action_create(
            actor=a.user(OFFICER),
            visit=visit,
            description="Fix reading",
            owner="Head",
            due_on=dt.date(2026, 4, 1),
        )
    head = client_for(a.user(Role.SCHOOL_STAFF))
    detail = reverse("visits:detail", kwargs={"trust_slug": "alpha", "pk": visit.pk})
    assert head.get(detail).status_code == 404
    with a.scope():
        visit_publish(actor=a.user(OFFICER), membership=_officer(a), visit=visit)
    assert head.get(detail).status_code == 200
    response = head.post(
        reverse("visits:respond", kwargs={"trust_slug": "alpha", "pk": visit.pk}),
        {"response": "Agreed", f"action_{action.pk}": "Started in April"},
    )
    assert response.status_code == 302
    with a.scope():
        visit.refresh_from_db()
        action.refresh_from_db()
        assert visit.head_response == "Agreed" and action.head_response == "Started in April"


def test_follow_up_at_the_next_visit(world):
    a = world.a
    with a.scope():
        first = _visit(a)
        action = action_create(
            actor=a.user(OFFICER),
            visit=first,
            description="Attendance plan",
            owner="Head",
            due_on=dt.date(2026, 4, 1),
        )
        second = _visit(a)
        action_follow_up(
            actor=a.user(OFFICER),
            action=action,
            at_visit=second,
            status="done",
            note="Plan in place, PA down 3 points",
        )
        action.refresh_from_db()
        assert action.followed_up_at == second and action.status == "done"
        assert action.completed_on == second.date


def test_reminders_are_sent_once_a_day_even_when_retried(world):
    a = world.a
    with a.scope():
        visit = _visit(a)
        action_create(
            actor=a.user(OFFICER),
            visit=visit,
            description="Overdue thing",
            owner="Head",
            due_on=dt.date(2026, 1, 1),
        )
        action_create(
            actor=a.user(OFFICER),
            visit=visit,
            description="Not due",
            owner="Head",
            due_on=dt.date(2030, 1, 1),
        )
        today = dt.date(2026, 2, 1)
        assert reminders_send(trust=a.trust, today=today) == 1
        assert reminders_send(trust=a.trust, today=today) == 0  # the retry sends nothing
        assert ReminderSent.objects.count() == 1
    assert len(mail.outbox) == 1
    recipients = set(mail.outbox[0].to)
    assert a.user(Role.SCHOOL_STAFF).email in recipients and a.user(OFFICER).email in recipients
    assert world.b.user(Role.SCHOOL_STAFF).email not in recipients


@pytest.mark.worker
def test_reminder_job_runs_on_a_real_worker_without_duplicates(world, celery_worker_process):
    from visits.tasks import action_reminders_send

    a = world.a
    with a.scope():
        visit = _visit(a)
        action_create(
            actor=a.user(OFFICER),
            visit=visit,
            description="Overdue",
            owner="Head",
            due_on=dt.date(2020, 1, 1),
        )
    action_reminders_send.delay(trust_id=a.trust.pk)
    action_reminders_send.delay(trust_id=a.trust.pk)  # a duplicate delivery of the same job

    def reminded():
        with a.scope():
            return ReminderSent.objects.count()

    assert wait_for(reminded) == 1
    import time

    time.sleep(2)
    assert reminded() == 1


def test_visit_note_pdf_has_the_visit_in_its_text(world, client_for):
    with world.a.scope():
        visit = _visit(world.a, strengths="Confident readers in Year 2")
        visit_autosave(
            actor=world.a.user(OFFICER),
            membership=_officer(world.a),
            visit=visit,
            data={},
            judgements={"achievement": "expected_standard"},
        )
    response = client_for(world.a.user(OFFICER)).get(
        reverse("visits:pdf", kwargs={"trust_slug": "alpha", "pk": visit.pk})
    )
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert world.a.academies[0].name in text
    assert "Expected standard" in text and "Confident readers in Year 2" in text
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_officer_cannot_visit_an_academy_outside_their_scope(world, client_for):
    client = client_for(world.a.user(OFFICER))
    with world.a.scope():
        types = visit_types_ensure(trust=world.a.trust)
    response = client.post(
        reverse("visits:create", kwargs={"trust_slug": "alpha"}),
        {"academy": world.a.academies[1].pk, "visit_type": types[0].pk, "date": "2026-03-01"},
    )
    assert response.status_code == 400  # not a choice for this officer
    with world.a.scope():
        assert not Visit.objects.exists()


def test_partner_visit_days_count_once_when_edited(world):
    from partnerships.models import Activity, PartnerOrganisation
    from partnerships.services import commission_create

    a = world.a
    with a.scope():
        admin = a.user(Role.TRUST_ADMIN)
        admin_membership = Membership.objects.get(user=admin)
        partner = PartnerOrganisation.objects.create(
            trust=a.trust, name="North Maths Hub", kind="maths_hub"
        )
        commission = commission_create(
            actor=admin,
            partner=partner,
            title="Maths mastery",
            key_area="maths",
            nature="support",
            academies=[a.academies[0]],
            days_per_academy=Decimal("3"),
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 7, 31),
        )
        visit = _visit(a, strengths="Maths mastery visible")
        visit.commission = commission
        visit.days = Decimal("1.0")
        visit.save()
        visit_publish(actor=admin, membership=admin_membership, visit=visit)
        visit_autosave(
            actor=admin, membership=admin_membership, visit=visit, data={"days": Decimal("1.5")}
        )
        visit_autosave(
            actor=admin, membership=admin_membership, visit=visit, data={"evidence": "Again"}
        )
        assert Activity.objects.count() == 1
        assert Activity.objects.get().days == Decimal("1.5")
        visit_autosave(actor=admin, membership=admin_membership, visit=visit, data={"days": None})
        assert Activity.objects.count() == 0


def test_overdue_actions_show_on_the_officer_and_head_dashboards(world, client_for):
    a = world.a
    with a.scope():
        visit = _visit(a, strengths="x")
        action_create(
            actor=a.user(OFFICER),
            visit=visit,
            description="Long overdue reading plan",
            owner="Head",
            due_on=dt.date(2020, 1, 1),
        )
        visit_publish(actor=a.user(OFFICER), membership=_officer(a), visit=visit)
    for role in (OFFICER, Role.SCHOOL_STAFF):
        page = client_for(a.user(role)).get("/t/alpha/").content.decode()
        assert "Long overdue reading plan" in page, role
    governor_page = client_for(a.user(Role.GOVERNOR)).get("/t/alpha/").content.decode()
    assert "Long overdue reading plan" not in governor_page


def test_action_follow_up_with_a_bad_visit_id_is_404_not_500(world, client_for):
    from django.urls import reverse

    from visits.models import Action, Visit, VisitType

    a = world.a
    with a.scope():
        kind = VisitType.objects.create(code="walk", name="Learning walk")
        visit = Visit.objects.create(
            academy=a.academies[0], visit_type=kind, date=dt.date(2026, 2, 3)
        )
        action = Action.objects.create(
            visit=visit,
            academy=a.academies[0],
            description="Fix it",
            owner="Head",
            due_on=dt.date(2026, 3, 1),
        )
    client = client_for(a.user("trust_leader"))
    url = reverse("visits:action_status", kwargs={"trust_slug": a.slug, "pk": action.pk})
    response = client.post(url, {"status": "done", "at_visit": "abc"})
    assert response.status_code == 404


def test_a_partner_cannot_rewrite_an_officers_published_visit(world, client_for):
    """Issue 16: a partner (same academy) changed an officer's published judgements and
    action statuses. Now 403 on every write path; their own visit they still edit."""
    partner_user = world.a.user(Role.EXTERNAL_PARTNER)
    with world.a.scope():
        visit = _visit(world.a, evidence="Officer's evidence", strengths="Phonics")
        visit_publish(actor=world.a.user(OFFICER), membership=_officer(world.a), visit=visit)
        action = action_create(
            actor=world.a.user(OFFICER),
            visit=visit,
            description="Tighten phonics",
            owner="Head",
            due_on=dt.date(2026, 5, 1),
        )
        own = visit_create(
            actor=partner_user,
            academy=world.a.academies[0],
            visit_type=visit.visit_type,
            date=dt.date(2026, 3, 5),
        )
    client = client_for(partner_user)
    kw = {"trust_slug": "alpha", "pk": visit.pk}
    assert client.get(reverse("visits:detail", kwargs=kw)).status_code == 200  # may read
    assert client.get(reverse("visits:edit", kwargs=kw)).status_code == 403
    data = {"date": "2026-03-04", "evidence": "Rewritten", "judgement_achievement": "below"}
    assert client.post(reverse("visits:autosave", kwargs=kw), data).status_code == 403
    status_url = reverse("visits:action_status", kwargs={"trust_slug": "alpha", "pk": action.pk})
    assert client.post(status_url, {"status": "done"}).status_code == 403
    api = client.patch(
        f"/api/v1/t/alpha/visits/{visit.pk}/", {"evidence": "Rewritten"}, "application/json"
    )
    assert api.status_code == 403
    api = client.patch(
        f"/api/v1/t/alpha/actions/{action.pk}/", {"status": "done"}, "application/json"
    )
    assert api.status_code == 403
    with world.a.scope():
        visit.refresh_from_db()
        action.refresh_from_db()
        assert visit.evidence == "Officer's evidence" and action.status != "done"
    mine = {"trust_slug": "alpha", "pk": own.pk}
    assert client.get(reverse("visits:edit", kwargs=mine)).status_code == 200


def test_governors_read_their_academys_published_visits_and_nothing_else(world, client_for):
    # The issue: governors got a 403 on visits. They read the published visits of their own
    # academy (list, note, PDF); not drafts, not another academy's, not the planning pages.
    a = world.a
    with a.scope():
        published = _visit(a, strengths="Phonics teaching is consistent across Key Stage 1")
        visit_publish(actor=a.user(OFFICER), membership=_officer(a), visit=published)
        draft = _visit(a, strengths="Draft notes not yet shared")
        types = {t.code: t for t in visit_types_ensure(trust=a.trust)}
        other = visit_create(
            actor=a.user(Role.TRUST_LEADER),
            academy=a.academies[1],
            visit_type=types["teaching_learning"],
            date=dt.date(2026, 3, 5),
            strengths="Another academy's visit",
        )
        visit_publish(
            actor=a.user(Role.TRUST_LEADER),
            membership=Membership.objects.get(user=a.user(Role.TRUST_LEADER)),
            visit=other,
        )
    governor = client_for(a.user(Role.GOVERNOR))
    listing = governor.get(f"/t/{a.slug}/visits/")
    assert listing.status_code == 200
    assert 'href="/t/alpha/visits/"' in governor.get(f"/t/{a.slug}/").content.decode()
    page = governor.get(f"/t/{a.slug}/visits/{published.pk}/")
    assert page.status_code == 200 and "Phonics teaching is consistent" in page.content.decode()
    assert governor.get(f"/t/{a.slug}/visits/{published.pk}/note.pdf").status_code == 200
    assert governor.get(f"/t/{a.slug}/visits/{draft.pk}/").status_code == 404
    assert governor.get(f"/t/{a.slug}/visits/{other.pk}/").status_code == 404
    assert f'href="/t/{a.slug}/visits/programme/"' not in listing.content.decode()
    assert governor.get(f"/t/{a.slug}/visits/programme/").status_code == 403


def test_table_text_helpers_match_djangos_formatters():
    from django.utils.formats import date_format
    from django.utils.text import Truncator

    from visits.selectors import _chars, _day_month_year

    text = _day_month_year()
    for day in [dt.date(2026, m, d) for m in range(1, 13) for d in (1, 9, 28)] + [
        dt.date(999, 9, 9)
    ]:
        assert text(day) == date_format(day, "j M Y")
    cafe = "cafe\u0301 "  # a combining accent: NFC makes it one character
    for s in ["", "short", "x" * 90, "x" * 91, cafe * 18, cafe * 19, "e\u0301" * 95, "<b>" * 40]:
        assert _chars(s, 90) == Truncator(s).chars(90), s


def test_visits_page_tables_are_scoped_escaped_and_filtered(world, client_for):
    from django.utils.formats import date_format
    from django.utils.text import Truncator
    from django.utils.timezone import localdate

    a = world.a
    today = localdate()
    long_text = "Improve <b>phonics</b> & reading " * 5
    with a.scope():
        types = {t.code: t for t in visit_types_ensure(trust=a.trust)}
        mine = visit_create(
            actor=a.user(OFFICER),
            academy=a.academies[0],
            visit_type=types["teaching_learning"],
            date=today - dt.timedelta(days=20),
        )
        action_create(
            actor=a.user(OFFICER),
            visit=mine,
            description=long_text,
            owner="Head & deputy",
            due_on=today - dt.timedelta(days=3),
        )
        visit_create(
            actor=a.user(Role.TRUST_LEADER),
            academy=a.academies[1],
            visit_type=types["teaching_learning"],
            date=today + dt.timedelta(days=5),
        )
    officer = client_for(a.user(OFFICER))
    page = officer.get(f"/t/{a.slug}/visits/").content.decode()
    edit = reverse("visits:edit", kwargs={"trust_slug": a.slug, "pk": mine.pk})
    assert f'href="{edit}">{date_format(mine.date, "j M Y")}<span' in page
    assert a.academies[1].name not in page  # another academy's visit, and not in the filter
    assert "No visits planned." in page
    shown = Truncator(long_text).chars(90).replace("&", "&amp;").replace("<", "&lt;")
    assert shown.replace(">", "&gt;") in page and "Head &amp; deputy" in page
    # An academy outside the officer's scope shows no visits (the overdue actions stay).
    other = officer.get(f"/t/{a.slug}/visits/?academy={a.academies[1].urn}").content.decode()
    assert "No drafts." in other and "None yet." in other and "No visits planned." in other
    assert "Head &amp; deputy" in other
    leader = client_for(a.user(Role.TRUST_LEADER))
    assert a.academies[1].name in leader.get(f"/t/{a.slug}/visits/").content.decode()
