"""The front page of a governor or board report, in plain English. Pure: reads a snapshot only.

A governor reads the first page and may read no further, so it says, in sentences rather than
engine wording: the phase and what it means, the direction of travel since last term, and the
three things that matter most. Worked out at render time from the frozen snapshot, so an old
report version gets the same front page it would have had (the snapshot is the only input).

1. Phase: "<subject> is in the <phase> phase (<status>)", with the phase's one-line meaning.
2. Direction of travel, from the placement history (newest first) and the phase order (weakest
   first): a move to a stronger phase is "better", to a weaker one "needs more support".
3. What went well: KPIs better than national, then notable moves the right way.
4. What needs attention: safeguarding first, KPIs worse than national, notable moves the wrong
   way, overdue actions, missing data.
5. What the trust is doing: the phase's support offer, open actions, CPD and commissioned support.
6. Three things that matter: attention first (most serious first), then what went well; three at
   most, so the page never becomes a list of everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# A move of at least this much since last term is worth a governor's attention.
NOTABLE_MOVE = {"%": 5.0, "points": 2.0, "score": 0.3}


@dataclass(frozen=True)
class Summary:
    phase: str
    meaning: str
    direction: str
    went_well: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    trust_doing: list[str] = field(default_factory=list)
    three_things: list[str] = field(default_factory=list)


def _figure(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:+.2f}" if unit == "score" else f"{value:.1f}"


def direction_of_travel(history: Sequence[Mapping[str, Any]], order: Sequence[str]) -> str:
    """A sentence comparing this term's phase with the one before (names, weakest first)."""
    if not history or not history[0].get("phase"):
        return "Not yet placed in a phase."
    now = str(history[0]["phase"])
    if len(history) < 2:
        return f"First term placed: {now}."
    before = str(history[1]["phase"])
    if before == now or now not in order or before not in order:
        return f"The same phase as last term ({now})."
    if order.index(now) > order.index(before):
        return f"Moving the right way: from {before} last term to {now}."
    return f"Needs more support than last term: from {before} to {now}."


def _kpi_lines(kpis: Sequence[Mapping[str, Any]], term: str) -> tuple[list[str], list[str]]:
    well: list[str] = []
    worse: list[str] = []
    moved_well: list[str] = []
    moved_worse: list[str] = []
    for k in kpis:
        label, unit = str(k.get("label", "")), str(k.get("unit", ""))
        vs = k.get("vs_national") or ""
        if vs in ("above national", "better than national"):
            well.append(
                f"{label} is better than national: {k['display']} against {k['national_display']}."
            )
        elif vs in ("below national", "worse than national"):
            worse.append(
                f"{label} is below national: {k['display']} against {k['national_display']}."
                if k.get("direction") != "lower"
                else f"{label} is higher than national (worse): {k['display']} against "
                f"{k['national_display']}."
            )
        trend = [p for p in k.get("trend") or [] if p.get("value") is not None]
        if len(trend) >= 2 and trend[-1].get("term") == term:
            move = float(trend[-1]["value"]) - float(trend[-2]["value"])
            if abs(move) >= NOTABLE_MOVE.get(unit, 5.0):
                better = move > 0 if k.get("direction") != "lower" else move < 0
                word = "rose" if move > 0 else "fell"
                line = (
                    f"{label} {word} from {_figure(float(trend[-2]['value']), unit)} to "
                    f"{_figure(float(trend[-1]['value']), unit)} since last term"
                )
                (moved_well if better else moved_worse).append(
                    line + (" (better)." if better else " (worse).")
                )
    return well + moved_well, worse + moved_worse


def governor_summary(snapshot: Mapping[str, Any]) -> Summary:
    """The front page of an academy report (steps in the module docstring)."""
    placement = snapshot.get("placement") or {}
    phase = placement.get("phase") or ""
    meanings = {p.get("name"): p.get("summary", "") for p in snapshot.get("phases") or []}
    order = [str(p.get("name")) for p in snapshot.get("phases") or []]
    name = snapshot.get("subject_name", "The academy")
    status = placement.get("status_label") or ""
    phase_line = (
        f"{name} is in the {phase} phase" + (f" ({status})." if status else ".")
        if phase
        else f"{name} has not been placed in a phase yet."
    )
    went_well, attention = _kpi_lines(snapshot.get("kpis") or [], str(snapshot.get("term", "")))
    if any(
        c.get("area") == "safeguarding" and c.get("rating_code") == "not_met"
        for c in snapshot.get("heatmap_row") or []
    ):
        attention.insert(0, "Safeguarding was judged not met: this comes before everything else.")
    visits = snapshot.get("visits") or {}
    actions = visits.get("open_actions") or []
    overdue = [a for a in actions if a.get("overdue")]
    if overdue:
        attention.append(
            f"{len(overdue)} action{'s' if len(overdue) != 1 else ''} from visits "
            f"{'are' if len(overdue) != 1 else 'is'} overdue."
        )
    if not snapshot.get("kpis"):
        attention.append("No pupil data has been committed for this term yet.")
    doing: list[str] = []
    offer = next(
        (p.get("offer") for p in snapshot.get("phases") or [] if p.get("name") == phase), None
    )
    if offer:
        doing.append(f"Support for the {phase} phase: {str(offer[0]).rstrip('.')}.")
    if actions:
        # Never "followed up" beside an overdue count: say how many are late, as attention does.
        late = f", {len(overdue)} of them overdue" if overdue else ""
        doing.append(
            f"{len(actions)} action{'s' if len(actions) != 1 else ''} agreed at visits "
            f"{'are' if len(actions) != 1 else 'is'} open{late}; the improvement officer "
            "follows each up at the next visit."
        )
    cpd = (snapshot.get("cpd") or {}).get("rows") or []
    if cpd:
        doing.append(
            f"Staff are taking part in {len(cpd)} professional development "
            f"programme{'s' if len(cpd) != 1 else ''}."
        )
    support = (snapshot.get("partnerships") or {}).get("rows") or []
    if support:
        doing.append(
            f"{len(support)} commissioned support arrangement"
            f"{'s are' if len(support) != 1 else ' is'} in place."
        )
    return Summary(
        phase=phase_line,
        meaning=str(meanings.get(phase, "")),
        direction=direction_of_travel(placement.get("history") or [], order),
        went_well=went_well[:4],
        attention=attention[:5],
        trust_doing=doing,
        three_things=(attention + went_well)[:3],
    )


def board_summary(snapshot: Mapping[str, Any]) -> Summary:
    """The front page of the board report: phases across the trust and what has moved."""
    rows = snapshot.get("academies") or []
    order = [str(p.get("name")) for p in snapshot.get("phases") or []]
    counts = {name: sum(1 for r in rows if r.get("phase") == name) for name in order}
    placed = ", ".join(f"{n} in {name}" for name, n in counts.items() if n)
    phase_line = (
        f"{len(rows)} academies: {placed}." if placed else f"{len(rows)} academies, none placed."
    )
    up = [r for r in rows if r.get("direction") == "up"]
    down = [r for r in rows if r.get("direction") == "down"]
    if up or down:
        parts = []
        if up:
            parts.append(
                f"{len(up)} moved to a stronger phase ({', '.join(r['name'] for r in up)})"
            )
        if down:
            parts.append(
                f"{len(down)} need more support than last term "
                f"({', '.join(r['name'] for r in down)})"
            )
        direction = "Since last term " + " and ".join(parts) + "."
    else:
        direction = "No academy changed phase since last term."
    went_well, attention = _kpi_lines(snapshot.get("kpis") or [], str(snapshot.get("term", "")))
    weakest = [r for r in rows if order and r.get("phase") == order[0]]
    if weakest:
        attention.insert(
            0,
            f"{len(weakest)} academ{'ies are' if len(weakest) != 1 else 'y is'} in "
            f"{order[0]}, the phase with the most support: "
            f"{', '.join(r['name'] for r in weakest)}.",
        )
    if down:
        attention.append(
            f"Needs more support than last term: {', '.join(r['name'] for r in down)}."
        )
    risks = snapshot.get("risks") or []
    if risks:
        top = risks[0].get("academy") or "the trust"
        attention.append(
            f"{len(risks)} open risk{'s' if len(risks) != 1 else ''} on the register; the "
            f"highest scored is at {top} (see the risk register)."
        )
    doing = [
        "Each academy has the support offer of its phase (see the glossary for what each phase "
        "means)."
    ]
    effects = snapshot.get("effects") or []
    if effects:
        doing.append(
            f"The effect of {len(effects)} trust programme{'s' if len(effects) != 1 else ''} and "
            "commissions on pupils' results is measured (see effect sizes)."
        )
    return Summary(
        phase=phase_line,
        meaning="",
        direction=direction,
        went_well=went_well[:4],
        attention=attention[:5],
        trust_doing=doing,
        three_things=(attention + went_well)[:3],
    )
