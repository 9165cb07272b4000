"""Governors see their academy's reports only; every download is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting.models import Report
from tests.reporting.isolation import TERM, setup
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(world):
    setup(world)
    # A second academy's report in trust A: the local governor of academies[0] must not reach it.
    with world.a.scope():
        other = Report.objects.create(
            trust=world.a.trust,
            kind="academy",
            academy=world.a.academies[1],
            term_code=TERM,
            status="ready",
            snapshot={"x": 1},
        )
    world.a.extra["other"] = other
    return world


def test_governor_cannot_download_another_academys_report_page_or_api(reports, client_for):
    governor = client_for(reports.a.user(Role.GOVERNOR))
    other = reports.a.extra["other"]
    page = reverse("reporting:download", kwargs={"trust_slug": "alpha", "pk": other.pk})
    api = reverse("reporting_api:report-download", kwargs={"trust_slug": "alpha", "pk": other.pk})
    assert governor.get(page).status_code == 404
    assert governor.get(api).status_code == 404


def test_governor_download_of_own_report_is_audited(reports, client_for):
    governor_user = reports.a.user(Role.GOVERNOR)
    report = reports.a.extra["report"]
    url = reverse("reporting:download", kwargs={"trust_slug": "alpha", "pk": report.pk})
    response = client_for(governor_user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with reports.a.scope():
        event = AuditEvent.objects.get(action="report.download")
    assert event.actor == governor_user
    assert event.object_id == str(report.pk)


def test_governor_list_shows_only_their_academy(reports, client_for):
    response = client_for(reports.a.user(Role.GOVERNOR)).get(
        reverse("reporting_api:report-list", kwargs={"trust_slug": "alpha"})
    )
    urns = {row["academy_urn"] for row in response.json()["results"]}
    assert urns == {reports.a.academies[0].urn}
