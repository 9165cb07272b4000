"""Reports: generated from a snapshot, PDF/UA text checked with pypdf, access by role."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from reporting.models import Report, ReportStatus
from reporting.services import report_generate, report_request

pytestmark = pytest.mark.django_db

TERM = "2025-26-summer"


def _pdf(report: Report) -> PdfReader:
    with report.pdf.open("rb") as fh:
        return PdfReader(io.BytesIO(fh.read()))


def test_academy_report_is_pdf_ua_with_language_title_and_tags(world):
    academy = world.a.academies[0]
    with world.a.scope():
        report = report_request(
            actor=None, trust=world.a.trust, term_code=TERM, academy=academy, enqueue=False
        )
        report = report_generate(report=report)
    assert report.status == ReportStatus.READY
    reader = _pdf(report)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    metadata = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in metadata or b"pdfuaid" in metadata
    assert reader.metadata.title == report.title
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert academy.name in text
    assert "Summer term 2025-26" in text
    assert "no pupil-level data" in text


def test_regenerating_makes_a_new_version_and_keeps_the_old(world):
    academy = world.a.academies[0]
    with world.a.scope():
        first = report_generate(
            report=report_request(
                actor=None, trust=world.a.trust, term_code=TERM, academy=academy, enqueue=False
            )
        )
        second = report_generate(
            report=report_request(
                actor=None, trust=world.a.trust, term_code=TERM, academy=academy, enqueue=False
            )
        )
        assert (first.version, second.version) == (1, 2)
        assert Report.objects.filter(academy=academy).count() == 2
        first.refresh_from_db()
        assert first.status == ReportStatus.READY and first.pdf


def test_trust_board_report_lists_every_academy(world):
    with world.a.scope():
        report = report_generate(
            report=report_request(actor=None, trust=world.a.trust, term_code=TERM, enqueue=False)
        )
    text = "\n".join(p.extract_text() for p in _pdf(report).pages)
    for academy in world.a.academies:
        assert academy.name in text
    assert world.b.academies[0].name not in text


def test_demo_regenerates_a_report_once_the_academy_has_a_phase(world):
    import datetime as dt

    from phases.pipeline import recompute_run
    from phases.services import judgement_record
    from reporting import demo
    from trust_si.accounts.roles import Role

    academy = world.a.academies[0]
    with world.a.scope():
        demo.seed(world.a.trust, {})
        first = Report.objects.get(academy=academy)
        assert first.snapshot["placement"]["phase"] is None
        demo.seed(world.a.trust, {})  # nothing changed: nothing regenerated
        assert Report.objects.filter(academy=academy).count() == 1
        for area in ("curriculum_teaching", "achievement"):
            judgement_record(
                actor=world.a.user(Role.IMPROVEMENT_OFFICER),
                academy=academy,
                area=area,
                grade="strong_standard",
                judged_on=dt.date.today(),
                source="direct",
            )
        recompute_run(trust=world.a.trust, term=first.term_code)  # the report's term
        demo.seed(world.a.trust, {})
        latest = Report.objects.filter(academy=academy).order_by("-version").first()
        assert latest.version == 2 and latest.snapshot["placement"]["phase"]
        assert Report.objects.filter(academy=None).count() == 1
