"""KPI figures are stored at recompute and read by every page (issue 17): the stored figures
must be exactly the figures worked out afresh, never hold a suppressed count, and follow every
change of the data they come from."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from academies.models import Academy
from assessment.kpis.catalogue import GROUPS
from assessment.kpis.figures import kpi_figures_compute
from assessment.kpis.models import KpiFigureCell, KpiFigureSet
from assessment.kpis.selectors import PAGE_GROUPS, kpi_figures_for
from assessment.kpis.store import kpi_figures_invalidate
from assessment.models import Term
from phases.pipeline import recompute_run
from tests.reporting.data import seed_attendance
from trust_si.site import demo
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

TERM = "2025-26-spring"


@pytest.mark.django_db
def test_the_stored_figures_are_the_computed_figures_over_the_whole_demo(settings):
    settings.TRUST_SI_DEMO_PASSWORD = "demo"
    hooks = demo.DEMO_HOOKS
    demo.DEMO_HOOKS = [demo.academies_demo, demo.assessment_demo, demo.phases_demo]
    try:
        call_command("seed_demo", stdout=StringIO())
    finally:
        demo.DEMO_HOOKS = hooks
    trust = Trust.objects.get(slug="northmoor")
    with trust_scope(trust):
        # The demo's recompute stored them: a page reads, it does not work them out.
        assert KpiFigureSet.objects.get(trust=trust).built
        terms = [t.code for t in Term.objects.filter(trust=trust)]
        academy_ids = list(
            Academy.objects.filter(trust=trust, is_active=True).values_list("pk", flat=True)
        )
        questions = [
            {"groups": GROUPS, "by_education": True},  # every KPI, term, group and unit
            {"groups": GROUPS},
            *({"term_codes": [t], "groups": ["all"], "by_education": True} for t in terms),
            *({"academy_ids": [a], "groups": PAGE_GROUPS} for a in academy_ids),
            {"academy_ids": academy_ids[:2], "term_codes": terms[-1:], "groups": ["girls"]},
            {"term_codes": ["not-a-term"]},
        ]
        for question in questions:
            stored = kpi_figures_for(trust_id=trust.pk, **question)
            computed = kpi_figures_compute(trust_id=trust.pk, **question)
            assert stored == computed, question
        whole = kpi_figures_for(trust_id=trust.pk, groups=GROUPS, by_education=True)
        assert any(f.suppressed for f in whole) and any(not f.suppressed for f in whole)
        assert KpiFigureCell.objects.filter(trust=trust).count() == len(whole)
        # No stored row of a suppressed figure carries its count or its value.
        hidden = KpiFigureCell.objects.filter(trust=trust).exclude(suppression="")
        assert hidden.exists()
        assert not hidden.exclude(cohort=0).exists()
        assert not hidden.filter(value__isnull=False).exists()


def _pupils(prefix: str, count: int) -> list[dict]:
    return [
        {
            "upn": f"{prefix}{i:012d}",
            "year_group": "4",
            "disadvantaged": i < 3,
            "sex": "M" if i % 2 else "F",
            "possible": 100,
            "missed": 3 * i % 17,
        }
        for i in range(count)
    ]


def _absence(trust_id: int, academy_id: int) -> float | None:
    [figure] = [
        f
        for f in kpi_figures_for(trust_id=trust_id, academy_ids=[academy_id], term_codes=[TERM])
        if f.academy_id == academy_id and f.kpi_code == "absence"
    ]
    return figure.value


@pytest.mark.django_db
def test_a_fresh_trust_builds_its_figures_on_first_read_and_a_data_change_rebuilds_them(world):
    tw = world.a
    first, second = tw.academies[0], tw.academies[1]
    with tw.scope():
        seed_attendance(academy=first, term_code=TERM, pupils=_pupils("A", 30))
        seed_attendance(academy=second, term_code=TERM, pupils=_pupils("B", 12))
        assert not KpiFigureSet.objects.filter(trust=tw.trust).exists()
        before = _absence(tw.trust.pk, first.pk)
        assert KpiFigureSet.objects.get(trust=tw.trust).built  # the read stored them
        assert before is not None
        # More pupils, recorded as an upload's commit records them: stale figures are not read.
        seed_attendance(academy=first, term_code=TERM, pupils=_pupils("C", 10))
        kpi_figures_invalidate(trust_id=tw.trust.pk)
        after = _absence(tw.trust.pk, first.pk)
        assert after != before
        assert kpi_figures_for(trust_id=tw.trust.pk, groups=GROUPS) == kpi_figures_compute(
            trust_id=tw.trust.pk, groups=GROUPS
        )


@pytest.mark.django_db
def test_a_higher_disclosure_threshold_rebuilds_the_stored_figures(world):
    tw = world.a
    academy = tw.academies[0]
    with tw.scope():
        seed_attendance(academy=academy, term_code=TERM, pupils=_pupils("A", 12))
        seed_attendance(academy=tw.academies[1], term_code=TERM, pupils=_pupils("B", 30))
        recompute_run(trust=tw.trust)
        shown = _absence(tw.trust.pk, academy.pk)
        assert shown is not None
        Trust.objects.filter(pk=tw.trust.pk).update(min_cohort=15)
        # Nothing told the store: its basis (the threshold) no longer matches, so it is rebuilt.
        assert _absence(tw.trust.pk, academy.pk) is None
        assert kpi_figures_for(trust_id=tw.trust.pk, groups=GROUPS) == kpi_figures_compute(
            trust_id=tw.trust.pk, groups=GROUPS
        )


@pytest.mark.django_db
def test_a_changed_threshold_makes_the_data_version_out_of_date(world):
    """The readers read the threshold with the figure set's row (issue 17): a change of it
    still makes the stored figures out of date, for the cache keys as for the pages."""
    from assessment.kpis.store import data_version, kpi_figures_rebuild

    tw = world.a
    with tw.scope():
        seed_attendance(academy=tw.academies[0], term_code=TERM, pupils=_pupils("A", 12))
        kpi_figures_rebuild(trust_id=tw.trust.pk)
        assert data_version(tw.trust.pk)
        Trust.objects.filter(pk=tw.trust.pk).update(min_cohort=15)
        assert data_version(tw.trust.pk) is None
        Trust.objects.filter(pk=tw.trust.pk).update(min_cohort=5)
        assert data_version(tw.trust.pk)
