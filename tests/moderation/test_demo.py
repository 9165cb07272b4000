"""The demo's moderation: a finished blind round across first, middle and high schools and a
comparative-judgement round in each demo trust; the governor report's moderation section (the
real render, read back with pypdf) shows the round's outcome. Seeding twice changes nothing."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from academies.models import Academy, PhaseOfEducation
from moderation import demo as moderation_demo
from moderation.models import Comparison, Review, Round, RoundMethod, RoundStatus, SampleItem
from moderation.selectors import cj_result, round_outcome
from reporting.services import report_generate, report_request
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

pytestmark = pytest.mark.django_db


def _seed(settings) -> None:
    settings.TRUST_SI_DEMO_PASSWORD = "demo"
    import trust_si.site.demo as demo

    hooks = demo.DEMO_HOOKS
    # Only what moderation needs: academies (and people), frameworks, moderation.
    demo.DEMO_HOOKS = [demo.academies_demo, demo.frameworks_demo, demo.moderation_demo]
    try:
        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo", stdout=StringIO())
    finally:
        demo.DEMO_HOOKS = hooks


def test_demo_rounds_and_the_governor_report(settings):
    _seed(settings)
    trust = Trust.objects.get(slug="northmoor")
    with trust_scope(trust):
        blind = Round.objects.get(name=moderation_demo.BLIND_NAME)
        assert Round.objects.filter(name=moderation_demo.BLIND_NAME).count() == 1  # idempotent
        assert blind.status == RoundStatus.CLOSED
        assert blind.year_groups == ["4", "8", "10"]
        phases = set(
            SampleItem.objects.filter(round=blind).values_list(
                "academy__phase_of_education", flat=True
            )
        )
        assert {
            PhaseOfEducation.FIRST,
            PhaseOfEducation.MIDDLE,
            PhaseOfEducation.SECONDARY,
        } <= phases
        items = SampleItem.objects.filter(round=blind).count()
        assert Review.objects.filter(item__round=blind).count() == items
        overall = round_outcome(blind).overall
        assert overall is not None and overall.exact_pct is not None
        print(
            f"\nDemo blind round: {items} pieces, {overall.exact_pct:.0f}% agreed, kappa {overall.kappa}"
        )
        assert 65 <= overall.exact_pct <= 95  # believable, not perfect
        cj = Round.objects.get(name=moderation_demo.CJ_NAME)
        assert cj.method == RoundMethod.COMPARATIVE and cj.status == RoundStatus.CLOSED
        assert (
            Comparison.objects.filter(round=cj).count()
            >= 8 * SampleItem.objects.filter(round=cj).count()
        )
        result = cj_result(cj)
        reliability = result.scale.reliability
        print(f"Demo CJ round: reliability {reliability}")
        assert reliability is not None and reliability > 0.6

        first = Academy.objects.filter(phase_of_education=PhaseOfEducation.FIRST).order_by("urn")[1]
        report = report_generate(
            report=report_request(
                actor=None, trust=trust, term_code="2025-26-summer", academy=first, enqueue=False
            )
        )
        with report.pdf.open("rb") as fh:
            text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    assert "No moderation outcomes recorded yet" not in text
    assert "Year 4 writing" in text
    assert "% agreed" in text
    with trust_scope(Trust.objects.get(slug="riverside")):
        assert Round.objects.get(name=moderation_demo.BLIND_NAME).year_groups == ["2", "6"]
        assert Round.objects.filter(name=moderation_demo.CJ_NAME).exists()


def test_round_pages_show_agreement_in_words(world, client):
    from django.urls import reverse

    from moderation.services import item_agree, review_submit, round_close
    from tests.moderation.helpers import open_round
    from trust_si.accounts.roles import Role

    round_ = open_round(world.a, per_school=12)
    officer, leader = world.a.user(Role.IMPROVEMENT_OFFICER), world.a.user(Role.TRUST_LEADER)
    with world.a.scope():
        items = list(SampleItem.objects.filter(round=round_, academy=world.a.academies[1]))
        for i, item in enumerate(items):
            level = item.school_level if i else ("EXS" if item.school_level != "EXS" else "WTS")
            review_submit(actor=officer, item=item, level=level, secure=[])
            if level != item.school_level:
                item_agree(actor=leader, item=item, level=level, reason="Agreed at the meeting")
        round_close(actor=leader, round_=round_)
    slug = world.a.trust.slug
    client.force_login(leader)
    listing = client.get(reverse("moderation:rounds", kwargs={"trust_slug": slug}))
    assert listing.status_code == 200 and round_.name in listing.text
    page = client.get(reverse("moderation:round", kwargs={"trust_slug": slug, "pk": round_.pk}))
    assert page.status_code == 200
    n = len(items)
    assert f"{n - 1} of {n} agreed" in page.text
    assert "Landis and Koch" in page.text
    assert "By school" in page.text and world.a.academies[1].name in page.text
    assert "EXS</td>" not in page.text  # words, not codes
    client.force_login(world.a.user(Role.GOVERNOR))
    assert (
        client.get(
            reverse("moderation:round", kwargs={"trust_slug": slug, "pk": round_.pk})
        ).status_code
        == 403
    )


def test_compare_page_records_the_better_piece(world, client):
    from django.urls import reverse

    from tests.moderation.helpers import open_round
    from trust_si.accounts.roles import Role

    round_ = open_round(world.a, method="comparative", per_school=6)
    client.force_login(world.a.user(Role.IMPROVEMENT_OFFICER))
    url = reverse("moderation:compare", kwargs={"trust_slug": world.a.trust.slug, "pk": round_.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert page.text.count("is better</button>") == 2
    assert "school" not in page.text.split("<h1")[1].split("Back to the round")[0].replace(
        "You are not told the schools", ""
    )
    a, b = page.context["pair"]
    done = client.post(url, {"a": a.number, "b": b.number, "winner": b.number})
    assert done.status_code == 302
    with world.a.scope():
        comparison = Comparison.objects.get(round=round_)
        assert (comparison.winner_id, comparison.loser_id) == (b.pk, a.pk)
    detail = client.get(
        reverse("moderation:round", kwargs={"trust_slug": world.a.trust.slug, "pk": round_.pk})
    )
    assert detail.status_code == 200 and "Scaled score" in detail.text
    odd = client.post(url, {"a": a.number, "b": b.number, "winner": 99999})
    assert odd.status_code == 400 and "Choose one of the two pieces" in odd.text
