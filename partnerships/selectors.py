"""Permission-aware reads of partners, commissions and activities, and the day accounting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from academies.selectors import academy_list_for
from assessment.outcomes import (
    AREA_SUBJECTS,
    KEY_STAGE_YEARS,
    effects_as_data,
    programme_effects,
)
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.terms import TermCode

from . import accounting
from .models import Activity, Commission, CommissionAllocation, KeyArea, PartnerOrganisation

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust


@dataclass(frozen=True)
class PartnerScope:
    """What a membership may see of partnerships: everything, or these academies and areas."""

    everything: bool
    academy_ids: frozenset[int]
    key_areas: frozenset[str]

    def covers(self, academy_id: int, key_area: str) -> bool:
        return self.everything or (academy_id in self.academy_ids and key_area in self.key_areas)


def _is_partner(membership: Membership) -> bool:
    return membership.role == Role.EXTERNAL_PARTNER


def partner_scope(membership: Membership) -> PartnerScope:
    """An external partner: the academies and key areas of their own commissions only.

    Trust-wide roles see everything; other roles (officers) see commissions in any area for
    the academies they cover.
    """
    if membership.is_trust_wide:
        return PartnerScope(True, frozenset(), frozenset())
    if _is_partner(membership):
        rows = Commission.objects.filter(
            trust_id=membership.trust_id, partner_members=membership
        ).values_list("academies__id", "key_area")
        return PartnerScope(
            False,
            frozenset(a for a, _ in rows if a is not None),
            frozenset(k for _, k in rows),
        )
    ids = frozenset(academy_list_for(membership).values_list("id", flat=True))
    return PartnerScope(False, ids, frozenset(KeyArea.values))


def can_log_activity(membership: Membership) -> bool:
    # Leaders manage commissions; officers and partners (visit.edit) log days where they work.
    return membership.can("partnership.manage") or membership.can("visit.edit")


def commission_list_for(membership: Membership) -> QuerySet[Commission]:
    queryset = Commission.objects.filter(trust_id=membership.trust_id).select_related("partner")
    if membership.is_trust_wide:
        return queryset
    if _is_partner(membership):
        return queryset.filter(partner_members=membership).distinct()
    scope = partner_scope(membership)
    return queryset.filter(academies__id__in=scope.academy_ids).distinct()


def commission_get_for(membership: Membership, pk: int) -> Commission:
    commission = commission_list_for(membership).filter(pk=pk).first()
    if commission is None:
        raise Http404("No such commission.")
    return commission


def partner_list_for(membership: Membership) -> QuerySet[PartnerOrganisation]:
    queryset = PartnerOrganisation.objects.filter(trust_id=membership.trust_id)
    if membership.is_trust_wide:
        return queryset.order_by("name")
    visible = commission_list_for(membership).values("partner_id")
    return queryset.filter(pk__in=visible).order_by("name")


def partner_get_for(membership: Membership, pk: int) -> PartnerOrganisation:
    partner = partner_list_for(membership).filter(pk=pk).first()
    if partner is None:
        raise Http404("No such partner.")
    return partner


def activity_list_for(membership: Membership) -> QuerySet[Activity]:
    queryset = Activity.objects.filter(
        trust_id=membership.trust_id, commission__in=commission_list_for(membership)
    ).select_related("commission", "academy", "logged_by")
    scope = partner_scope(membership)
    if not scope.everything:
        queryset = queryset.filter(academy_id__in=scope.academy_ids)
    return queryset


def visible_academies(membership: Membership, commission: Commission) -> list[Any]:
    """The commission's academies this membership may see (and log against)."""
    scope = partner_scope(membership)
    return [
        academy
        for academy in commission.academies.order_by("name")
        if scope.covers(academy.id, commission.key_area)
    ]


def commission_days(
    commission: Commission, academy_ids: set[int] | None = None
) -> list[accounting.DaysLine]:
    """Days allocated and used per academy of one commission (optionally only some academies)."""
    academies = [(a.id, a.name) for a in commission.academies.order_by("name")]
    if academy_ids is not None:
        academies = [row for row in academies if row[0] in academy_ids]
    overrides = {
        row.academy_id: row.days
        for row in commission.allocations.all()  # type: ignore[attr-defined]
    }
    used = accounting.used_by_academy(
        commission.activities.values_list("academy_id", "days")  # type: ignore[attr-defined]
    )
    return accounting.days_by_academy(
        academies=academies,
        default_days=commission.days_per_academy,
        overrides=overrides,
        used=used,
    )


@dataclass
class CommissionSummary:
    commission: Commission
    lines: list[accounting.DaysLine]
    total: accounting.DaysLine
    warnings: list[str]
    cost_by_academy: dict[object, Decimal]


def commission_summary(
    membership: Membership, commission: Commission, today: dt.date | None = None
) -> CommissionSummary:
    scope = partner_scope(membership)
    all_lines = commission_days(commission)
    lines = [line for line in all_lines if scope.covers(line.key, commission.key_area)]  # type: ignore[arg-type]
    today = today or timezone.localdate()
    return CommissionSummary(
        commission=commission,
        lines=lines,
        total=accounting.total(lines),
        # Warnings are about the whole commission, but only shown for lines the reader sees.
        warnings=accounting.commission_warnings(
            lines=lines, ends_on=commission.ends_on, today=today
        ),
        cost_by_academy=accounting.cost_per_academy(commission.cost, all_lines),
    )


def summaries_for(membership: Membership, today: dt.date | None = None) -> list[CommissionSummary]:
    commissions = commission_list_for(membership).prefetch_related("academies", "allocations")
    return [commission_summary(membership, c, today) for c in commissions]


def utilisation_for(membership: Membership, today: dt.date | None = None) -> dict[str, Any]:
    """Days by partner, academy and key area, and cost per academy, across visible commissions."""
    summaries = summaries_for(membership, today)
    by_partner, by_academy, by_area = [], [], []
    cost: dict[object, Decimal] = {}
    labels: dict[object, str] = {}
    for summary in summaries:
        c = summary.commission
        by_partner.append(
            (c.partner_id, c.partner.name, summary.total.allocated, summary.total.used)
        )
        by_area.append(
            (c.key_area, c.get_key_area_display(), summary.total.allocated, summary.total.used)
        )
        for line in summary.lines:
            by_academy.append((line.key, line.label, line.allocated, line.used))
            labels[line.key] = line.label
            cost[line.key] = cost.get(line.key, Decimal("0")) + summary.cost_by_academy.get(
                line.key, Decimal("0")
            )
    return {
        "summaries": summaries,
        "by_partner": sorted(accounting.group_lines(by_partner), key=lambda x: x.label),
        "by_academy": sorted(accounting.group_lines(by_academy), key=lambda x: x.label),
        "by_area": sorted(accounting.group_lines(by_area), key=lambda x: x.label),
        "cost_by_academy": sorted(
            ((labels[k], v) for k, v in cost.items()), key=lambda row: row[0]
        ),
        "warnings": [(s.commission, w) for s in summaries for w in s.warnings],
    }


def partner_memberships(trust_id: int) -> QuerySet[Any]:

    return Membership.objects.filter(
        trust_id=trust_id, role=Role.EXTERNAL_PARTNER, is_active=True
    ).select_related("user")


def activity_get_for(membership: Membership, pk: int) -> Activity:
    """One activity the reader may see: of a visible commission, in an academy and area they cover."""
    activity = activity_list_for(membership).filter(pk=pk).first()
    if activity is None:
        raise Http404("No such activity.")
    scope = partner_scope(membership)
    if not scope.covers(activity.academy_id, activity.commission.key_area):
        raise Http404("No such activity.")
    return activity


def partnerships_summary_for_report(
    *, trust: Trust, academy: Academy, term_code: str
) -> dict[str, Any]:
    """The governors' report: commissions covering the academy, days used of days allocated."""
    rows = []
    commissions = Commission.objects.filter(trust_id=trust.pk, academies=academy).select_related(
        "partner"
    )
    overrides = {
        a.commission_id: a.days
        for a in CommissionAllocation.objects.filter(trust_id=trust.pk, academy=academy)
    }
    used_all: dict[int, Decimal] = {}
    used_term: dict[int, Decimal] = {}
    for activity in Activity.objects.filter(trust_id=trust.pk, academy=academy):
        used_all[activity.commission_id] = (
            used_all.get(activity.commission_id, Decimal(0)) + activity.days
        )
        if TermCode.for_date(activity.date).code == term_code:
            used_term[activity.commission_id] = (
                used_term.get(activity.commission_id, Decimal(0)) + activity.days
            )
    for c in commissions.order_by("partner__name", "title"):
        allocated = overrides.get(c.pk, c.days_per_academy)
        rows.append(
            {
                "partner": c.partner.name,
                "area": c.get_key_area_display(),
                "days_used": f"{used_all.get(c.pk, Decimal(0)):.1f}",
                "days_term": f"{used_term.get(c.pk, Decimal(0)):.1f}",
                "days_allocated": f"{allocated:.1f}" if allocated is not None else "not set",
            }
        )
    return {"rows": rows, "note": "" if rows else "No commissioned support this term."}


def commission_effects(membership: Membership, commission: Commission) -> list[dict[str, Any]]:
    """Effect sizes (assessment.effects) of a commission's key area for the pupils of the
    academies it covers, over its dates: the same method as CPD programmes."""
    subjects = AREA_SUBJECTS.get(commission.key_area, [])
    if not subjects:
        return []
    years = tuple(sorted({*KEY_STAGE_YEARS["KS1"], *KEY_STAGE_YEARS["KS2"]}))
    return programme_effects(
        trust_id=membership.trust_id,
        academy_ids=list(commission.academies.values_list("pk", flat=True)),
        subjects=[(s, years) for s in subjects],
        starts=commission.starts_on,
        ends=commission.ends_on,
        min_n=membership.trust.min_cohort,
    )


def commission_effects_for_report(*, trust: Trust, term_code: str) -> list[dict[str, Any]]:
    """Each commission under way by the term's end, with a key area measured by teacher
    assessment: its effect sizes (aggregate, suppressed) for the board report."""
    last_day = TermCode.parse(term_code).last_day
    out = []
    for commission in Commission.objects.filter(trust_id=trust.pk, starts_on__lte=last_day):
        subjects = AREA_SUBJECTS.get(commission.key_area, [])
        academy_ids = list(commission.academies.values_list("pk", flat=True))
        if not subjects or not academy_ids:
            continue
        years = tuple(sorted({*KEY_STAGE_YEARS["KS1"], *KEY_STAGE_YEARS["KS2"]}))
        rows = programme_effects(
            trust_id=trust.pk,
            academy_ids=academy_ids,
            subjects=[(s, years) for s in subjects],
            starts=commission.starts_on,
            ends=commission.ends_on,
            min_n=trust.min_cohort,
        )
        out.append(
            {"title": commission.title, "kind": "Commission", "effects": effects_as_data(rows)}
        )
    return out
