"""DfE's Progress 8 banding, from the score and its 95% confidence interval. Pure.

Checked against every banded school in DfE's 2019 KS4 file (tests/phases/test_banding.py).
"""

from __future__ import annotations

from enum import StrEnum


class P8Band(StrEnum):
    WELL_ABOVE = "well_above"
    ABOVE = "above"
    AVERAGE = "average"
    BELOW = "below"
    WELL_BELOW = "well_below"
    NOT_BANDED = "not_banded"

    @property
    def label(self) -> str:
        return P8_LABELS[self]


P8_LABELS = {
    P8Band.WELL_ABOVE: "Well above average",
    P8Band.ABOVE: "Above average",
    P8Band.AVERAGE: "Average",
    P8Band.BELOW: "Below average",
    P8Band.WELL_BELOW: "Well below average",
    P8Band.NOT_BANDED: "Not banded",
}
# DfE's P8_BANDING codes in the performance tables.
DFE_CODES = {
    "1": P8Band.WELL_ABOVE,
    "2": P8Band.ABOVE,
    "3": P8Band.AVERAGE,
    "4": P8Band.BELOW,
    "5": P8Band.WELL_BELOW,
}


def p8_band(
    score: float | None, lower: float | None, upper: float | None, *, suppressed: bool = False
) -> P8Band:
    """DfE's rule.

    1. A suppressed banding, or a missing score or limit, is "not banded": never guessed.
    2. Lower limit above 0: above average; well above when the score is also 0.5 or more.
    3. Upper limit below 0: below average; well below when the score is also below -0.5
       (exactly -0.50 is "below").
    4. Otherwise (the interval touches or contains 0): average.
    """
    if suppressed or score is None or lower is None or upper is None:
        return P8Band.NOT_BANDED
    if lower > 0:
        return P8Band.WELL_ABOVE if score >= 0.5 else P8Band.ABOVE
    if upper < 0:
        return P8Band.WELL_BELOW if score < -0.5 else P8Band.BELOW
    return P8Band.AVERAGE


def band_from_dfe_code(code: str) -> P8Band:
    """DfE's published banding code (1-5); SUPP and anything else is not banded."""
    return DFE_CODES.get(code.strip(), P8Band.NOT_BANDED)
