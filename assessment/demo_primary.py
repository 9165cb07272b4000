"""Demo: the primary checks of issue 13 (i13-4a) for the demo's pupils, through the same upload
path a school uses. Runs after `assessment.demo` (its hook follows it in DEMO_HOOKS).

- This year (summer 2025-26): the GPS test in Year 6, the multiplication tables check in Year 4,
  the EYFS areas of learning in Reception (agreeing with each child's GLD) and the Year 2
  phonics retake for the pupils who did not meet the standard in Year 1.
- The years before: this year's Year 1 in Reception (2024-25: GLD and areas), this year's Year 2
  in Year 1 (2024-25: the phonics check) and in Reception (2023-24), the same pupils by the same
  UPN, so phonics by the end of Year 2 and seed 003's cohort measures have a history to follow.

Each pupil's new results follow their existing ones (a Year 6 pupil's GPS score sits near their
reading and maths scores; a Year 1 pupil's GLD last year goes with their phonics this year) with
noise from streams of their own, so every figure the demo had before is unchanged. National
shapes aimed at (DfE): GLD about 68%, all prime areas about 8 points above GLD, Year 1 phonics
about 80% and by the end of Year 2 about 89%, GPS expected about 73%, the multiplication
tables check averaging about 21 with a third on full marks.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from assessment.demo import DEMO_YEAR, _commit_adding, _upn, _year_groups
from assessment.models import Enrolment, Pupil, Result, Term
from assessment.parsing.cells import pupil_key
from trust_si.terms import Season

if TYPE_CHECKING:
    from academies.models import Academy
    from trust_si.tenancy.models import Trust

AREAS = ("elg_comm_lang", "elg_psed", "elg_physical", "elg_literacy", "elg_maths")
# How far each area sits above a child's overall development: the prime areas are reached more
# often than literacy and mathematics (DfE's EYFS profile results).
AREA_LEAN = {
    "elg_comm_lang": 0.06,
    "elg_psed": 0.09,
    "elg_physical": 0.12,
    "elg_literacy": -0.08,
    "elg_maths": -0.04,
}
TA_LEVEL = {"WTS": 0.3, "EXS": 0.6, "GDS": 0.9, "BLW": 0.1, "ARE": 0.6, "ABV": 0.9}
GLD_LINE = 0.36  # the line `assessment.demo` gives GLD at (on the day)
PUPILS_HEADER = "upn,year_group,disadvantaged,send,eal,sex,prior_band"
RESULTS_HEADER = "upn,subject,measure,value"


def _roll(trust: Trust, academy: Academy) -> dict[str, list[tuple[str, Any]]]:
    """This year's pupils by year group, with their enrolment: the UPNs `assessment.demo` gave
    them (numbered from 0 in each year group), matched to the stored pupils by key."""
    enrolled = {
        e.pupil.key: e
        for e in Enrolment.objects.filter(
            academy=academy, academic_year=DEMO_YEAR.code
        ).select_related("pupil")
    }
    out: dict[str, list[tuple[str, Any]]] = {}
    for group in _year_groups(academy):
        for n in range(100):
            upn = _upn(f"{academy.urn}-{group}-{n}")
            enrolment = enrolled.get(pupil_key(upn, trust.pseudonym_secret))
            if enrolment is None:
                break
            out.setdefault(group, []).append((upn, enrolment))
    return out


def _summer_results(academy: Academy) -> dict[int, dict[tuple[str, str], tuple[str, Any]]]:
    summer = DEMO_YEAR.term(Season.SUMMER)
    terms = [t for t in Term.objects.filter(trust=academy.trust) if t.term_code == summer]
    out: dict[int, dict[tuple[str, str], tuple[str, Any]]] = {}
    for pupil, subject, measure, value, numeric in Result.objects.filter(
        academy=academy, term__in=terms
    ).values_list("pupil_id", "subject", "measure", "value", "numeric"):
        out.setdefault(pupil, {})[(subject, measure)] = (value, numeric)
    return out


def _ta_level(results: dict[tuple[str, str], tuple[str, Any]], *subjects: str) -> float | None:
    levels = [TA_LEVEL.get(results.get((s, "ta"), ("", None))[0]) for s in subjects]
    known = [v for v in levels if v is not None]
    return sum(known) / len(known) if known else None


def _enrolment_line(upn: str, year_group: str, e: Any) -> str:
    send = e.send or "N"
    return (
        f"{upn},{year_group},{'Y' if e.disadvantaged else 'N'},{send},"
        f"{'Y' if e.eal else 'N'},{e.sex},{e.prior_band}"
    )


def _areas(upn: str, development: float, gld: bool, rng: random.Random) -> list[str]:
    """The five areas of learning for a child, agreeing with their GLD: a child with a good
    level of development is at the expected level in all five; one without is emerging in at
    least one (the weakest, when chance alone gave none)."""
    scores = {a: development + AREA_LEAN[a] + rng.gauss(0, 0.1) for a in AREAS}
    expected = {a: gld or s > GLD_LINE for a, s in scores.items()}
    if not gld and all(expected.values()):
        expected[min(scores, key=lambda a: scores[a])] = False
    return [f"{upn},eyfs,{a},{'expected' if expected[a] else 'emerging'}" for a in AREAS]


def _mtc(upn: str, maths: float | None, rng: random.Random) -> str:
    """A Year 4 pupil's check: a few do not take it (A); scores crowd at the top."""
    if rng.random() < 0.03:
        return f"{upn},mtc,mtc,A"
    fluency = (maths if maths is not None else 0.5) + 0.1 + rng.gauss(0, 0.22)
    return f"{upn},mtc,mtc,{max(0, min(25, round(9 + fluency * 22)))}"


def _lowest_20(on_entry: dict[str, float]) -> list[str]:
    """Seed 003's "blue dot" children: the school flags the lowest 20% of its Reception class on
    entry (their starting points, which end-of-year development follows only loosely)."""
    flagged = set(sorted(on_entry, key=on_entry.__getitem__)[: round(len(on_entry) * 0.2)])
    return [f"{upn},eyfs,lowest_20,{'Y' if upn in flagged else 'N'}" for upn in on_entry]


def _phonics_mark(ability: float) -> int:
    return max(0, min(40, round(24 + ability * 22)))


def seed(trust: Trust, ctx: dict[str, Any]) -> None:
    actor = ctx["users"]["school_staff"] if "users" in ctx else None
    this_summer = DEMO_YEAR.term(Season.SUMMER).code
    last_year, year_before = DEMO_YEAR.previous(), DEMO_YEAR.previous().previous()
    for academy in ctx["academies"]:
        roll = _roll(trust, academy)
        if not {"R", "1", "2", "4", "6"} & set(roll):
            continue
        rng = random.Random(f"{trust.slug}-{academy.urn}-primary-checks")
        keys = {
            upn: key
            for group in roll.values()
            for upn, _e in group
            for key in [pupil_key(upn, trust.pseudonym_secret)]
        }
        pupil_ids = dict(
            Pupil.objects.filter(trust=trust, key__in=keys.values()).values_list("key", "pk")
        )
        summer = _summer_results(academy)
        by_upn = {upn: summer.get(pupil_ids.get(key, -1), {}) for upn, key in keys.items()}
        results_of = by_upn.__getitem__

        now = [RESULTS_HEADER]
        last_pupils, last_results = [PUPILS_HEADER], [RESULTS_HEADER]
        before_pupils, before_results = [PUPILS_HEADER], [RESULTS_HEADER]
        for upn, _e in roll.get("6", []):
            r = results_of(upn)
            scores = [
                r[(s, "scaled_score")][1] for s in ("reading", "maths") if (s, "scaled_score") in r
            ]
            if scores:
                gps = sum(scores) / len(scores) + rng.gauss(0.5, 4.0)
                now.append(f"{upn},gps,scaled_score,{max(80, min(120, round(gps)))}")
        for upn, _e in roll.get("4", []):
            now.append(_mtc(upn, _ta_level(results_of(upn), "maths"), rng))
        on_entry: dict[str, float] = {}
        entry_rng = random.Random(f"{trust.slug}-{academy.urn}-lowest-20")  # its own stream
        for upn, _e in roll.get("R", []):
            recorded = results_of(upn).get(("eyfs", "gld"), ("", None))[0]
            if recorded:
                development = rng.gauss(0.6 if recorded == "Y" else 0.32, 0.1)
                now += _areas(upn, development, recorded == "Y", rng)
                on_entry[upn] = development + entry_rng.gauss(0, 0.12)
        now += _lowest_20(on_entry)
        # This year's Year 1 in Reception last year: their GLD goes with their phonics now.
        for upn, e in roll.get("1", []):
            mark = results_of(upn).get(("phonics", "phonics"), ("", None))[1]
            if mark is None or rng.random() < 0.04:
                continue  # joined the trust in Year 1: no Reception record here
            development = (mark - 24) / 22 + rng.gauss(-0.05, 0.14)
            gld = development > GLD_LINE
            last_pupils.append(_enrolment_line(upn, "R", e))
            last_results.append(f"{upn},eyfs,gld,{'Y' if gld else 'N'}")
            last_results += _areas(upn, development, gld, rng)
        # This year's Year 2: Year 1 last year (the check), Reception the year before, and the
        # retake this summer for those who did not meet the standard in Year 1.
        for upn, e in roll.get("2", []):
            level = _ta_level(results_of(upn), "reading", "writing", "maths")
            if level is None or rng.random() < 0.04:
                continue  # joined the trust this year: no earlier record here
            ability = level - 0.08 + rng.gauss(0, 0.16)
            mark = _phonics_mark(ability)
            last_pupils.append(_enrolment_line(upn, "1", e))
            last_results.append(f"{upn},phonics,phonics,{mark}")
            if mark < 32:
                retake = _phonics_mark(ability + 0.17 + rng.gauss(0, 0.1))
                now.append(f"{upn},phonics,phonics,{retake}")
            development = level - 0.12 + rng.gauss(0, 0.14)
            before_pupils.append(_enrolment_line(upn, "R", e))
            before_results.append(f"{upn},eyfs,gld,{'Y' if development > GLD_LINE else 'N'}")
            before_results += _areas(upn, development, development > GLD_LINE, rng)
        for year, pupils, results in (
            (last_year, last_pupils, last_results),
            (year_before, before_pupils, before_results),
        ):
            if len(pupils) > 1:
                autumn = year.term(Season.AUTUMN).code
                summer_code = year.term(Season.SUMMER).code
                _commit_adding(trust, academy, autumn, "pupils", pupils, actor)
                _commit_adding(trust, academy, summer_code, "results", results, actor)
        if len(now) > 1:
            _commit_adding(trust, academy, this_summer, "results", now, actor)
