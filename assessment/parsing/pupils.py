"""The pupils kind: year group, flags, SEND, sex, prior attainment band and date of birth."""

from __future__ import annotations

from collections.abc import Callable

from ..kinds import YEAR_GROUPS
from .cells import Cells, Findings, date_problem, yes_no


def check(
    get: Callable[[str], Cells], found: Findings, upn: Cells
) -> tuple[dict[str, Cells], list[Cells]]:
    """The kind's cells, checked; and the columns that make a row unique (one per pupil)."""
    raw = get("year_group")
    year = raw.map(lambda v: v.upper().removeprefix("Y").lstrip("0") or v)
    found.add(
        year.test(lambda v: v and v not in YEAR_GROUPS),
        "year_group",
        raw,
        "Use N1, N2, R or 1-13.",
    )
    flags = {}
    for name in ("disadvantaged", "eal"):
        raw_flag = get(name)
        found.add(raw_flag.test(lambda v: v and yes_no(v) is None), name, raw_flag, "Use Y or N.")
        flags[name] = raw_flag.map(lambda v: bool(yes_no(v)))
    raw_send = get("send")
    found.add(
        raw_send.test(lambda v: v and v.upper()[:1] not in ("N", "K", "E")),
        "send",
        raw_send,
        "Use N (none), K (SEN support) or E (EHCP).",
    )
    raw_sex = get("sex")
    found.add(
        raw_sex.test(lambda v: v and v.upper()[:1] not in ("F", "M")),
        "sex",
        raw_sex,
        "Use F or M.",
    )
    raw_band = get("prior_band")
    band = raw_band.map(str.lower)
    found.add(
        band.test(lambda v: v and v not in ("low", "middle", "high")),
        "prior_band",
        raw_band,
        "Use low, middle or high (or leave blank).",
    )
    birth = get("date_of_birth")
    birth_problem = birth.map(lambda v: date_problem(v) if v else "")
    found.add(birth_problem.test(bool), "date_of_birth", birth, birth_problem)
    record = dict(
        year_group=year,
        disadvantaged=flags["disadvantaged"],
        eal=flags["eal"],
        send=raw_send.map(lambda v: "" if v.upper()[:1] == "N" else v.upper()[:1]),
        sex=raw_sex.map(lambda v: v.upper()[:1]),
        prior_band=band,
    )
    return record, [upn]
