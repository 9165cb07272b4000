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
    statements: Sequence[tuple[str, str]],
    secure: Iterable[str],
    *,
    allow_one_weakness: bool,
    levels: Sequence[str] = LEVELS,
) -> Proposal:
    """Propose WTS, EXS or GDS from (code, level) statements and the codes judged secure.

    1. EXS when every EXS statement is secure; GDS when, besides, every GDS statement is.
    2. With the allowance, one statement not secure (the first, in framework order) is passed
       over, once, for EXS or for GDS: the reasons name it.
    3. Otherwise WTS, with the EXS statements not yet secure named.
    A standard with no statements cannot be reached (a framework missing GDS proposes EXS at most).
    A trust's own levels (`levels`, lowest first) are read the same way: the lowest is where a
    pupil starts, each level above it is reached when its statements (and those below) are.
    """
    held = set(secure)
    spare = allow_one_weakness
    weakness = ""
    reasons: list[str] = []
    level = levels[0]
    for standard in levels[1:]:
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


# --- The trust's own levels ------------------------------------------------------------------
# A framework's levels, lowest first, as (code, name, marker). The markers say which level is
# the expected standard and which greater depth, so the KPIs (% EXS+, % GDS), the transitions
# and moderation read every framework on DfE's scale whatever the trust calls its levels.
EXPECTED, GREATER_DEPTH = "expected", "greater_depth"
MARKERS = {"": "", EXPECTED: "the expected standard", GREATER_DEPTH: "greater depth"}
STANDARD_LEVELS = [
    ["WTS", LEVEL_LABELS["WTS"], ""],
    ["EXS", LEVEL_LABELS["EXS"], EXPECTED],
    ["GDS", LEVEL_LABELS["GDS"], GREATER_DEPTH],
]
MAX_OWN_LEVELS = 6


def standard_levels() -> list[list[str]]:
    """The default of every framework: DfE's WTS, EXS and GDS (a fresh copy each time)."""
    return [list(row) for row in STANDARD_LEVELS]


def standard_of(levels: Sequence[Sequence[str]], code: str) -> str:
    """The DfE standard a trust's level stands for: GDS at or above the greater-depth level,
    EXS at or above the expected one, otherwise WTS. The default levels map to themselves."""
    codes = [row[0] for row in levels]
    if code not in codes:
        return code  # not one of this framework's (an older row): left as it was recorded
    rank = codes.index(code)
    markers = {row[2]: i for i, row in enumerate(levels) if row[2]}
    if GREATER_DEPTH in markers and rank >= markers[GREATER_DEPTH]:
        return "GDS"
    if EXPECTED in markers and rank >= markers[EXPECTED]:
        return "EXS"
    return "WTS"


def parse_levels(text: str) -> tuple[list[list[str]], list[str]]:
    """A trust's levels from lines "CODE, name[, expected | greater depth]", lowest first.

    Returns the levels and the problems, in words (an empty list when they are sound): two to
    six levels; codes of one to three letters or digits (they sit where WTS, EXS and GDS sit),
    each once; exactly one expected level, above the lowest; at most one greater-depth level,
    above the expected one.
    """
    levels: list[list[str]] = []
    problems: list[str] = []
    for number, line in enumerate((raw for raw in text.splitlines() if raw.strip()), start=1):
        parts = [part.strip() for part in line.split(",")]
        code, name = parts[0].upper(), (parts[1] if len(parts) > 1 else "")
        marker = parts[2].lower().replace(" ", "_") if len(parts) > 2 else ""
        if not (1 <= len(code) <= 3 and code.isalnum()):
            problems.append(f"Line {number}: a code is one to three letters or digits.")
        if not name:
            problems.append(f"Line {number}: give the level a name after its code.")
        if marker not in MARKERS:
            problems.append(f"Line {number}: the third part is expected or greater depth.")
        if code in (row[0] for row in levels):
            problems.append(f"Line {number}: {code} is used twice.")
        levels.append([code, name[:80], marker])
    if not 2 <= len(levels) <= MAX_OWN_LEVELS:
        problems.append(f"Give between 2 and {MAX_OWN_LEVELS} levels, one a line, lowest first.")
    markers = [row[2] for row in levels]
    if markers.count(EXPECTED) != 1:
        problems.append("Mark exactly one level as expected (the expected standard).")
    elif markers.index(EXPECTED) == 0:
        problems.append("The expected level must be above the lowest level.")
    if markers.count(GREATER_DEPTH) > 1:
        problems.append("Mark at most one level as greater depth.")
    elif (
        GREATER_DEPTH in markers
        and EXPECTED in markers
        and markers.index(GREATER_DEPTH) < markers.index(EXPECTED)
    ):
        problems.append("The greater-depth level must be above the expected level.")
    return levels, problems


def levels_text(levels: Sequence[Sequence[str]]) -> str:
    """The lines `parse_levels` reads back."""
    return "\n".join(
        ", ".join([row[0], row[1], *([row[2].replace("_", " ")] if row[2] else [])])
        for row in levels
    )
