"""The trust logo: only real PNG/JPEG rasters, set by trust admins, audited, printed on reports."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from reporting.logo import MAX_BYTES, LogoError, logo_normalise
from reporting.services import report_generate, report_request, trust_logo_set
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.audit.models import AuditEvent

TERM = "2025-26-summer"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (120, 40), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 94, 165) if mode == "RGB" else None).save(out, format=fmt)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


# -- the pure validator ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_png_and_jpeg_are_accepted_and_stored_as_png(fmt):
    png = logo_normalise(image_bytes(fmt))
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (120, 40)


def test_large_logo_is_scaled_down():
    png = logo_normalise(image_bytes("PNG", size=(3000, 1000)))
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 400)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (SVG, "PNG or JPEG"),
        (b"%PDF-1.7\n", "PNG or JPEG"),
        (image_bytes("GIF"), "PNG or JPEG"),
        (image_bytes("WEBP"), "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10, "could not be read"),
        (image_bytes("PNG")[:60], "could not be read"),  # truncated
        (image_bytes("PNG", size=(6000, 2), mode="L"), "5000 pixels"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_BYTES + 1), "smaller than 2 MB"),
    ],
    ids=["empty", "svg", "pdf", "gif", "webp", "fake-png", "truncated", "too-wide", "too-big"],
)
def test_anything_else_is_refused_with_a_clear_message(data, message):
    with pytest.raises(LogoError, match=message):
        logo_normalise(data)


# -- the settings page and the service ------------------------------------------------------


def _settings_url(tw):
    return f"/t/{tw.slug}/reports/settings/"


@pytest.mark.django_db
def test_trust_admin_uploads_a_logo_under_the_trusts_path_audited(world, client_for):
    admin = world.a.user(Role.TRUST_ADMIN)
    response = client_for(admin).post(
        _settings_url(world.a), {"logo": SimpleUploadedFile("crest.jpg", image_bytes("JPEG"))}
    )
    assert response.status_code == 302
    world.a.trust.refresh_from_db()
    assert world.a.trust.logo.name.startswith(f"trusts/{world.a.trust.pk}/branding/")
    with world.a.trust.logo.open("rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    with world.a.scope():
        event = AuditEvent.objects.get(action="trust.logo_set")
    assert event.actor == admin and event.changes["logo"][1] == world.a.trust.logo.name
    page = client_for(admin).get(_settings_url(world.a)).content.decode()
    assert 'src="data:image/png;base64,' in page and "Remove logo" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Select a PNG or JPEG file"),
        (
            SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
            "must be a PNG or JPEG",
        ),
        (SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\ngarbage"), "could not be read"),
        (SimpleUploadedFile("empty.png", b""), "is empty"),
        (
            SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_BYTES + 10)),
            "smaller than 2 MB",
        ),
    ],
    ids=["missing", "svg", "corrupt", "empty", "too-big"],
)
def test_a_bad_upload_is_a_form_error_never_a_500(world, client_for, upload, message):
    data = {"logo": upload} if upload is not None else {}
    response = client_for(world.a.user(Role.TRUST_ADMIN)).post(_settings_url(world.a), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert 'href="#id_logo"' in page  # the summary links to the field
    world.a.trust.refresh_from_db()
    assert not world.a.trust.logo


@pytest.mark.django_db
def test_only_trust_admins_may_change_the_logo(world, client_for):
    leader = world.a.user(Role.TRUST_LEADER)
    response = client_for(leader).post(
        _settings_url(world.a), {"logo": SimpleUploadedFile("l.png", image_bytes())}
    )
    assert response.status_code == 403
    # The service refuses too, whoever calls it: a leader, or trust B's admin for trust A.
    with world.a.scope():
        membership = Membership.objects.get(user=leader)
        with pytest.raises(PermissionDenied):
            trust_logo_set(
                actor=leader,
                membership=membership,
                trust=world.a.trust,
                png=logo_normalise(image_bytes()),
            )
    with world.b.scope():
        other_admin = Membership.objects.get(user=world.b.user(Role.TRUST_ADMIN))
    with pytest.raises(PermissionDenied):
        trust_logo_set(
            actor=world.b.user(Role.TRUST_ADMIN),
            membership=other_admin,
            trust=world.a.trust,
            png=logo_normalise(image_bytes()),
        )
    world.a.trust.refresh_from_db()
    assert not world.a.trust.logo


@pytest.mark.django_db
def test_removing_the_logo_is_audited(world, client_for):
    admin = world.a.user(Role.TRUST_ADMIN)
    client = client_for(admin)
    client.post(_settings_url(world.a), {"logo": SimpleUploadedFile("l.png", image_bytes())})
    assert client.post(_settings_url(world.a), {"remove": "1"}).status_code == 302
    world.a.trust.refresh_from_db()
    assert not world.a.trust.logo
    with world.a.scope():
        assert AuditEvent.objects.filter(action="trust.logo_remove", actor=admin).exists()


# -- the logo in the PDF --------------------------------------------------------------------


def _images_on_first_page(pdf: bytes) -> list[tuple[int, int]]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"].get("/XObject") or {}
    sizes = []
    for ref in xobjects.values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            sizes.append((int(obj["/Width"]), int(obj["/Height"])))
    return sizes


def _academy_pdf(tw) -> bytes:
    with tw.scope():
        report = report_generate(
            report=report_request(
                actor=None, trust=tw.trust, term_code=TERM, academy=tw.academies[0], enqueue=False
            )
        )
        with report.pdf.open("rb") as fh:
            return fh.read()


@pytest.mark.django_db
def test_the_logo_is_drawn_in_the_pdf_header_with_alt_text(world, client_for):
    assert _images_on_first_page(_academy_pdf(world.a)) == []
    client_for(world.a.user(Role.TRUST_ADMIN)).post(
        _settings_url(world.a), {"logo": SimpleUploadedFile("l.png", image_bytes(size=(300, 100)))}
    )
    pdf = _academy_pdf(world.a)
    assert (300, 100) in _images_on_first_page(pdf)
    # PDF/UA: the image is a tagged Figure with its alternative text.
    assert "Alpha Learning Trust logo" in _struct_alts(pdf)
    # Trust B's reports are untouched.
    assert _images_on_first_page(_academy_pdf(world.b)) == []


def _struct_alts(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    found: list[str] = []

    def walk(node, depth=0):
        if depth > 60:
            return
        node = node.get_object()
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"], depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return " | ".join(found)
