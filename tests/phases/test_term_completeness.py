"""Terms and completeness through the real path: uploads, recompute, the placements API, the
heat map and the academy page's "mark complete" action.

The issue's example: one school uploads 11 pupils for Autumn 2026-27 before anyone else. No
other academy's proposal changes, the school's own placement stays on its complete summer term
(the partial term is shown, never used), and the heat map stays on the summer term.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from academies.models import Academy
from assessment.services import (
    term_get_or_create,
    upload_confirm_now,
    upload_create,
    upload_validate,
)
from phases.completeness import COMPLETE, MARKED, NONE, PARTIAL, coverage
from phases.models import Placement, TermCompletion
from phases.pipeline import recompute_run
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ROLL = 20
# Year groups that cover each academy's key stages (primary 4-11, secondary 11-18).
YEARS = {0: ("2", "5"), 1: ("8", "10", "12")}


def _upload(tw, academy, term, kind, content):
    with tw.scope():
        t = term_get_or_create(trust=tw.trust, code=term)
        upload = upload_create(
            actor=tw.user(Role.TRUST_ADMIN),
            academy=academy,
            term=t,
            kind=kind,
            name=f"{kind}.csv",
            content=content.encode(),
        )
        upload = upload_validate(upload=upload)
        assert upload.status == "valid", upload.message
        return upload_confirm_now(actor=tw.user(Role.TRUST_ADMIN), upload=upload)


def _pupils_and_attendance(tw, academy, term, prefix, years, count, missed):
    upns = [f"{prefix}{i:012d}" for i in range(count)]
    pupils = "upn,year_group,disadvantaged,send,eal,sex,prior_band\n" + "".join(
        f"{u},{years[i % len(years)]},N,N,N,{'F' if i % 2 else 'M'},middle\n"
        for i, u in enumerate(upns)
    )
    _upload(tw, academy, term, "pupils", pupils)
    attendance = "upn,sessions_possible,sessions_missed\n" + "".join(
        f"{u},100,{missed}\n" for u in upns
    )
    _upload(tw, academy, term, "attendance", attendance)


def _api(client_for, tw):
    rows = (
        client_for(tw.user(Role.TRUST_LEADER))
        .get(f"/api/v1/t/{tw.slug}/placements/")
        .json()["results"]
    )
    return {r["urn"]: r for r in rows}


@pytest.fixture
def summer(world):
    """Both academies with a complete summer 2025-26 (every pupil on roll, every key stage)."""
    a = world.a
    with a.scope():
        Academy.objects.filter(trust=a.trust).update(pupils_on_roll=ROLL)
    for n, prefix in ((0, "A"), (1, "B")):
        _pupils_and_attendance(
            a, a.academies[n], "2025-26-summer", prefix, YEARS[n], ROLL, missed=3
        )
    with a.scope():
        recompute_run(trust=a.trust)
    return a


def test_completeness_rule_in_words():
    full = coverage(
        term="2025-26-summer",
        pupils=20,
        expected=20,
        stages_expected=["KS1", "KS2"],
        stages_covered={"KS1", "KS2"},
    )
    assert full.status == COMPLETE and full.usable
    few = coverage(
        term="2026-27-autumn",
        pupils=11,
        expected=20,
        stages_expected=["EYFS", "KS1", "KS2"],
        stages_covered={"KS1"},
    )
    assert few.status == PARTIAL and not few.usable
    assert few.words == "partial: 11 of 20 pupils uploaded, nothing yet for KS2"
    # Enough pupils, but a key stage it teaches has nothing: still partial.
    short = coverage(
        term="t", pupils=19, expected=20, stages_expected=["KS1", "KS2"], stages_covered={"KS2"}
    )
    assert short.status == PARTIAL
    assert (
        coverage(term="t", pupils=0, expected=20, stages_expected=[], stages_covered=[]).status
        == NONE
    )
    marked = coverage(
        term="t", pupils=3, expected=20, stages_expected=["KS2"], stages_covered=[], marked=True
    )
    assert marked.status == MARKED and marked.usable


def test_eleven_pupils_in_a_new_term_move_no_phase(summer, client_for):
    a = summer
    first, other = a.academies
    with a.scope():
        before = {x.pk: list(Placement.objects.filter(academy=x, subject="")) for x in a.academies}
    assert all(p[0].term_code == "2025-26-summer" for p in before.values())
    api = _api(client_for, a)
    assert {t["term"]: t["status"] for t in api[first.urn]["terms"]} == {
        "2025-26-summer": "complete"
    }

    # One school uploads 11 pupils (one year group) for autumn 2026-27, with high absence.
    _pupils_and_attendance(a, first, "2026-27-autumn", "C", ("3",), 11, missed=40)
    with a.scope():
        recompute_run(trust=a.trust)
        after = {x.pk: list(Placement.objects.filter(academy=x, subject="")) for x in a.academies}
    # The other academy: no new proposal, nothing "to review".
    assert [p.pk for p in after[other.pk]] == [p.pk for p in before[other.pk]]
    latest = after[first.pk][0]
    assert latest.term_code == "2025-26-summer"
    assert latest.proposed_phase == before[first.pk][0].proposed_phase
    assert {
        r["evidence"].get("term")
        for r in latest.reasons
        if r["rule"] in ("kpi_vs_national", "absence_relative_gap")
    } == {"2025-26-summer"}
    assert any(
        "Autumn term 2026-27: partial: 11 of 20 pupils uploaded" in m
        and "never moves the phase on its own" in m
        for m in latest.missing
    ), latest.missing

    api = _api(client_for, a)
    terms = {t["term"]: t for t in api[first.urn]["terms"]}
    assert (
        terms["2026-27-autumn"]["status"] == "partial" and not terms["2026-27-autumn"]["complete"]
    )
    assert terms["2026-27-autumn"]["name"] == "Autumn term 2026-27"
    assert {t["term"]: t["status"] for t in api[other.urn]["terms"]}["2026-27-autumn"] == "none"
    assert api[other.urn]["proposed"]["term_code"] == "2025-26-summer"

    # The heat map's default stays on the term complete for most academies.
    client = client_for(a.user(Role.TRUST_LEADER))
    page = client.get(reverse("phases:heatmap", kwargs={"trust_slug": a.slug})).content.decode()
    assert '<option value="2025-26-summer" selected>' in page
    autumn = client.get(
        reverse("phases:heatmap", kwargs={"trust_slug": a.slug}) + "?term=2026-27-autumn"
    ).content.decode()
    assert "partial: 11 of 20 pupils uploaded" in autumn and "not yet uploaded" in autumn


def test_a_leader_marks_the_term_complete_and_it_is_used(summer, client_for):
    a = summer
    first = a.academies[0]
    _pupils_and_attendance(a, first, "2026-27-autumn", "C", ("3",), 11, missed=40)
    with a.scope():
        recompute_run(trust=a.trust)
    url = reverse(
        "phases:term_complete",
        kwargs={"trust_slug": a.slug, "urn": first.urn, "term": "2026-27-autumn"},
    )
    detail = reverse("phases:detail", kwargs={"trust_slug": a.slug, "urn": first.urn})
    page = client_for(a.user(Role.TRUST_LEADER)).get(detail).content.decode()
    assert "Mark Autumn term 2026-27 complete" in page and "Partial: 11 of 20" in page

    # School staff and governors cannot mark a term complete.
    assert client_for(a.user(Role.SCHOOL_STAFF)).post(url).status_code == 403
    response = client_for(a.user(Role.TRUST_LEADER)).post(url, {"note": "Only Y3 this term"})
    assert response.status_code == 302
    with a.scope():
        mark = TermCompletion.objects.get(academy=first, term_code="2026-27-autumn")
        assert mark.marked_by == a.user(Role.TRUST_LEADER) and mark.note == "Only Y3 this term"
        assert AuditEvent.objects.filter(action="term.mark_complete").count() == 1
        # Marking twice changes nothing and is not audited again.
        client_for(a.user(Role.TRUST_LEADER)).post(url)
        assert AuditEvent.objects.filter(action="term.mark_complete").count() == 1
        recompute_run(trust=a.trust)
        latest = Placement.objects.filter(academy=first, subject="").first()
    assert latest.term_code == "2026-27-autumn"
    assert "2026-27-autumn" in {r["evidence"].get("term") for r in latest.reasons}
    api = _api(client_for, a)
    assert {t["term"]: t["status"] for t in api[first.urn]["terms"]}["2026-27-autumn"] == "marked"

    # Unmarking puts the placement back on the complete summer term.
    client_for(a.user(Role.TRUST_ADMIN)).post(url, {"complete": "no"})
    with a.scope():
        assert not TermCompletion.objects.filter(academy=first).exists()
        assert AuditEvent.objects.filter(action="term.unmark_complete").count() == 1
        recompute_run(trust=a.trust)
        assert Placement.objects.filter(academy=first, subject="").first().term_code == (
            "2025-26-summer"
        )


def test_an_unknown_term_is_not_found(summer, client_for):
    a = summer
    url = reverse(
        "phases:term_complete",
        kwargs={"trust_slug": a.slug, "urn": a.academies[0].urn, "term": "not-a-term"},
    )
    assert client_for(a.user(Role.TRUST_LEADER)).post(url).status_code == 404


def test_history_is_dated_by_the_evidence_and_the_decision(summer, client_for):
    """Not the recompute's date: the summer term's data (to 31 Jul 2026) and the decision."""
    from django.utils import timezone

    a = summer
    first = a.academies[0]
    api = _api(client_for, a)
    assert api[first.urn]["proposed"]["evidence_on"] == "2026-07-31"
    with a.scope():
        placement = Placement.objects.filter(academy=first, subject="").first()
    leader = client_for(a.user(Role.TRUST_LEADER))
    leader.post(
        reverse("phases:decide", kwargs={"trust_slug": a.slug, "pk": placement.pk}),
        {"phase": placement.proposed_phase, "rationale": ""},
    )
    page = leader.get(
        reverse("phases:detail", kwargs={"trust_slug": a.slug, "urn": first.urn})
    ).content.decode()
    history = page.split("Phase history", 1)[1]
    assert "<strong>31 Jul 2026</strong> (Summer term 2025-26): evidence of that date" in history
    assert f"<strong>{timezone.localdate():%-d %b %Y}</strong>: confirmed" in history


def test_pupil_counts_are_kept_until_the_pupil_data_changes(summer):
    """The heat map and the placements page read each term's pupil counts from the cache (the
    count is most of their time), and a real upload's commit makes the next read count afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.kpis.store import data_version, kpi_figures_rebuild
    from phases.evidence import term_coverage

    a = summer
    first = a.academies[0]

    def counted() -> tuple[dict[str, int], bool]:
        with CaptureQueriesContext(connection) as queries, a.scope():
            cover = term_coverage(a.trust.pk)[first.pk]
        return (
            {code: c.pupils for code, c in cover.items()},
            any(" UNION " in q["sql"] for q in queries.captured_queries),
        )

    with a.scope():
        assert data_version(a.trust.pk)
    assert counted() == ({"2025-26-summer": ROLL}, True)
    assert counted() == ({"2025-26-summer": ROLL}, False)  # from the cache

    _pupils_and_attendance(a, first, "2026-27-autumn", "C", ("3",), 11, missed=40)
    # Out of date until the figures are rebuilt: counted every time, never cached.
    assert counted() == ({"2025-26-summer": ROLL, "2026-27-autumn": 11}, True)
    with a.scope():
        kpi_figures_rebuild(trust_id=a.trust.pk)
    assert counted() == ({"2025-26-summer": ROLL, "2026-27-autumn": 11}, True)
    assert counted() == ({"2025-26-summer": ROLL, "2026-27-autumn": 11}, False)
    # New files for the same term replace its pupils and attendance (one current upload per
    # slice): the new version's count is read at once, not the cached 11.
    _pupils_and_attendance(a, first, "2026-27-autumn", "D", ("4",), 4, missed=1)
    with a.scope():
        kpi_figures_rebuild(trust_id=a.trust.pk)
    assert counted() == ({"2025-26-summer": ROLL, "2026-27-autumn": 4}, True)
