"""Representation measures: shares, Penrose's rule, Gini of power per citizen."""

from __future__ import annotations

import math

import numpy as np
import pytest

from middleground.analysis.representation import gini, penrose_shares, representation


def test_gini_matches_the_mean_absolute_difference_definition() -> None:
    rng = np.random.default_rng(1)
    x = rng.random(30)
    w = rng.integers(1, 5, size=30)
    expanded = np.repeat(x, w)
    by_definition = np.abs(expanded[:, None] - expanded[None, :]).mean() / (2 * expanded.mean())
    assert gini(x, w) == pytest.approx(by_definition, rel=1e-12)
    assert gini([5, 5, 5]) == 0


def test_proportional_power_is_perfectly_representative() -> None:
    population = {"A": 60, "B": 30, "C": 10}
    r = representation({"A": 6, "B": 3, "C": 1}, population=population)
    assert r.gini_per_citizen == pytest.approx(0)
    assert all(m.population_ratio == pytest.approx(1) for m in r.members.values())


def test_penrose_square_root_shares_equalise_citizen_power_in_the_penrose_view() -> None:
    population = {"A": 100, "B": 25, "C": 4}
    target = penrose_shares(population)
    assert target["A"] == pytest.approx(10 / 17)
    r = representation(target, population=population)
    assert r.gini_penrose == pytest.approx(0, abs=1e-12)
    assert r.penrose_distance == pytest.approx(0, abs=1e-12)
    assert r.gini_per_citizen > 0  # per-capita power still favours the small


def test_groups_sum_their_members_and_gdp_is_optional() -> None:
    r = representation(
        {"A": 1, "B": 1, "C": 2},
        population={"A": 1, "B": 1, "C": 2},
        gdp={"A": 3, "B": 1, "C": 4},
        groups={"AB": ["A", "B"], "all": ["A", "B", "C"]},
    )
    assert r.groups["AB"].power_share == pytest.approx(0.5)
    assert r.groups["AB"].gdp_share == pytest.approx(0.5)
    assert r.groups["all"].population_ratio == pytest.approx(1)
    assert r.members["A"].gdp_ratio == pytest.approx(0.25 / 0.375)
    no_gdp = representation({"A": 1}, population={"A": 5})
    assert no_gdp.members["A"].gdp_share is None
    assert math.isclose(no_gdp.members["A"].population_ratio, 1)


def test_missing_population_is_an_error() -> None:
    with pytest.raises(ValueError, match="no population for B"):
        representation({"A": 1, "B": 1}, population={"A": 1})
