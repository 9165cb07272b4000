"""The upload form and API name terms from today and refuse what is not a term, clearly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from academies.models import Academy
from assessment.forms import UploadForm
from assessment.models import Term
from assessment.services import term_get_or_create
from trust_si.accounts.roles import Role
from trust_si.terms import TermCode

pytestmark = pytest.mark.django_db
STAFF = Role.SCHOOL_STAFF


def test_upload_form_offers_the_current_term_in_september_2027(world):
    with world.a.scope():
        form = UploadForm(academies=Academy.objects.all(), today=dt.date(2027, 9, 20))
    choices = form.fields["term"].choices
    assert choices[0] == ("2027-28-autumn", "Autumn term 2027-28")  # no fixed list of years
    assert form.fields["term"].initial == "2027-28-autumn"
    assert "2027-28-spring" not in dict(choices)  # no data for a term still to come
    assert choices[-1] == ("2024-25-autumn", "Autumn term 2024-25")  # three years back


def test_upload_page_selects_the_current_term(world, client_for):
    page = client_for(world.a.user(STAFF)).get(
        reverse("assessment:upload_new", kwargs={"trust_slug": "alpha"})
    )
    current = TermCode.for_date(timezone.localdate())
    assert f'<option value="{current.code}" selected>{current.label}</option>' in (
        page.content.decode()
    )


def test_term_rows_read_as_terms(world):
    with world.a.scope():
        term = term_get_or_create(trust=world.a.trust, code="2025-26-summer")
        again = term_get_or_create(trust=world.a.trust, code=TermCode.parse("2025-26-summer"))
        assert again.pk == term.pk and Term.objects.count() == 1
    assert term.term_code == TermCode.parse("2025-26-summer")
    assert (str(term), term.code) == ("Summer term 2025-26", "2025-26-summer")


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("2025-26-winter", "write it like 2025-26-summer"),
        ("2025-27-summer", "2025-26 is followed by 2026-27"),
        ("summer", "write it like 2025-26-summer"),
    ],
)
def test_api_refuses_a_term_that_is_not_one(world, client_for, bad, words):
    response = client_for(world.a.user(STAFF)).post(
        reverse("assessment_api:upload-list", kwargs={"trust_slug": "alpha"}),
        {
            "kind": "results",
            "academy": world.a.academies[0].urn,
            "term": bad,
            "file": SimpleUploadedFile("r.csv", b"upn,subject,measure,value\n"),
        },
    )
    assert response.status_code == 400
    assert words in response.json()["term"][0]
    with world.a.scope():
        assert not Term.objects.exists()


def test_kpi_and_heatmap_apis_refuse_a_bad_term_in_words(world, client_for):
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    for url in ("/api/v1/t/alpha/kpis/", "/api/v1/t/alpha/heatmap/"):
        response = leader.get(url, {"term": "2025-26-winter"})
        assert response.status_code == 400, url
        assert "write it like 2025-26-summer" in str(response.json()["term"]), url
