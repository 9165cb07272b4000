"""A framework in the trust's own levels (instead of WTS / EXS / GDS): the working party names
them on the draft, the rule proposes them, judgements record them, and the KPIs (% EXS+, % GDS)
still count them through the levels marked expected and greater depth."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.frameworks.models import FrameworkVersion
from assessment.frameworks.rules import parse_levels, propose, standard_levels, standard_of
from assessment.frameworks.services import (
    FrameworkInvalid,
    FrameworkLocked,
    framework_create,
    judgement_record,
    version_draft_create,
    version_levels_set,
    version_publish,
)
from assessment.kpis.selectors import kpi_figures_for
from tests.kpis.data import pupil, pupils, term
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
TERM = "2025-26-summer"
OWN = "EMG, Emerging\nDEV, Developing\nSEC, Secure, expected\nMAS, Mastery, greater depth"


def test_the_rule_proposes_the_trusts_own_levels_and_they_map_to_the_dfe_standards():
    levels, problems = parse_levels(OWN)
    assert problems == []
    codes = [row[0] for row in levels]
    statements = [("DEV1", "DEV"), ("DEV2", "DEV"), ("SEC1", "SEC"), ("MAS1", "MAS")]
    assert propose(statements, [], allow_one_weakness=False, levels=codes).level == "EMG"
    assert propose(statements, ["DEV1", "DEV2"], allow_one_weakness=False, levels=codes).level == (
        "DEV"
    )
    assert (
        propose(statements, ["DEV1", "DEV2", "SEC1"], allow_one_weakness=False, levels=codes).level
        == "SEC"
    )
    everything = [code for code, _ in statements]
    assert propose(statements, everything, allow_one_weakness=False, levels=codes).level == "MAS"
    assert [standard_of(levels, c) for c in codes] == ["WTS", "WTS", "EXS", "GDS"]
    # The default levels are DfE's, and map to themselves.
    assert [standard_of(standard_levels(), c) for c in ("WTS", "EXS", "GDS")] == [
        "WTS",
        "EXS",
        "GDS",
    ]
    # Unsound lists are refused, each problem in words.
    _, problems = parse_levels("EMG, Emerging\nSECURE, Secure, greater depth")
    assert "Line 2: a code is one to three letters or digits." in problems
    assert "Mark exactly one level as expected (the expected standard)." in problems


def test_a_framework_in_own_levels_records_them_and_the_kpis_still_count(world, client_for):
    tw = world.a
    leader = client_for(tw.user(Role.TRUST_LEADER))
    with tw.scope():
        framework = framework_create(actor=None, trust=tw.trust, subject="writing", year_group="4")
        draft = version_draft_create(actor=None, framework=framework)
    # The working party names its levels on the draft's settings page.
    answer = leader.post(
        reverse("frameworks:version_edit", kwargs={"trust_slug": tw.slug, "pk": draft.pk}),
        {"authors": "Writing working party", "levels": OWN},
    )
    assert answer.status_code == 302
    add = reverse("frameworks:statement_add", kwargs={"trust_slug": tw.slug, "pk": draft.pk})
    for code, level in (("DEV1", "DEV"), ("SEC1", "SEC"), ("MAS1", "MAS")):
        assert (
            leader.post(
                add, {"strand": "Composition", "code": code, "level": level, "text": f"{code} text"}
            ).status_code
            == 302
        )
    # EXS is not one of this framework's levels.
    refused = leader.post(add, {"strand": "Composition", "code": "X1", "level": "EXS", "text": "x"})
    assert refused.status_code == 400
    page = leader.get(
        reverse("frameworks:version", kwargs={"trust_slug": tw.slug, "pk": draft.pk})
    ).content.decode()
    assert "Mastery" in page and "Secure" in page
    with tw.scope():
        version = version_publish(actor=None, version=FrameworkVersion.objects.get(pk=draft.pk))
        with pytest.raises(FrameworkLocked):
            version_levels_set(actor=None, version=version, text=OWN)  # published: locked
    # Twelve Year 4 pupils: 1-2 emerging, 3-5 developing, 6-9 secure, 10-12 mastery.
    pupils(tw, [(n, "4", False, "M" if n % 2 else "F", "middle") for n in range(1, 13)])
    t = term(tw, TERM)
    secure_for = {
        "EMG": [],
        "DEV": ["DEV1"],
        "SEC": ["DEV1", "SEC1"],
        "MAS": ["DEV1", "SEC1", "MAS1"],
    }
    with tw.scope():
        for n in range(1, 13):
            want = "EMG" if n <= 2 else "DEV" if n <= 5 else "SEC" if n <= 9 else "MAS"
            judgement = judgement_record(
                actor=None,
                academy=tw.academies[0],
                term=t,
                pupil=pupil(tw, n),
                subject="writing",
                year_group="4",
                secure=secure_for[want],
            )
            assert (judgement.proposed, judgement.level) == (want, want)
        assert judgement.level_name == "Mastery" and judgement.standard == "GDS"
        with pytest.raises(FrameworkInvalid, match=r"Use EMG, DEV, SEC or MAS\."):
            judgement_record(
                actor=None,
                academy=tw.academies[0],
                term=t,
                pupil=pupil(tw, 1),
                subject="writing",
                year_group="4",
                secure=[],
                level="EXS",
                reason="old habit",
            )
        figures = kpi_figures_for(trust_id=tw.trust.pk, term_codes=[TERM], groups=["all"])
    a = tw.academies[0].pk

    def value(code):
        return next(
            f.value
            for f in figures
            if f.kpi_code == code and f.group == "all" and f.academy_id == a
        )

    # Secure and mastery (6-12) are "expected or above": 7 of 12 = 58.3%; mastery 3 of 12 = 25.0%.
    assert value("writing_judged_exs") == 58.3
    assert value("writing_judged_gds") == 25.0
    # The pupil's history shows the trust's level names.
    history = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/{tw.slug}/judgements/pupils/{pupil(tw, 12).key}/"
    )
    assert "Mastery" in history.content.decode()
