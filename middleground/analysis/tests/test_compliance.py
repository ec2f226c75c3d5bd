"""Compliance averages, percentages, the member x commitment table, trends and roll-ups.

The averages follow the G20 Research Group's compliance method: cells scored -1, 0 or +1,
unscored cells left out (never counted as 0), averages also published as
``(a + 1) / 2 x 100 %``. Kappa is tested in ``test_compliance_kappa.py``.
"""

from __future__ import annotations

import doctest
import importlib
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from middleground.analysis.compliance import (
    OVERALL,
    SCORES,
    Average,
    Cell,
    average_of,
    change,
    matrix,
    percent,
    roll_up,
    summarise,
    trends,
    validate_score,
)
from middleground.analysis.tests.test_doctests import _modules

FAST = settings(max_examples=100, deadline=None)

# A small cycle, written out so the averages can be checked by hand.
#
#            c1 (climate)  c2 (climate)  c3 (health)  c4 (health)
#   AR (LA)      +1            0            +1           -1
#   BR (LA)      +1           +1          (none)          0
#   CA (NA)      -1         (none)          0          (none)
GRID = {
    ("AR", "c1"): 1, ("AR", "c2"): 0, ("AR", "c3"): 1, ("AR", "c4"): -1,
    ("BR", "c1"): 1, ("BR", "c2"): 1, ("BR", "c3"): None, ("BR", "c4"): 0,
    ("CA", "c1"): -1, ("CA", "c2"): None, ("CA", "c3"): 0, ("CA", "c4"): None,
}  # fmt: skip
FOCUS = {"c1": "climate", "c2": "climate", "c3": "health", "c4": "health"}
REGION = {"AR": "Latin America", "BR": "Latin America", "CA": "North America"}


def grid_cells(cycle: str = "2024") -> list[Cell]:
    return [
        Cell(m, c, s, cycle=cycle, focus_area=FOCUS[c], regional_group=REGION[m])
        for (m, c), s in GRID.items()
    ]


# --- percentages and scores ------------------------------------------------------------


def test_the_published_example_plus_042_is_71_percent() -> None:
    # (0.42 + 1) / 2 x 100 = 1.42 / 2 x 100 = 71
    assert percent(0.42) == pytest.approx(71.0)


def test_percent_at_the_ends_and_middle_of_the_scale() -> None:
    assert (percent(-1), percent(0), percent(1)) == (0.0, 50.0, 100.0)
    assert percent(None) is None
    assert percent(float("nan")) is None


def test_percent_refuses_an_average_off_the_scale() -> None:
    with pytest.raises(ValueError, match="-1.2"):
        percent(-1.2)


@FAST
@given(st.floats(-1, 1, allow_nan=False))
def test_percent_is_a_plus_1_over_2_times_100_and_within_0_100(a: float) -> None:
    p = percent(a)
    assert p is not None
    assert p == pytest.approx((a + 1) / 2 * 100, abs=1e-12)
    assert 0.0 <= p <= 100.0


@pytest.mark.parametrize("bad", [2, -2, 0.5, "1", True, None, float("nan")])
def test_validate_score_names_the_bad_value(bad: object) -> None:
    with pytest.raises(ValueError, match="must be -1, 0 or 1") as info:
        validate_score(bad)
    assert repr(bad) in str(info.value)


def test_validate_score_accepts_the_scale_and_integral_floats() -> None:
    assert [validate_score(x) for x in SCORES] == [-1, 0, 1]
    assert validate_score(1.0) == 1 and isinstance(validate_score(1.0), int)


def test_a_cell_checks_its_score_ids_and_weight() -> None:
    assert Cell("EU", "c1", None).score is None
    with pytest.raises(ValueError, match=r"EU x c1.*got 3"):
        Cell("EU", "c1", 3)
    with pytest.raises(ValueError, match="member"):
        Cell("", "c1", 1)
    with pytest.raises(ValueError, match="weight"):
        Cell("EU", "c1", 1, weight=-1)
    with pytest.raises(ValueError, match="weight"):
        Cell("EU", "c1", 1, weight=float("inf"))


# --- averages ----------------------------------------------------------------------------


def test_hand_computed_averages_of_the_small_cycle() -> None:
    s = summarise(grid_cells())
    # members (unscored cells left out, not counted as 0):
    #   AR: (+1 + 0 + 1 - 1) / 4 = 1/4 = 0.25   -> (1.25 / 2) x 100 = 62.5 %
    #   BR: (+1 + 1 + 0) / 3     = 2/3 = 0.6667 -> (1.6667 / 2) x 100 = 83.33 %
    #   CA: (-1 + 0) / 2         = -0.5         -> (0.5 / 2) x 100 = 25 %
    assert s.by_member["AR"] == Average(0.25, 62.5, 4)
    assert s.by_member["BR"].average == pytest.approx(2 / 3)
    assert s.by_member["BR"].as_dict() == {"average": 0.6667, "percent": 83.33, "n": 3}
    assert s.by_member["CA"] == Average(-0.5, 25.0, 2)
    # commitments:
    #   c1: (1 + 1 - 1) / 3 = 1/3 -> 66.67 %; c2: (0 + 1) / 2 = 0.5 -> 75 %
    #   c3: (1 + 0) / 2 = 0.5 -> 75 %;        c4: (-1 + 0) / 2 = -0.5 -> 25 %
    assert s.by_commitment["c1"].as_dict() == {"average": 0.3333, "percent": 66.67, "n": 3}
    assert s.by_commitment["c2"] == Average(0.5, 75.0, 2)
    assert s.by_commitment["c3"] == Average(0.5, 75.0, 2)
    assert s.by_commitment["c4"] == Average(-0.5, 25.0, 2)
    # focus areas: climate = c1, c2: (1 + 0 + 1 + 1 - 1) / 5 = 2/5 = 0.4 -> 70 %
    #              health  = c3, c4: (1 - 1 + 0 + 0) / 4 = 0            -> 50 %
    assert s.by_focus_area == {
        "climate": Average(0.4, 70.0, 5),
        "health": Average(0.0, 50.0, 4),
    }
    # regional groups: Latin America = AR, BR: (1 + 2) / (4 + 3) = 3/7 = 0.4286 -> 71.43 %
    #                  North America = CA: -0.5 -> 25 %
    assert s.by_regional_group["Latin America"].as_dict() == {
        "average": 0.4286,
        "percent": 71.43,
        "n": 7,
    }
    assert s.by_regional_group["North America"] == Average(-0.5, 25.0, 2)
    # overall: (1 + 0 + 1 - 1 + 1 + 1 + 0 - 1 + 0) / 9 = 2/9 = 0.2222 -> 61.11 %
    assert s.overall.as_dict() == {"average": 0.2222, "percent": 61.11, "n": 9}
    assert s.by_cycle["2024"] == s.overall


def test_summary_keys_are_sorted_and_json_ready() -> None:
    cells = [Cell(m, c, s) for (m, c), s in reversed(list(GRID.items()))]
    s = summarise(cells)
    assert list(s.by_member) == ["AR", "BR", "CA"]
    assert list(s.by_commitment) == ["c1", "c2", "c3", "c4"]
    # no focus area, group or cycle given: those groupings are empty
    assert s.by_focus_area == s.by_regional_group == s.by_cycle == {}
    out = json.loads(json.dumps(s.as_dict()))
    assert out["overall"] == {"average": 0.2222, "percent": 61.11, "n": 9}
    assert set(out) == {
        "overall", "by_member", "by_commitment", "by_focus_area", "by_regional_group",
        "by_cycle",
    }  # fmt: skip


def test_a_member_with_nothing_scored_has_no_average_not_zero() -> None:
    s = summarise([Cell("EU", "c1", None), Cell("AU", "c1", 1)])
    assert s.by_member["EU"] == Average(None, None, 0)
    assert s.by_member["EU"].as_dict() == {"average": None, "percent": None, "n": 0}
    assert s.by_commitment["c1"] == Average(1.0, 100.0, 1)


def test_cell_weights_weigh_the_average() -> None:
    # (2 x 1 + 1 x -1) / (2 + 1) = 1/3; a weight-0 cell still counts in n
    cells = [Cell("EU", "c1", 1, weight=2), Cell("EU", "c2", -1), Cell("EU", "c3", 0, weight=0)]
    a = average_of(cells)
    assert a.average == pytest.approx(1 / 3) and a.n == 3
    assert average_of([Cell("EU", "c1", 1, weight=0)]) == Average(None, None, 1)


def test_a_cell_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        summarise([Cell("EU", "c1", 1), Cell("EU", "c1", 0)])
    # the same pair in two cycles is two cells
    assert (
        summarise([Cell("EU", "c1", 1, cycle="a"), Cell("EU", "c1", 0, cycle="b")]).overall.n == 2
    )


@st.composite
def cycles_of_cells(draw: st.DrawFn) -> list[Cell]:
    members = draw(st.lists(st.sampled_from("ABCDEFGH"), min_size=1, max_size=6, unique=True))
    commitments = draw(st.lists(st.sampled_from("pqrstuvw"), min_size=1, max_size=6, unique=True))
    cells = []
    for m in members:
        for c in commitments:
            if draw(st.booleans()):
                score = draw(st.one_of(st.none(), st.sampled_from(SCORES)))
                weight = draw(st.sampled_from([1.0, 1.0, 0.5, 2.0, 3.0]))
                cells.append(
                    Cell(m, c, score, focus_area=c.upper(), regional_group=m.lower(), weight=weight)
                )
    return cells


@FAST
@given(cycles_of_cells(), st.randoms(use_true_random=False))
def test_permuting_the_cells_changes_nothing(cells: list[Cell], rnd: random.Random) -> None:
    shuffled = cells[:]
    rnd.shuffle(shuffled)
    assert summarise(shuffled) == summarise(cells)


@FAST
@given(cycles_of_cells(), st.lists(st.tuples(st.sampled_from("ABCDXYZ"), st.sampled_from("pqxyz"))))
def test_adding_unscored_cells_changes_nothing(
    cells: list[Cell], extra: list[tuple[str, str]]
) -> None:
    taken = {(c.member, c.commitment) for c in cells}
    added = [Cell(m, c, None, focus_area="F", regional_group="g") for m, c in dict.fromkeys(extra)]
    added = [c for c in added if (c.member, c.commitment) not in taken]
    before, after = summarise(cells), summarise(cells + added)
    assert after.overall == before.overall
    for name in ("by_member", "by_commitment", "by_focus_area", "by_regional_group"):
        old, new = getattr(before, name), getattr(after, name)
        for key, value in new.items():
            # a label only unscored cells name is listed, with nothing to average
            assert value == old.get(key, Average(None, None, 0))


@FAST
@given(cycles_of_cells())
def test_averages_stay_on_the_scale_and_count_scored_cells(cells: list[Cell]) -> None:
    s = summarise(cells)
    assert s.overall.n == sum(c.score is not None for c in cells)
    for avg in [s.overall, *s.by_member.values(), *s.by_commitment.values()]:
        if avg.average is not None:
            assert -1.0 <= avg.average <= 1.0
            assert avg.percent == percent(avg.average)


# --- the table, trends, change ------------------------------------------------------------


def test_matrix_of_the_small_cycle() -> None:
    members, commitments, rows = matrix(grid_cells())
    assert members == ["AR", "BR", "CA"] and commitments == ["c1", "c2", "c3", "c4"]
    assert rows == [[1, 0, 1, -1], [1, 1, None, 0], [-1, None, 0, None]]


def test_matrix_in_a_given_order_with_absent_cells() -> None:
    cells = [Cell("EU", "c1", 1), Cell("AU", "c2", -1)]
    members, commitments, rows = matrix(cells, members=["EU", "AU", "JP"], commitments=["c2", "c1"])
    assert (members, commitments) == (["EU", "AU", "JP"], ["c2", "c1"])
    assert rows == [[None, 1], [-1, None], [None, None]]
    with pytest.raises(ValueError, match="leaves out"):
        matrix(cells, members=["EU"])


def test_matrix_refuses_several_cycles() -> None:
    with pytest.raises(ValueError, match="several cycles"):
        matrix([Cell("EU", "c1", 1, cycle="a"), Cell("EU", "c1", 1, cycle="b")])


def test_trends_across_cycles() -> None:
    cells = [
        *grid_cells("2023"),
        Cell("AR", "c1", 1, cycle="2024"),
        Cell("AR", "c2", 1, cycle="2024"),
        Cell("CA", "c1", None, cycle="2024"),
        Cell("AR", "c1", -1, cycle="2019"),  # not in cycle_order: left out
    ]
    t = trends(cells, ["2023", "2024"])
    assert list(t) == ["AR", "BR", "CA", OVERALL]
    assert t["AR"] == [("2023", Average(0.25, 62.5, 4)), ("2024", Average(1.0, 100.0, 2))]
    assert t["BR"][1] == ("2024", Average(None, None, 0))
    assert t["CA"][1][1].n == 0
    # overall 2023: 2/9 (see the hand computation above); 2024: (1 + 1) / 2 = 1
    assert t[OVERALL][0][1].average == pytest.approx(2 / 9)
    assert t[OVERALL][1][1] == Average(1.0, 100.0, 2)
    # AR improved from 0.25 to 1: +0.75 on the scale, 37.5 percentage points
    assert change(t["AR"][0][1], t["AR"][1][1]) == 0.75
    assert change(t["BR"][0][1], t["BR"][1][1]) is None


def test_trends_refuses_a_repeated_cycle_and_the_reserved_member() -> None:
    with pytest.raises(ValueError, match="twice"):
        trends([], ["a", "a"])
    with pytest.raises(ValueError, match="reserved"):
        trends([Cell(OVERALL, "c1", 1, cycle="a")], ["a"])
    assert trends([], ["a"]) == {OVERALL: [("a", Average(None, None, 0))]}


def test_change_of_plain_numbers() -> None:
    assert change(-0.5, 0.25) == 0.75
    assert change(None, 0.25) is None and change(0.1, float("nan")) is None


# --- roll-ups of parent commitments ----------------------------------------------------


def test_roll_up_by_hand() -> None:
    children = [(1.0, 2.0), (-0.5, 1.0), (None, 10.0), (0.0, 1.0)]
    # mean of the scored children: (1 - 0.5 + 0) / 3 = 0.5 / 3 = 0.1667
    assert roll_up(children) == pytest.approx(0.5 / 3)
    # weighted: (2 x 1 + 1 x -0.5 + 1 x 0) / (2 + 1 + 1) = 1.5 / 4 = 0.375
    assert roll_up(children, "weighted") == pytest.approx(0.375)


def test_roll_up_with_nothing_to_roll_up() -> None:
    assert roll_up([]) is None
    assert roll_up([(None, 1.0)]) is None
    assert roll_up([(0.5, 0.0), (-1.0, 0.0)], "weighted") is None
    assert roll_up([(0.5, 0.0), (-1.0, 0.0)], "mean") == -0.25


def test_roll_up_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="method"):
        roll_up([(0.5, 1.0)], "median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weight"):
        roll_up([(0.5, -1.0)], "weighted")
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        roll_up([(1.5, 1.0)])


@FAST
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(-1, 1)), st.floats(0, 10)), min_size=1))
def test_roll_up_lies_between_its_childrens_averages(
    children: list[tuple[float | None, float]],
) -> None:
    scored = [a for a, _ in children if a is not None]
    for method in ("mean", "weighted"):
        r = roll_up(children, method)  # type: ignore[arg-type]
        if r is not None:
            assert min(scored) - 1e-9 <= r <= max(scored) + 1e-9  # float sums
    equal = [(a, 1.0) for a, _ in children]
    assert roll_up(equal, "weighted") == pytest.approx(roll_up(equal, "mean"))


# --- the doctests of this module are collected -------------------------------------------


def test_the_doctest_suite_collects_this_module() -> None:
    assert "middleground.analysis.compliance" in _modules("middleground.analysis")
    module = importlib.import_module("middleground.analysis.compliance")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 20
