"""The heat map's "assessment accuracy" cell for reading: from the school's closed blind reading
rounds as writing's is from writing's, and a column only where a reading round exists."""

from __future__ import annotations

import pytest

from assessment.frameworks.services import moderation_agreement_replace
from assessment.services import term_get_or_create
from phases.heatmap import ACCURACY_COLUMN, READING_ACCURACY_COLUMN, CellState
from phases.models import HeatmapRow
from phases.pipeline import recompute_run
from tests.kpis.test_judged_writing import TERM, twelve_in_year_4
from trust_si.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _cells(tw, academy):
    with tw.scope():
        recompute_run(trust=tw.trust, term=TERM)
        row = HeatmapRow.objects.get(trust=tw.trust, academy=academy, term_code=TERM, group="all")
    return {c.column: c for c in row.cell_list()}


def test_a_reading_round_gives_the_school_a_reading_accuracy_cell(world, client_for):
    tw = world.a
    twelve_in_year_4(tw)
    first = tw.academies[0]
    leader = client_for(tw.user(Role.TRUST_LEADER))
    # No reading round: no reading accuracy column on the map.
    assert _cells(tw, first)[READING_ACCURACY_COLUMN].state is CellState.NONE
    page = leader.get(f"/t/{tw.slug}/heatmap/", {"term": TERM}).content.decode()
    assert "Reading accuracy" not in page
    with tw.scope():
        term = term_get_or_create(trust=tw.trust, code=TERM)
        # What a closed blind reading round publishes (moderation.services.round_close).
        moderation_agreement_replace(
            trust_id=tw.trust.pk,
            round_ref=501,
            round_name="Summer reading",
            term=term,
            subject="reading",
            rows={first.pk: (10, 9, 0, 1)},
        )
    cells = _cells(tw, first)
    reading = cells[READING_ACCURACY_COLUMN]
    assert reading.state is CellState.VALUE and reading.level == 4
    assert reading.rating == "Accurate: 9 of 10 agreed (90%)"
    assert reading.note == (
        "Summer reading, Summer term 2025-26; the school's judgement was once below the "
        "moderated one (severe)"
    )
    # Writing's cell does not read the reading round.
    assert cells[ACCURACY_COLUMN].rating == "Not moderated yet"
    page = leader.get(f"/t/{tw.slug}/heatmap/", {"term": TERM}).content.decode()
    assert "Reading accuracy" in page and "9 of 10 agreed" in page
    detail = leader.get(
        f"/t/{tw.slug}/heatmap/cells/{first.urn}/{READING_ACCURACY_COLUMN}/", {"term": TERM}
    )
    assert detail.status_code == 200
    assert "moderated reading judgements" in detail.content.decode()
    other = client_for(world.b.user(Role.TRUST_ADMIN))
    assert (
        other.get(
            f"/t/{world.b.slug}/heatmap/cells/{first.urn}/{READING_ACCURACY_COLUMN}/"
        ).status_code
        == 404
    )
