"""The documents the product's rules come from, named in words. Pure.

The rules of placement, support matching, KPIs and the support offers each name their source
beside them. Five trusts' own strategy documents (``/work/shared/seeds/000..004``) are among
those sources; a reader cannot know what "seed 003" is, so every page, export and PDF names
them by their own titles, taken from here and nowhere else. Code comments may keep the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    seed: str  # the file number in seeds/, for people who maintain the rules
    title: str  # the document's own name, as a reader is shown it
    about: str  # one line: what the product takes from it


# Each title is the document's own heading (seed 004 names no title beyond its ambition
# "Excellence Every Day"; seed 000 is a case study headed with the partnership's name).
INNOVATE2EDUCATE = Source(
    "000",
    "Innovate2Educate Partnership writing programme",
    "writing assessment frameworks and cross-school moderation",
)
WORKING_TOGETHER = Source(
    "001",
    "Working Together partnership model",
    "professional development domains and external partnerships",
)
CARTER = Source(
    "002",
    "Supporting the improvement journey (Carter model)",
    "the four phases, their support offers and Progress 8 categories",
)
AN_DARAS = Source(
    "003",
    "An Daras Trust Improvement Strategy",
    "benchmarks, cohort measures, the heat map and the monitoring cycle",
)
EXCELLENCE_EVERY_DAY = Source(
    "004",
    "Excellence Every Day school improvement strategy",
    "the descriptors of each phase",
)

SOURCES: dict[str, Source] = {
    s.seed: s for s in (INNOVATE2EDUCATE, WORKING_TOGETHER, CARTER, AN_DARAS, EXCELLENCE_EVERY_DAY)
}


def cite(source: Source, part: str = "") -> str:
    """``cite(AN_DARAS, "progress benchmarks")`` -> "An Daras Trust Improvement Strategy,
    progress benchmarks": the title, and the part of it a rule draws on when one is named (a
    comma, not brackets: a title may end in its own)."""
    return f"{source.title}, {part}" if part else source.title
