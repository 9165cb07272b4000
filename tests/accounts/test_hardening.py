"""Issue 16's medium and low rows: caching, sessions kept alive by polls, bad query strings,
implausible dates, the API's trust scope after an unhandled exception, passwords."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from trust_si.accounts.roles import Role
from trust_si.accounts.services import api_token_create
from trust_si.forms import plausible_date
from trust_si.tenancy.context import current_scope


def _key(world, role=Role.TRUST_LEADER):
    from trust_si.accounts.models import Membership

    user = world.a.user(role)
    with world.a.scope():
        membership = Membership.objects.get(user=user)
    return api_token_create(
        actor=user, membership=membership, name="t", days=30, session_passed_mfa=True
    )[1]


def test_signed_in_pages_and_the_api_are_never_stored(world, client_for):
    client = client_for(world.a.user(Role.TRUST_LEADER))
    for url in ("/t/alpha/", "/t/alpha/people/api-token/", "/api/v1/t/alpha/academies/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    response = Client().get("/api/v1/t/alpha/academies/", HTTP_AUTHORIZATION=f"Token {_key(world)}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    # A refused API call is not stored either.
    assert "no-store" in Client().get("/api/v1/t/alpha/academies/")["Cache-Control"]


def test_a_poll_does_not_keep_the_session_alive(world, client_for):
    client = client_for(world.a.user(Role.TRUST_LEADER))
    session = client.session
    session["_renewed_at"] = 1  # renewed long ago: the next real request renews it
    session.save()
    client.get("/t/alpha/", HTTP_HX_REQUEST="true", HTTP_X_POLL="1")
    assert client.session["_renewed_at"] == 1
    client.get("/t/alpha/")
    assert client.session["_renewed_at"] > 1


@pytest.mark.parametrize("month", ["1-1", "99999999999999999999-1", "9999-12", "x", "2026-13"])
def test_a_bad_month_is_a_400_with_a_reason(world, client_for, month):
    client = client_for(world.a.user(Role.IMPROVEMENT_OFFICER))
    response = client.get("/t/alpha/visits/calendar/", {"month": month})
    assert response.status_code == 400
    assert b"not a month" in response.content
    assert client.get("/t/alpha/visits/calendar/", {"month": "2026-03"}).status_code == 200


def test_implausible_dates_are_refused():
    for bad in (dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(1989, 12, 31)):
        with pytest.raises(ValidationError):
            plausible_date(bad)
    plausible_date(dt.date.today())
    from visits.forms import NewVisitForm

    form = NewVisitForm(
        data={"date": "9999-12-31"}, academies=_none("academies"), types=_none("visits")
    )
    assert not form.is_valid() and "date" in form.errors


def _none(app):
    from django.apps import apps

    model = apps.get_model("academies", "Academy") if app == "academies" else None
    if model is None:
        model = apps.get_model("visits", "VisitType")
    return model._base_manager.none()


def test_a_judgement_dated_9999_12_31_is_refused_by_the_api(world):
    response = Client().post(
        "/api/v1/t/alpha/judgements/",
        data=json.dumps(
            {
                "urn": world.a.academies[0].urn,
                "area": "quality_of_education",
                "grade": "good",
                "judged_on": "9999-12-31",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {_key(world)}",
    )
    assert response.status_code == 400
    assert "judged_on" in response.json()


def test_the_api_leaves_the_trust_scope_after_an_exception_drf_does_not_handle(world, settings):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE raises outside DRF's handling. (The request-body
    middleware would refuse it first: it is let through here to reach DRF.)"""
    settings.REQUEST_BODY_MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 2
    body = b'{"note": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    assert current_scope() is None
    response = Client().post(
        "/api/v1/t/alpha/judgements/",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {_key(world)}",
    )
    assert response.status_code == 400  # Django's own refusal, inside the API view
    assert current_scope() is None


def test_common_passwords_are_refused():
    for password in ("qwertyuiop", "1234567890", "password12"):
        with pytest.raises(ValidationError):
            validate_password(password)
    validate_password("a long and unusual passphrase 7")


def test_the_board_report_follows_an_officers_academy_scope(world):
    from reporting.models import Report, ReportKind
    from reporting.selectors import report_list_for
    from trust_si.accounts.models import Membership

    officer = world.a.user(Role.IMPROVEMENT_OFFICER)
    with world.a.scope():
        board = Report.objects.create(
            trust=world.a.trust, kind=ReportKind.TRUST, term_code="2025-26-summer", snapshot={}
        )
        membership = Membership.objects.get(user=officer)
        # The officer covers one of the trust's two academies: the board report shows both.
        assert board not in report_list_for(membership)
        membership.academies.set(world.a.academies)
        assert board in report_list_for(membership)


@pytest.mark.parametrize("module", ["trust_si.wsgi", "trust_si.celery"])
def test_the_servers_default_to_production_settings(module):
    """wsgi.py and celery.py defaulted to local settings (and so the public local key)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "MFA_SECRET_KEYS", "DATABASE_URL")
    }
    code = f"import {module}, django.conf; django.conf.settings.SECRET_KEY"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "refuse to start" in result.stderr


@pytest.mark.parametrize("year", ["abcd", "9" * 30, "2025-26'; --", "<b>"])
def test_a_bad_year_is_answered_never_a_500(world, client_for, year):
    """Issue 16's low row: 500s on `?year=abcd`. Every route that reads `year`."""
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    for url in (
        "/t/alpha/visits/programme/",
        "/api/v1/t/alpha/kpis/targets/",
        "/api/v1/t/alpha/visit-programme/",
    ):
        response = leader.get(url, {"year": year})
        assert response.status_code in (200, 400), (url, response.status_code)


BINARY = bytes(range(256)) * 64  # every byte, NULs included
GIAS_HEADER = (
    b"URN,Group UID,Group Name,EstablishmentName,PhaseOfEducation (name),"
    b"TypeOfEstablishment (name),LA (name),Joined date\n"
)
DFE_HEADER = b"URN,SCHNAME,PTRWM_EXP\n"
HUGE = b"A" * 200_000  # past csv's own field limit (131,072) and every cell bound


@pytest.mark.parametrize(
    ("gias_file", "results_file", "gias_reason", "results_reason"),
    [
        (BINARY, BINARY, "No academies of that group", "not a DfE KS4 headline or KS2"),
        (
            GIAS_HEADER + b"100001,1234,A trust," + HUGE + b",Primary,Academy converter,Leeds,\n",
            DFE_HEADER + b"100001," + HUGE + b",60%\n",
            "could not be read as CSV: field larger than field limit",
            "could not be read as CSV: field larger than field limit",
        ),
    ],
    ids=["binary", "huge field"],
)
def test_gias_and_published_results_files_with_binary_or_huge_fields_are_refused_in_words(
    world, client_for, gias_file, results_file, gias_reason, results_reason
):
    """Issue 16's low row: 500s on GIAS and published-results files with huge or binary
    fields. Each is a form error with the reason, and nothing is imported."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from academies.models import Academy
    from assessment.kpis.models import PublishedResult

    admin = client_for(world.a.user(Role.TRUST_ADMIN))
    with world.a.scope():
        academies = Academy.objects.count()
    gias = admin.post(
        "/t/alpha/academies/import/",
        {"file": SimpleUploadedFile("gias.csv", gias_file), "group_uid": "1234"},
    )
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    results = leader.post(
        "/t/alpha/published-results/",
        {"file": SimpleUploadedFile("england_ks2final.csv", results_file), "year": "2023-24"},
    )
    for page, reason in ((gias, gias_reason), (results, results_reason)):
        assert page.status_code == 400, page.status_code
        text = page.content.decode()
        assert "There is a problem" in text and reason in text, reason
    with world.a.scope():
        assert Academy.objects.count() == academies
        assert not PublishedResult.objects.exists()
