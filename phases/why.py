"""The one or two reasons that decided a placement, for a "why" column or a head's summary. Pure.

1. Only scored reasons count (a level and a weight above zero); missing evidence never decides.
2. For Sustain the strongest evidence decided it (highest level first); for every other phase
   the weakest did (lowest level first). Ties keep the engine's order (heaviest rules first).
3. At most ``n`` reasons, as the engine worded them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def deciding_reasons(reasons: Iterable[Mapping[str, Any]], phase: str, n: int = 2) -> list[str]:
    scored = [r for r in reasons if r.get("level") is not None and float(r.get("weight") or 0) > 0]
    strongest_first = phase == "sustain"
    scored.sort(key=lambda r: float(r["level"]), reverse=strongest_first)
    return [str(r.get("text", "")) for r in scored[:n]]
