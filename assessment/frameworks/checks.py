"""The framework checks of a judgements upload: the part of validation that needs the trust's
published frameworks. Called by the upload pipeline's check (assessment.services) after the
pure parser has checked each cell's form."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from assessment.parsing import Checked, Problem

from .models import FrameworkVersion
from .rules import propose
from .selectors import published_versions

if TYPE_CHECKING:
    from assessment.models import Upload

# Columns a judgement row gains here, besides the parser's FIELDS["judgements"].
DERIVED = ["version_id", "proposed"]


def judgement_problems(upload: Upload, checked: Checked) -> None:
    """Check each clean row against its framework; keep the rows that pass, with their version
    and the framework's proposal (the judgement is the proposal when the file leaves it blank).

    1. The subject and year group need a published framework: "no published framework" names it.
    2. Every secure code must be a statement of that version.
    3. A judgement must be one of the version's levels (its codes or names, any case: WTS / EXS /
       GDS or the trust's own); refused naming them.
    4. A judgement other than the proposal needs a reason.
    """
    frame = checked.frame
    if frame.empty:
        for name in DERIVED:
            frame[name] = pd.Series(dtype=object)
        return
    versions = published_versions(trust_id=upload.trust_id)
    statements: dict[int, list[tuple[str, str]]] = {}
    keep, version_ids, proposals, levels = [], [], [], []
    for row, subject, year, secure, level, reason in zip(
        frame["row"].tolist(),
        frame["subject"].astype(str).tolist(),
        frame["year_group"].astype(str).tolist(),
        frame["secure"].astype(str).tolist(),
        frame["level"].astype(str).tolist(),
        frame["reason"].astype(str).tolist(),
        strict=True,
    ):
        version: FrameworkVersion | None = versions.get((subject, year))
        if version is None:
            checked.problems.append(
                Problem(
                    row,
                    "year_group",
                    year,
                    f"Year {year} has no published {subject} framework yet: publish one first.",
                )
            )
            continue
        if version.pk not in statements:
            statements[version.pk] = version.statement_levels()
        known = {code for code, _ in statements[version.pk]}
        unknown = [c for c in secure.split() if c not in known]
        if unknown:
            checked.problems.append(
                Problem(
                    row,
                    "secure",
                    " ".join(unknown)[:60],
                    f"Not a statement of the Year {year} {subject} framework "
                    f"(version {version.number}).",
                )
            )
            continue
        given = level
        level = level_of(version, given) if given else ""
        if given and not level:
            checked.problems.append(
                Problem(row, "judgement", given[:40], not_a_level(version, given))
            )
            continue
        proposal = propose(
            statements[version.pk],
            secure.split(),
            allow_one_weakness=version.allow_one_weakness,
            levels=version.level_codes,
        )
        if level and level != proposal.level and not reason:
            checked.problems.append(
                Problem(
                    row,
                    "reason",
                    "",
                    f"The judgement {version.level_name(level)} differs from the framework's "
                    f"proposal {version.level_name(proposal.level)}: give a reason.",
                )
            )
            continue
        keep.append(True)
        version_ids.append(version.pk)
        proposals.append(proposal.level)
        levels.append(level or proposal.level)
    checked.problems.sort(key=lambda p: p.row)
    passed = frame["row"].isin([p.row for p in checked.problems])
    frame = frame[~passed.to_numpy()].reset_index(drop=True)
    frame["version_id"] = pd.Series(version_ids, dtype="int64")
    frame["proposed"] = pd.Series(proposals, dtype=object)
    frame["level"] = pd.Series(levels, dtype=object)
    checked.frame = frame


def level_of(version: FrameworkVersion, given: str) -> str:
    """The framework's level code a file's judgement names, by code or by name (any case);
    "" when it is none of this framework's levels."""
    wanted = given.casefold()
    return next(
        (code for code, name, _ in version.levels if wanted in (code.casefold(), name.casefold())),
        "",
    )


def not_a_level(version: FrameworkVersion, given: str) -> str:
    """Why a judgement is refused, naming the levels of the framework the row is judged against."""
    framework = version.framework
    levels = ", ".join(f"{code} ({name})" for code, name, _ in version.levels)
    return (
        f"{given} is not a level of the Year {framework.year_group} {framework.subject} "
        f"framework (version {version.number}): use one of {levels}, by code or name, or leave "
        "blank to accept the proposal."
    )
