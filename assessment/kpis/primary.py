"""The rules of the primary KPIs of issue 13 (i13-4a): pure, no ORM import. The KPI entries
are in `catalogue` (`CATALOGUE += [...]`, "Primary measures"); this module holds what decides
whether one pupil meets each of them.

GPS at KS2, the Year 4 multiplication tables check, phonics by the end of Year 2, the EYFS prime
areas, and seed 003's cohort measures, which follow a pupil from one year to the next by the
pseudonymous key. `kpis.figures` puts a pupil's results of earlier years in their facts as
(subject, "<measure>@<year group then>"): ("phonics", "phonics@1") is the Year 1 check,
("eyfs", "gld@R") the end of Reception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessment.kinds import ELG_AREAS, PRIME_AREAS

if TYPE_CHECKING:
    from .catalogue import PupilFacts


def _value(p: PupilFacts, subject: str, measure: str) -> tuple[str, float | None] | None:
    return p.results.get((subject, measure))


# The areas of learning as the results template names them (assessment.kinds).
EYFS_AREAS = tuple(ELG_AREAS)
EYFS_PRIME_AREAS = PRIME_AREAS
EARLIER_MEASURES = {("eyfs", "gld"), ("phonics", "phonics"), *(("eyfs", a) for a in EYFS_AREAS)}
# The nursery years' "lowest 20%" flags, followed to the end of Reception (seed 003).
EARLIER_MEASURES |= {("eyfs", "lowest_20")}
MTC_FULL_MARKS = 25
# A cohort measure of a subset of another KPI's pupils: the Year 1 phonics of last year's GLD
# pupils is part of Year 1 phonics, so the two shown together give the rest (the Year 1 pupils
# without a good level of development) away by subtraction. Where the rest is 1 to 5 pupils
# (or the trust's threshold), the subset's figure is hidden (`figures`, `disclosure.protect`
# `forced`), and protected in its own table like any hidden figure.
SUBSET_OF = {"y1_phonics_of_gld": "y1_phonics", "eyfs_lowest_20_gld": "eyfs_gld"}
# A figure that gives a small group away with a figure already published in an earlier year:
# phonics by the end of Year 2 counts last year's Year 1 passers and this year's retake passes,
# so beside last year's Year 1 phonics (published then) it gives the retake passes of a cohort
# that did not change. Where the retake group (last year's non-passers) is 1 to 5 pupils (or
# the trust's threshold), so hidden itself, the figure that gives it away is hidden too.
GIVES_AWAY = {"phonics_by_y2": "y2_phonics_retake_met"}


def earlier(measure: str, year_group: str) -> str:
    """The results key of a measure taken in an earlier year, in the year group the pupil was in."""
    return f"{measure}@{year_group}"


def gld_from_areas(p: PupilFacts, then: str) -> bool | None:
    """DfE: a good level of development is the expected level in every ELG of the prime areas
    and of literacy and mathematics; None unless all five areas are recorded."""
    keys = [a if not then else earlier(a, then) for a in EYFS_AREAS]
    values = [_value(p, "eyfs", k) for k in keys]
    if any(v is None for v in values):
        return None
    return all(v is not None and v[0] == "EXPECTED" for v in values)


def gld_in_reception(p: PupilFacts) -> bool | None:
    """The pupil's good level of development at the end of Reception (an earlier year)."""
    v = _value(p, "eyfs", earlier("gld", "R"))
    return gld_from_areas(p, "R") if v is None else v[0] == "Y"


def eyfs_prime(p: PupilFacts) -> bool | None:
    values = [_value(p, "eyfs", a) for a in EYFS_PRIME_AREAS]
    if any(v is None for v in values):
        return None
    return all(v is not None and v[0] == "EXPECTED" for v in values)


def phonics_result(v: tuple[str, float | None] | None) -> bool | None:
    """A phonics check result: met, not met (WT, absent A, disapplied D, under 32), or none."""
    if v is None:
        return None
    return v[0] == "WA" or (v[1] is not None and v[1] >= 32)


def phonics_by_y2(p: PupilFacts) -> bool | None:
    """DfE (since 2024): a Year 2 pupil counts with a Year 2 check this year or a Year 1 check
    last year; they have met the standard if either check met it."""
    y1 = phonics_result(_value(p, "phonics", earlier("phonics", "1")))
    y2 = phonics_result(_value(p, "phonics", "phonics"))
    if y1 is None and y2 is None:
        return None
    return bool(y1) or bool(y2)


def mtc_score(p: PupilFacts) -> float | None:
    """DfE's average: pupils who took the check (a score); A (did not take it) is left out."""
    v = _value(p, "mtc", "mtc")
    return None if v is None else v[1]


def mtc_full_marks(p: PupilFacts) -> bool | None:
    """DfE's share scoring full marks is of every eligible pupil, those who did not take the
    check included: any mtc row counts in the denominator."""
    v = _value(p, "mtc", "mtc")
    return None if v is None else v[1] == MTC_FULL_MARKS


def phonics_of_gld(p: PupilFacts) -> bool | None:
    """Seed 003: of the Year 1 pupils with a good level of development at the end of Reception,
    those meeting the Year 1 phonics standard."""
    if not gld_in_reception(p):
        return None
    return phonics_result(_value(p, "phonics", "phonics"))


def retake_of_non_passers(p: PupilFacts) -> bool | None:
    """Seed 003: of the Year 2 pupils who did not meet the standard in Year 1, those meeting it
    at the Year 2 check; one with no Year 2 result has not met it (DfE: they must retake)."""
    if phonics_result(_value(p, "phonics", earlier("phonics", "1"))) is not False:
        return None
    return bool(phonics_result(_value(p, "phonics", "phonics")))


def has_y2_check(p: PupilFacts) -> bool:
    return _value(p, "phonics", "phonics") is not None


def lowest_20_on_entry(p: PupilFacts) -> bool | None:
    """Whether the child was flagged as one of the lowest 20% on entry: the latest flag
    recorded (this year's, in Reception, then the nursery years', N2 before N1); None when no
    school recorded one."""
    for key in ("lowest_20", earlier("lowest_20", "N2"), earlier("lowest_20", "N1")):
        v = _value(p, "eyfs", key)
        if v is not None:
            return v[0] == "Y"
    return None


def gld_of_lowest_20(p: PupilFacts) -> bool | None:
    """Seed 003's EYFS progress benchmark (the "blue dot" children): of the Reception children
    flagged as the lowest 20% on entry, those reaching a good level of development."""
    if not lowest_20_on_entry(p):
        return None
    v = _value(p, "eyfs", "gld")
    return gld_from_areas(p, "") if v is None else v[0] == "Y"
