"""A trust's own phases: names, support tiers, offers, descriptors and placement thresholds.

Stored in `Trust.config` ("phases" and "placement"), merged over the defaults below, so a trust
that names its phases as seed 003 does (De-clutter / Repair / Improve / Sustain and Strengthen)
changes settings, not code. Pure: no ORM import (the caller passes the trust's config dict).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .rules import DEFAULT_SETTINGS, IMPROVE, REPAIR, STABILISE, SUSTAIN

# National shares of schools per Progress 8 category (seed 002), the overview's comparison.
NATIONAL_SHARES = {SUSTAIN: 31, IMPROVE: 37, REPAIR: 20, STABILISE: 12}


@dataclass(frozen=True)
class OfferPart:
    """One phase's own offer, as part of the offer in full of it or of a weaker phase."""

    phase: str  # the phase's name in the trust's words
    tier: str
    items: tuple[str, ...]
    own: bool  # the phase's own addition (False: inherited from a phase above it)


@dataclass(frozen=True)
class PhaseInfo:
    code: str
    name: str
    tier: str
    capacity: str
    p8_category: str
    review_category: str
    summary: str
    offer: tuple[str, ...]
    descriptors: tuple[str, ...]
    # Seed 002 lists Sustain's universal offer first and each weaker phase "in addition to the
    # above": the offer in full is the strongest phase's offer first, this phase's own last.
    offer_in_full: tuple[OfferPart, ...] = ()


# In our own words, after seeds 002 (tiers and offers) and 004 (descriptors).
DEFAULT_PHASES: dict[str, dict[str, Any]] = {
    STABILISE: {
        "name": "Stabilise",
        "tier": "Intervention",
        "capacity": "Capacity taker",
        "p8_category": "Well below average",
        "review_category": "Seriously underperforming",
        "summary": "Daily pressures keep leaders operational; outcomes are very low and the basics "
        "(safeguarding, behaviour, systems) need securing first.",
        "offer": [
            "An intervention group works with leaders on the detail of the improvement plan",
            "The trust improvement team works on site, coaching and mentoring",
            "Extra leadership capacity: an adviser, a lead practitioner or a senior leader",
            "Autonomy limited in key areas; proven practice adopted from stronger academies",
        ],
        "descriptors": [
            "Safeguarding or the quality of education needs urgent improvement",
            "Leadership capacity to improve is limited",
            "Roles, systems and policies are unclear or missing",
            "Behaviour systems are unclear; relationships are not yet positive",
            "Governance is confused or ineffective",
            "The curriculum is narrow or out of date",
        ],
    },
    REPAIR: {
        "name": "Repair",
        "tier": "Intensive",
        "capacity": "Capacity taker",
        "p8_category": "Below average",
        "review_category": "Requires improvement to be good",
        "summary": "Leaders have control and a half-termly plan; systems and staffing are not yet "
        "secure and outcomes, though improving, are still too low.",
        "offer": [
            "Peer coaching and modelling, with trust lead practitioners in key subject teams",
            "Immersion in another academy",
            "An external review",
            "Commissioned external support",
        ],
        "descriptors": [
            "Leaders are establishing culture, expectations and standards",
            "Improvement at pace against a targeted plan reviewed each half term",
            "Policies, systems and clear roles are being put in place",
            "High expectations of attendance and progress, with staff training",
            "A curriculum model with clear intent is being designed",
        ],
    },
    IMPROVE: {
        "name": "Improve",
        "tier": "Targeted",
        "capacity": "May give in some subjects",
        "p8_category": "Average",
        "review_category": "Good, moving to outstanding",
        "summary": "Systems and staffing are in place to reach Sustain, but outcomes overall or for "
        "key groups are not yet high enough.",
        "offer": [
            "One-to-one coaching for senior and middle leaders",
            "Targeted support in attendance, behaviour, SEND, curriculum, personal "
            "development or careers guidance",
            "Commissioned support for a subject or team",
        ],
        "descriptors": [
            "Leadership is distributed; the vision is embedded",
            "The school takes part in school-to-school support",
            "Systems and policies are embedded and understood by all",
            "Staff development is planned across the year",
            "Half-termly conversations to raise attainment",
        ],
    },
    SUSTAIN: {
        "name": "Sustain",
        "tier": "Universal",
        "capacity": "Capacity giver",
        "p8_category": "Above or well above average",
        "review_category": "Sustaining excellence",
        "summary": "Strong outcomes overall and for every group; the academy gives capacity to "
        "others through secondments, lead practitioners and shared practice.",
        "offer": [
            "Trust subject networks led by subject leads and lead practitioners",
            "Support and challenge under the accountability framework",
            "Staff development events and the leadership development programme",
            "Instructional coaching for all staff; early career teacher partnerships",
        ],
        "descriptors": [
            "Outcomes are high for all pupil groups",
            "Staff are seconded to, and host staff from, other academies",
            "Best practice is led and incubated for the trust",
            "Leadership is stable with succession planned",
        ],
    },
}
PHASE_ORDER = [STABILISE, REPAIR, IMPROVE, SUSTAIN]

# Seed 003 names and grades the same four phases differently: a preset of names only.
PRESETS: dict[str, dict[str, str]] = {
    "default": {STABILISE: "Stabilise", REPAIR: "Repair", IMPROVE: "Improve", SUSTAIN: "Sustain"},
    "seed003": {
        STABILISE: "De-clutter",
        REPAIR: "Repair",
        IMPROVE: "Improve",
        SUSTAIN: "Sustain and Strengthen",
    },
}

# Thresholds a trust admin may tune (the rules engine's DEFAULT_SETTINGS documents each).
TUNABLE = [
    "kpi_sustain_gap",
    "kpi_improve_gap",
    "kpi_repair_gap",
    "points_sustain_gap",
    "points_improve_gap",
    "points_repair_gap",
    "relative_sustain_gap",
    "relative_improve_gap",
    "relative_repair_gap",
    "cut_sustain",
    "cut_improve",
    "cut_repair",
    "judgement_stale_days",
    "min_evidence_items",
]
WEIGHTS = ["kpi", "judgement", "p8", "inspection"]


def phases_for(config: dict[str, Any] | None) -> dict[str, PhaseInfo]:
    """The trust's four phases, weakest first, each merged over the defaults."""
    own = (config or {}).get("phases", {})
    out: dict[str, PhaseInfo] = {}
    for code in PHASE_ORDER:
        merged = {**DEFAULT_PHASES[code], **{k: v for k, v in own.get(code, {}).items() if v}}
        out[code] = PhaseInfo(
            code=code,
            name=merged["name"],
            tier=merged["tier"],
            capacity=merged["capacity"],
            p8_category=merged["p8_category"],
            review_category=merged["review_category"],
            summary=merged["summary"],
            offer=tuple(merged["offer"]),
            descriptors=tuple(merged["descriptors"]),
        )
    return {code: _with_offer_in_full(code, out) for code in out}


def _with_offer_in_full(code: str, phases: dict[str, PhaseInfo]) -> PhaseInfo:
    """Seed 002: Sustain's offer is the base; Improve adds to it, Repair to both, Stabilise to all."""
    strongest_first = list(reversed(PHASE_ORDER))
    upto = strongest_first[: strongest_first.index(code) + 1]
    parts = tuple(
        OfferPart(phase=phases[c].name, tier=phases[c].tier, items=phases[c].offer, own=(c == code))
        for c in upto
    )
    return replace(phases[code], offer_in_full=parts)


def phase_names(config: dict[str, Any] | None) -> dict[str, str]:
    return {code: info.name for code, info in phases_for(config).items()}


def placement_settings(config: dict[str, Any] | None) -> dict[str, Any]:
    """The rules engine's settings: defaults with the trust's tuned values over them."""
    own = (config or {}).get("placement", {})
    return {
        **DEFAULT_SETTINGS,
        **own,
        "weights": {**DEFAULT_SETTINGS["weights"], **own.get("weights", {})},
    }
