"""The Progress 8 rule agrees with DfE's own banding for every banded school in the 2019 file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assessment.kpis.banding import P8Band, band_from_dfe_code, p8_band

KS4 = Path(__file__).resolve().parents[1] / "data" / "dfe" / "england_ks4provisional_2019.csv"


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def test_rule_matches_dfe_banding_for_every_banded_school():
    checked = 0
    with KS4.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["P8_BANDING"] not in {"1", "2", "3", "4", "5"}:
                continue
            score, lower, upper = (_number(row[k]) for k in ("P8MEA", "P8CILOW", "P8CIUPP"))
            assert p8_band(score, lower, upper) == band_from_dfe_code(row["P8_BANDING"]), row["URN"]
            checked += 1
    assert checked == 3551  # every school DfE banded 1-5 in the file


def test_suppressed_banding_stays_not_banded_even_with_a_score():
    with KS4.open(encoding="utf-8-sig") as fh:
        supp = [
            r
            for r in csv.DictReader(fh)
            if r["P8_BANDING"] == "SUPP" and _number(r["P8MEA"]) is not None
        ]
    assert supp
    for row in supp:
        assert (
            p8_band(
                _number(row["P8MEA"]),
                _number(row["P8CILOW"]),
                _number(row["P8CIUPP"]),
                suppressed=True,
            )
            == P8Band.NOT_BANDED
        )
        assert band_from_dfe_code(row["P8_BANDING"]) == P8Band.NOT_BANDED


@pytest.mark.parametrize(
    ("score", "lower", "upper", "band"),
    [
        (-0.50, -0.70, -0.30, P8Band.BELOW),  # exactly -0.50 is below, not well below
        (-0.51, -0.70, -0.30, P8Band.WELL_BELOW),
        (0.50, 0.30, 0.70, P8Band.WELL_ABOVE),  # exactly +0.50 is well above
        (0.49, 0.30, 0.70, P8Band.ABOVE),
        (0.20, 0.00, 0.40, P8Band.AVERAGE),  # a lower limit of exactly 0.00 is not above
        (-0.20, -0.40, 0.00, P8Band.AVERAGE),  # an upper limit of exactly 0.00 is not below
        (0.80, -0.10, 1.70, P8Band.AVERAGE),  # a wide interval containing 0
        (None, None, None, P8Band.NOT_BANDED),
    ],
)
def test_edges(score, lower, upper, band):
    assert p8_band(score, lower, upper) == band
