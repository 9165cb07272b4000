"""Trust admins edit phase descriptors and offers; a phase's offer includes those above it
(seed 002 "in addition to the above": Sustain's universal offer is the base)."""

from __future__ import annotations

import pytest

from phases.config import DEFAULT_PHASES, phases_for
from phases.models import Placement
from phases.rules import DEFAULT_SETTINGS
from tests.phases.helpers import map_two_terms
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent


def test_each_phase_offer_includes_the_phases_above_it_strongest_first():
    phases = phases_for({})
    tiers = {code: [p.tier for p in info.offer_in_full] for code, info in phases.items()}
    assert tiers["sustain"] == ["Universal"]
    assert tiers["improve"] == ["Universal", "Targeted"]
    assert tiers["repair"] == ["Universal", "Targeted", "Intensive"]
    assert tiers["stabilise"] == ["Universal", "Targeted", "Intensive", "Intervention"]
    own = [p for p in phases["stabilise"].offer_in_full if p.own]
    assert len(own) == 1 and own[0].items == tuple(DEFAULT_PHASES["stabilise"]["offer"])
    assert phases["stabilise"].offer_in_full[0].items == tuple(DEFAULT_PHASES["sustain"]["offer"])


def test_a_trust_offer_edit_flows_into_every_weaker_phase():
    config = {"phases": {"sustain": {"offer": ["Our own subject networks"]}, "repair": {}}}
    phases = phases_for(config)
    assert phases["sustain"].offer == ("Our own subject networks",)
    for code in ("improve", "repair", "stabilise"):
        assert phases[code].offer_in_full[0].items == ("Our own subject networks",)
    # a phase with nothing of its own keeps the default
    assert phases["repair"].offer == tuple(DEFAULT_PHASES["repair"]["offer"])


def _form_data(**extra):
    data: dict[str, object] = {}
    for code in ("stabilise", "repair", "improve", "sustain"):
        data |= {f"{code}_name": code.title(), f"{code}_tier": "Tier", f"{code}_summary": "Words"}
    for key, value in DEFAULT_SETTINGS.items():
        if key == "weights":
            data |= {f"weight_{k}": v for k, v in value.items()}
        elif key in ("min_cohort_to_place", "inspection_halves_after_years"):
            continue
        else:
            data[key] = value
    return data | extra


@pytest.mark.django_db
def test_admin_edits_offer_and_descriptors_audited_and_shown(world, client_for):
    mapped = map_two_terms(world)
    a = mapped.a
    admin = client_for(a.user(Role.TRUST_ADMIN))
    form = admin.get("/t/alpha/phases/settings/").content.decode()
    assert 'name="sustain_offer"' in form and 'name="stabilise_descriptors"' in form
    data = _form_data(
        sustain_offer="Trust-wide reading network\n\n  Termly peer review  \n",
        improve_offer="Attendance adviser each fortnight",
        stabilise_descriptors="Leaders are firefighting daily",
    )
    data |= {"sustain_tier": "Universal", "improve_tier": "Targeted", "stabilise_tier": "Urgent"}
    assert admin.post("/t/alpha/phases/settings/", data).status_code == 302
    a.trust.refresh_from_db()
    saved = a.trust.config["phases"]
    assert saved["sustain"]["offer"] == ["Trust-wide reading network", "Termly peer review"]
    assert saved["stabilise"]["descriptors"] == ["Leaders are firefighting daily"]
    assert saved["repair"]["offer"] == []  # empty: the default stays in use
    with a.scope():
        event = AuditEvent.objects.filter(action="phases.settings").latest("pk")
        assert (
            event.changes["after"]["phases"]["sustain"]["offer"][0] == "Trust-wide reading network"
        )

    casebook = client_for(a.user(Role.GOVERNOR)).get("/t/alpha/how-placements-are-decided/")
    html = casebook.content.decode()
    assert "Leaders are firefighting daily" in html
    # Stabilise shows the universal, targeted and its own offer, the base first
    stabilise = html[html.index("Descriptors and support of Stabilise") :]
    assert stabilise.index("Trust-wide reading network") < stabilise.index(
        "Attendance adviser each fortnight"
    )
    assert "In addition to the above: urgent offer (Stabilise)" in stabilise

    with a.scope():
        placement = Placement.objects.filter(academy=a.academies[0], subject="").latest("pk")
        placement.decided_phase = "improve"
        placement.status = "confirmed"
        placement.save(update_fields=["decided_phase", "status"])
    detail = client_for(a.user(Role.TRUST_LEADER)).get(f"/t/alpha/placements/{a.academies[0].urn}/")
    page = detail.content.decode()
    assert "Support for Improve" in page
    support = page[page.index("Support for Improve") :]
    assert support.index("Termly peer review") < support.index("Attendance adviser each fortnight")
    assert "In addition to the above: targeted offer (Improve)" in support


@pytest.mark.django_db
def test_bad_offer_lines_are_refused_with_the_line_and_nothing_saved(world, client_for):
    a = world.a
    admin = client_for(a.user(Role.TRUST_ADMIN))
    bad = admin.post(
        "/t/alpha/phases/settings/",
        _form_data(repair_offer="Fine\n" + "x" * 201, sustain_descriptors="\n".join("d" * 21)),
    )
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Line 2 is longer than 200 characters" in html
    assert "Give at most 20 lines" in html
    a.trust.refresh_from_db()
    assert "phases" not in (a.trust.config or {})
