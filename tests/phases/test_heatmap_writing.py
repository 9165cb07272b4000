"""The heat map's writing columns from teacher judgements (EXS+, GDS, labelled with the share from
scaffolded work only) and its "assessment accuracy" cell from moderation agreement."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment.contracts import KpiFigure
from assessment.frameworks.services import moderation_agreement_replace
from assessment.services import term_get_or_create
from moderation.models import SampleItem
from moderation.services import item_agree, review_submit, round_close
from phases.heatmap import ACCURACY_COLUMN, CellKind, CellState, columns
from phases.heatmap_rules import AccuracyEvidence, accuracy_cell, heatmap_row
from phases.models import HeatmapRow
from phases.pipeline import recompute_run
from phases.rules import DEFAULT_SETTINGS
from tests.kpis.test_judged_writing import TERM, twelve_in_year_4
from tests.moderation.helpers import open_round
from trust_si.accounts.roles import Role

SETTINGS = {**DEFAULT_SETTINGS, "min_cohort": 5}


def test_columns_take_the_headline_writing_kpis_and_the_accuracy_cell():
    codes = [c.code for c in columns()]
    assert "writing_judged_exs" in codes and "writing_judged_gds" in codes
    # Year-group breakdowns and the scaffolded share are not columns of their own.
    assert not [c for c in codes if c.startswith("writing_judged_exs_y")]
    assert "writing_judged_scaffolded" not in codes
    accuracy = next(c for c in columns() if c.code == ACCURACY_COLUMN)
    assert accuracy.kind is CellKind.ACCURACY and accuracy.label == "Assessment accuracy"


def test_accuracy_cell_in_words_with_a_small_sample_warning():
    cell = accuracy_cell(TERM, AccuracyEvidence("Summer writing", TERM, 20, 17, 2, 1))
    assert cell.state is CellState.VALUE and cell.level == 3
    assert cell.rating == "Mostly accurate: 17 of 20 agreed (85%)"
    assert cell.display == "85%" and cell.cohort == 20
    assert "Summer term 2025-26" in cell.note
    assert (
        "the school's judgement was 2 times above the moderated one (generous) and once "
        "below it (severe)"
    ) in cell.note
    severe = accuracy_cell(TERM, AccuracyEvidence("Summer writing", TERM, 20, 18, 0, 2))
    assert "the school's judgement was 2 times below the moderated one (severe)" in severe.note
    small = accuracy_cell(TERM, AccuracyEvidence("Summer writing", TERM, 6, 6))
    assert small.rating.startswith("Accurate: 6 of 6 agreed (100%)")
    assert "small sample (fewer than 10 pieces), read with care" in small.rating
    weak = accuracy_cell(TERM, AccuracyEvidence("Summer writing", TERM, 12, 7))
    assert weak.level == 1 and weak.rating.startswith("Inaccurate: 7 of 12 agreed (58%)")
    none = accuracy_cell(TERM, None)
    assert none.state is CellState.NONE and none.rating == "Not moderated yet"
    # An earlier year's round is shown, and labelled so.
    old = accuracy_cell(TERM, AccuracyEvidence("Last summer", "2024-25-summer", 20, 18))
    assert old.stale and "an earlier year's round" in old.note
    # No round before it: no trend.
    assert cell.trend is None


def test_accuracy_trend_against_the_schools_round_before():
    spring = AccuracyEvidence("Spring writing", "2025-26-spring", 10, 6)
    up = accuracy_cell(TERM, AccuracyEvidence("Summer writing", TERM, 20, 17, previous=spring))
    # 85% now against 60% in spring: up 25 points, better.
    assert up.trend is not None and up.trend.better is True
    assert up.trend.text == "up 25 pts on Spring writing (Spring term 2025-26) (better)"
    down = accuracy_cell(TERM, AccuracyEvidence("Summer writing", TERM, 10, 5, previous=spring))
    assert down.trend is not None and down.trend.better is False
    assert down.trend.text == "down 10 pts on Spring writing (Spring term 2025-26) (worse)"
    level = accuracy_cell(TERM, AccuracyEvidence("Summer writing", TERM, 20, 12, previous=spring))
    assert level.trend is not None and level.trend.text.startswith("level with Spring writing")


def _figure(code, value, cohort=12):
    return KpiFigure(
        academy_id=1,
        kpi_code=code,
        label=code,
        key_stage="all",
        subject="writing",
        group="all",
        term_code=TERM,
        value=value,
        cohort=cohort,
        suppressed=False,
        national=None,
        national_year=None,
        target=None,
        unit="%",
        direction="higher",
    )


def test_judged_writing_cells_are_labelled_with_the_scaffolded_share():
    figures = [
        _figure("writing_judged_exs", 75.0),
        _figure("writing_judged_gds", 25.0),
        _figure("writing_judged_scaffolded", 16.7),
    ]
    cells = {
        c.column: c
        for c in heatmap_row(
            term=TERM,
            figures=figures,
            previous=None,
            judgements=[],
            p8=None,
            teaches_ks4=False,
            today=dt.date(2026, 7, 20),
            settings=SETTINGS,
        )
    }
    exs = cells["writing_judged_exs"]
    assert (
        exs.display == "75.0%" and exs.note == "16.7% of these judgements from scaffolded work only"
    )
    assert cells["writing_judged_gds"].note == exs.note
    assert cells[ACCURACY_COLUMN].rating == "Not moderated yet"


@pytest.mark.django_db
def test_recomputed_map_shows_judged_writing_and_accuracy_with_text(world, client_for):
    tw = world.a
    twelve_in_year_4(tw)
    round_ = open_round(tw)
    admin, leader = tw.user(Role.TRUST_ADMIN), tw.user(Role.TRUST_LEADER)
    first = tw.academies[0]
    with tw.scope():
        items = list(SampleItem.objects.filter(round=round_).order_by("number"))
        mine = [i for i in items if i.academy_id == first.pk]
        lower = {"GDS": "EXS", "EXS": "WTS"}
        # The admin agrees with every piece of the first school but one, which the leader settles
        # one level lower (the school was generous).
        disputed = next(i for i in mine if i.school_level in lower)
        for item in items:
            level = lower[item.school_level] if item == disputed else item.school_level
            review_submit(actor=admin, item=item, level=level, secure=[])
        item_agree(actor=leader, item=disputed, level=lower[disputed.school_level], reason="Met")
        round_close(actor=leader, round_=round_)
        # The school's round before this one (spring): 3 of 6 agreed.
        moderation_agreement_replace(
            trust_id=tw.trust.pk,
            round_ref=round_.pk + 1000,
            round_name="Spring writing",
            term=term_get_or_create(trust=tw.trust, code="2025-26-spring"),
            subject="writing",
            rows={first.pk: (6, 3, 3, 0)},
        )
        recompute_run(trust=tw.trust, term=TERM)
        row = HeatmapRow.objects.get(trust=tw.trust, academy=first, term_code=TERM, group="all")
    cells = {c.column: c for c in row.cell_list()}
    exs = cells["writing_judged_exs"]
    assert exs.state is CellState.VALUE and exs.value == 75.0 and exs.cohort == 12
    assert exs.note == "16.7% of these judgements from scaffolded work only"
    accuracy = cells[ACCURACY_COLUMN]
    n = len(mine)
    assert f"{n - 1} of {n} agreed ({100 * (n - 1) / n:.0f}%)" in accuracy.rating
    assert "small sample" in accuracy.rating  # fewer than 10 pieces per school
    assert "once above the moderated one (generous)" in accuracy.note
    # Against the spring round's 50%: better, in words, kept through the stored row.
    change = 100 * (n - 1) / n - 50
    assert accuracy.trend is not None and accuracy.trend.better is True
    assert accuracy.trend.text == (
        f"up {change:.0f} pts on Spring writing (Spring term 2025-26) (better)"
    )
    # The page shows the column and the cell's words; the cell's detail names its rule.
    officer = client_for(tw.user(Role.TRUST_LEADER))
    page = officer.get(f"/t/{tw.slug}/heatmap/", {"term": TERM}).content.decode()
    assert "Assessment accuracy" in page and f"{n - 1} of {n} agreed" in page
    assert "Writing EXS+ (judged)" in page and "75.0%" in page
    detail = officer.get(
        f"/t/{tw.slug}/heatmap/cells/{first.urn}/{ACCURACY_COLUMN}/", {"term": TERM}
    )
    assert detail.status_code == 200
    assert "no national standard for moderation agreement" in detail.content.decode()
    assert f"up {change:.0f} pts on Spring writing" in detail.content.decode()
    # The other trust cannot read the cell.
    other = client_for(world.b.user(Role.TRUST_ADMIN))
    assert (
        other.get(f"/t/{world.b.slug}/heatmap/cells/{first.urn}/{ACCURACY_COLUMN}/").status_code
        == 404
    )
