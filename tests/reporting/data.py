"""Committed pupil data written straight to the assessment tables (as a confirmed upload leaves
them), so the reporting tests do not depend on the upload pipeline's checks."""

from __future__ import annotations

import hashlib

from assessment.models import Attendance, Enrolment, Pupil
from assessment.services import term_get_or_create


def seed_attendance(*, academy, term_code: str, pupils: list[dict]) -> None:
    """pupils: dicts with upn, year_group, disadvantaged, sex, possible, missed."""
    term = term_get_or_create(trust=academy.trust, code=term_code)
    for p in pupils:
        pupil, _ = Pupil.objects.get_or_create(
            trust=academy.trust, key=hashlib.sha256(p["upn"].encode()).hexdigest()
        )
        Enrolment.objects.get_or_create(
            trust=academy.trust,
            pupil=pupil,
            academic_year=term.academic_year,
            defaults={
                "academy": academy,
                "year_group": p.get("year_group", "6"),
                "disadvantaged": p.get("disadvantaged", False),
                "send": p.get("send", ""),
                "eal": p.get("eal", False),
                "sex": p.get("sex", "F"),
                "prior_band": p.get("prior_band", "middle"),
            },
        )
        Attendance.objects.create(
            trust=academy.trust,
            pupil=pupil,
            academy=academy,
            term=term,
            sessions_possible=p["possible"],
            sessions_missed=p["missed"],
        )
