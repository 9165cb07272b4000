"""Issue 16's low row "htmx polling keeps sessions alive for ever", the browser's half: a poll
(`hx-trigger="every …"`) is sent with `X-Poll: 1` by static/js/app.js, which the server's
SessionRenewMiddleware does not count as the person being active
(tests/accounts/test_hardening.py::test_a_poll_does_not_keep_the_session_alive). A request
the person makes carries no such header."""

from __future__ import annotations

import pytest

from assessment.models import Upload
from assessment.services import term_get_or_create, upload_create
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_progress_poll_says_it_is_a_poll(world, page, login_as):
    a = world.a
    staff = a.user(Role.SCHOOL_STAFF)
    with a.scope():
        upload = upload_create(
            actor=staff,
            academy=a.academies[0],
            term=term_get_or_create(trust=a.trust, code="2025-26-summer"),
            kind="results",
            name="results.csv",
            content=b"upn,subject,measure,value\nA123456789012,reading,ta,EXS\n",
        )
        # Still being checked: the page polls its status every second.
        Upload.objects.filter(pk=upload.pk).update(status="validating", progress=5)
    login_as(staff)
    url = f"/t/{a.slug}/uploads/{upload.pk}/"
    with page.expect_request(lambda r: r.url.endswith(url)) as visit:
        page.goto(url)
    assert "x-poll" not in visit.value.headers  # the person's own request
    with page.expect_request(
        lambda r: r.url.endswith(url) and "hx-request" in r.headers, timeout=10_000
    ) as poll:
        pass
    assert poll.value.headers.get("x-poll") == "1", poll.value.headers
