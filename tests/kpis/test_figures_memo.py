"""The demo's reports share one working-out of the KPI table: the answers must be the same."""

from __future__ import annotations

import pytest

from assessment.kpis.selectors import kpi_figures_for, kpi_figures_memo
from phases.pipeline import recompute_run
from tests.reporting.data import seed_attendance

TERM = "2025-26-spring"


@pytest.mark.django_db
def test_the_memo_answers_exactly_as_the_table_worked_out_afresh(world):
    tw = world.a
    with tw.scope():
        for academy, count, prefix in ((tw.academies[0], 30, "A"), (tw.academies[1], 4, "B")):
            seed_attendance(
                academy=academy,
                term_code=TERM,
                pupils=[
                    {
                        "upn": f"{prefix}{i:012d}",
                        "year_group": "4",
                        "disadvantaged": i < 3,
                        "sex": "M" if i % 2 else "F",
                        "possible": 100,
                        "missed": 3 * i % 17,
                    }
                    for i in range(count)
                ],
            )
        recompute_run(trust=tw.trust)
        groups = ("all", "disadvantaged", "non_disadvantaged", "boys", "girls")
        questions = [
            {"academy_ids": [tw.academies[0].pk]},
            {"academy_ids": [tw.academies[1].pk]},
            {"academy_ids": None},
            {"academy_ids": None, "by_education": True},
            {"academy_ids": [tw.academies[1].pk], "term_codes": [TERM]},
            # One academy's own rows (its KPI page): the trust's rows left out.
            {"academy_ids": [tw.academies[0].pk], "trust_row": False},
            {"academy_ids": None, "trust_row": False},
        ]
        fresh = [kpi_figures_for(trust_id=tw.trust.pk, groups=groups, **q) for q in questions]
        assert any(f.suppressed for f in fresh[1]) and any(not f.suppressed for f in fresh[0])
        with kpi_figures_memo():
            memoized = [
                kpi_figures_for(trust_id=tw.trust.pk, groups=groups, **q) for q in questions
            ]
            again = kpi_figures_for(trust_id=tw.trust.pk, groups=groups, **questions[0])
    assert memoized == fresh
    assert again == fresh[0]
    # Without the trust's rows: exactly the academies' rows of the answer with them.
    assert fresh[5] == [f for f in fresh[0] if f.academy_id == tw.academies[0].pk] != []
    assert fresh[6] == [f for f in fresh[2] if f.academy_id is not None]
