"""The demo's visit actions and plan priorities fit each school's phase of education: no
phonics in Reception for a high school, no Year 6 moderation for a first school."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from academies.demo import DEMO_ACADEMIES
from planning.demo import priorities_for
from visits.demo import actions_for, teaches_year

SCHOOLS = [
    SimpleNamespace(name=row[0], phase_of_education=row[2], age_low=row[3], age_high=row[4])
    for rows in DEMO_ACADEMIES.values()
    for row in rows
]


def _years_named(text: str) -> set[int]:
    years = {int(n) for n in re.findall(r"Years? (\d+)", text)}
    years |= {int(n) for n in re.findall(r"Years \d+ and (\d+)", text)}
    if "Reception" in text:
        years.add(0)
    return years


@pytest.mark.parametrize("school", SCHOOLS, ids=lambda s: s.name)
def test_demo_actions_and_priorities_name_only_year_groups_the_school_teaches(school):
    texts = actions_for(school)
    assert len(texts) >= 4
    for title, departure, arrival, *_rest, support in priorities_for(school):
        texts += [title, departure, arrival, support]
    for text in texts:
        for year in _years_named(text):
            assert teaches_year(school, year), (
                f"{school.name} ({school.age_low}-{school.age_high}): {text}"
            )
    if school.age_low >= 9:
        assert not any("phonics" in t.lower() for t in texts)


def test_the_demo_has_first_middle_and_high_schools_to_check():
    phases = {s.phase_of_education for s in SCHOOLS}
    assert {"first", "middle", "secondary"} <= phases
