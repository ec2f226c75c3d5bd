"""Voting power: every engine against brute force (hypothesis), index properties, and
exactness of the dynamic programme on games where floating point loses small players."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from middleground.analysis import _power_exact as engines
from middleground.analysis.power import WeightedGame, power_indices
from middleground.analysis.tests.test_power import brute_force


@st.composite
def small_games(draw: st.DrawFn) -> WeightedGame:
    n = draw(st.integers(1, 7))
    criteria = draw(st.integers(1, 3))
    choices = [Fraction(x) for x in (0, 1, 1, 2, 3, 5, 8)] + [Fraction(1, 2), Fraction(7, 10)]
    weights: list[list[Fraction]] = [
        [draw(st.sampled_from(choices)) for _ in range(criteria)] for _ in range(n)
    ]
    if draw(st.booleans()):  # a head-count criterion, folded into a size requirement
        for row in weights:
            row[0] = Fraction(1)
    totals = [sum((row[c] for row in weights), Fraction(0)) for c in range(criteria)]

    def quotas() -> list[Fraction]:
        return [t * Fraction(draw(st.integers(0, 10)), 10) for t in totals]

    main = quotas()
    alternatives = [quotas() for _ in range(draw(st.integers(0, 2)))]
    players = [f"p{i}" for i in range(n)]
    vetoes = draw(st.lists(st.sampled_from(players), max_size=2, unique=True))
    rules = [main, *alternatives]
    if not vetoes and any(all(q == 0 for q in rule) for rule in rules):
        main[0] = totals[0]
    if not vetoes and any(all(q == 0 for q in rule) for rule in rules):
        vetoes = [players[0]]
    return WeightedGame.from_weights(
        weights, main, players=players, alternatives=alternatives, vetoes=vetoes
    )


def brute_structure(game: WeightedGame) -> dict[str, dict[str, Fraction]]:
    """Johnston, Deegan-Packel and Holler-Packel from the definitions."""
    johnston = dict.fromkeys(game.players, Fraction(0))
    minimal = []
    for size in range(game.n + 1):
        for coalition in map(set, __import__("itertools").combinations(game.players, size)):
            if not game.is_winning(coalition):
                continue
            critical = [p for p in coalition if not game.is_winning(coalition - {p})]
            for p in critical:
                johnston[p] += Fraction(1, len(critical))
            if len(critical) == len(coalition):
                minimal.append(coalition)
    total_j = sum(johnston.values())
    deegan = {
        p: sum((Fraction(1, len(m)) for m in minimal if p in m), Fraction(0)) / len(minimal)
        for p in game.players
    }
    counts = {p: sum(1 for m in minimal if p in m) for p in game.players}
    return {
        "johnston": {p: v / total_j for p, v in johnston.items()},
        "deegan_packel": deegan,
        "holler_packel": {p: Fraction(c, sum(counts.values())) for p, c in counts.items()},
    }


@settings(max_examples=120, deadline=None)
@given(small_games())
def test_every_engine_agrees_with_brute_force(game: WeightedGame) -> None:
    expected = brute_force(game)
    result = power_indices(game, ["shapley_shubik", "banzhaf", "banzhaf_absolute"])
    for name, values in expected.items():
        assert result.exact(name) == values, name
    reduced = game.reduced()
    swing_sets = [engines.count_enumeration(reduced)]
    if len(reduced.weights) <= 1:
        swing_sets += [
            engines.count_meet_in_the_middle(reduced),
            engines.count_dynamic_programming(reduced, by_size=True),
        ]
        totals_only = engines.count_dynamic_programming(reduced, by_size=False)
        assert [sum(r) for r in totals_only.swings] == [sum(r) for r in swing_sets[0].swings]
    for counts in swing_sets[1:]:
        assert counts.swings == swing_sets[0].swings, counts.algorithm
        assert counts.winning_by_size == swing_sets[0].winning_by_size, counts.algorithm
    structure = power_indices(game, ["johnston", "deegan_packel", "holler_packel"])
    for name, values in brute_structure(game).items():
        assert structure.exact(name) == values, name


@settings(max_examples=60, deadline=None)
@given(small_games())
def test_normalised_indices_sum_to_one_and_dummies_get_nothing(game: WeightedGame) -> None:
    result = power_indices(game, ["shapley_shubik", "banzhaf", "johnston", "holler_packel"])
    for name in result.indices:
        assert sum(result.exact(name).values()) == 1, name
    absolute = power_indices(game, ["banzhaf_absolute"]).exact("banzhaf_absolute")
    for player in game.players:
        others = [p for p in game.players if p != player]
        is_dummy = all(
            game.is_winning(c) == game.is_winning((*c, player))
            for size in range(len(others) + 1)
            for c in __import__("itertools").combinations(others, size)
        )
        assert (absolute[player] == 0) == is_dummy
        if is_dummy:
            assert all(result.exact(name)[player] == 0 for name in result.indices)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=2, max_size=12), st.integers(1, 9), st.data())
def test_players_with_equal_weights_get_equal_power(
    weights: list[int], duplicate: int, data: st.DataObject
) -> None:
    weights = [*weights, weights[0]]  # the first and last players are symmetric
    total = sum(weights)
    if total == 0:
        return
    quota = data.draw(st.integers(1, total))
    result = power_indices(WeightedGame.from_weights(weights, quota))
    last = str(len(weights) - 1)
    for name in result.indices:
        assert result.exact(name)["0"] == result.exact(name)[last]


def reference_swings(weights: list[int], quota: int) -> list[Fraction]:
    """Shapley-Shubik by the textbook dynamic programme in Python integers, one pass per
    distinct weight without any subtraction: slow, plain, exact."""
    n = len(weights)
    by_weight: dict[int, Fraction] = {}
    for w in set(weights):
        others = list(weights)
        others.remove(w)
        # counts[k][x]: coalitions of k others with weight x < quota
        counts = [[0] * quota for _ in range(n)]
        counts[0][0] = 1
        for v in others:
            for k in range(n - 1, 0, -1):
                row, below = counts[k], counts[k - 1]
                for x in range(quota - 1, v - 1, -1):
                    row[x] += below[x - v]
        value = Fraction(0)
        for k in range(n):
            swings = sum(counts[k][max(quota - w, 0) : quota])
            value += Fraction(
                math.factorial(k) * math.factorial(n - 1 - k) * swings, math.factorial(n)
            )
        by_weight[w] = value
    return [by_weight[w] for w in weights]


def test_dynamic_programme_is_exact_where_counts_overflow_64_bits() -> None:
    # 72 players: coalition counts reach 2^71, so several moduli and the Chinese
    # remainder theorem are needed; small players' power is tiny next to the large ones.
    rng = np.random.default_rng(5)
    weights = [int(w) for w in rng.choice([1, 1, 2, 3, 40, 90], size=72)]
    quota = sum(weights) // 2 + 1
    game = WeightedGame.from_weights(weights, quota)
    result = power_indices(game, ["shapley_shubik", "banzhaf"])
    assert result.algorithm == "generating-function DP by size"
    expected = reference_swings(weights, quota)
    assert list(result.exact("shapley_shubik").values()) == expected
    assert sum(expected) == 1


def test_high_quota_uses_complements_and_stays_exact() -> None:
    rng = np.random.default_rng(8)
    weights = [int(w) for w in rng.integers(1, 30, size=40)]
    quota = math.ceil(sum(weights) * 0.85)
    game = WeightedGame.from_weights(weights, quota)
    result = power_indices(game, ["shapley_shubik"])
    assert list(result.exact("shapley_shubik").values()) == reference_swings(weights, quota)


def test_tiny_shapley_shubik_values_at_190_players_match_a_subtraction_free_float_check() -> None:
    # Small players hold power of order 1e-5 here. A float64 programme that only adds
    # (the others' counts built without the player, no division or subtraction) keeps
    # about 13 significant digits, so it checks the exact value where a subtracting
    # float recursion would not.
    rng = np.random.default_rng(2)
    weights = [
        int(w) for w in rng.choice([1, 2, 3, 200, 600], size=190, p=[0.3, 0.3, 0.3, 0.05, 0.05])
    ]
    quota = sum(weights) // 2 + 1
    result = power_indices(WeightedGame.from_weights(weights, quota), ["shapley_shubik"])
    exact = result.exact("shapley_shubik")
    assert sum(exact.values()) == 1
    smallest = min(range(190), key=lambda i: weights[i])
    w = weights[smallest]
    others = weights[:smallest] + weights[smallest + 1 :]
    counts = np.zeros((190, quota))  # counts[k, x], coalitions of k others weighing x < quota
    counts[0, 0] = 1.0
    for v in others:
        counts[1:, v:] += counts[:-1, :-v].copy()
    n = 190
    factors = np.array(
        [math.exp(math.lgamma(k + 1) + math.lgamma(n - k) - math.lgamma(n + 1)) for k in range(n)]
    )
    check = float((counts[:, quota - w : quota].sum(axis=1) * factors).sum())
    value = float(exact[str(smallest)])
    assert 0 < value < 1e-4
    assert math.isclose(value, check, rel_tol=1e-9)


def test_exact_and_monte_carlo_agree_at_190_players() -> None:
    rng = np.random.default_rng(0)
    share = rng.lognormal(0, 1.6, 190)
    weights = [int(w) for w in np.floor(29 + share / share.sum() * 94_000)]
    quota = math.ceil(sum(weights) * 0.85)
    game = WeightedGame.from_weights(weights, quota)
    exact = power_indices(game, ["shapley_shubik"])
    assert sum(exact.exact("shapley_shubik").values()) == 1
    assert min(exact["shapley_shubik"].values()) > 0
    estimate = power_indices(
        game, ["shapley_shubik"], method="monte-carlo", samples=40_000, seed=4, confidence=0.999
    )
    intervals = estimate.indices["shapley_shubik"].interval
    assert intervals is not None
    largest = sorted(range(190), key=lambda i: -weights[i])[:10]
    for i in largest:
        low, high = intervals[str(i)]
        assert low <= exact["shapley_shubik"][str(i)] <= high


@settings(max_examples=60, deadline=None)
@given(small_games())
def test_multidimensional_programme_agrees_with_enumeration(game: WeightedGame) -> None:
    reduced = game.reduced()
    by_programme = engines.count_multidimensional(reduced)
    by_enumeration = engines.count_enumeration(reduced)
    assert by_programme.swings == by_enumeration.swings
    assert by_programme.winning_by_size == by_enumeration.winning_by_size


def test_double_majority_of_40_players_is_exact_and_matches_monte_carlo() -> None:
    # beyond enumeration (40 players, two criteria with unequal weights): the
    # multi-dimensional programme, checked against sampling
    weights = [[1 + i % 3, 1 + (7 * i) % 11] for i in range(40)]
    game = WeightedGame.from_weights(weights, [50, 130], alternatives=[[70, 0]])
    exact = power_indices(game, ["shapley_shubik", "banzhaf_absolute"])
    assert exact.algorithm == "multi-dimensional generating-function DP"
    assert sum(exact.exact("shapley_shubik").values()) == 1
    estimate = power_indices(
        game,
        ["shapley_shubik", "banzhaf_absolute"],
        method="monte-carlo",
        samples=20_000,
        seed=9,
        confidence=0.999,
    )
    for name in ("shapley_shubik", "banzhaf_absolute"):
        intervals = estimate.indices[name].interval
        assert intervals is not None
        misses = [p for p, v in exact[name].items() if not intervals[p][0] <= v <= intervals[p][1]]
        assert len(misses) <= 1, (name, misses)  # 80 intervals at 99.9%
