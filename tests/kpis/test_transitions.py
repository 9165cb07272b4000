"""Attainer-band transitions: every movement category, suppression, the page and the API."""

from __future__ import annotations

import pytest

from assessment.kpis.transitions import (
    band_from_ta,
    marker_checks,
    marker_of,
    movement,
    transition_matrix,
)
from trust_si.accounts.roles import Role

from .data import pupils, writing


@pytest.mark.parametrize(
    ("a", "b", "category"),
    [
        ("low", "high", "double_positive"),
        ("low", "middle", "positive"),
        ("middle", "high", "positive"),
        ("low", "low", "no_change"),
        ("middle", "middle", "no_change"),
        ("high", "high", "no_change"),
        ("middle", "low", "negative"),
        ("high", "middle", "negative"),
        ("high", "low", "double_negative"),
    ],
)
def test_each_movement_follows_seed_003(a, b, category):
    assert movement(a, b) == category


def test_teacher_assessments_map_to_bands():
    assert [band_from_ta(v) for v in ("WTS", "blw", "EXS", "ARE", "GDS", "ABV", "", "X")] == [
        "low",
        "low",
        "middle",
        "middle",
        "high",
        "high",
        None,
        None,
    ]


def test_matrix_counts_and_percentages():
    pairs = (
        [("low", "high")] * 2
        + [("low", "middle")] * 3
        + [("middle", "middle")] * 4
        + [("middle", "low")] * 1
        + [("high", "low")] * 1
        + [(None, "high"), ("low", None)]
    )
    m = transition_matrix(pairs, min_cohort=5)
    assert (m.cohort, m.not_matched, m.suppressed) == (11, 2, False)
    assert (
        m.cells[("low", "middle")].n == 3 and m.cells[("low", "middle")].pct == 60.0
    )  # of the low row
    assert m.rows["low"].n == 5 and m.rows["high"].n == 1
    counts = {k: (c.n, c.pct) for k, c in m.categories.items()}
    assert counts == {
        "double_positive": (2, 18.2),
        "positive": (3, 27.3),
        "no_change": (4, 36.4),
        "negative": (1, 9.1),
        "double_negative": (1, 9.1),
    }


def test_small_cohort_is_suppressed_and_small_counts_can_be_hidden():
    m = transition_matrix([("low", "middle")] * 4, min_cohort=5)
    assert m.suppressed and m.cells == {} and m.categories == {}
    assert transition_matrix([("low", "middle")] * 2, min_cohort=1).suppressed  # floor of 5
    # DfE suppresses 1 to 5 pupils: a cohort of exactly 5 is suppressed, 6 is shown.
    assert transition_matrix([("low", "middle")] * 5, min_cohort=3).suppressed
    assert not transition_matrix([("low", "middle")] * 6, min_cohort=3).suppressed
    # One pupil moved high -> low: for a governor the whole matrix is withheld, since the cohort
    # and the other counts would reveal that hidden 1.
    pairs = [("low", "middle")] * 6 + [("high", "low")]
    m = transition_matrix(pairs, min_cohort=5, hide_small_counts=True)
    assert m.suppressed and m.small_counts and m.categories == {} and m.cells == {}
    m = transition_matrix(pairs, min_cohort=5)
    assert m.categories["double_negative"].n == 1 and m.categories["positive"].n == 6
    # Counts of zero or above the threshold give nothing away: shown to governors too.
    m = transition_matrix(
        [("low", "middle")] * 6 + [("high", "high")] * 6, min_cohort=5, hide_small_counts=True
    )
    assert not m.suppressed and m.categories["no_change"].n == 6 and m.categories["negative"].n == 0
    # A count of exactly 5 is small (n <= 5): withheld from governors.
    m = transition_matrix(
        [("low", "middle")] * 6 + [("high", "high")] * 5, min_cohort=5, hide_small_counts=True
    )
    assert m.suppressed and m.small_counts


def _two_terms(tw):
    # Ten Year 4 pupils: five disadvantaged girls, five boys.
    pupils(
        tw,
        [(n, "4", n < 5, "F" if n < 5 else "M", "low" if n < 3 else "middle") for n in range(10)],
    )
    writing(
        tw, {n: "WTS" if n < 4 else "EXS" if n < 8 else "GDS" for n in range(10)}, "2025-26-autumn"
    )
    writing(
        tw,
        {
            0: "GDS",
            1: "EXS",
            2: "WTS",
            3: "WTS",
            4: "EXS",
            5: "WTS",
            6: "EXS",
            7: "GDS",
            8: "GDS",
            9: "EXS",
        },
        "2025-26-summer",
    )


@pytest.mark.django_db
def test_page_shows_matrix_and_categories(world, client_for):
    _two_terms(world.a)
    officer = client_for(world.a.user(Role.IMPROVEMENT_OFFICER))
    url = f"/t/alpha/kpis/{world.a.academies[0].urn}/transitions/"
    page = officer.get(url, {"subject": "writing"}).content.decode()
    assert "Autumn term 2025-26 (rows)" in page and "Summer term 2025-26 (columns)" in page
    assert "To: high attainers" in page and "From: low attainers" in page
    # low->high 1, low->middle 1, low->low 2; middle->low 1, middle->middle 2, middle->high 1;
    # high->middle 1, high->high 1.
    assert "Double positive (low to high)" in page
    assert "1 (10.0%)" in page and "2 (20.0%)" in page
    # Five disadvantaged pupils: suppressed (DfE: 1 to 5), and the count itself is not shown.
    small = officer.get(url, {"subject": "writing", "group": "disadvantaged"}).content.decode()
    assert "Suppressed: 5 or fewer pupils have a band at both points" in small
    assert "5 pupils" not in small
    # The trust may raise the threshold, never lower it.
    world.a.trust.min_cohort = 3
    world.a.trust.save()
    assert (
        "Suppressed: 5 or fewer"
        in officer.get(url, {"subject": "writing", "group": "boys"}).content.decode()
    )
    # Nonsense parameters never fail.
    assert (
        officer.get(
            url, {"from": "x", "to": "<b>", "subject": "art", "group": "?", "year_group": "99"}
        ).status_code
        == 200
    )


@pytest.mark.django_db
def test_api_matrix_and_governor_sees_small_counts_hidden(world, client_for):
    _two_terms(world.a)
    url = f"/api/v1/t/alpha/kpis/{world.a.academies[0].urn}/transitions/"
    body = (
        client_for(world.a.user(Role.TRUST_LEADER))
        .get(url, {"subject": "writing", "from": "2025-26-autumn"})
        .json()
    )
    assert body["cohort"] == 10 and not body["suppressed"]
    cats = {c["category"]: c["count"] for c in body["categories"]}
    assert cats == {
        "double_positive": 1,
        "positive": 2,
        "no_change": 5,
        "negative": 2,
        "double_negative": 0,
    }
    governor = client_for(world.a.user(Role.GOVERNOR)).get(url, {"subject": "writing"}).json()
    assert governor["suppressed"] and governor["categories"] == []  # counts of 1 and 2 inside
    prior = (
        client_for(world.a.user(Role.TRUST_LEADER))
        .get(url, {"subject": "writing", "from": "prior"})
        .json()
    )
    assert prior["from_point"] == "prior" and prior["cohort"] == 10


@pytest.mark.django_db
def test_the_transitions_api_gives_no_count_of_a_suppressed_matrix(world, client_for):
    """Issue 16: the API used to return the cohort of a suppressed matrix (5 disadvantaged
    pupils), and "all" minus it gave the other group's 5 back. A suppressed matrix now has no
    cohort, no unmatched count, no cells and no categories, for every reader."""
    _two_terms(world.a)
    url = f"/api/v1/t/alpha/kpis/{world.a.academies[0].urn}/transitions/"
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    shown = leader.get(url, {"subject": "writing", "from": "2025-26-autumn"}).json()
    assert not shown["suppressed"] and shown["cohort"] == 10
    for group in ("disadvantaged", "non_disadvantaged", "boys", "girls"):
        body = leader.get(url, {"subject": "writing", "group": group}).json()
        assert body["suppressed"], group
        assert body["cohort"] is None and body["not_matched"] is None, (group, body)
        assert body["cells"] == [] and body["categories"] == [], group
    # Withheld for its small counts (a governor): the cohort goes with it.
    governor = client_for(world.a.user(Role.GOVERNOR)).get(url, {"subject": "writing"}).json()
    assert governor["suppressed"] and governor["cohort"] is None
    assert governor["not_matched"] is None


def test_trend_and_gap_words_follow_the_kpi_direction():
    from assessment.kpis.display import gap_text, trend_step

    assert trend_step(7.0, 6.0, unit="%", direction="lower", since="Autumn term 2025-26") == (
        "↓",
        "down 1.0 percentage points since Autumn term 2025-26: better",
    )
    assert (
        trend_step(60.0, 60.0, unit="%", direction="higher", since="Spring term 2025-26")[0] == "→"
    )
    assert (
        trend_step(None, 60.0, unit="%", direction="higher", since="")[1]
        == "no earlier figure to compare"
    )
    assert gap_text(
        40.0,
        55.5,
        unit="%",
        first_label="Boys",
        second_label="girls",
        suppressed=False,
        min_cohort=5,
    ) == (-15.5, "Boys 15.5 percentage points below girls")
    assert (
        gap_text(
            40.0,
            None,
            unit="%",
            first_label="Boys",
            second_label="girls",
            suppressed=True,
            min_cohort=6,
        )[1]
        == "not shown: a group has 6 or fewer pupils, or would reveal one"
    )


@pytest.mark.django_db
def test_no_matrix_gives_a_suppressed_one_away_by_subtraction(world, client_for):
    """Issue 13: a year group of 3 was suppressed, but all year groups together minus the other
    year group gave its movements back; and "all pupils" minus "not disadvantaged" gave back
    the suppressed 4 disadvantaged pupils. Each matrix a reader can ask for now goes through the
    one disclosure rule: the matrices that would give a suppressed one away are withheld too."""
    tw = world.a
    year5 = [(n, "5", n < 4, "F" if n % 2 else "M", "middle") for n in range(12)]
    year6 = [(20 + n, "6", False, "F", "middle") for n in range(3)]
    pupils(tw, [*year5, *year6])
    everyone = [n for n, *_ in (*year5, *year6)]
    writing(tw, dict.fromkeys(everyone, "WTS"), "2025-26-autumn")
    writing(tw, {n: "EXS" if n % 3 else "GDS" for n in everyone}, "2025-26-summer")
    url = f"/api/v1/t/alpha/kpis/{tw.academies[0].urn}/transitions/"
    leader = client_for(tw.user(Role.TRUST_LEADER))

    def get(**params):
        return leader.get(url, {"subject": "writing", "from": "2025-26-autumn", **params}).json()

    assert get()["cohort"] == 15 and not get()["suppressed"]
    assert get(year_group="6")["suppressed"]  # 3 pupils
    year_5 = get(year_group="5")  # 15 - 12 would give Year 6's 3 back
    assert year_5["suppressed"] and year_5["cohort"] is None and year_5["cells"] == []
    assert get(group="disadvantaged")["suppressed"]  # 4 pupils
    others = get(group="non_disadvantaged")  # 15 - 11 would give the 4 back
    assert others["suppressed"] and others["cohort"] is None
    # The page's table by year group says which is hidden, and why, in words.
    page = leader.get(
        f"/t/alpha/kpis/{tw.academies[0].urn}/transitions/",
        {"subject": "writing", "from": "2025-26-autumn"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "suppressed (would reveal a small group)" in text
    assert "suppressed (5 or fewer pupils)" in text


def _moves(up, down, same):
    return [("low", "middle")] * up + [("high", "low")] * down + [("middle", "middle")] * same


def test_progress_markers_follow_seed_003_worked_by_hand():
    """Seed 003's progress benchmarks: "Disadvantaged progress markers + over non-disadvantaged"
    and "No gender variation in progress markers". A marker is the share moved up minus the
    share moved down."""
    dis = marker_of(transition_matrix(_moves(3, 1, 2), min_cohort=5))  # 6 pupils
    assert (dis.up, dis.down, dis.net) == (50.0, 16.7, 33.3)
    others = marker_of(transition_matrix(_moves(2, 2, 4), min_cohort=5))
    assert (others.up, others.down, others.net) == (25.0, 25.0, 0.0)
    boys = marker_of(transition_matrix(_moves(4, 1, 5), min_cohort=5))  # +30
    girls = marker_of(transition_matrix(_moves(3, 0, 7), min_cohort=5))  # +30
    level = marker_checks(
        {"disadvantaged": dis, "non_disadvantaged": others, "boys": boys, "girls": girls}
    )
    assert [(c.verdict, c.detail) for c in level] == [
        ("Met", "disadvantaged +33.3 points, non-disadvantaged +0.0 points"),
        (
            "Met",
            "boys +30.0 points, girls +30.0 points: 0.0 points apart "
            "(no variation: 5 points or fewer)",
        ),
    ]
    flat_girls = marker_of(transition_matrix(_moves(1, 1, 8), min_cohort=5))  # 0
    small = marker_of(transition_matrix(_moves(3, 0, 1), min_cohort=5))  # 4 pupils: suppressed
    checks = marker_checks(
        {"disadvantaged": small, "non_disadvantaged": dis, "boys": boys, "girls": flat_girls}
    )
    assert checks[0].verdict == "Cannot be said" and small.net is None
    assert checks[1].verdict == "Not met" and "30.0 points apart" in checks[1].detail
    assert (
        marker_checks(
            {"disadvantaged": others, "non_disadvantaged": dis, "boys": boys, "girls": girls}
        )[0].verdict
        == "Not met"
    )


@pytest.mark.django_db
def test_progress_markers_on_the_page_and_in_the_api(world, client_for):
    _two_terms(world.a)
    urn = world.a.academies[0].urn
    leader = client_for(world.a.user(Role.TRUST_LEADER))
    params = {"subject": "writing", "from": "2025-26-autumn"}
    body = leader.get(f"/api/v1/t/alpha/kpis/{urn}/transitions/", params).json()
    markers = {m["group"]: m for m in body["progress_markers"]}
    # Up: pupils 0, 1 and 7 of 10; down: pupils 5 and 9.
    assert (markers["all"]["moved_up_pct"], markers["all"]["net_points"]) == (30.0, 10.0)
    # Each group here is 5 pupils: suppressed, so neither comparison can be made.
    assert markers["disadvantaged"]["net_points"] is None
    assert [b["verdict"] for b in body["progress_benchmarks"]] == ["Cannot be said"] * 2
    page = leader.get(f"/t/alpha/kpis/{urn}/transitions/", params).content.decode()
    assert "Progress markers" in page and "+10.0 points" in page
    assert "Disadvantaged progress markers at or over non-disadvantaged" in page
    # The benchmarks' source is named: another trust's published strategy, not "the trust's".
    assert "progress benchmarks of the An Daras Trust Improvement Strategy" in page
