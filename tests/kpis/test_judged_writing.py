"""Writing KPIs from teacher judgements against the trust's frameworks: % working at the expected
standard or above (EXS+) and % at greater depth (GDS), by pupil group and year group, with the
share from scaffolded work only, through the same store, disclosure control, page and API."""

from __future__ import annotations

import pytest

from assessment.frameworks.models import TeacherJudgement
from assessment.frameworks.services import judgement_record
from assessment.kpis.selectors import kpi_figures_for
from tests.frameworks.test_frameworks import published
from tests.kpis.data import pupil, pupils, term
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
TERM = "2025-26-summer"


def judged(tw, levels, year="4", scaffolded=(), academy=None):
    """levels: {n: "WTS" | "EXS" | "GDS"}, written straight to the model (the grid and upload
    have their own tests); pupils in `scaffolded` were judged from scaffolded work only."""
    version = published(tw, year=year)
    t = term(tw, TERM)
    with tw.scope():
        for n, level in levels.items():
            TeacherJudgement.objects.create(
                trust=tw.trust,
                pupil=pupil(tw, n),
                academy=academy or tw.academies[0],
                term=t,
                subject="writing",
                year_group=year,
                version=version,
                independence="scaffolded" if n in scaffolded else "independent",
                proposed=level,
                level=level,
            )
    return version


def by(figures, code, group="all", academy_id=None):
    return next(
        f for f in figures if f.kpi_code == code and f.group == group and f.academy_id == academy_id
    )


def twelve_in_year_4(tw):
    """Pupils 1-6 disadvantaged, 7-12 not; odd boys, even girls. 1-3 WTS, 4-9 EXS, 10-12 GDS;
    1 and 2 judged from scaffolded work only."""
    pupils(tw, [(n, "4", n <= 6, "M" if n % 2 else "F", "middle") for n in range(1, 13)])
    levels = {n: "WTS" if n <= 3 else "EXS" if n <= 9 else "GDS" for n in range(1, 13)}
    return judged(tw, levels, scaffolded={1, 2})


def test_exs_plus_and_gds_by_group_and_year_group_hand_computed(world):
    tw = world.a
    twelve_in_year_4(tw)
    a = tw.academies[0].pk
    groups = ["all", "disadvantaged", "non_disadvantaged", "boys", "girls"]
    with tw.scope():
        figures = kpi_figures_for(trust_id=tw.trust.pk, term_codes=[TERM], groups=groups)
    # All: 9 of 12 at EXS or GDS = 75.0%; 3 of 12 at GDS = 25.0%.
    exs = by(figures, "writing_judged_exs", academy_id=a)
    assert (exs.value, exs.cohort) == (75.0, 12)
    assert by(figures, "writing_judged_gds", academy_id=a).value == 25.0
    # Disadvantaged (1-6): 4, 5, 6 at EXS = 50.0%, none at GDS; not disadvantaged (7-12): all
    # at EXS or above = 100.0%, 10-12 at GDS = 50.0%.
    assert by(figures, "writing_judged_exs", "disadvantaged", a).value == 50.0
    assert by(figures, "writing_judged_gds", "disadvantaged", a).value == 0.0
    assert by(figures, "writing_judged_exs", "non_disadvantaged", a).value == 100.0
    assert by(figures, "writing_judged_gds", "non_disadvantaged", a).value == 50.0
    # Boys (odd: 1,3 WTS; 5,7,9 EXS; 11 GDS) = 4 of 6 = 66.7%; girls (2 WTS; 4,6,8 EXS; 10,12
    # GDS) = 5 of 6 = 83.3%.
    assert by(figures, "writing_judged_exs", "boys", a).value == 66.7
    assert by(figures, "writing_judged_exs", "girls", a).value == 83.3
    # The scaffolded share labels them: 2 of 12 = 16.7%.
    assert by(figures, "writing_judged_scaffolded", academy_id=a).value == 16.7
    # By year group: Year 4's breakdown is the same pupils; no other year group has a figure.
    assert by(figures, "writing_judged_exs_y4", academy_id=a).value == 75.0
    assert by(figures, "writing_judged_gds_y4", academy_id=a).value == 25.0
    assert not [f for f in figures if f.kpi_code == "writing_judged_exs_y6"]
    # The trust-wide figure is worked out from the pupils (only academy 0 has any).
    assert by(figures, "writing_judged_exs").value == 75.0


def test_a_grid_save_changes_the_stored_figures(world):
    """The class grid's autosave invalidates the stored figures: the next reader sees it."""
    tw = world.a
    version = twelve_in_year_4(tw)
    with tw.scope():
        before = kpi_figures_for(trust_id=tw.trust.pk, term_codes=[TERM])
        assert by(before, "writing_judged_exs", academy_id=tw.academies[0].pk).value == 75.0
        codes = [c for c, level in version.statement_levels() if level == "EXS"]
        judgement_record(
            actor=tw.user(Role.SCHOOL_STAFF),
            academy=tw.academies[0],
            term=term(tw, TERM),
            pupil=pupil(tw, 1),
            subject="writing",
            year_group="4",
            secure=codes,
        )
        after = kpi_figures_for(trust_id=tw.trust.pk, term_codes=[TERM])
    # Pupil 1 now at EXS: 10 of 12 = 83.3%.
    assert by(after, "writing_judged_exs", academy_id=tw.academies[0].pk).value == 83.3


def test_small_groups_and_their_complements_are_suppressed(world):
    tw = world.a
    # Twelve Year 4 pupils, three disadvantaged: the disadvantaged figure is from 5 or fewer
    # pupils, and its complement would give it away by subtraction from all pupils.
    pupils(tw, [(n, "4", n <= 3, "M" if n % 2 else "F", "middle") for n in range(1, 13)])
    judged(tw, {n: "EXS" if n % 3 else "GDS" for n in range(1, 13)})
    # Four Year 6 pupils judged at the same academy: every figure of theirs is too small.
    pupils(tw, [(n, "6", False, "M" if n % 2 else "F", "middle") for n in range(21, 25)])
    judged(tw, {n: "EXS" for n in range(21, 25)}, year="6")
    a = tw.academies[0].pk
    with tw.scope():
        figures = kpi_figures_for(
            trust_id=tw.trust.pk,
            term_codes=[TERM],
            groups=["all", "disadvantaged", "non_disadvantaged"],
        )
    dis = by(figures, "writing_judged_exs", "disadvantaged", a)
    rest = by(figures, "writing_judged_exs", "non_disadvantaged", a)
    assert dis.suppressed and dis.value is None and dis.cohort == 0
    assert dis.suppression == "primary"
    assert rest.suppressed and rest.value is None and rest.cohort == 0
    assert by(figures, "writing_judged_exs", academy_id=a).value is not None
    y6 = by(figures, "writing_judged_exs_y6", academy_id=a)
    assert y6.suppressed and y6.value is None and y6.cohort == 0
    # 16 pupils: the headline is shown.
    headline = by(figures, "writing_judged_exs", academy_id=a)
    assert headline.cohort == 16 and not headline.suppressed


def test_academy_page_and_api_show_the_judged_writing_figures(world, client_for):
    tw = world.a
    twelve_in_year_4(tw)
    academy = tw.academies[0]
    staff = client_for(tw.user(Role.SCHOOL_STAFF))
    page = staff.get(f"/t/{tw.slug}/kpis/{academy.urn}/?term={TERM}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Writing: expected standard or above (EXS+), teacher judgement (trust framework)" in html
    assert "Writing: greater depth (GDS), teacher judgement (trust framework)" in html
    assert "Year 4 writing: expected standard or above (EXS+)" in html
    assert "Writing judgements from scaffolded work only" in html
    assert "75.0%" in html and "16.7%" in html
    assert "The trust&#x27;s own in-year measure from its writing frameworks" in html
    api = staff.get(
        f"/api/v1/t/{tw.slug}/kpis/", {"kpi": "writing_judged_exs", "term": TERM, "group": "all"}
    )
    assert api.status_code == 200, api.content
    mine = [r for r in api.json()["results"] if r["urn"] == academy.urn]
    assert mine and mine[0]["value"] == 75.0 and mine[0]["cohort"] == 12
    # The other trust's page of the same academy is not found; its API has no such figures.
    other = client_for(world.b.user(Role.TRUST_ADMIN))
    assert other.get(f"/t/{world.b.slug}/kpis/{academy.urn}/").status_code == 404
    theirs = other.get(
        f"/api/v1/t/{world.b.slug}/kpis/", {"kpi": "writing_judged_exs", "term": TERM}
    )
    assert theirs.status_code == 200 and theirs.json()["results"] == []
