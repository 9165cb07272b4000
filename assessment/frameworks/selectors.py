"""Reads of frameworks and judgements, scoped to the trust (and to the member's academies)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from academies.selectors import academy_list_for
from assessment.models import Enrolment, Pupil
from trust_si.accounts.roles import Role
from trust_si.terms import term_sort_key

from .models import (
    Framework,
    FrameworkVersion,
    ModerationAgreement,
    Piece,
    Statement,
    TeacherJudgement,
    VersionStatus,
)

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def framework_list_for(membership: Membership) -> QuerySet[Framework]:
    return Framework.objects.filter(trust_id=membership.trust_id).prefetch_related("versions")


def framework_get_for(membership: Membership, pk: int) -> Framework:
    return get_object_or_404(framework_list_for(membership), pk=pk)


def version_get_for(membership: Membership, pk: int) -> FrameworkVersion:
    versions = FrameworkVersion.objects.filter(trust_id=membership.trust_id).select_related(
        "framework"
    )
    return get_object_or_404(versions.prefetch_related("strands__statements"), pk=pk)


def version_list_for(membership: Membership) -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.filter(trust_id=membership.trust_id).select_related("framework")


def statement_get_for(version: FrameworkVersion, pk: int) -> Statement:
    return get_object_or_404(
        Statement.objects.filter(trust_id=version.trust_id, version=version).select_related(
            "strand"
        ),
        pk=pk,
    )


def published_versions(*, trust_id: int) -> dict[tuple[str, str], FrameworkVersion]:
    """(subject, year group) -> the latest published version of each framework."""
    found: dict[tuple[str, str], FrameworkVersion] = {}
    versions = (
        FrameworkVersion.objects.filter(trust_id=trust_id, status=VersionStatus.PUBLISHED)
        .select_related("framework")
        .order_by("framework_id", "-number")
    )
    for version in versions:
        found.setdefault((version.framework.subject, version.framework.year_group), version)
    return found


def published_version_for(
    *, trust_id: int, subject: str, year_group: str
) -> FrameworkVersion | None:
    return published_versions(trust_id=trust_id).get((subject, year_group))


def judgement_list_for(membership: Membership) -> QuerySet[TeacherJudgement]:
    """Judgements at the academies the member may see (pupil data roles only)."""
    return TeacherJudgement.objects.filter(
        trust_id=membership.trust_id, academy__in=academy_list_for(membership)
    ).select_related("academy", "term", "version__framework", "pupil")


def judgement_get_for(membership: Membership, pk: int) -> TeacherJudgement:
    """One judgement at the member's academies (404 otherwise, another trust's included)."""
    return get_object_or_404(judgement_list_for(membership), pk=pk)


def piece_get_for(membership: Membership, pk: int) -> Piece:
    """A piece of writing, for the staff of the pupil's school and the trust's leaders (whose
    academies are all of the trust's). Moderators reach pieces through their round instead."""
    return get_object_or_404(
        Piece.objects.filter(
            trust_id=membership.trust_id,
            judgement__academy__in=academy_list_for(membership),
        ).select_related("judgement"),
        pk=pk,
    )


def pupil_history(
    *, trust_id: int, pupil_ids: list[int], subject: str
) -> dict[int, list[TeacherJudgement]]:
    """Each pupil's judgements in the subject at any academy of the trust, oldest first: the
    writing history a high school sees of a Year 9 who came from the trust's middle school."""
    history: dict[int, list[TeacherJudgement]] = {pid: [] for pid in pupil_ids}
    rows = (
        TeacherJudgement.objects.filter(trust_id=trust_id, pupil_id__in=pupil_ids, subject=subject)
        .select_related("academy", "term", "version__framework")
        .order_by("term__academic_year", "term__season")
    )
    for judgement in rows:
        history[judgement.pupil_id].append(judgement)
    for items in history.values():
        items.sort(key=lambda j: j.term.term_code)
    return history


def pupil_for_history(membership: Membership, key: str) -> Pupil:
    """The pupil whose history the member may read, by pseudonymous key (404 otherwise).

    Pupil-level data, so the view has already refused roles without `pupil_data.view`
    (governors, partners). Leaders, admins and improvement officers read any pupil of the
    trust: they follow pupils across its schools. School staff read a pupil on roll at one of
    their academies now (the pupil's latest enrolment), so a high school reads the middle
    school's judgements of its Year 9 but not those of a pupil who left for another school.
    """
    pupil = get_object_or_404(Pupil.objects.filter(trust_id=membership.trust_id), key=key)
    if membership.is_trust_wide or membership.role == Role.IMPROVEMENT_OFFICER:
        return pupil
    latest = (
        Enrolment.objects.filter(trust_id=membership.trust_id, pupil=pupil)
        .order_by("-academic_year")
        .first()
    )
    if latest is None or not academy_list_for(membership).filter(pk=latest.academy_id).exists():
        raise Http404("No such pupil.")
    return pupil


def moderation_agreement_latest(
    *, trust_id: int, academy_ids: list[int], term_code: str, subject: str = "writing"
) -> dict[int, ModerationAgreement]:
    """Each academy's agreement in its latest closed blind round of the subject up to the term
    (a later term's round is not known to an earlier map): the heat map's accuracy cell."""
    recent = moderation_agreement_recent(
        trust_id=trust_id, academy_ids=academy_ids, term_code=term_code, subject=subject
    )
    return {academy_id: rows[0] for academy_id, rows in recent.items()}


def moderation_agreement_recent(
    *,
    trust_id: int,
    academy_ids: list[int],
    term_code: str,
    subject: str = "writing",
    rounds: int = 2,
) -> dict[int, list[ModerationAgreement]]:
    """Each academy's agreement in its latest closed blind rounds of the subject up to the term,
    latest first (at most `rounds`): the accuracy cell and its trend against the round before."""
    wanted = term_sort_key(term_code)
    found: dict[
        int, list[tuple[tuple[tuple[int, int], dt.datetime, int], ModerationAgreement]]
    ] = {}
    rows = ModerationAgreement.objects.filter(
        trust_id=trust_id, academy_id__in=academy_ids, subject=subject
    ).select_related("term")
    for row in rows:
        key = (term_sort_key(row.term.code), row.closed_at, row.pk)
        if key[0] > wanted:
            continue
        found.setdefault(row.academy_id, []).append((key, row))
    return {
        academy_id: [row for _, row in sorted(keyed, key=lambda kr: kr[0], reverse=True)][:rounds]
        for academy_id, keyed in found.items()
    }
