"""Agreement between schools' judgements and moderators'. Pure: no ORM import.

Definitions:
- exact agreement: the share of moderated pupils where the school's judgement equals the
  moderated (agreed) one;
- Cohen's kappa (1960): (p_o - p_e) / (1 - p_e), p_e the agreement expected by chance from the
  two sets of marginal proportions; undefined (None) when p_e is 1;
- direction: the school was generous when its judgement is above the moderated one, severe when
  below; "generous" and "severe" are counts and shares of the sample.
A group of fewer than SMALL_SAMPLE pupils carries a warning: its figures move a lot with one pupil.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

LEVELS = ("WTS", "EXS", "GDS")
RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
SMALL_SAMPLE = 10


@dataclass(frozen=True)
class Agreement:
    n: int
    agreed: int
    exact_pct: float | None
    kappa: float | None
    generous: int
    severe: int
    small_sample: bool

    @property
    def direction(self) -> str:
        if self.generous > self.severe:
            return "generous"
        if self.severe > self.generous:
            return "severe"
        return "balanced"


def kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in set(first) | set(second)) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def agreement(pairs: Sequence[tuple[str, str]], rank: Mapping[str, int] | None = None) -> Agreement:
    """pairs: (school's judgement, moderated judgement), compared as level codes. `rank` gives
    each code's place in its framework's levels, lowest 0 (DfE's WTS / EXS / GDS by default; a
    trust's own levels through `level_rank`): "generous" and "severe" read that order."""
    rank = RANK if rank is None else rank
    n = len(pairs)
    agreed = sum(a == b for a, b in pairs)
    return Agreement(
        n=n,
        agreed=agreed,
        exact_pct=100 * agreed / n if n else None,
        kappa=kappa(pairs),
        generous=sum(rank[a] > rank[b] for a, b in pairs),
        severe=sum(rank[a] < rank[b] for a, b in pairs),
        small_sample=n < SMALL_SAMPLE,
    )


def agreement_by(
    rows: Iterable[tuple[Hashable, str, str]], rank: Mapping[str, int] | None = None
) -> dict[Hashable, Agreement]:
    """rows: (group, school's, moderated) -> each group's agreement, groups in first-seen order."""
    groups: dict[Hashable, list[tuple[str, str]]] = defaultdict(list)
    for group, school, moderated in rows:
        groups[group].append((school, moderated))
    return {group: agreement(pairs, rank) for group, pairs in groups.items()}


def level_rank(orders: Iterable[Sequence[str]]) -> dict[str, int]:
    """Each level code's place in its own framework's levels (lowest first), over the frameworks
    of a round: a round over Years 4 and 6 may mix a trust's own levels with WTS / EXS / GDS.
    A school's judgement and the moderated one of a piece are levels of the same framework, so
    only places within one framework are ever compared. DfE's levels are always known."""
    rank: dict[str, int] = {}
    for order in orders:
        for place, code in enumerate(order):
            rank.setdefault(code, place)
    for code, place in RANK.items():
        rank.setdefault(code, place)
    return rank


def kappa_words(value: float | None) -> str:
    """Landis and Koch (1977)'s bands, the usual reading of Cohen's kappa."""
    if value is None:
        return "not defined (every judgement the same)"
    bands = [(0.8, "almost perfect"), (0.6, "substantial"), (0.4, "moderate"), (0.2, "fair")]
    band = next((words for floor, words in bands if value > floor), "slight")
    return f"{value:.2f}, {band} agreement beyond chance (Landis and Koch, 1977)"


def agreement_words(a: Agreement) -> str:
    """One group's agreement in a sentence, for a page: counts, share, direction, warning."""
    if not a.n or a.exact_pct is None:
        return "No moderated pieces yet."
    words = f"{a.agreed} of {a.n} agreed ({a.exact_pct:.0f}%)"
    if a.generous or a.severe:
        words += (
            f"; the school's judgement was above the moderated one {a.generous} times"
            f" and below it {a.severe} times"
        )
    if a.small_sample:
        words += f". Small sample (fewer than {SMALL_SAMPLE}): read with care"
    return words + "."
