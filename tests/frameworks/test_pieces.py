"""Pieces of writing behind a judgement: the type read from the content (never the name), the
size bound from trust_si/limits.py, stored under the trust's folder, served only to those
allowed, every download audited; moderators of a blind round read them under neutral names."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessment.frameworks.models import Piece
from assessment.frameworks.pieces import PieceError, piece_check
from moderation.models import SampleItem
from tests.moderation.helpers import judgements, open_round
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent
from trust_si.limits import PIECE

pytestmark = pytest.mark.django_db
STAFF = Role.SCHOOL_STAFF
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format=fmt)
    return out.getvalue()


def _url(name, tw, **kwargs):
    return reverse(name, kwargs={"trust_slug": tw.slug, **kwargs})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00" + b"\0" * 200, "This file is a program"),  # a Windows .exe
        (b"\x7fELF\x02\x01" + b"\0" * 200, "This file is a program"),
        (b"GIF89a" + b"\0" * 50, "must be a PDF, or a PNG or JPEG image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "must be a PDF, or a PNG or JPEG image"),
        (b"%PDF-1.7\nno end", "incomplete or damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10, "could not be read"),
        (PDF + b"\0" * PIECE.max_bytes, "smaller than 10 MB"),
    ],
)
def test_piece_check_reads_the_content_not_the_name(data, message):
    with pytest.raises(PieceError) as caught:
        piece_check(data)
    assert message in str(caught.value)


def test_piece_check_accepts_pdf_png_and_jpeg():
    assert piece_check(PDF).content_type == "application/pdf"
    assert piece_check(_image("PNG")).content_type == "image/png"
    assert piece_check(_image("JPEG")).content_type == "image/jpeg"


def _judgement(tw):
    judgements(tw, per_school=2)
    with tw.scope():
        return tw.academies[0].teacher_judgements.first()


def test_upload_refuses_bad_files_by_content_and_stores_good_ones_under_the_trust(
    world, client_for
):
    judgement = _judgement(world.a)
    client = client_for(world.a.user(STAFF))
    url = _url("frameworks:pieces", world.a, pk=judgement.pk)
    for name, data, message in [
        ("essay.pdf", b"MZ\x90\x00" + b"\0" * 500, "This file is a program"),
        ("essay.png", b"GIF89a" + b"\0" * 50, "must be a PDF, or a PNG or JPEG image"),
        ("essay.pdf", PDF + b"\0" * PIECE.max_bytes, "smaller than 10 MB"),
    ]:
        answer = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert answer.status_code == 400, name
        body = answer.content.decode()
        assert message in body and 'href="#id_file"' in body
    with world.a.scope():
        assert not Piece.objects.exists()
    # A PNG named .pdf is a PNG: the content decides, and is what it is served as.
    assert client.post(url, {"file": SimpleUploadedFile("x.pdf", _image("PNG"))}).status_code == 302
    assert client.post(url, {"file": SimpleUploadedFile("Essay 1.pdf", PDF)}).status_code == 302
    with world.a.scope():
        png, pdf = Piece.objects.order_by("pk")
    assert png.content_type == "image/png" and png.file.name.endswith("-piece.png")
    assert png.file.name.startswith(f"trusts/{world.a.trust.pk}/pieces/")
    assert "Essay" not in pdf.file.name and pdf.original_name == "Essay 1.pdf"
    download = client.get(_url("frameworks:piece", world.a, pk=pdf.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    with world.a.scope():
        event = AuditEvent.objects.filter(action="piece.download").get()
    assert event.actor_id == world.a.user(STAFF).pk and event.changes["route"] == "school"
    # A governor reads no pupil's writing; they cannot upload either.
    governor = client_for(world.a.user(Role.GOVERNOR))
    assert governor.get(_url("frameworks:piece", world.a, pk=pdf.pk)).status_code == 403


def test_pieces_are_served_only_to_the_school_the_leaders_and_the_rounds_moderators(
    world, client_for
):
    round_ = open_round(world.a, per_school=6)
    with world.a.scope():
        # Academy 1's piece: the staff member (academy 0) and the officer (a moderator from
        # academy 0) are not its school.
        item = SampleItem.objects.filter(round=round_, academy=world.a.academies[1]).first()
        theirs = Piece.objects.create(
            trust=world.a.trust,
            judgement=item.judgement,
            content_type="application/pdf",
            original_name="Sentinel school name.pdf",
            size=len(PDF),
        )
        theirs.file.save("piece.pdf", io.BytesIO(PDF), save=True)
    school_door = _url("frameworks:piece", world.a, pk=theirs.pk)
    assert client_for(world.a.user(STAFF)).get(school_door).status_code == 404
    assert client_for(world.a.user(Role.TRUST_LEADER)).get(school_door).status_code == 200
    # Another trust's member: 404 under either slug.
    outsider = client_for(world.b.user(Role.TRUST_LEADER))
    assert outsider.get(school_door).status_code == 404
    assert outsider.get(_url("frameworks:piece", world.b, pk=theirs.pk)).status_code == 404
    # The moderator of the blind round reads the writing before judging it, under a neutral
    # name: not the school, not the uploaded name, not the school's judgement.
    officer = client_for(world.a.user(Role.IMPROVEMENT_OFFICER))
    review = officer.get(
        _url("moderation:review", world.a, pk=round_.pk, number=item.number)
    ).content.decode()
    door = _url(
        "moderation:piece_file", world.a, pk=round_.pk, number=item.number, piece_pk=theirs.pk
    )
    assert door in review and f"Piece {item.number}, file 1" in review
    assert "Sentinel school name" not in review and world.a.academies[1].name not in review
    answer = officer.get(door)
    assert answer.status_code == 200
    assert f'filename="piece-{item.number}-{theirs.pk}.pdf"' in answer["Content-Disposition"]
    with world.a.scope():
        event = AuditEvent.objects.get(
            action="piece.download", actor=world.a.user(Role.IMPROVEMENT_OFFICER)
        )
    assert event.changes["route"] == f"moderation round {round_.pk}"
    # A member who can see the round but does not moderate it: refused; a piece not behind
    # this item: not found.
    assert client_for(world.a.user(STAFF)).get(door).status_code == 403
    with world.a.scope():
        other = SampleItem.objects.filter(round=round_).exclude(pk=item.pk).first()
    wrong = _url(
        "moderation:piece_file", world.a, pk=round_.pk, number=other.number, piece_pk=theirs.pk
    )
    assert officer.get(wrong).status_code == 404


def test_a_piece_wider_than_its_bound_is_refused_from_its_header():
    """trust_si.limits.PIECE.max_side, read from the image's header before Pillow allocates
    the pixels."""
    out = io.BytesIO()
    Image.new("L", (PIECE.max_side + 1, 1)).save(out, format="PNG")
    with pytest.raises(PieceError, match="at most 12,000 pixels on each side"):
        piece_check(out.getvalue())
    out = io.BytesIO()
    Image.new("L", (PIECE.max_side, 1)).save(out, format="PNG")
    assert piece_check(out.getvalue()).content_type == "image/png"


def test_a_judgement_holds_at_most_its_bound_of_pieces(world):
    from assessment.frameworks.services import piece_add
    from trust_si.limits import PIECES_PER_JUDGEMENT

    judgement = _judgement(world.a)
    with world.a.scope():
        for _ in range(PIECES_PER_JUDGEMENT):
            piece_add(actor=None, judgement=judgement, data=PDF, name="p.pdf")
        with pytest.raises(PieceError, match=f"at most {PIECES_PER_JUDGEMENT} pieces"):
            piece_add(actor=None, judgement=judgement, data=PDF, name="p.pdf")
        assert judgement.pieces.count() == PIECES_PER_JUDGEMENT
