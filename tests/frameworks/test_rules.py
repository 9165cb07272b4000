"""The framework rule, case by case (pure)."""

from __future__ import annotations

import pytest

from assessment.frameworks.rules import propose, split_codes

STATEMENTS = [
    ("WTS1", "WTS"),
    ("EXS1", "EXS"),
    ("EXS2", "EXS"),
    ("EXS3", "EXS"),
    ("GDS1", "GDS"),
    ("GDS2", "GDS"),
]


@pytest.mark.parametrize(
    ("secure", "allow", "level"),
    [
        ([], False, "WTS"),
        (["WTS1", "EXS1", "EXS2"], False, "WTS"),  # one EXS missing, no allowance
        (["EXS1", "EXS2", "EXS3"], False, "EXS"),  # WTS statements are not required for EXS
        (["EXS1", "EXS2", "EXS3", "GDS1"], False, "EXS"),
        (["EXS1", "EXS2", "EXS3", "GDS1", "GDS2"], False, "GDS"),
        (["EXS1", "EXS2", "GDS1", "GDS2"], False, "WTS"),  # GDS needs EXS too
        (["EXS1", "EXS2"], True, "EXS"),  # one weakness allowed
        (["EXS1"], True, "WTS"),  # two missing: the allowance covers one
        (["EXS1", "EXS2", "EXS3", "GDS1"], True, "GDS"),
        (["EXS1", "EXS2", "GDS1"], True, "EXS"),  # the allowance is used once only
    ],
)
def test_rule_case_by_case(secure, allow, level):
    assert propose(STATEMENTS, secure, allow_one_weakness=allow).level == level


def test_rule_names_what_is_missing_and_the_weakness():
    proposal = propose(STATEMENTS, ["EXS1"], allow_one_weakness=False)
    assert "EXS2, EXS3" in proposal.reasons[0]
    allowed = propose(STATEMENTS, ["EXS1", "EXS3"], allow_one_weakness=True)
    assert allowed.level == "EXS" and allowed.weakness == "EXS2"


def test_framework_without_gds_reaches_exs_at_most():
    only_exs = [("EXS1", "EXS")]
    proposal = propose(only_exs, ["EXS1"], allow_one_weakness=False)
    assert proposal.level == "EXS"
    assert "no GDS statements" in proposal.reasons[-1]


def test_codes_split_on_any_separator():
    assert split_codes("exs2; EXS1,gds1|EXS1") == ["EXS1", "EXS2", "GDS1"]
