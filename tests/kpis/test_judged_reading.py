"""Reading KPIs from teacher judgements against the trust's reading frameworks (seed 000:
"implement a similar process for reading"): % EXS+ and % GDS by pupil group and year group,
through the same store and disclosure control as writing, on the KPI page and the heat map."""

from __future__ import annotations

import pytest

from assessment.frameworks.models import TeacherJudgement
from assessment.frameworks.services import (
    framework_create,
    starter_apply,
    version_draft_create,
    version_publish,
)
from assessment.frameworks.starters import YEAR_6
from assessment.kpis.selectors import kpi_figures_for
from phases.heatmap import columns
from tests.kpis.data import pupil, pupils, term
from tests.kpis.test_judged_writing import by
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db
TERM = "2025-26-summer"


def reading_judged(tw, levels, year="5"):
    """A published reading framework for the year group (the model takes reading unchanged)
    and the given judgements {n: level}, written straight to the model."""
    t = term(tw, TERM)
    with tw.scope():
        framework = framework_create(actor=None, trust=tw.trust, subject="reading", year_group=year)
        version = version_draft_create(actor=None, framework=framework)
        starter_apply(actor=None, version=version, starter=YEAR_6)
        version = version_publish(actor=tw.user(Role.TRUST_ADMIN), version=version)
        for n, level in levels.items():
            TeacherJudgement.objects.create(
                trust=tw.trust,
                pupil=pupil(tw, n),
                academy=tw.academies[0],
                term=t,
                subject="reading",
                year_group=year,
                version=version,
                independence="independent",
                proposed=level,
                level=level,
            )


def test_reading_exs_plus_and_gds_hand_computed_and_small_groups_suppressed(world, client_for):
    tw = world.a
    # Twelve Year 5 pupils, 1-4 disadvantaged (4 pupils: too few to show, and so is the
    # complement, which would give them away). 1-2 WTS, 3-8 EXS, 9-12 GDS.
    pupils(tw, [(n, "5", n <= 4, "M" if n % 2 else "F", "middle") for n in range(1, 13)])
    reading_judged(tw, {n: "WTS" if n <= 2 else "EXS" if n <= 8 else "GDS" for n in range(1, 13)})
    a = tw.academies[0].pk
    with tw.scope():
        figures = kpi_figures_for(
            trust_id=tw.trust.pk,
            term_codes=[TERM],
            groups=["all", "disadvantaged", "non_disadvantaged", "boys", "girls"],
        )
    # 10 of 12 at EXS or GDS = 83.3%; 4 of 12 at GDS = 33.3%.
    exs = by(figures, "reading_judged_exs", academy_id=a)
    assert (exs.value, exs.cohort) == (83.3, 12)
    assert by(figures, "reading_judged_gds", academy_id=a).value == 33.3
    # Boys (odd: 1 WTS; 3,5,7 EXS; 9,11 GDS) = 5 of 6 = 83.3%; girls GDS (10, 12) = 33.3%.
    assert by(figures, "reading_judged_exs", "boys", a).value == 83.3
    assert by(figures, "reading_judged_gds", "girls", a).value == 33.3
    dis = by(figures, "reading_judged_exs", "disadvantaged", a)
    rest = by(figures, "reading_judged_exs", "non_disadvantaged", a)
    assert dis.suppressed and dis.value is None and dis.suppression == "primary"
    assert rest.suppressed and rest.value is None
    # The year-group breakdown is the same pupils; writing has no figure from reading.
    assert by(figures, "reading_judged_exs_y5", academy_id=a).value == 83.3
    assert not [f for f in figures if f.kpi_code.startswith("writing_judged") and f.academy_id]
    # The academy's KPI page names it and its source; the heat map has its columns.
    page = client_for(tw.user(Role.SCHOOL_STAFF)).get(
        f"/t/{tw.slug}/kpis/{tw.academies[0].urn}/?term={TERM}"
    )
    html = page.content.decode()
    assert "Reading: expected standard or above (EXS+), teacher judgement (trust framework)" in html
    assert "The trust&#x27;s own in-year measure from its reading frameworks" in html
    assert "83.3%" in html
    labels = {c.code: c.label for c in columns()}
    assert labels["reading_judged_exs"] == "Reading EXS+ (judged)"
    assert labels["reading_judged_gds"] == "Reading GDS (judged)"
    assert "reading_judged_exs_y5" not in labels
