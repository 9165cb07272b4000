"""Demo planning: earlier Year 6 cohorts (for the forecasts), each academy's SEF for two terms,
a 2025-26 improvement plan with half-termly reviews, and a risk register with suggested,
accepted and dismissed risks. Idempotent: a trust that already has plans is left alone."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from academies.demo import weakest_first
from academies.models import InspectionArea
from assessment.demo import seed_past_year6, seed_past_year11
from assessment.frameworks.demo import seed_past_writing_judgements
from cpd.models import Priority as TrustPriority
from phases.selectors import heatmap_terms
from trust_si.terms import TermCode
from visits.models import Visit

from . import services
from .models import ImprovementPlan, PlanAction, Rag, RiskCategory
from .selectors import GRADE_RANK, evidence_options, support_options, visit_actions_for

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust

AREAS = [
    InspectionArea.INCLUSION,
    InspectionArea.CURRICULUM_TEACHING,
    InspectionArea.ACHIEVEMENT,
    InspectionArea.ATTENDANCE_BEHAVIOUR,
    InspectionArea.PERSONAL_DEVELOPMENT,
    InspectionArea.LEADERSHIP_GOVERNANCE,
]
RANK_GRADE = {rank: grade for grade, rank in GRADE_RANK.items()}
# Which KPI each area's evidence points at first (primary, secondary), and which other kinds.
AREA_EVIDENCE = {
    InspectionArea.ACHIEVEMENT: (("ks2_rwm_exp", "ks4_em4"), ("upload", "round")),
    InspectionArea.CURRICULUM_TEACHING: (("ta_reading_are", "ta_maths_are"), ("visit", "round")),
    InspectionArea.ATTENDANCE_BEHAVIOUR: (("absence", "absence"), ("visit",)),
    InspectionArea.LEADERSHIP_GOVERNANCE: ((), ("visit",)),
    InspectionArea.INCLUSION: ((), ("visit",)),
    InspectionArea.PERSONAL_DEVELOPMENT: ((), ()),
}


def _links(academy: Any, area: InspectionArea, options: dict[str, list[str]]) -> list[str]:
    """The academy's own evidence for an area: its KPI, its latest visit, upload or round."""
    kpis, kinds = AREA_EVIDENCE.get(area, ((), ()))
    secondary = academy.phase_of_education == "secondary"
    links = []
    if kpis:
        code = kpis[1] if secondary else kpis[0]
        if f"kpi:{code}" in options["kpi"]:
            links.append(f"kpi:{code}")
    for kind in kinds:
        if options.get(kind):
            links.append(options[kind][0])
    return links


PRIORITIES = [
    (
        "Reading fluency in key stage 2",
        "Reading at the expected standard below national; fluency gaps in Year 3.",
        "Reading at or above national; every Year 3 pupil reads 90 words a minute by July.",
        "ks2_reading_exp",
        0,
        "Instructional coaching from the reading programme; 3 English hub days.",
    ),
    (
        "Disadvantaged pupils' maths",
        "Disadvantaged pupils 15 points behind their peers in maths.",
        "The gap halved; disadvantaged pupils' attainment above national for the group.",
        "ks2_maths_exp",
        1,
        "Maths mastery network; a lead practitioner from a Sustain academy, 1 day a half term.",
    ),
    (
        "Subject leadership in the foundation subjects",
        "Subject leaders new to the role; curriculum sequencing uneven.",
        "Every subject leader can show how their curriculum builds year on year.",
        "",
        2,
        "Middle leaders' lesson study; subject networks.",
    ),
]
# The reading and maths priorities as a school without Year 3 writes them: a middle school
# (Years 5-8) and a secondary or all-through school with key stage 4.
MIDDLE_PRIORITIES = [
    (
        "Reading fluency in Years 5 and 6",
        "Reading at the expected standard below national; a third of Year 5 read below their age.",
        "Reading at or above national; every Year 6 pupil reads at their chronological age.",
        "ks2_reading_exp",
        0,
        "Instructional coaching from the reading programme; 3 English hub days.",
    ),
    PRIORITIES[1],
    PRIORITIES[2],
]
SECONDARY_PRIORITIES = [
    (
        "Reading for pupils joining the school",
        "A third of the pupils joining the school read below their chronological age.",
        "Every pupil reads at their age by the end of their first year; literacy taught in every subject.",
        "ks4_em4",
        0,
        "Disciplinary literacy training for every department; reading-age screening each term.",
    ),
    (
        "Disadvantaged pupils' outcomes in English and maths",
        "Disadvantaged pupils half a grade behind their peers in English and maths at GCSE.",
        "The gap halved; disadvantaged pupils' Attainment 8 above national for the group.",
        "ks4_att8",
        1,
        "Maths hub work group; a lead practitioner from a Sustain academy, 1 day a half term.",
    ),
    PRIORITIES[2],
]


def priorities_for(academy: Any) -> list[tuple[str, str, str, str, int, str]]:
    """Priorities that fit the academy's year groups (Year 3 at 7, Year 11 at 15)."""
    if academy.age_low <= 7 < academy.age_high:
        return PRIORITIES
    if academy.age_high > 15:
        return SECONDARY_PRIORITIES
    return MIDDLE_PRIORITIES


HALF_TERM_REVIEWS = [
    dt.date(2025, 10, 15),
    dt.date(2025, 12, 3),
    dt.date(2026, 2, 11),
    dt.date(2026, 3, 25),
    dt.date(2026, 5, 20),
    dt.date(2026, 7, 8),
]
EVIDENCE = {
    Rag.ON_TRACK: "Book look and pupil voice show the strategy in every class; data in line.",
    Rag.AT_RISK: "Strategy in place in most classes; spring assessments below the trajectory.",
    Rag.OFF_TRACK: "Staffing changes stalled the work; no improvement in the assessments.",
}


TRUST_STATEMENTS = {
    "2025-26-autumn": [
        (
            "education",
            "Every pupil, including the disadvantaged, reads fluently by Year 3",
            "developing",
        ),
        ("school_improvement", "Support is matched to each academy's phase and reviewed", "strong"),
        (
            "workforce",
            "Staff receive evidence-informed development tied to priorities",
            "developing",
        ),
        ("finance", "Budgets are set to the integrated curriculum and financial plan", "strong"),
        ("governance", "Local governors challenge on the academy's own plan", "developing"),
    ],
    "2025-26-summer": [
        (
            "education",
            "Every pupil, including the disadvantaged, reads fluently by Year 3",
            "developing",
        ),
        ("school_improvement", "Support is matched to each academy's phase and reviewed", "strong"),
        ("workforce", "Staff receive evidence-informed development tied to priorities", "strong"),
        ("finance", "Budgets are set to the integrated curriculum and financial plan", "strong"),
        ("governance", "Local governors challenge on the academy's own plan", "strong"),
    ],
}


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    seed_past_year6(trust, ctx)
    seed_past_year11(trust, ctx)
    seed_past_writing_judgements(trust, ctx)
    if ImprovementPlan.objects.filter(trust=trust).exists():
        return
    users = ctx.get("users", {})
    head, officer, leader = (
        users.get("school_staff"),
        users.get("improvement_officer"),
        users.get("trust_leader"),
    )
    trust_priorities = list(TrustPriority.objects.filter(trust=trust).order_by("pk"))
    academies = weakest_first(ctx["academies"], ctx)
    for index, academy in enumerate(academies):
        rng = random.Random(f"{trust.slug}-{academy.urn}-planning")
        strength = ctx.get("strength", {}).get(academy.pk, 0.5)
        base = 2 + round(strength * 2.4)  # 2 (needs attention) .. 4 (strong)
        options: dict[str, list[str]] = {"kpi": [], "visit": [], "upload": [], "round": []}
        for _, group in evidence_options(academy):
            for ref, _label in group:
                options[ref.split(":")[0]].append(ref)
        for term, optimism in (("2025-26-autumn", 1), ("2025-26-spring", 0)):
            # A SEF cites only visits made by the end of its term.
            held = set(
                Visit.objects.filter(
                    trust=trust, academy=academy, date__lte=TermCode.parse(term).last_day
                ).values_list("pk", flat=True)
            )
            term_options = {
                **options,
                "visit": [v for v in options["visit"] if int(v.split(":")[1]) in held],
            }
            entries = {}
            for area in AREAS:
                rank = max(1, min(5, base + rng.choice([0, 0, optimism, 1 - optimism])))
                entries[area.value] = {
                    "grade": RANK_GRADE[rank],
                    "narrative": f"{area.label}: our evaluation from the {term.split('-')[-1]} "
                    "monitoring cycle (lesson visits, book looks, pupil voice).",
                    "evidence": "Lesson visits and book looks (the school's own monitoring)",
                    "links": _links(academy, area, term_options),
                }
            services.sef_save(actor=head, academy=academy, term_code=term, entries=entries)
        plan = services.plan_get_or_create(actor=head, academy=academy, academic_year="2025-26")
        # Only visit actions due within the plan's year belong in it.
        visit_actions = list(
            visit_actions_for(academy).filter(
                due_on__gte=dt.date(2025, 9, 1), due_on__lte=dt.date(2026, 7, 31)
            )[:3]
        )
        # Support picked from the academy's own options: an item of its phase's offer each, and
        # in turn a CPD programme, a partner's commission or days from another academy.
        support_groups = dict(support_options(academy))
        offer = [ref for ref, _ in support_groups.get("The phase's offer", [])]
        labels = {ref: words for group in support_groups.values() for ref, words in group}
        others = [
            ref
            for label in ("Days from another academy", "Partners' commissions", "CPD programmes")
            for ref, _ in support_groups.get(label, [])
        ]
        for n_priority, (title, departure, arrival, kpi, tp_index, support) in enumerate(
            priorities_for(academy)
        ):
            refs = [offer[n_priority % len(offer)]] if offer else []
            # Support on the priority's own subject where there is some ("maths" days for a
            # maths priority), else nothing beyond the offer.
            words = {w for w in title.lower().replace("'", " ").split() if len(w) > 4}
            words |= {"english"} if {"reading", "writing"} & words else set()
            matching = [r for r in others if words & set(labels[r].lower().split())]
            if matching:
                refs.append(matching[n_priority % len(matching)])
            priority = services.priority_add(
                actor=head,
                plan=plan,
                title=title,
                departure=departure,
                arrival=arrival,
                starts_on=dt.date(2025, 9, 8),
                kpi_code=kpi,
                target=(50.0 if kpi == "ks4_att8" else 75.0) if kpi else None,  # points vs %
                trust_priority=trust_priorities[tp_index]
                if tp_index < len(trust_priorities) and (index + tp_index) % 4
                else None,
                support=support,
                support_refs=refs,
                success_criteria=arrival,
                owner="Head teacher" if tp_index != 2 else "Deputy head (curriculum)",
            )
            for n, due in enumerate((dt.date(2025, 11, 28), dt.date(2026, 3, 20))):
                services.plan_action_add(
                    actor=head,
                    priority=priority,
                    description=f"{'Launch' if n == 0 else 'Evaluate'}: {title.lower()}",
                    owner=priority.owner,
                    due_on=due,
                )
            # A visit's action carried into the plan, where the visit left one.
            if tp_index < len(visit_actions):
                va = visit_actions[tp_index]
                services.plan_action_add(
                    actor=officer,
                    priority=priority,
                    description=va.description,
                    owner=va.owner,
                    due_on=va.due_on,
                    visit_action=va,
                )
            # The weakest academy missed its summer reviews: they show as overdue.
            dates = HALF_TERM_REVIEWS[:3] if index == 0 else HALF_TERM_REVIEWS
            for d in dates:
                roll = rng.random() + strength * 0.5
                rag = Rag.ON_TRACK if roll > 0.8 else Rag.AT_RISK if roll > 0.45 else Rag.OFF_TRACK
                services.review_record(
                    actor=officer,
                    priority=priority,
                    reviewed_on=d,
                    rag=rag,
                    evidence=EVIDENCE[rag],
                    today=dt.date(2026, 7, 31),
                )
    # Launches done on time; evaluations done by the stronger academies (one bulk write: the
    # demo needs no audit trail for them).
    done = PlanAction.objects.filter(trust=trust, due_on__lte=dt.date(2026, 3, 31))
    done.filter(description__startswith="Launch").update(
        done=True, completed_on=dt.date(2025, 11, 21)
    )
    stronger = [a.pk for a in academies[len(academies) // 2 :]]
    done.filter(description__startswith="Evaluate", priority__plan__academy_id__in=stronger).update(
        done=True, completed_on=dt.date(2026, 3, 18)
    )
    terms = heatmap_terms(trust.pk)
    suggested = services.risk_suggestions_refresh(trust=trust, term_code=terms[0] if terms else "")
    for n, risk in enumerate(suggested[:4]):
        services.risk_decide(
            actor=leader,
            risk=risk,
            decision="accept" if n % 3 != 2 else "dismiss",
            note="Accepted at the standards committee."
            if n % 3 != 2
            else "Already covered by the academy's plan.",
            owner="Director of education" if n % 3 != 2 else None,
            mitigations="Targeted support tier; half-termly review of the plan."
            if n % 3 != 2
            else None,
        )
    for term_code, rows in TRUST_STATEMENTS.items():
        for pillar, statement, rating in rows:
            services.trust_statement_add(
                actor=leader,
                trust=trust,
                term_code=term_code,
                pillar=pillar,
                statement=statement,
                rating=rating,
                evidence="Board minutes; heat map; the improvement plans' reviews.",
            )
    for category, title, likelihood, impact, owner in (
        (RiskCategory.FINANCE, "Falling rolls reduce income in two primaries", 3, 4, "CFO"),
        (RiskCategory.STAFFING, "Recruitment of maths specialists", 4, 3, "Director of HR"),
        (RiskCategory.ESTATES, "Roof condition at the oldest site", 2, 4, "Estates manager"),
        (RiskCategory.SAFEGUARDING, "Single central record checks", 1, 5, "DSL lead"),
    ):
        services.risk_add(
            actor=leader,
            trust=trust,
            academy=None,
            category=category,
            title=title,
            likelihood=likelihood,
            impact=impact,
            owner=owner,
            mitigations="Reviewed termly by the board's audit and risk committee.",
            review_on=dt.date(2026, 12, 15),
        )
