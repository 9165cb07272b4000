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
