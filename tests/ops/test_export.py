"""manage.py export_trust: the trust's rows and files, and nothing of another trust."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.management import call_command

from assessment.services import term_get_or_create, upload_create
from trust_si.accounts.roles import Role


@pytest.mark.django_db
def test_a_trust_export_holds_its_rows_and_files_and_no_other_trusts(world, tmp_path):
    for tw in (world.a, world.b):
        with tw.scope():
            upload_create(
                actor=tw.user(Role.SCHOOL_STAFF),
                academy=tw.academies[0],
                term=term_get_or_create(trust=tw.trust, code="2025-26-summer"),
                kind="results",
                name=f"{tw.slug}.csv",
                content=b"upn,subject,measure,value\n",
            )
    out = tmp_path / "alpha.zip"
    call_command("export_trust", trust=world.a.slug, out=str(out))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        uploads = list(csv.DictReader(io.StringIO(archive.read("assessment_upload.csv").decode())))
        memberships = list(
            csv.DictReader(io.StringIO(archive.read("accounts_membership.csv").decode()))
        )
    assert [u["original_name"] for u in uploads] == ["alpha.csv"]
    assert {m["trust_id"] for m in memberships} == {str(world.a.trust.pk)}
    assert any(n.startswith("files/") and n.endswith("alpha.csv") for n in names)
    assert not any("beta" in n for n in names)
    invitations = "accounts_invitation.csv"
    if invitations in names:
        with zipfile.ZipFile(out) as archive:
            assert "token" not in archive.read(invitations).decode().splitlines()[0].split(",")
