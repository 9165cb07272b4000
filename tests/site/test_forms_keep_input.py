"""Forms keep what people typed when refused, with a GOV.UK error summary linking to each field."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from phases.models import PhaseCode, Placement
from tests.assessment.test_uploads import UPN1, _upload
from tests.phases.helpers import map_two_terms
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent
from visits.services import visit_create, visit_types_ensure

pytestmark = pytest.mark.django_db


def _summary_links(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def test_override_without_rationale_keeps_the_phase_and_links_the_error(world, client_for):
    map_two_terms(world)
    a = world.a
    with a.scope():
        placement = Placement.objects.filter(academy=a.academies[0]).latest("computed_at")
    other = next(c for c in PhaseCode.values if c != placement.proposed_phase)
    client = client_for(a.user(Role.TRUST_LEADER))
    url = reverse("phases:decide", kwargs={"trust_slug": a.slug, "pk": placement.pk})
    resp = client.post(url, {"phase": other, "rationale": ""})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert _summary_links(html) == ["rationale"]
    assert 'id="rationale-error"' in html and "govuk-form-group--error" in html
    assert f'<option value="{other}" selected>' in html
    with a.scope():
        placement.refresh_from_db()
        assert placement.status == "proposed"


def test_action_without_due_date_keeps_description_and_owner(world, client_for):
    a = world.a
    with a.scope():
        types = {t.code: t for t in visit_types_ensure(trust=a.trust)}
        visit = visit_create(
            actor=a.user(Role.IMPROVEMENT_OFFICER),
            academy=a.academies[0],
            visit_type=types["teaching_learning"],
            date=dt.date(2026, 3, 4),
        )
    client = client_for(a.user(Role.IMPROVEMENT_OFFICER))
    url = reverse("visits:action_add", kwargs={"trust_slug": a.slug, "pk": visit.pk})
    resp = client.post(url, {"description": "Daily phonics catch-up", "owner": "Ms Reid"})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert _summary_links(html) == ["id_due_on"]
    assert "Enter the date the action is due by" in html
    assert "Daily phonics catch-up</textarea>" in html
    assert 'value="Ms Reid"' in html
    with a.scope():
        assert not visit.actions.exists()


def test_column_matching_starts_with_the_columns_it_recognised(world, client_for):
    upload = _upload(world.a, "attendance", f"upn,Possible,Absent\n{UPN1},120,6\n".encode())
    client = client_for(world.a.user(Role.SCHOOL_STAFF))
    url = reverse("assessment:upload_mapping", kwargs={"trust_slug": "alpha", "pk": upload.pk})
    html = client.get(url).content.decode()
    upn = html.split('name="upn"', 1)[1].split("</select>", 1)[0]
    assert '<option value="upn" selected>' in upn
    resp = client.post(url, {"upn": "upn"})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "Choose the column in your file that holds “sessions_possible”" in html
    assert "This field is required" not in html
    upn = html.split('name="upn"', 1)[1].split("</select>", 1)[0]
    assert '<option value="upn" selected>' in upn


def test_head_lands_on_their_own_school_phase_and_not_others(world, client_for):
    map_two_terms(world)
    a = world.a
    html = client_for(a.user(Role.SCHOOL_STAFF)).get(f"/t/{a.slug}/").content.decode()
    assert f'<h2 class="govuk-heading-m" id="own-school-{a.academies[0].urn}">' in html
    assert "Phase: <strong>" in html and "Summer term 2025-26" in html
    assert "Why</h3>" in html
    assert f"own-school-{a.academies[1].urn}" not in html
    assert a.academies[1].name not in html
    leader = client_for(a.user(Role.TRUST_LEADER)).get(f"/t/{a.slug}/").content.decode()
    assert "own-school-" not in leader


def test_a_confirmed_placement_can_be_revised_with_a_reason(world, client_for):
    # The issue: "Confirmed placements have no way to revise the decision". The page offers a
    # revision, refuses one without a reason (keeping the choice), and audits the earlier decision.
    map_two_terms(world)
    a = world.a
    with a.scope():
        placement = Placement.objects.filter(academy=a.academies[0]).latest("computed_at")
        academy = a.academies[0]
    client = client_for(a.user(Role.TRUST_LEADER))
    url = reverse("phases:decide", kwargs={"trust_slug": a.slug, "pk": placement.pk})
    assert client.post(url, {"phase": placement.proposed_phase}).status_code in (200, 302)
    detail = reverse("phases:detail", kwargs={"trust_slug": a.slug, "urn": academy.urn})
    html = client.get(detail).content.decode()
    assert "Revise the decision" in html and "Save revised decision" in html
    assert "weighted level" not in html or " from " in html  # the cut points are named
    other = next(c for c in PhaseCode.values if c != placement.proposed_phase)
    refused = client.post(url, {"phase": other, "rationale": ""})
    assert refused.status_code == 400
    assert _summary_links(refused.content.decode()) == ["rationale"]
    assert f'<option value="{other}" selected>' in refused.content.decode()
    client.post(url, {"phase": other, "rationale": "The new head left after a term."})
    with a.scope():
        placement.refresh_from_db()
        assert placement.status == "overridden" and placement.decided_phase == other
        entry = AuditEvent.objects.filter(action="placement.override").latest("pk")
        assert entry.changes["previous_decision"] == placement.proposed_phase


def test_a_problem_list_offers_a_corrected_upload_that_keeps_academy_term_and_kind(
    world, client_for
):
    a = world.a
    bad = f"upn,subject,measure,value\n{UPN1},writting,ta,EXS\n".encode()
    upload = _upload(a, "results", bad, term="2025-26-spring")
    client = client_for(a.user(Role.SCHOOL_STAFF))
    page = client.get(
        reverse("assessment:upload_detail", kwargs={"trust_slug": a.slug, "pk": upload.pk})
    ).content.decode()
    assert "Did you mean writing?" in page
    link = re.search(r'href="([^"]+)">Upload a corrected file</a>', page)
    assert link, "the problem list links to a corrected upload"
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    academy = a.academies[0]
    assert re.search(rf'<option value="{academy.pk}"[^>]*selected', form)
    assert re.search(r'<option value="2025-26-spring"[^>]*selected', form)
    assert re.search(r'<option value="results"[^>]*selected', form)
