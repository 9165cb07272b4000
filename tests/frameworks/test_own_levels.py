"""A framework in the trust's own levels (instead of WTS / EXS / GDS): the working party names
them on the draft, the rule proposes them, judgements record them, and the KPIs (% EXS+, % GDS)
still count them through the levels marked expected and greater depth."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.frameworks.models import FrameworkVersion, TeacherJudgement
from assessment.frameworks.rules import parse_levels, propose, standard_levels, standard_of
from assessment.frameworks.services import (
    FrameworkInvalid,
    FrameworkLocked,
    framework_create,
    judgement_record,
    statement_add,
    version_draft_create,
    version_levels_set,
    version_publish,
)
from assessment.kpis.selectors import kpi_figures_for
from assessment.models import Enrolment, Pupil, UploadStatus
from assessment.parsing import pupil_key
from assessment.services import (
    term_get_or_create,
    upload_confirm_now,
    upload_create,
    upload_validate,
)
from assessment.templates_io import template_readme
from tests.kpis.data import pupil, pupils, term
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
TERM = "2025-26-summer"
OWN = "EMG, Emerging\nDEV, Developing\nSEC, Secure, expected\nMAS, Mastery, greater depth"


def test_the_rule_proposes_the_trusts_own_levels_and_they_map_to_the_dfe_standards():
    levels, problems = parse_levels(OWN)
    assert problems == []
    codes = [row[0] for row in levels]
    statements = [("DEV1", "DEV"), ("DEV2", "DEV"), ("SEC1", "SEC"), ("MAS1", "MAS")]
    assert propose(statements, [], allow_one_weakness=False, levels=codes).level == "EMG"
    assert propose(statements, ["DEV1", "DEV2"], allow_one_weakness=False, levels=codes).level == (
        "DEV"
    )
    assert (
        propose(statements, ["DEV1", "DEV2", "SEC1"], allow_one_weakness=False, levels=codes).level
        == "SEC"
    )
    everything = [code for code, _ in statements]
    assert propose(statements, everything, allow_one_weakness=False, levels=codes).level == "MAS"
    assert [standard_of(levels, c) for c in codes] == ["WTS", "WTS", "EXS", "GDS"]
    # The default levels are DfE's, and map to themselves.
    assert [standard_of(standard_levels(), c) for c in ("WTS", "EXS", "GDS")] == [
        "WTS",
        "EXS",
        "GDS",
    ]
    # Unsound lists are refused, each problem in words.
    _, problems = parse_levels("EMG, Emerging\nSECURE, Secure, greater depth")
    assert "Line 2: a code is one to three letters or digits." in problems
    assert "Mark exactly one level as expected (the expected standard)." in problems


def test_a_framework_in_own_levels_records_them_and_the_kpis_still_count(world, client_for):
    tw = world.a
    leader = client_for(tw.user(Role.TRUST_LEADER))
    with tw.scope():
        framework = framework_create(actor=None, trust=tw.trust, subject="writing", year_group="4")
        draft = version_draft_create(actor=None, framework=framework)
    # The working party names its levels on the draft's settings page.
    answer = leader.post(
        reverse("frameworks:version_edit", kwargs={"trust_slug": tw.slug, "pk": draft.pk}),
        {"authors": "Writing working party", "levels": OWN},
    )
    assert answer.status_code == 302
    add = reverse("frameworks:statement_add", kwargs={"trust_slug": tw.slug, "pk": draft.pk})
    for code, level in (("DEV1", "DEV"), ("SEC1", "SEC"), ("MAS1", "MAS")):
        assert (
            leader.post(
                add, {"strand": "Composition", "code": code, "level": level, "text": f"{code} text"}
            ).status_code
            == 302
        )
    # EXS is not one of this framework's levels.
    refused = leader.post(add, {"strand": "Composition", "code": "X1", "level": "EXS", "text": "x"})
    assert refused.status_code == 400
    page = leader.get(
        reverse("frameworks:version", kwargs={"trust_slug": tw.slug, "pk": draft.pk})
    ).content.decode()
    assert "Mastery" in page and "Secure" in page
    with tw.scope():
        version = version_publish(actor=None, version=FrameworkVersion.objects.get(pk=draft.pk))
        with pytest.raises(FrameworkLocked):
            version_levels_set(actor=None, version=version, text=OWN)  # published: locked
    # Twelve Year 4 pupils: 1-2 emerging, 3-5 developing, 6-9 secure, 10-12 mastery.
    pupils(tw, [(n, "4", False, "M" if n % 2 else "F", "middle") for n in range(1, 13)])
    t = term(tw, TERM)
    secure_for = {
        "EMG": [],
        "DEV": ["DEV1"],
        "SEC": ["DEV1", "SEC1"],
        "MAS": ["DEV1", "SEC1", "MAS1"],
    }
    with tw.scope():
        for n in range(1, 13):
            want = "EMG" if n <= 2 else "DEV" if n <= 5 else "SEC" if n <= 9 else "MAS"
            judgement = judgement_record(
                actor=None,
                academy=tw.academies[0],
                term=t,
                pupil=pupil(tw, n),
                subject="writing",
                year_group="4",
                secure=secure_for[want],
            )
            assert (judgement.proposed, judgement.level) == (want, want)
        assert judgement.level_name == "Mastery" and judgement.standard == "GDS"
        with pytest.raises(FrameworkInvalid, match=r"Use EMG, DEV, SEC or MAS\."):
            judgement_record(
                actor=None,
                academy=tw.academies[0],
                term=t,
                pupil=pupil(tw, 1),
                subject="writing",
                year_group="4",
                secure=[],
                level="EXS",
                reason="old habit",
            )
        figures = kpi_figures_for(trust_id=tw.trust.pk, term_codes=[TERM], groups=["all"])
    a = tw.academies[0].pk

    def value(code):
        return next(
            f.value
            for f in figures
            if f.kpi_code == code and f.group == "all" and f.academy_id == a
        )

    # Secure and mastery (6-12) are "expected or above": 7 of 12 = 58.3%; mastery 3 of 12 = 25.0%.
    assert value("writing_judged_exs") == 58.3
    assert value("writing_judged_gds") == 25.0
    # The pupil's history shows the trust's level names.
    history = client_for(tw.user(Role.TRUST_LEADER)).get(
        f"/t/{tw.slug}/judgements/pupils/{pupil(tw, 12).key}/"
    )
    assert "Mastery" in history.content.decode()


# --- The CSV judgement upload in the trust's own levels (h-i14b) ------------------------------
UPN1, UPN2, UPN3, UPN4, UPN5 = (
    "A123456789012",
    "B123456789013",
    "C12345678901D",
    "D123456789014",
    "E123456789015",
)
HEADER = "upn,year_group,subject,secure,independence,source_subject,judgement,reason\n"


def own_levels_published(tw, year="4"):
    """A published Year 4 writing framework in Emerging / Developing / Secure / Mastery."""
    with tw.scope():
        framework = framework_create(actor=None, trust=tw.trust, subject="writing", year_group=year)
        draft = version_draft_create(actor=None, framework=framework)
        version_levels_set(actor=None, version=draft, text=OWN)
        for code, level in (("DEV1", "DEV"), ("SEC1", "SEC"), ("MAS1", "MAS")):
            statement_add(
                actor=None,
                version=draft,
                strand_name="Composition",
                code=code,
                level=level,
                text=f"{code} text",
            )
        return version_publish(actor=None, version=FrameworkVersion.objects.get(pk=draft.pk))


def _upload(tw, body):
    with tw.scope():
        t = term_get_or_create(trust=tw.trust, code=TERM)
        upload = upload_create(
            actor=tw.user(Role.SCHOOL_STAFF),
            academy=tw.academies[0],
            term=t,
            kind="judgements",
            name="j.csv",
            content=(HEADER + body).encode(),
        )
        return upload_validate(upload=upload)


def test_a_judgement_file_in_the_trusts_own_levels_commits_by_code_or_name(world):
    tw = world.a
    version = own_levels_published(tw)
    upload = _upload(
        tw,
        f"{UPN1},4,writing,,,,,\n"  # blank: the proposal, Emerging
        f"{UPN2},4,writing,DEV1,,,dev,\n"  # a code, any case
        f"{UPN3},4,writing,DEV1;SEC1,,,Secure,\n"  # a name
        f"{UPN4},4,writing,DEV1;SEC1;MAS1,,,mastery,\n"  # a name, any case
        f"{UPN5},4,writing,DEV1;SEC1;MAS1,,,SEC,Only one piece shows mastery\n",
    )
    assert upload.status == UploadStatus.VALID, upload.errors
    with tw.scope():
        upload_confirm_now(actor=tw.user(Role.SCHOOL_STAFF), upload=upload)
        upload.refresh_from_db()
        assert upload.status == UploadStatus.COMMITTED, upload.message
        secret = tw.trust.pseudonym_secret
        got = {j.pupil.key: j for j in TeacherJudgement.objects.select_related("pupil", "version")}
        rows = [got[pupil_key(u, secret)] for u in (UPN1, UPN2, UPN3, UPN4, UPN5)]
        assert [(j.proposed, j.level) for j in rows] == [
            ("EMG", "EMG"),
            ("DEV", "DEV"),
            ("SEC", "SEC"),
            ("MAS", "MAS"),
            ("MAS", "SEC"),
        ]
        assert all(j.version == version for j in rows)
        assert rows[3].level_name == "Mastery" and rows[4].overridden


def test_a_dfe_level_in_an_own_levels_file_is_refused_with_its_row(world):
    tw = world.a
    own_levels_published(tw)
    upload = _upload(
        tw,
        f"{UPN1},4,writing,DEV1,,,DEV,\n"
        f"{UPN2},4,writing,DEV1;SEC1,,,WTS,A habit\n"  # row 3: WTS is not one of its levels
        f"{UPN3},4,writing,DEV1;SEC1,,,Greater depth,\n",  # row 4: nor this name
    )
    assert upload.status == UploadStatus.INVALID
    refused = {(e["row"], e["column"]): e for e in upload.errors}
    assert set(refused) == {(3, "judgement"), (4, "judgement")}
    message = refused[(3, "judgement")]["message"]
    assert refused[(3, "judgement")]["value"] == "WTS"
    assert message.startswith("WTS is not a level of the Year 4 writing framework (version 1)")
    for words in ("EMG (Emerging)", "DEV (Developing)", "SEC (Secure)", "MAS (Mastery)"):
        assert words in message
    with tw.scope():
        assert not TeacherJudgement.objects.exists()


def test_the_judgements_template_says_the_levels_come_from_the_published_framework():
    readme = template_readme("judgements")
    assert "The levels come from the year group's published framework" in readme
    assert "WTS, EXS and GDS, or the trust's own levels" in readme


def test_the_class_grid_says_saved_in_the_level_s_name(world, client_for):
    tw = world.a
    own_levels_published(tw)
    with tw.scope():
        child = Pupil.objects.create(trust=tw.trust, key="h" * 64)
        Enrolment.objects.create(
            trust=tw.trust,
            pupil=child,
            academy=tw.academies[0],
            academic_year="2025-26",
            year_group="4",
            sex="F",
        )
    client = client_for(tw.user(Role.SCHOOL_STAFF))
    query = {"academy": tw.academies[0].urn, "subject": "writing", "term": TERM, "year": "4"}
    save = reverse("frameworks:grid_save", kwargs={"trust_slug": tw.slug})
    answer = client.post(save, {**query, "pupil": child.pk, "secure": ["DEV1", "SEC1"]})
    assert answer.status_code == 200 and "Saved: Secure" in answer.content.decode()
    answer = client.post(
        save,
        {**query, "pupil": child.pk, "secure": ["DEV1", "SEC1"], "level": "MAS", "reason": "Books"},
    )
    assert "Saved: Mastery (the framework proposes Secure)" in answer.content.decode()
    page = client.get(reverse("frameworks:grid", kwargs={"trust_slug": tw.slug}), query)
    assert "Saved: Mastery" in page.content.decode()
