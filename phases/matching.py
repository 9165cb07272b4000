"""Support matching: which Sustain academies can give capacity to which academies in need. Pure.

Seed 002: academies in the Sustain phase "are expected to be capacity givers" (secondments, lead
practitioners, peer review); academies in Repair and Stabilise are capacity takers. Placement
works per subject, so the match is per subject. The rule, in the order it is applied:

1. Takers: academies placed in Stabilise or Repair in the subject (Stabilise first).
2. Givers: academies placed in Sustain in the subject.
3. A strength counts only when it rests on enough pupils: the largest cohort among the
   subject's scored measures must be at least `min_cohort` (default 15). A Sustain result from
   9 pupils is one good year group, not capacity to lend.
4. Like with like: special schools and alternative provision give to and take from each other
   only; mainstream schools from mainstream. Within mainstream, primary-age schools (nursery,
   first, primary, middle) match primary-age schools and secondary-age schools (secondary,
   16 plus) secondary-age ones; an all-through school matches either.
5. Capacity: each Sustain subject offers `days_per_subject` days a year (default 10). Days in
   the giver's active arrangements in that subject are capacity used; a giver with no days
   left is not offered.
6. Ranking: the same phase of education first, then the most days left, then by name; up to
   three givers per taker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trust_si.sources import AN_DARAS, CARTER

TAKER_PHASES = ("stabilise", "repair")
GIVER_PHASE = "sustain"
DEFAULT_MIN_COHORT = 15
DEFAULT_DAYS_PER_SUBJECT = 10.0
MAX_OFFERS = 3

_SPECIALIST = {"special", "alternative_provision"}
_PRIMARY_AGE = {"nursery", "first", "primary", "middle"}
_SECONDARY_AGE = {"secondary", "16_plus"}


@dataclass(frozen=True)
class MatchSettings:
    min_cohort: int = DEFAULT_MIN_COHORT
    days_per_subject: float = DEFAULT_DAYS_PER_SUBJECT

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> MatchSettings:
        """The trust's `support_matching` settings, else the defaults."""
        own = (config or {}).get("support_matching") or {}
        return cls(
            min_cohort=int(own.get("min_cohort", DEFAULT_MIN_COHORT)),
            days_per_subject=float(own.get("days_per_subject", DEFAULT_DAYS_PER_SUBJECT)),
        )

    def criteria(self) -> list[str]:
        """The rule in words, for the page (each names where it comes from)."""
        days = f"{self.days_per_subject:g}"
        return [
            "Academies placed in Stabilise or Repair in a subject take capacity; academies "
            f"placed in Sustain in it give capacity ({CARTER.title}: Sustain academies are "
            "“capacity givers”, Repair academies “capacity takers”).",
            f"A strength counts only when it rests on at least {self.min_cohort} pupils (the "
            "largest cohort among the subject's measures): a small cohort's result is not "
            "capacity to lend (trust setting).",
            "Like with like: special schools and alternative provision are matched with each "
            "other, mainstream schools with mainstream; primary-age schools (nursery, first, "
            "primary, middle) with primary-age, secondary-age with secondary-age; all-through "
            f"schools with either ({AN_DARAS.title}: support “in context”).",
            f"Each Sustain subject offers {days} days of support a year; days in active "
            "arrangements are capacity used, and a giver with no days left is not offered "
            "(trust setting).",
            "Suggested givers: the same phase of education first, then the most days left.",
        ]


@dataclass(frozen=True)
class School:
    id: int
    name: str
    phase_of_education: str  # academies.PhaseOfEducation code
    phase_of_education_label: str = ""  # in words, for the page


@dataclass(frozen=True)
class Standing:
    """An academy's phase in one subject, with the largest cohort its scored measures had."""

    school: School
    subject: str
    phase: str
    cohort: int | None = None


@dataclass(frozen=True)
class Offer:
    giver: School
    same_phase: bool
    days_total: float
    days_used: float
    cohort: int | None

    @property
    def days_left(self) -> float:
        return max(self.days_total - self.days_used, 0.0)


@dataclass(frozen=True)
class NotOffered:
    giver: School
    reason: str


@dataclass
class TakerMatch:
    taker: School
    phase: str
    offers: list[Offer] = field(default_factory=list)
    # Sustain academies in the subject not suggested to this taker, and why.
    not_offered: list[NotOffered] = field(default_factory=list)


@dataclass
class SubjectMatch:
    subject: str
    takers: list[TakerMatch]
    giver_count: int  # givers that count (enough pupils, days left)
    # Givers that never count in the subject (cohort too small, no days left), and why.
    not_givers: list[NotOffered] = field(default_factory=list)


def _family(phase_of_education: str) -> set[str]:
    if phase_of_education in _SPECIALIST:
        return {"specialist"}
    if phase_of_education in _PRIMARY_AGE:
        return {"primary"}
    if phase_of_education in _SECONDARY_AGE:
        return {"secondary"}
    if phase_of_education == "all_through":
        return {"primary", "secondary"}
    return {phase_of_education}


def like_with_like(taker: School, giver: School) -> str | None:
    """None when the two may be matched, else why not (rule 4)."""
    if (taker.phase_of_education in _SPECIALIST) != (giver.phase_of_education in _SPECIALIST):
        kind = (
            "a special school"
            if giver.phase_of_education == "special"
            else (
                "alternative provision"
                if giver.phase_of_education == "alternative_provision"
                else "a mainstream school"
            )
        )
        return f"{kind}, not like for like"
    if not _family(taker.phase_of_education) & _family(giver.phase_of_education):
        return "a different stage of education"
    return None


def match(
    standings: list[Standing],
    used_days: Mapping[tuple[int, str], float],
    settings: MatchSettings | None = None,
) -> list[SubjectMatch]:
    """Per subject (alphabetical): each taker with the givers the rule allows, best first.

    `used_days` maps (giver id, subject) to the days in its active arrangements.
    """
    s = settings or MatchSettings()
    out = []
    for subject in sorted({st.subject for st in standings}):
        here = [st for st in standings if st.subject == subject]
        takers = sorted(
            (st for st in here if st.phase in TAKER_PHASES),
            key=lambda st: (TAKER_PHASES.index(st.phase), st.school.name),
        )
        if not takers:
            continue
        givers: list[Offer] = []
        not_givers: list[NotOffered] = []
        for st in sorted(
            (st for st in here if st.phase == GIVER_PHASE), key=lambda x: x.school.name
        ):
            used = used_days.get((st.school.id, subject), 0.0)
            if st.cohort is None or st.cohort < s.min_cohort:
                pupils = "no scored measure" if st.cohort is None else f"{st.cohort} pupils"
                not_givers.append(
                    NotOffered(st.school, f"{pupils}, fewer than {s.min_cohort}: too few to count")
                )
            elif used >= s.days_per_subject:
                not_givers.append(
                    NotOffered(
                        st.school,
                        f"no capacity left: {used:g} of {s.days_per_subject:g} days in "
                        "active arrangements",
                    )
                )
            else:
                givers.append(Offer(st.school, False, s.days_per_subject, used, st.cohort))
        rows = []
        for st in takers:
            row = TakerMatch(st.school, st.phase)
            allowed = []
            for g in givers:
                if g.giver.id == st.school.id:
                    continue
                why = like_with_like(st.school, g.giver)
                if why:
                    row.not_offered.append(NotOffered(g.giver, why))
                    continue
                same = g.giver.phase_of_education == st.school.phase_of_education
                allowed.append(Offer(g.giver, same, g.days_total, g.days_used, g.cohort))
            allowed.sort(key=lambda o: (not o.same_phase, -o.days_left, o.giver.name))
            row.offers = allowed[:MAX_OFFERS]
            rows.append(row)
        out.append(SubjectMatch(subject, rows, len(givers), not_givers))
    return out
