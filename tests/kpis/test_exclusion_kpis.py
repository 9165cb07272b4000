"""Suspensions and permanent exclusions as DfE measures them ("Suspensions and permanent exclusions
in England"): suspension rate = suspensions / pupils on roll x 100; permanent exclusion rate
likewise; one or more suspension rate = pupils suspended at least once / pupils on roll.

Worked by hand: 20 pupils on the roll of academy A (uploaded as a school would), and academy B
with 10 pupils and no exclusions upload.
  autumn: pupil 1 suspended twice, pupil 2 once, pupil 3 permanently excluded
          -> suspension rate 3 / 20 x 100 = 15.00; permanent 1 / 20 x 100 = 5.00;
             one or more suspensions 2 / 20 = 10.00%
  spring: pupil 4 suspended once -> the year so far: 4 / 20 = 20.00; 5.00; 3 / 20 = 15.00%
  summer: a confirmed upload with no rows (none this term) -> the year: 20.00; 5.00; 15.00%,
          compared with DfE's national rate (2023-24: 11.31, the latest published)
  DfE's autumn-term suspension rate (autumn 2023-24: 4.13) is the autumn's comparison.
  academy B: no upload -> no figure (not 0).
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from assessment.kpis.catalogue import DEFINITIONS, KPIS, PupilFacts, compute
from reporting.services import report_generate, report_request
from tests.assessment.test_uploads import _confirm, _upload
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
AUTUMN, SPRING, SUMMER = "2025-26-autumn", "2025-26-spring", "2025-26-summer"
CODES = ("suspension_rate", "permanent_exclusion_rate", "one_plus_suspension")


def _upn(academy, n):
    return f"{'AB'[academy]}{academy:03d}{n:09d}"


def _send(tw, academy, term, kind, lines):
    content = ("\n".join(lines) + "\n").encode()
    upload = _upload(tw, kind, content, f"{kind}.csv", tw.academies[academy], term)
    upload = _confirm(tw, upload)
    assert upload.status == "committed", upload.errors[:3]


@pytest.fixture
def seeded(world):
    tw = world.a
    for academy, count in ((0, 20), (1, 10)):
        _send(
            tw,
            academy,
            AUTUMN,
            "pupils",
            [
                "upn,year_group,disadvantaged,send,eal,sex,prior_band",
                *(f"{_upn(academy, n)},6,N,N,N,F,middle" for n in range(1, count + 1)),
            ],
        )
    head = "upn,date,type,sessions"
    _send(
        tw,
        0,
        AUTUMN,
        "exclusions",
        [
            head,
            f"{_upn(0, 1)},06/10/2025,suspension,2",
            f"{_upn(0, 1)},10/11/2025,suspension,4",
            f"{_upn(0, 2)},12/11/2025,suspension,1",
            f"{_upn(0, 3)},01/12/2025,permanent,",
        ],
    )
    _send(tw, 0, SPRING, "exclusions", [head, f"{_upn(0, 4)},03/02/2026,suspension,6"])
    _send(tw, 0, SUMMER, "exclusions", [head])
    return tw


def _figures(client, term, urn):
    rows = client.get("/api/v1/t/alpha/kpis/", {"term": term, "urn": urn, "group": "all"})
    assert rows.status_code == 200
    return {r["kpi"]: r for r in rows.json()["results"] if r["kpi"] in CODES}


def test_the_rates_worked_by_hand_through_the_upload_and_the_api(seeded, client_for):
    tw = seeded
    leader = client_for(tw.user(Role.TRUST_LEADER))
    urn = tw.academies[0].urn
    want = {
        AUTUMN: (15.0, 5.0, 10.0),
        SPRING: (20.0, 5.0, 15.0),
        SUMMER: (20.0, 5.0, 15.0),
    }
    for term, values in want.items():
        got = _figures(leader, term, urn)
        assert tuple(got[c]["value"] for c in CODES) == values, term
        assert {got[c]["cohort"] for c in CODES} == {20}, term
    autumn, summer = _figures(leader, AUTUMN, urn), _figures(leader, SUMMER, urn)
    # A term's rate is the year so far: compared with DfE's full-year rate only in the summer;
    # in the autumn (the year so far is the autumn term) with DfE's autumn-term rate (4.13 in
    # autumn 2023-24); in the spring with none (DfE publishes no autumn-and-spring rate).
    assert autumn["suspension_rate"]["national"] == 4.13
    assert autumn["suspension_rate"]["national_basis"] == "latest published: 2023-24, autumn term"
    spring = _figures(leader, SPRING, urn)
    assert spring["suspension_rate"]["national"] is None
    assert "whole year" in spring["suspension_rate"]["national_basis"]
    # No autumn-term permanent-exclusion rate shipped: none, never the full year's.
    assert autumn["permanent_exclusion_rate"]["national"] is None
    assert summer["suspension_rate"]["national"] == 11.31
    assert summer["suspension_rate"]["national_basis"] == "latest published: 2023-24"
    # No exclusions upload: no figure, never 0.
    assert _figures(leader, SUMMER, tw.academies[1].urn) == {}


def test_the_kpi_page_shows_the_rates_with_dfes_definition_and_source(seeded, client_for):
    tw = seeded
    leader = client_for(tw.user(Role.TRUST_LEADER))
    page = leader.get(f"/t/alpha/kpis/{tw.academies[0].urn}/", {"term": SUMMER})
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    rate = text[text.index("Suspensions per 100 pupils Definition") :]
    assert "Summer term 2025-26 20.0" in rate
    assert "National 11.31 (latest published: 2023-24): 8.7 points above national (worse)" in rate
    assert "Source: DfE, Suspensions and permanent exclusions in England" in rate
    permanent = text[text.index("Permanent exclusions per 100 pupils Definition") :]
    assert "Summer term 2025-26 5.0" in permanent


def test_the_governor_report_glossary_defines_them(seeded):
    tw = seeded
    with tw.scope():
        report = report_generate(
            report=report_request(
                actor=None, trust=tw.trust, term_code=SUMMER, academy=tw.academies[0], enqueue=False
            )
        )
        with report.pdf.open("rb") as fh:
            reader = PdfReader(io.BytesIO(fh.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Suspensions per 100 pupils" in text
    assert "number of suspensions divided by the number of pupils, times 100" in text


def test_small_rolls_are_suppressed_like_every_figure():
    """Five pupils on roll: the pure engine gives the figure; the selector hides it (n <= 5)."""
    facts = [
        PupilFacts(
            "9",
            False,
            "",
            False,
            "M",
            "",
            {
                ("exclusions", "reported"): ("Y", None),
                ("exclusions", "suspensions"): ("1", 1.0 if n == 0 else 0.0),
                ("exclusions", "permanent"): ("0", 0.0),
            },
        )
        for n in range(5)
    ]
    figure = compute(KPIS["suspension_rate"], facts, "all")
    assert (figure.value, figure.cohort) == (20.0, 5)
    for code in CODES:
        assert DEFINITIONS[code][1].startswith("DfE, Suspensions and permanent exclusions")
