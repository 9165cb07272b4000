"""Permission-aware reads of academies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from .models import Academy, Inspection

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def academy_list_for(membership: Membership) -> QuerySet[Academy]:
    """The academies this membership covers, filtered explicitly by trust (the manager also does).

    Trust-wide roles (admin, leader, board governor) see every academy; everyone else sees the
    academies assigned to their membership.
    """
    queryset = Academy.objects.filter(trust_id=membership.trust_id, is_active=True)
    if not membership.is_trust_wide:
        queryset = queryset.filter(members=membership)
    return queryset.order_by("name")


def academy_get_for(membership: Membership, urn: str) -> Academy:
    """One academy in the membership's scope; 404 for another trust's or an unassigned one."""
    academy = academy_list_for(membership).filter(urn=urn).first()
    if academy is None:
        raise Http404("No such academy.")
    return academy


def latest_inspections(academies: list[Academy]) -> dict[int, Inspection]:
    """The most recent inspection of each academy, in one query."""
    latest: dict[int, Inspection] = {}
    for inspection in Inspection.objects.filter(academy__in=academies).order_by(
        "academy_id", "-inspected_on"
    ):
        latest.setdefault(inspection.academy_id, inspection)
    return latest
