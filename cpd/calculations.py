"""CPD figures: attendance breakdowns, evaluation summaries, KPI movement, capacity given.

Pure functions over plain values (no ORM), so the rules can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trust_si.terms import TermCode, term_sort_key


@dataclass
class AttendanceLine:
    label: str
    booked: int = 0  # everyone enrolled, whatever happened
    attended: int = 0
    absent: int = 0

    @property
    def rate(self) -> int | None:
        # Only sessions that have happened (attended or absent) count towards the rate.
        marked = self.attended + self.absent
        return round(self.attended * 100 / marked) if marked else None


def attendance_by(rows: Iterable[Mapping[str, str]], key: str) -> list[AttendanceLine]:
    """Group enrolment rows ({key: label, "status": ...}) by one dimension, sorted by label.

    Cancelled enrolments are left out: the person withdrew before the session.
    """
    lines: dict[str, AttendanceLine] = {}
    for row in rows:
        if row["status"] == "cancelled":
            continue
        line = lines.setdefault(row[key], AttendanceLine(label=row[key]))
        line.booked += 1
        if row["status"] == "attended":
            line.attended += 1
        elif row["status"] == "absent":
            line.absent += 1
    return sorted(lines.values(), key=lambda line: line.label)


@dataclass(frozen=True)
class EvaluationSummary:
    count: int
    mean: float | None
    distribution: dict[int, int]


def evaluation_summary(ratings: Iterable[int]) -> EvaluationSummary:
    ratings = list(ratings)
    distribution = {score: ratings.count(score) for score in range(1, 6)}
    mean = round(sum(ratings) / len(ratings), 1) if ratings else None
    return EvaluationSummary(count=len(ratings), mean=mean, distribution=distribution)


@dataclass(frozen=True)
class KpiMovement:
    academy_id: int | None
    kpi_code: str
    label: str
    unit: str
    before_term: str | None
    before: float | None
    after_term: str | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


def kpi_movement(figures: Iterable[object], *, starts: dt.date, ends: dt.date) -> list[KpiMovement]:
    """Before/after values of each (academy, KPI) around a programme.

    Before: the latest term with a value strictly before the term the programme started in.
    After: the latest term with a value from the term it ended in onwards. Figures are
    KpiFigure-like objects (academy_id, kpi_code, label, unit, term_code, value). The result is
    an association, not evidence that the programme caused the change: the page says so.
    """
    # Terms by the census definition (trust_si.terms), like every other section of the product.
    start_key = term_sort_key(TermCode.for_date(starts).code)
    end_key = term_sort_key(TermCode.for_date(ends).code)
    series: dict[tuple[int | None, str], list[object]] = {}
    for figure in figures:
        if getattr(figure, "value", None) is None:
            continue
        series.setdefault((figure.academy_id, figure.kpi_code), []).append(figure)  # type: ignore[attr-defined]
    movements = []
    for (academy_id, code), items in sorted(
        series.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])
    ):
        items.sort(key=lambda f: term_sort_key(f.term_code))  # type: ignore[attr-defined]
        before = [f for f in items if term_sort_key(f.term_code) < start_key]  # type: ignore[attr-defined]
        after = [f for f in items if term_sort_key(f.term_code) >= end_key]  # type: ignore[attr-defined]
        b = before[-1] if before else None
        a = after[-1] if after else None
        first = items[0]
        movements.append(
            KpiMovement(
                academy_id=academy_id,
                kpi_code=code,
                label=first.label,  # type: ignore[attr-defined]
                unit=first.unit,  # type: ignore[attr-defined]
                before_term=b.term_code if b else None,  # type: ignore[attr-defined]
                before=b.value if b else None,  # type: ignore[attr-defined]
                after_term=a.term_code if a else None,  # type: ignore[attr-defined]
                after=a.value if a else None,  # type: ignore[attr-defined]
            )
        )
    return movements


@dataclass
class CapacityLine:
    academy_id: int
    label: str
    phase: str  # "sustain", "improve"... or "unknown" when phases are not available
    sessions_led: int = 0
    participants: int = 0

    @property
    def counts_as_given(self) -> bool:
        return self.phase == "sustain"


def capacity_given(
    sessions: Iterable[tuple[int, str, int]], phases: Mapping[int, str]
) -> list[CapacityLine]:
    """Sessions led per leading academy ((academy_id, name, attendees) rows) with its phase.

    A Sustain academy's staff leading sessions is capacity given to the trust; other phases
    are listed too (leading is still welcome) but not counted as given.
    """
    lines: dict[int, CapacityLine] = {}
    for academy_id, label, attendees in sessions:
        line = lines.setdefault(
            academy_id,
            CapacityLine(
                academy_id=academy_id, label=label, phase=phases.get(academy_id, "unknown")
            ),
        )
        line.sessions_led += 1
        line.participants += attendees
    return sorted(lines.values(), key=lambda line: line.label)
