"""KPI engine: values on hand-built pupils, suppression in the page and the export."""

from __future__ import annotations

import pytest

from assessment.kpis.catalogue import KPIS, PupilFacts, compute
from assessment.kpis.national import benchmark_for, load_benchmarks
from assessment.kpis.selectors import kpi_figures_for
from assessment.services import (
    term_get_or_create,
    upload_confirm_now,
    upload_create,
    upload_validate,
)
from trust_si.accounts.roles import Role


def pupil(yg="6", dis=False, sex="F", results=None, possible=0, missed=0):
    return PupilFacts(yg, dis, "", False, sex, "middle", results or {}, possible, missed)


def test_ks2_combined_needs_all_three():
    rwm = KPIS["ks2_rwm_exp"]
    meets = pupil(
        results={
            ("reading", "scaled_score"): ("104", 104.0),
            ("writing", "ta"): ("EXS", None),
            ("maths", "scaled_score"): ("100", 100.0),
        }
    )
    misses = pupil(
        results={
            ("reading", "scaled_score"): ("99", 99.0),
            ("writing", "ta"): ("GDS", None),
            ("maths", "scaled_score"): ("110", 110.0),
        }
    )
    no_data = pupil(results={})
    figure = compute(rwm, [meets, misses, no_data], "all")
    assert (figure.value, figure.cohort) == (50.0, 2)


def test_groups_and_absence():
    pupils = [
        pupil(dis=True, possible=100, missed=12),
        pupil(dis=False, possible=100, missed=2),
        pupil(dis=False, sex="M", possible=100, missed=4),
    ]
    assert compute(KPIS["absence"], pupils, "all").value == pytest.approx(6.0)
    assert compute(KPIS["persistent_absence"], pupils, "disadvantaged").value == 100.0
    assert compute(KPIS["persistent_absence"], pupils, "non_disadvantaged").value == 0.0
    assert compute(KPIS["persistent_absence"], pupils, "boys").cohort == 1


def test_benchmarks_are_data_with_their_year():
    benchmarks = load_benchmarks()
    assert benchmark_for(benchmarks, "ks2_rwm_exp", "2024-25") == ("2024-25", 62.0)
    assert benchmark_for(benchmarks, "ks2_rwm_exp", "2025-26") == (
        "2024-25",
        62.0,
    )  # latest earlier
    assert benchmark_for(benchmarks, "ks2_rwm_exp", "2018-19") == ("2018-19", 65.0)


def _commit(tw, kind, text):
    with tw.scope():
        term = term_get_or_create(trust=tw.trust, code="2025-26-summer")
        upload = upload_create(
            actor=tw.user(Role.SCHOOL_STAFF),
            academy=tw.academies[0],
            term=term,
            kind=kind,
            name=f"{kind}.csv",
            content=text.encode(),
        )
        upload = upload_validate(upload=upload)
        assert upload.status == "valid", upload.errors
        return upload_confirm_now(actor=tw.user(Role.SCHOOL_STAFF), upload=upload)


@pytest.mark.django_db
def test_small_groups_are_suppressed_in_figures_page_and_export(world, client_for):
    upns = [f"A{n:012d}" for n in range(1, 9)]
    # Eight Year 6 pupils, of whom four are disadvantaged: the disadvantaged figure is suppressed.
    _commit(
        world.a,
        "pupils",
        "upn,year_group,disadvantaged,send,eal,sex,prior_band\n"
        + "".join(f"{u},6,{'Y' if i < 4 else 'N'},N,N,F,middle\n" for i, u in enumerate(upns)),
    )
    _commit(
        world.a,
        "attendance",
        "upn,sessions_possible,sessions_missed\n"
        + "".join(f"{u},100,{i * 2}\n" for i, u in enumerate(upns)),
    )
    with world.a.scope():
        figures = kpi_figures_for(
            trust_id=world.a.trust.pk,
            term_codes=["2025-26-summer"],
            groups=["all", "disadvantaged"],
        )
    by = {(f.academy_id, f.kpi_code, f.group): f for f in figures}
    everyone = by[(world.a.academies[0].pk, "absence", "all")]
    assert everyone.cohort == 8 and everyone.value == pytest.approx(7.0) and not everyone.suppressed
    small = by[(world.a.academies[0].pk, "absence", "disadvantaged")]
    # The cohort of a suppressed figure never leaves the selector.
    assert small.suppressed and small.value is None and small.cohort == 0
    assert small.suppression == "primary"
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    page = leader.get(
        "/t/alpha/kpis/", {"term": "2025-26-summer", "group": "disadvantaged"}
    ).content.decode()
    assert "suppressed (5 or fewer pupils, or would reveal them)" in page
    export = leader.get(
        "/t/alpha/kpis/export.csv", {"term": "2025-26-summer", "group": "disadvantaged"}
    )
    assert "suppressed (5 or fewer pupils, or would reveal them)" in export.content.decode(
        "utf-8-sig"
    )
    # A trust may not lower the threshold below DfE's 5: at 3 the group of four stays hidden.
    world.a.trust.min_cohort = 3
    world.a.trust.save()
    with world.a.scope():
        figures = kpi_figures_for(
            trust_id=world.a.trust.pk, term_codes=["2025-26-summer"], groups=["disadvantaged"]
        )
    shown = next(
        f for f in figures if f.academy_id == world.a.academies[0].pk and f.kpi_code == "absence"
    )
    assert shown.suppressed and shown.value is None


def _ks4(**grades):
    results = {(s, "gcse_grade"): (str(g), float(g)) for s, g in grades.items()}
    return pupil(yg="11", results=results)


def test_english_and_maths_follow_dfe_language_or_literature_and_every_pupil():
    pupils = [
        _ks4(english_language=5, maths=5),  # 4+ and 5+
        _ks4(english_language=3, english_literature=4, maths=4),  # 4+ through literature
        _ks4(english_language=4, english_literature=6, maths=5),  # 5+ through literature
        _ks4(maths=2),  # no English grade: in the denominator, not met
    ]
    em4, em5 = compute(KPIS["ks4_em4"], pupils, "all"), compute(KPIS["ks4_em5"], pupils, "all")
    assert (em4.value, em4.cohort) == (75.0, 4)
    assert (em5.value, em5.cohort) == (50.0, 4)
    # Attainment 8: the average over every pupil at the end of KS4 (no score counts 0).
    att8 = [
        pupil(yg="11", results={("attainment8", "att8"): ("50", 50.0)}),
        pupil(yg="11", results={("attainment8", "att8"): ("40", 40.0)}),
        _ks4(maths=4),
    ]
    figure = compute(KPIS["ks4_att8"], att8, "all")
    assert (figure.value, figure.cohort) == (30.0, 3)
    # Before any KS4 result arrives there is no figure (not 0%).
    assert compute(KPIS["ks4_em4"], [pupil(yg="11")] * 8, "all").cohort == 0
