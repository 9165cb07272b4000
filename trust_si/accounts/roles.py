"""Roles a membership can hold, and what each may do. Pure data: no ORM import.

Permission checks live in selectors and services (`membership.can(...)`), never in templates
alone. Later features add capabilities here, in one table, so the whole policy reads at once.
"""

from enum import StrEnum


class Role(StrEnum):
    TRUST_ADMIN = "trust_admin"
    TRUST_LEADER = "trust_leader"
    IMPROVEMENT_OFFICER = "improvement_officer"
    SCHOOL_STAFF = "school_staff"
    GOVERNOR = "governor"
    EXTERNAL_PARTNER = "external_partner"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TRUST_ADMIN: "Trust admin",
    Role.TRUST_LEADER: "Trust leader",
    Role.IMPROVEMENT_OFFICER: "Improvement officer",
    Role.SCHOOL_STAFF: "School staff",
    Role.GOVERNOR: "Governor",
    Role.EXTERNAL_PARTNER: "External partner",
}
ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role]


class StaffRole(StrEnum):
    HEAD = "head"
    DATA_LEAD = "data_lead"
    ENGLISH_LEAD = "english_lead"


STAFF_ROLE_CHOICES = [
    (StaffRole.HEAD.value, "Head teacher"),
    (StaffRole.DATA_LEAD.value, "Data lead"),
    (StaffRole.ENGLISH_LEAD.value, "English lead"),
]

# Roles whose academies are all of the trust's; the others see only their assigned academies.
TRUST_WIDE_ROLES = frozenset({Role.TRUST_ADMIN, Role.TRUST_LEADER})

# Roles that can see pupil-level data must use TOTP; governors (and partners) may opt in.
PUPIL_DATA_ROLES = frozenset(
    {Role.TRUST_ADMIN, Role.TRUST_LEADER, Role.IMPROVEMENT_OFFICER, Role.SCHOOL_STAFF}
)
MFA_REQUIRED_ROLES = PUPIL_DATA_ROLES

A, L, O, S, G, P = (
    Role.TRUST_ADMIN,
    Role.TRUST_LEADER,
    Role.IMPROVEMENT_OFFICER,
    Role.SCHOOL_STAFF,
    Role.GOVERNOR,
    Role.EXTERNAL_PARTNER,
)

# capability -> roles that hold it (academy scope is applied separately by selectors).
CAPABILITIES: dict[str, frozenset[Role]] = {
    "trust.manage": frozenset({A}),
    "users.manage": frozenset({A}),
    "audit.view": frozenset({A}),
    "academy.view": frozenset({A, L, O, S, G, P}),
    "academy.edit": frozenset({A}),
    "academy.import": frozenset({A}),
    "pupil_data.view": frozenset(PUPIL_DATA_ROLES),
    "pupil_data.upload": frozenset({A, L, S}),
    "kpi.view": frozenset({A, L, O, S, G}),
    "targets.edit": frozenset({A, L}),
    "heatmap.view": frozenset({A, L, O}),
    "placement.confirm": frozenset({A, L}),
    "judgement.record": frozenset({A, L, O}),
    "rules.edit": frozenset({A}),
    "visit.view": frozenset({A, L, O, S, P}),
    # Reading published visits of one's own academies (list, note, PDF): governors too, who
    # hold the school to account on them; the planning pages stay with visit.view.
    "visit.read": frozenset({A, L, O, S, G, P}),
    "visit.edit": frozenset({A, L, O, P}),
    "visit.respond": frozenset({S}),
    # The monitoring programme: owners and dates of planned visits, turned into visits.
    "programme.plan": frozenset({A, L, O}),
    "cpd.view": frozenset({A, L, O, S}),
    "cpd.manage": frozenset({A, L, O}),
    "partnership.view": frozenset({A, L, O, P}),
    "partnership.manage": frozenset({A, L}),
    "framework.view": frozenset({A, L, O, S}),
    "framework.edit": frozenset({A, L}),
    "moderation.view": frozenset({A, L, O, S}),
    "moderation.manage": frozenset({A, L, O}),
    "report.view": frozenset({A, L, O, G}),
    "report.generate": frozenset({A, L}),
    "api.token": frozenset({A, L, O, S}),
    # School improvement planning: the head keeps the SEF, officers and heads review plans,
    # leaders keep the risk register.
    "planning.view": frozenset({A, L, O, S}),
    "sef.edit": frozenset({A, S}),
    "plan.review": frozenset({A, L, O, S}),
    "risk.view": frozenset({A, L, O}),
    "risk.manage": frozenset({A, L}),
}


def role_can(role: str, capability: str) -> bool:
    try:
        return Role(role) in CAPABILITIES[capability]
    except (KeyError, ValueError):
        return False
