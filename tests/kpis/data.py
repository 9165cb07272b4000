"""Small pupil datasets for the KPI tests, written straight to the models (the upload path has
its own tests; these need only rows the engine reads)."""

from __future__ import annotations

from assessment.models import Attendance, Enrolment, Pupil, Result
from assessment.services import term_get_or_create


def term(tw, code):
    with tw.scope():
        return term_get_or_create(trust=tw.trust, code=code)


def pupil(tw, n):
    with tw.scope():
        return Pupil.objects.get_or_create(trust=tw.trust, key=f"{tw.slug}-{n:06d}")[0]


def pupils(tw, rows, year="2025-26", academy=None):
    """rows: (n, year_group, disadvantaged, sex, prior_band); SEND on none."""
    with tw.scope():
        for n, yg, dis, sex, band in rows:
            Enrolment.objects.update_or_create(
                trust=tw.trust,
                pupil=pupil(tw, n),
                academic_year=year,
                defaults={
                    "academy": academy or tw.academies[0],
                    "year_group": yg,
                    "disadvantaged": dis,
                    "send": "",
                    "eal": False,
                    "sex": sex,
                    "prior_band": band,
                },
            )


def results(tw, values, term_code, subject="writing", measure="ta", academy=None):
    """values: {n: value}; numeric values are stored as numbers too."""
    t = term(tw, term_code)
    with tw.scope():
        for n, value in values.items():
            try:
                numeric = float(value)
            except ValueError:
                numeric = None
            Result.objects.update_or_create(
                trust=tw.trust,
                pupil=pupil(tw, n),
                term=t,
                subject=subject,
                measure=measure,
                defaults={
                    "academy": academy or tw.academies[0],
                    "value": str(value),
                    "numeric": numeric,
                },
            )


def writing(tw, values, term_code):
    results(tw, values, term_code)


def attendance(tw, missed, term_code, possible=100, academy=None):
    """missed: {n: sessions missed}."""
    t = term(tw, term_code)
    with tw.scope():
        for n, m in missed.items():
            Attendance.objects.update_or_create(
                trust=tw.trust,
                pupil=pupil(tw, n),
                term=t,
                defaults={
                    "academy": academy or tw.academies[0],
                    "sessions_possible": possible,
                    "sessions_missed": m,
                },
            )
