"""Voting power: the Security Council, published values, properties, bad input.

Brute force in these tests works from the definitions (``WeightedGame.is_winning`` over
every coalition), independently of the engines.
"""

from __future__ import annotations

import doctest
import itertools
import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from middleground.analysis import power
from middleground.analysis.power import (
    GameError,
    GameTooLargeError,
    WeightedGame,
    banzhaf,
    power_indices,
    shapley_shubik,
)

DATA = Path(__file__).resolve().parents[2] / "reformlab" / "data"


def brute_force(game: WeightedGame) -> dict[str, dict[str, Fraction]]:
    """Shapley-Shubik and Banzhaf indices straight from the definitions."""
    n = game.n
    swings = dict.fromkeys(game.players, 0)
    shapley = dict.fromkeys(game.players, Fraction(0))
    for size in range(n):
        for others in itertools.combinations(game.players, size):
            if game.is_winning(others):
                continue
            for player in set(game.players) - set(others):
                if game.is_winning((*others, player)):
                    swings[player] += 1
                    shapley[player] += Fraction(
                        math.factorial(size) * math.factorial(n - size - 1), math.factorial(n)
                    )
    total = sum(swings.values())
    return {
        "shapley_shubik": shapley,
        "banzhaf": {p: Fraction(s, total) for p, s in swings.items()},
        "banzhaf_absolute": {p: Fraction(s, 2 ** (n - 1)) for p, s in swings.items()},
    }


def security_council() -> WeightedGame:
    permanent = ["CHN", "FRA", "RUS", "GBR", "USA"]
    elected = [f"E{i}" for i in range(1, 11)]
    return WeightedGame.from_weights([1] * 15, 9, players=permanent + elected, vetoes=permanent)


def test_security_council_shapley_shubik_is_421_and_4_over_2145() -> None:
    values = shapley_shubik(security_council())
    assert values["USA"] == Fraction(421, 2145)
    assert values["E1"] == Fraction(4, 2145)
    assert sum(values.values()) == 1


def test_security_council_banzhaf_matches_brute_force_swings() -> None:
    game = security_council()
    expected = brute_force(game)
    result = power_indices(game)
    for name in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
        assert result.exact(name) == expected[name]
    # swings out of 2^14: 848 for a permanent member, 84 for an elected one
    assert expected["banzhaf_absolute"]["CHN"] * 2**14 == 848
    assert expected["banzhaf_absolute"]["E7"] * 2**14 == 84
    assert result.exact("banzhaf")["FRA"] == Fraction(106, 635)
    assert result.exact("banzhaf")["E3"] == Fraction(21, 1270)


def test_security_council_as_weights_7_and_1_quota_39_gives_the_same_values() -> None:
    weighted = WeightedGame.from_weights([7] * 5 + [1] * 10, 39)
    values = shapley_shubik(weighted)
    assert values["0"] == Fraction(421, 2145)
    assert values["14"] == Fraction(4, 2145)


def test_published_values_from_powerindex_docs_and_tests() -> None:
    # maxlit/powerindex README ("px -i b -q 12 -w 4 4 4 2 2 1", the EEC 1958-1972):
    # 0.238095..., 0.238095..., 0.238095..., 0.142857..., 0.142857..., 0.0
    eec = WeightedGame.from_weights(
        [4, 4, 4, 2, 2, 1], 12, players=["DE", "FR", "IT", "NL", "BE", "LU"]
    )
    assert banzhaf(eec) == {
        "DE": Fraction(5, 21),
        "FR": Fraction(5, 21),
        "IT": Fraction(5, 21),
        "NL": Fraction(3, 21),
        "BE": Fraction(3, 21),
        "LU": 0,
    }
    # Luxembourg, one vote of 17, was a null player (Games 2018, 9(2), 29,
    # https://www.mdpi.com/2073-4336/9/2/29): zero Shapley-Shubik power too.
    assert shapley_shubik(eec)["LU"] == 0
    # powerindex/testpowerindex.py: Straffin, Game Theory and Strategy: Banzhaf of
    # [4, 3, 2, 1] with quota 6 is [5/12, 1/4, 1/4, 1/12]; Wikipedia's Shapley-Shubik
    # example [3, 2, 1, 1] with quota 4 is [1/2, 1/6, 1/6, 1/6].
    assert list(banzhaf(WeightedGame.from_weights([4, 3, 2, 1], 6)).values()) == [
        Fraction(5, 12),
        Fraction(1, 4),
        Fraction(1, 4),
        Fraction(1, 12),
    ]
    assert list(shapley_shubik(WeightedGame.from_weights([3, 2, 1, 1], 4)).values()) == [
        Fraction(1, 2),
        Fraction(1, 6),
        Fraction(1, 6),
        Fraction(1, 6),
    ]


def test_eu_double_majority_any_24_members_win_whatever_their_population() -> None:
    scenarios = json.loads((DATA / "scenarios.json").read_text())["scenarios"]
    lisbon = next(s for s in scenarios if s["id"] == "eu-council-lisbon")
    game = WeightedGame.from_dict(lisbon["game"])
    smallest_24 = sorted(game.players, key=lambda p: game.weights[game.players.index(p)][1])[:24]
    assert game.is_winning(smallest_24)
    assert not game.is_winning(smallest_24[:23])
    result = power_indices(game)
    assert result.method == "exact"
    assert sum(result.exact("shapley_shubik").values()) == 1
    assert sum(result.exact("banzhaf").values()) == 1
    # the most populous member has the most power under both indices
    for name in ("shapley_shubik", "banzhaf"):
        assert max(result[name], key=result[name].__getitem__) == "DEU"


def test_eu_double_majority_engines_agree_with_brute_force_on_ten_members() -> None:
    populations = [83.1, 67.8, 59.0, 47.4, 37.7, 19.0, 17.6, 11.6, 10.5, 10.3]
    total = sum(Fraction(repr(p)) for p in populations)
    game = WeightedGame.from_weights(
        [[1, p] for p in populations], [6, total * Fraction(65, 100)], alternatives=[[8, 0]]
    )
    expected = brute_force(game)
    result = power_indices(game)
    for name in expected:
        assert result.exact(name) == expected[name]


def test_nice_triple_majority_uses_enumeration_and_sums_to_one() -> None:
    scenarios = json.loads((DATA / "scenarios.json").read_text())["scenarios"]
    nice = next(s for s in scenarios if s["id"] == "eu-council-nice")
    game = WeightedGame.from_dict(nice["game"])
    result = power_indices(game, ["banzhaf", "shapley_shubik"])
    assert result.algorithm == "enumeration"
    assert sum(result.exact("shapley_shubik").values()) == 1
    votes = {m["id"]: m["votes"] for m in nice["members"]}
    # equal votes and population close: Germany (most populous) at least France's power
    assert result["shapley_shubik"]["DEU"] >= result["shapley_shubik"]["FRA"]
    assert result["banzhaf"]["MLT"] == min(result["banzhaf"].values())
    assert votes["MLT"] == 3


def test_reform_scenarios_give_veto_holders_more_power_than_elected_members() -> None:
    scenarios = json.loads((DATA / "scenarios.json").read_text())["scenarios"]
    for scenario in (s for s in scenarios if s["body"] == "un_security_council"):
        game = WeightedGame.from_dict(scenario["game"])
        assert game.n == scenario["seat_count"]
        values = shapley_shubik(game)
        elected = [s["id"] for s in scenario["seats"] if s["category"] == "elected"]
        assert all(values["USA"] > values[e] for e in elected), scenario["id"]
        assert sum(values.values()) == 1
        confirmed = scenario["threshold_confirmed"]
        assert confirmed or scenario["threshold_note"], scenario["id"]


def test_johnston_deegan_packel_holler_packel_on_a_hand_checked_game() -> None:
    # [3, 2, 1, 1], quota 4: minimal winning coalitions {A,B}, {A,C}, {A,D}, {B,C,D}
    game = WeightedGame.from_weights([3, 2, 1, 1], 4, players="ABCD")
    result = power_indices(game, ["holler_packel", "deegan_packel", "johnston"])
    assert result.exact("holler_packel") == {
        "A": Fraction(3, 9),
        "B": Fraction(2, 9),
        "C": Fraction(2, 9),
        "D": Fraction(2, 9),
    }
    third, half = Fraction(1, 3), Fraction(1, 2)
    assert result.exact("deegan_packel") == {
        "A": 3 * half / 4,
        "B": (half + third) / 4,
        "C": (half + third) / 4,
        "D": (half + third) / 4,
    }
    assert sum(result.exact("johnston").values()) == 1


def test_coleman_indices_are_swings_over_winning_and_losing_coalitions() -> None:
    game = WeightedGame.from_weights([2, 1, 1], 3, players="ABC")
    # winning: AB, AC, ABC (3 of 8); A swings in AB, AC, ABC -> 3; B in AB -> 1
    result = power_indices(game, ["coleman_prevent", "coleman_initiate"])
    assert result.winning_coalitions == 3
    assert result.exact("coleman_prevent") == {"A": 1, "B": Fraction(1, 3), "C": Fraction(1, 3)}
    assert result.exact("coleman_initiate")["A"] == Fraction(3, 5)


def test_decimal_weights_are_exact() -> None:
    # 0.1 + 0.2 reaches 0.3 exactly although in binary floating point it does not
    game = WeightedGame.from_weights([0.1, 0.2, 0.3], 0.3, players="ABC")
    assert game.is_winning({"A", "B"})
    # swings: C in {C}, {A,C}, {B,C}; A and B each in {A,B}
    assert banzhaf(game) == {"A": Fraction(1, 5), "B": Fraction(1, 5), "C": Fraction(3, 5)}
    assert banzhaf(game) == brute_force(game)["banzhaf"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"players": [{"id": "A", "weights": [1]}], "quotas": [2]}, "above the total weight"),
        (
            {"players": [{"id": "A", "weights": [-1]}, {"id": "B", "weights": [3]}], "quotas": [1]},
            "negative weight",
        ),
        (
            {"players": [{"id": "A", "weights": [1]}], "quotas": [1], "vetoes": ["ZZ"]},
            "unknown veto ids: ZZ",
        ),
        ({"players": [{"id": "A", "weights": [1, 2]}], "quotas": [1]}, "2 weights"),
        (
            {"players": [{"id": "A", "weights": [1]}, {"id": "A", "weights": [1]}], "quotas": [1]},
            "distinct",
        ),
        ({"players": [{"id": "A", "weights": [1]}], "quotas": [0]}, "empty coalition"),
        ({"players": [{"id": "A", "weights": ["x"]}], "quotas": [1]}, "must be a number"),
        (
            {"players": [{"id": "A", "weights": [1]}], "quotas": [1], "alternatives": [[5]]},
            "above the total weight",
        ),
    ],
)
def test_impossible_games_are_rejected_with_a_clear_message(data: dict, message: str) -> None:
    with pytest.raises(GameError, match=message):
        WeightedGame.from_dict(data)


def test_a_game_too_large_for_exact_methods_says_so_unless_monte_carlo_is_asked() -> None:
    # 40 players, two criteria with unequal weights and large quotas: beyond enumeration
    # and beyond the multi-dimensional programme
    weights = [[1000 + i % 3, 1000 + 7 * i] for i in range(40)]
    game = WeightedGame.from_weights(weights, [30_000, 30_000])
    with pytest.raises(GameTooLargeError, match="monte-carlo"):
        power_indices(game)
    estimate = power_indices(game, method="auto", samples=2000, seed=3)
    assert estimate.method == "monte-carlo"
    assert set(estimate.indices) == {"shapley_shubik", "banzhaf", "banzhaf_absolute"}


def test_monte_carlo_intervals_cover_the_exact_values() -> None:
    game = WeightedGame.from_weights([9, 7, 5, 4, 3, 2, 2, 1, 1, 1], 18)
    exact = power_indices(game)
    estimate = power_indices(game, method="monte-carlo", samples=20_000, seed=11, confidence=0.999)
    assert estimate.method == "monte-carlo" and estimate.samples == 20_000
    for name in ("shapley_shubik", "banzhaf_absolute"):
        intervals = estimate.indices[name].interval
        assert intervals is not None
        for player, value in exact[name].items():
            low, high = intervals[player]
            assert low <= value <= high, (name, player, low, value, high)
    with pytest.raises(ValueError, match="estimated"):
        estimate.exact("shapley_shubik")


def test_unknown_index_and_monte_carlo_only_indices_are_rejected() -> None:
    game = WeightedGame.from_weights([1, 1], 2)
    with pytest.raises(GameError, match="unknown index"):
        power_indices(game, ["nucleolus"])
    with pytest.raises(GameError, match="Monte Carlo does not estimate johnston"):
        power_indices(game, ["johnston"], method="monte-carlo")


def test_round_trip_through_the_json_form() -> None:
    rows: list[list[str | int]] = [[1, "83.1"], [1, 2]]
    game = WeightedGame.from_weights(
        rows,
        [2, "85.1"],
        players=["DE", "X"],
        alternatives=[[2, 0]],
        vetoes=["DE"],
    )
    again = WeightedGame.from_dict(json.loads(json.dumps(game.to_dict())))
    assert again == game


def test_docstring_examples_run() -> None:
    from middleground.analysis import representation

    for module in (power, representation):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0 and failed == 0, module.__name__


def test_power_core_and_cli_import_without_django() -> None:
    code = (
        "import sys; import middleground.analysis.power, middleground.analysis.power_cli, "
        "middleground.analysis.representation; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m); "
        "print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
