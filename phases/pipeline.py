"""The placement and heat-map recompute: how it is asked for, coalesced, run and recorded.

Other apps never call this directly: they send their own signals (an upload committed, an
inspection recorded) and `phases.receivers` turns those into `recompute_request`. Within the
phases app, services that change evidence (judgements, rule settings) call it too.

1. `recompute_request` runs inside the caller's transaction and acts on commit only: a rolled
   back upload never recomputes anything.
2. `recompute_enqueue` coalesces bursts: the first request for an academy (or the whole trust)
   takes a cache key and schedules one job a little later; the others find the key and add
   nothing. Each job has a `RecomputeJob` row, so the page can say "recomputing…".
3. `recompute_job_run` is the body of the Celery task: it marks the job running, recomputes,
   and ends the row as done or failed with the reason.
4. `recompute_run` is the work itself, for one academy or the whole trust, in the trust's scope:
   `placement_recompute` per academy, then `heatmap_refresh` for the term's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from academies.models import Academy
from assessment.frameworks.models import ModerationAgreement
from assessment.frameworks.selectors import moderation_agreement_recent
from assessment.kpis.disclosure import threshold
from assessment.kpis.selectors import kpi_figures_for
from assessment.kpis.store import kpi_figures_rebuild
from trust_si.audit.services import audit_record
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust
from trust_si.tenancy.storage import tenant_cache_key
from trust_si.tenancy.tasks import job_send
from trust_si.terms import TermCode, term_sort_key

from . import tasks
from .completeness import Coverage, latest_usable, trust_default
from .config import placement_settings
from .evidence import (
    ENGINE_GROUPS,
    NOT_EVIDENCE,
    Bundle,
    assessment_of,
    current_term_code,
    evidence_for,
    term_coverage,
    term_window,
)
from .heatmap import HEATMAP_GROUPS, Cell, cells_from_json, cells_to_json
from .heatmap_rules import AccuracyEvidence, heatmap_row
from .models import HeatmapRow, PhaseCode, Placement, RecomputeJob
from .notify import phase_change_notify
from .rules import propose
from .selectors import latest_placements

# Many uploads in a minute become one recompute per academy.
COALESCE_SECONDS = getattr(settings, "TRUST_SI_RECOMPUTE_DELAY", 20)


def recompute_request(*, trust_id: int, academy_id: int | None, reason: str) -> None:
    """Ask for the academy's (or, with academy_id None, the whole trust's) recompute on commit."""
    transaction.on_commit(
        lambda: recompute_enqueue(trust_id=trust_id, academy_id=academy_id, reason=reason)
    )


def recompute_enqueue(*, trust_id: int, academy_id: int | None, reason: str) -> bool:
    """Schedule one recompute job unless one is already waiting; True when this call queued it."""
    key = tenant_cache_key("recompute", academy_id or "all", trust_id=trust_id)
    if not cache.add(key, "1", timeout=COALESCE_SECONDS + 30):
        return False
    # The job row belongs to the trust it recomputes, whoever asked (a request, a task, beat).
    with trust_scope(trust_id):
        job = RecomputeJob.objects.create(
            trust_id=trust_id, academy_id=academy_id, reason=reason[:100]
        )
    _job_send(job, cache_key=key, countdown=COALESCE_SECONDS)
    return True


WAITING_FOR_WORKER = "Waiting for the worker: the recompute starts as soon as it is available."
INTERRUPTED = "The recompute was interrupted (the worker stopped); a new one has been queued."
GAVE_UP = (
    "The recompute was interrupted several times and has stopped. The figures shown are from "
    "the last complete run; ask your administrator to check the worker."
)
RESEND_AFTER = dt.timedelta(minutes=2)
GRACE = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 3


def _job_send(job: RecomputeJob, *, cache_key: str = "", countdown: float | None = None) -> bool:
    sent = job_send(
        tasks.placement_recompute_task,
        kwargs={
            "trust_id": job.trust_id,
            "academy_id": job.academy_id,
            "job_id": job.pk,
            "cache_key": cache_key,
        },
        countdown=countdown,
    )
    if not sent:  # the sweeper sends it when the broker is back
        RecomputeJob.objects.filter(pk=job.pk, status="queued").update(message=WAITING_FOR_WORKER)
    return sent


def recompute_job_run(
    *, trust: Trust, academy_id: int | None, job_id: int | None, cache_key: str
) -> int:
    """Run one queued job inside the trust's scope, recording how it ended on its row.

    The job is claimed (queued or running -> running, a conditional update): a job the sweeper
    has ended, or one that is done, is not run again by a late or duplicated delivery. A job
    found running was interrupted (its worker killed): the recompute is idempotent, so it runs.
    """
    if cache_key:
        cache.delete(cache_key)  # later requests schedule a fresh run
    jobs = RecomputeJob.objects.filter(pk=job_id or 0)
    if job_id is not None:
        claimed = jobs.filter(status__in=["queued", "running"]).update(
            status="running", started_at=timezone.now(), message=""
        )
        if not claimed:
            return 0
    try:
        done = recompute_run(trust=trust, academy_id=academy_id)
    except (OperationalError, InterfaceError):
        raise  # the database blipped: the job stays running and the task's retry claims it
    except Exception as exc:
        jobs.update(
            status="failed",
            finished_at=timezone.now(),
            message=f"The recompute failed ({exc.__class__.__name__}); it is tried again."[:300],
        )
        raise
    jobs.update(status="done", finished_at=timezone.now(), message=f"{done} academies")
    return done


def recompute_sweep(*, trust: Trust) -> dict[str, int]:
    """Make every recompute job of the trust end. Beat, per trust, in the trust's scope.

    1. A job queued longer than its delay plus RESEND_AFTER (the broker was down, or lost it)
       is sent again.
    2. A job running past its time limit plus GRACE lost its worker: it ends failed with the
       reason, and a fresh job is queued in its place, up to MAX_ATTEMPTS interruptions for the
       same academy within an hour; after that the last one says the recompute stopped and why.
    Returns how many were sent again and how many ended.
    """
    now = timezone.now()
    limits = getattr(settings, "TRUST_SI_TASK_TIME_LIMITS", {})
    limit = dt.timedelta(seconds=limits.get("phases.tasks.placement_recompute_task", 900))
    jobs = RecomputeJob.objects.filter(trust=trust)
    resent = 0
    queued_before = now - RESEND_AFTER - dt.timedelta(seconds=COALESCE_SECONDS)
    for job in jobs.filter(status="queued", requested_at__lt=queued_before):
        resent += _job_send(job)
    ended = 0
    for job in jobs.filter(status="running", started_at__lt=now - limit - GRACE):
        lately = jobs.filter(
            Q(academy_id=job.academy_id),  # None: the whole trust's jobs
            message=INTERRUPTED,
            finished_at__gte=now - dt.timedelta(hours=1),
        ).count()
        again = lately + 1 < MAX_ATTEMPTS
        if not RecomputeJob.objects.filter(pk=job.pk, status="running").update(
            status="failed", finished_at=now, message=INTERRUPTED if again else GAVE_UP
        ):
            continue
        ended += 1
        if again:
            fresh = RecomputeJob.objects.create(
                trust=trust, academy_id=job.academy_id, reason=f"retry of job {job.pk}"
            )
            _job_send(fresh)
    return {"resent": resent, "ended": ended}


def recompute_run(
    *, trust: Trust, academy_id: int | None = None, term: str | TermCode | None = None
) -> int:
    """Recompute placements and the term's heat map for one academy or the whole trust.

    Runs in the trust's scope. The KPI figures are computed once, for every academy concerned,
    the term and the heat map's pupil groups; trends come from the last kept map. `term` (the
    demo, an operator replaying a past term) defaults to the latest term with data. Returns the
    number of academies done.
    """
    term_code = str(term) if term else current_term_code(trust.pk)
    queryset = Academy.objects.filter(trust=trust, is_active=True)
    if academy_id is not None:
        queryset = queryset.filter(pk=academy_id)
    academies = list(queryset.order_by("name"))
    window = term_window(trust.pk, term_code, size=6)
    # Completeness is judged over every academy of the trust: the heat map's default term is
    # the latest complete for most of them, whichever academy this run is for.
    cover = term_coverage(trust.pk, term_codes=window)
    default_term = trust_default(cover, window) or term_code
    # The stored KPI figures every page reads: rebuilt here when an upload (or anything else)
    # made them out of date, and always on a whole-trust run (the nightly one included).
    kpi_figures_rebuild(trust_id=trust.pk, force=academy_id is None)
    figures = kpi_figures_for(
        trust_id=trust.pk,
        academy_ids=[a.pk for a in academies],
        term_codes=window,
        groups=HEATMAP_GROUPS,
    )
    bundle = Bundle.load([a.pk for a in academies])
    latest = latest_placements(academies)
    # Placements and the heat map change together or not at all: a run killed half way leaves
    # the last complete run's rows, and notifications (sent on commit) follow both.
    with transaction.atomic():
        for academy in academies:
            academy.trust = trust  # one trust object, not a query per academy
            statuses = cover.get(academy.pk, {})
            used, kpis, notes, history = complete_figures(academy.pk, term_code, statuses, figures)
            placement_recompute(
                academy=academy,
                term_code=used,
                kpi_figures=kpis,
                bundle=bundle,
                latest=latest.get(academy.pk),
                notes=notes,
                history=history,
            )
        for refresh in dict.fromkeys([term_code, default_term]):
            heatmap_refresh(
                trust=trust,
                academies=academies,
                term_code=refresh,
                figures=[f for f in figures if f.term_code == refresh],
                bundle=bundle,
            )
    return len(academies)


def complete_figures(
    academy_id: int, term_code: str, statuses: dict[str, Coverage], figures: list[Any]
) -> tuple[str, list[Any], list[str], list[Any]]:
    """The academy's term, KPI figures, notes and disadvantaged history for its placement: per
    measure, the latest term whose data is complete for it (at or before `term_code`).

    A partial term's figures are not used, and it is named in the notes ("shown as partial"),
    so 11 pupils uploaded early never move a phase on their own. The placement's term is the
    latest complete term (else `term_code` when none is), so a partial term elsewhere in the
    trust leaves this academy's placement as it was.

    Measures are kept apart by pupil group (all, disadvantaged) and by kind of assessment: the
    summer's statutory KS2 writing result stays the latest published one all year, beside the
    autumn's in-year teacher assessment of the new Year 6, never replaced by it. The complete
    terms' earlier disadvantaged figures are the history the persistent-gap rule reads.
    """
    used = latest_usable(statuses, term_code) or term_code
    best: dict[tuple[str, str, str], Any] = {}
    history: list[Any] = []
    for f in sorted(
        (
            f
            for f in figures
            if f.academy_id == academy_id
            and f.group in ENGINE_GROUPS
            and f.kpi_code not in NOT_EVIDENCE
        ),
        key=lambda f: term_sort_key(f.term_code),
    ):
        status = statuses.get(f.term_code)
        if (
            status is not None
            and status.usable
            and term_sort_key(f.term_code) <= term_sort_key(term_code)
        ):
            key = (f.kpi_code, f.group, assessment_of(f.kpi_code, f.term_code))
            if f.group != "all" and key in best:
                history.append(best[key])
            best[key] = f
    # An in-year assessment of the cohort whose statutory result has since arrived (spring's
    # Year 6 writing, then the summer's statutory one) is superseded by that result.
    for (code, group, kind), f in list(best.items()):
        statutory = best.get((code, group, "statutory"))
        if (
            kind == "in_year"
            and statutory is not None
            and term_sort_key(statutory.term_code) >= term_sort_key(f.term_code)
        ):
            del best[(code, group, kind)]
    notes = [
        f"{TermCode.parse(t).label}: {c.words}. Shown as partial; a partial term never moves "
        "the phase on its own (a leader can mark it complete)."
        for t, c in sorted(statuses.items(), key=lambda kv: term_sort_key(kv[0]), reverse=True)
        if c.status == "partial" and term_sort_key(t) > term_sort_key(used)
    ]
    return used, list(best.values()), notes, history


def _reason_dicts(reasons: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "rule": r.rule,
            "text": r.text,
            "level": r.level,
            "weight": r.weight,
            "evidence": r.evidence,
            "source": r.source,
        }
        for r in reasons
    ]


def _phase_change(
    latest: Placement, phase: str, before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> dict[str, Any]:
    """What changed and since when, when a recompute would change the phase in force."""
    labels = dict(PhaseCode.choices)
    old_texts = {r["text"] for r in before}
    new_texts = {r["text"] for r in after}
    added = [r["text"] for r in after if r["text"] not in old_texts][:3]
    gone = [r["text"] for r in before if r["text"] not in new_texts][:3]
    text = (
        f"Would change the phase in force, {labels.get(latest.phase, latest.phase)} since "
        f"{latest.computed_at:%d %b %Y}, to {labels.get(phase, phase)}."
    )
    if added:
        text += " New or changed evidence: " + " | ".join(added) + "."
    if gone:
        text += " No longer used: " + " | ".join(gone) + "."
    return {
        "rule": "phase_change",
        "text": text,
        "level": None,
        "weight": 0,
        "evidence": {
            "from": latest.phase,
            "to": phase,
            "since": latest.computed_at.date().isoformat(),
            "previous_placement": latest.pk,
        },
        "source": "",
    }


def _subject_lines_unchanged(latest: Placement, subjects: dict[str, Any]) -> bool:
    """Whether the subject lines written with `latest` are the proposal's (issue 12): a line
    can change while the overall phase does not (a trust's new target for history), and the
    new line must then be written."""
    written = {
        p.subject: (p.proposed_phase, p.reasons)
        for p in Placement.objects.filter(
            academy_id=latest.academy_id, computed_at__gte=latest.computed_at
        ).exclude(subject="")
    }
    return written == {
        subject: (phase, _reason_dicts(reasons)) for subject, (phase, reasons) in subjects.items()
    }


@transaction.atomic
def placement_recompute(
    *,
    academy: Academy,
    term_code: str,
    kpi_figures: list[Any] | None = None,
    bundle: Any = None,
    latest: Placement | bool | None = False,
    notes: list[str] | None = None,
    history: list[Any] | None = None,
) -> Placement:
    """Propose the academy's phase (and per-subject phases) from its evidence, now.

    A new Placement row is written only when the proposal changed (phase, level or reasons),
    so re-running is idempotent and the history shows real movements. A change of the phase in
    force notifies the trust's leaders and the academy's officers.
    """
    proposal = propose(
        replace(
            evidence_for(academy, term_code, kpi_figures, bundle, history),
            notes=tuple(notes or ()),
        ),
        academy.trust.config.get("placement"),
    )
    if latest is False:  # not preloaded by the caller
        latest = Placement.objects.filter(academy=academy, subject="").first()
    assert latest is None or isinstance(latest, Placement)
    reasons = _reason_dicts(proposal.reasons)
    kept = [r for r in (latest.reasons if latest else []) if r.get("rule") != "phase_change"]
    if (
        latest is not None
        and latest.term_code == term_code
        and latest.proposed_phase == proposal.phase
        and kept == reasons
        and latest.missing == proposal.missing
        and _subject_lines_unchanged(latest, proposal.subjects)
    ):
        return latest
    if latest is not None and latest.phase != proposal.phase:
        reasons.append(_phase_change(latest, proposal.phase, kept, reasons))
    placement = Placement.objects.create(
        trust_id=academy.trust_id,
        academy=academy,
        term_code=term_code,
        proposed_phase=proposal.phase,
        level=proposal.level,
        reasons=reasons,
        missing=proposal.missing,
    )
    Placement.objects.bulk_create(
        [
            Placement(
                trust_id=academy.trust_id,
                academy=academy,
                term_code=term_code,
                subject=subject,
                proposed_phase=phase,
                reasons=_reason_dicts(subject_reasons),
            )
            for subject, (phase, subject_reasons) in proposal.subjects.items()
        ]
    )
    audit_record(
        actor=None,
        action="placement.propose",
        target=placement,
        changes={"phase": proposal.phase, "level": proposal.level, "term": term_code},
    )
    if latest is not None and latest.phase != proposal.phase:
        phase_change_notify(academy, latest.phase, proposal.phase)
    return placement


@transaction.atomic
def _accuracy_evidence(rows: list[ModerationAgreement]) -> AccuracyEvidence:
    """An academy's latest rounds (latest first, at least one) as the accuracy cell's evidence,
    with the round before it for the trend."""

    def evidence(row: ModerationAgreement, previous: AccuracyEvidence | None) -> AccuracyEvidence:
        return AccuracyEvidence(
            row.round_name,
            row.term.code,
            row.moderated,
            row.agreed,
            row.generous,
            row.severe,
            previous=previous,
        )

    latest, *before = rows
    return evidence(latest, evidence(before[0], None) if before else None)


def heatmap_refresh(
    *,
    trust: Trust,
    academies: list[Academy],
    term_code: str,
    figures: list[Any],
    bundle: Any = None,
) -> int:
    """Rewrite the term's heat-map rows of these academies (every group) from their evidence.

    Earlier terms' rows are left alone: they are the kept snapshots, and the latest of them gives
    each cell its trend. `bundle` is the judgements and P8 the placement recompute already loaded.
    Returns the rows written.
    """
    settings = {**placement_settings(trust.config), "min_cohort": threshold(trust.min_cohort)}
    ids = [a.pk for a in academies]
    bundle = bundle or Bundle.load(ids)
    by_key: dict[tuple[int, str], list[Any]] = {}
    for f in figures:
        if f.academy_id is not None:
            by_key.setdefault((f.academy_id, f.group), []).append(f)
    earlier = sorted(
        {
            t
            for t in HeatmapRow.objects.filter(trust_id=trust.pk)
            .values_list("term_code", flat=True)
            .distinct()
            if term_sort_key(t) < term_sort_key(term_code)
        },
        key=term_sort_key,
    )
    previous: dict[tuple[int, str], list[Cell]] = {}
    if earlier:
        for academy_id, group, stored in HeatmapRow.objects.filter(
            trust_id=trust.pk, term_code=earlier[-1], academy_id__in=ids
        ).values_list("academy_id", "group", "cells"):
            previous[(academy_id, group)] = cells_from_json(stored)
    placements = latest_placements(academies)
    # Moderation sits above phases: its agreement reaches the map through the assessment
    # layer's read model, written when a round closes.
    accuracy = {
        academy_id: _accuracy_evidence(rows)
        for academy_id, rows in moderation_agreement_recent(
            trust_id=trust.pk, academy_ids=ids, term_code=term_code
        ).items()
    }
    reading_accuracy = {
        academy_id: _accuracy_evidence(rows)
        for academy_id, rows in moderation_agreement_recent(
            trust_id=trust.pk, academy_ids=ids, term_code=term_code, subject="reading"
        ).items()
    }
    today = timezone.localdate()
    HeatmapRow.objects.filter(trust_id=trust.pk, term_code=term_code, academy_id__in=ids).delete()
    rows = []
    for academy in academies:
        placement = placements.get(academy.pk)
        for group in HEATMAP_GROUPS:
            cells = heatmap_row(
                term=term_code,
                figures=by_key.get((academy.pk, group), []),
                previous=previous.get((academy.pk, group)),
                judgements=bundle.judgements.get(academy.pk, []),
                p8=bundle.p8.get(academy.pk),
                teaches_ks4="KS4" in academy.key_stages,
                today=today,
                settings=settings,
                accuracy=accuracy.get(academy.pk),
                reading_accuracy=reading_accuracy.get(academy.pk),
            )
            rows.append(
                HeatmapRow(
                    trust_id=trust.pk,
                    academy=academy,
                    term_code=term_code,
                    group=group,
                    phase=placement.phase if placement else "",
                    phase_status=placement.status if placement else "",
                    cells=cells_to_json(cells),
                )
            )
    HeatmapRow.objects.bulk_create(rows, batch_size=500)
    return len(rows)
