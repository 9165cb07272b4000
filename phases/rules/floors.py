"""Floors: the evidence that holds an academy in Stabilise whatever else says.

Pure: no ORM import.
"""

from __future__ import annotations

from trust_si.sources import AN_DARAS, EXCELLENCE_EVERY_DAY

from .base import CONCERN_WORDS, InspectionEvidence, JudgementEvidence, Reason, _words
from .precedence import _inspection_words


def _floors(
    latest: InspectionEvidence | None,
    ungraded: list[InspectionEvidence],
    trust_latest: dict[str, JudgementEvidence],
) -> list[Reason]:
    """The evidence that holds an academy in Stabilise, whatever else says.

    Only the newest graded inspection (and ungraded inspections since) can set a floor, so a
    newer inspection lifts it; a trust visit never does. A leader lifts it by overriding the
    proposal with a recorded reason.
    """
    floors: list[Reason] = []
    hold = (
        "Placed in Stabilise whatever else says, until a newer inspection lifts it or a leader "
        "overrides with a recorded reason."
    )
    for i in [*([latest] if latest else []), *ungraded]:
        what = _inspection_words(i)
        facts = {"inspection": i.kind, "date": i.inspected_on.isoformat(), "link": i.link}
        if i.safeguarding_met is False:
            verdict = "not met" if i.kind == "report_card" else "not effective"
            later = trust_latest.get("safeguarding")
            note = ""
            if later is not None and later.grade == "met" and later.judged_on > i.inspected_on:
                note = (
                    f" The {later.source.lower()} of {later.judged_on:%d %b %Y} recording met "
                    "adds evidence beside it; it does not replace Ofsted's judgement."
                )
            floors.append(
                Reason(
                    "safeguarding_not_met",
                    f"Safeguarding {verdict} ({what}): it stands until Ofsted re-judges it. "
                    f"{hold}{note} Source: Ofsted; {EXCELLENCE_EVERY_DAY.title}, Stabilise "
                    "(ineffective safeguarding practices).",
                    1,
                    0,
                    {**facts, "area": "safeguarding", "grade": "not_met", "source": "Ofsted"},
                    "Ofsted",
                )
            )
        if i.category_of_concern:
            floors.append(
                Reason(
                    "category_of_concern",
                    f"Ofsted placed the school in {CONCERN_WORDS.get(i.category_of_concern, _words(i.category_of_concern))} "
                    f"({what}). {hold} Source: Ofsted; {AN_DARAS.title} (seriously "
                    "underperforming: rescue or recovery).",
                    1,
                    0,
                    {**facts, "category": i.category_of_concern},
                    "Ofsted",
                )
            )
        if i.kind == "legacy" and i.overall_grade == 4:
            floors.append(
                Reason(
                    "legacy_inadequate",
                    f"Overall effectiveness Inadequate ({what}). {hold} Source: Ofsted; "
                    f"{AN_DARAS.title} (seriously underperforming: rescue or recovery).",
                    1,
                    0,
                    {**facts, "grade": 4},
                    "Ofsted",
                )
            )
        if dict(i.area_grades).get("leadership_governance") == "urgent_improvement":
            floors.append(
                Reason(
                    "leadership_urgent_improvement",
                    f"Leadership and governance: urgent improvement ({what}). {hold} Source: "
                    f"Ofsted; {EXCELLENCE_EVERY_DAY.title}, Stabilise (limited leadership capacity "
                    "to improve; confused and ineffective governance).",
                    1,
                    0,
                    {**facts, "area": "leadership_governance", "grade": "urgent_improvement"},
                    "Ofsted",
                )
            )
        if dict(i.key_judgements).get("leadership_management") == 4:
            floors.append(
                Reason(
                    "leadership_inadequate",
                    f"Leadership and management: Inadequate ({what}). {hold} Source: Ofsted; "
                    f"{EXCELLENCE_EVERY_DAY.title}, Stabilise (limited leadership capacity to "
                    "improve).",
                    1,
                    0,
                    {**facts, "area": "leadership_management", "grade": 4},
                    "Ofsted",
                )
            )
    ts = trust_latest.get("safeguarding")
    ofsted_after = latest is not None and ts is not None and latest.inspected_on > ts.judged_on
    if ts is not None and ts.grade == "not_met" and not ofsted_after:
        floors.append(
            Reason(
                "safeguarding_not_met",
                f"Safeguarding judged not met ({ts.source}, {ts.judged_on:%d %b %Y}): placed in "
                "Stabilise whatever the data, until a later judgement finds it met. Source: "
                f"{EXCELLENCE_EVERY_DAY.title}, Stabilise (ineffective safeguarding practices).",
                1,
                0,
                {
                    "area": "safeguarding",
                    "grade": "not_met",
                    "date": ts.judged_on.isoformat(),
                    "source": ts.source,
                    "link": ts.link,
                },
                EXCELLENCE_EVERY_DAY.title,
            )
        )
    return floors
