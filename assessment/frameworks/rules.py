"""The framework rule: which standard a pupil's secure statements support. Pure: no ORM import.

DfE's teacher assessment frameworks (2018 onwards) read "working towards", "working at the
expected standard" and "working at greater depth" as cumulative: a pupil is at a standard when
every statement of it (and of the standards below it) is met. The 2018 writing frameworks let a
teacher use discretion for one particular weakness; a trust may allow that here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LEVELS = ("WTS", "EXS", "GDS")
LEVEL_LABELS = {
    "WTS": "Working towards the expected standard",
    "EXS": "Working at the expected standard",
    "GDS": "Working at greater depth",
}
LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Proposal:
    level: str
    reasons: list[str] = field(default_factory=list)
    # The one statement the allowance passed over, if it was used.
    weakness: str = ""


def propose(
    statements: Sequence[tuple[str, str]], secure: Iterable[str], *, allow_one_weakness: bool
) -> Proposal:
    """Propose WTS, EXS or GDS from (code, level) statements and the codes judged secure.

    1. EXS when every EXS statement is secure; GDS when, besides, every GDS statement is.
    2. With the allowance, one statement not secure (the first, in framework order) is passed
       over, once, for EXS or for GDS: the reasons name it.
    3. Otherwise WTS, with the EXS statements not yet secure named.
    A standard with no statements cannot be reached (a framework missing GDS proposes EXS at most).
    """
    held = set(secure)
    spare = allow_one_weakness
    weakness = ""
    reasons: list[str] = []
    level = "WTS"
    for standard in ("EXS", "GDS"):
        codes = [code for code, lvl in statements if lvl == standard]
        missing = [code for code in codes if code not in held]
        if not codes:
            reasons.append(f"The framework has no {standard} statements.")
            break
        if len(missing) == 1 and spare:
            spare = False
            weakness = missing[0]
            reasons.append(f"{standard}: all secure but {missing[0]}, allowed as one weakness.")
        elif missing:
            reasons.append(f"{standard}: not yet secure: {', '.join(missing)}.")
            break
        else:
            reasons.append(f"{standard}: every statement secure.")
        level = standard
    return Proposal(level=level, reasons=reasons, weakness=weakness)


def split_codes(text: str) -> list[str]:
    """'EXS1; exs2,GDS1' -> ['EXS1', 'EXS2', 'GDS1'] (separators: ; , space or |)."""
    for sep in ";,|":
        text = text.replace(sep, " ")
    return sorted({part.strip().upper() for part in text.split() if part.strip()})
