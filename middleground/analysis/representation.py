"""Representation: voting power against population and GDP, Penrose's rule, inequality.

Pure functions on mappings ``member id -> number``; power values come from
:func:`middleground.analysis.power.power_indices` (any index: shares are taken here).

* *share ratio*: a member's power share divided by its population (or GDP) share; 1 is
  proportional, above 1 over-represented.
* *Penrose square-root rule*: in a two-tier vote, every citizen has equal indirect power
  when each member's absolute Banzhaf power is proportional to the square root of its
  population; :func:`penrose_shares` gives those target shares.
* *power per citizen*: a member's power divided by its population, the same for each of
  its citizens; its population-weighted Gini coefficient measures how unequally citizens
  are represented (0: equal). With the Penrose view, a citizen's indirect power is
  proportional to ``power / sqrt(population)`` instead.

Examples
--------
>>> r = representation({"A": 0.5, "B": 0.5}, population={"A": 90, "B": 10})
>>> r.members["A"].population_ratio, r.members["B"].population_ratio
(0.5555555555555556, 5.0)
>>> round(r.gini_per_citizen, 3)
0.4
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GroupRepresentation",
    "MemberRepresentation",
    "Representation",
    "gini",
    "penrose_shares",
    "representation",
    "shares",
]


def shares(values: Mapping[str, float]) -> dict[str, float]:
    """Values divided by their total.

    >>> shares({"A": 3, "B": 1})
    {'A': 0.75, 'B': 0.25}
    """
    total = float(sum(values.values()))
    if total <= 0:
        raise ValueError("shares need a positive total")
    return {k: float(v) / total for k, v in values.items()}


def penrose_shares(population: Mapping[str, float]) -> dict[str, float]:
    """Square-root shares: Penrose's fair distribution of (absolute Banzhaf) power.

    >>> penrose_shares({"A": 9, "B": 1})
    {'A': 0.75, 'B': 0.25}
    """
    return shares({k: math.sqrt(v) for k, v in population.items()})


def gini(values: Iterable[float], weights: Iterable[float] | None = None) -> float:
    """Gini coefficient of ``values``, each counted ``weights`` times (default once).

    ``sum_ij w_i w_j |x_i - x_j| / (2 W^2 mean)``, computed in ``O(n log n)`` by sorting.

    >>> gini([1, 1, 1])
    0.0
    >>> gini([0, 1])
    0.5
    >>> round(gini([1, 2], weights=[3, 1]), 4)
    0.15
    """
    x = np.asarray(list(values), dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(list(weights), dtype=float)
    if x.size == 0 or w.sum() <= 0:
        raise ValueError("gini needs values with a positive total weight")
    if np.any(x < 0) or np.any(w < 0):
        raise ValueError("gini needs non-negative values and weights")
    order = np.argsort(x)
    x, w = x[order], w[order]
    total_w = float(w.sum())
    mean = float((w * x).sum() / total_w)
    if mean == 0:
        return 0.0
    # each x_i against all smaller values: sum_j<i w_j (x_i - x_j)
    cum_w = np.cumsum(w) - w
    cum_wx = np.cumsum(w * x) - w * x
    differences = float((w * (x * cum_w - cum_wx)).sum())
    return differences / (float(total_w) ** 2 * mean)


@dataclass(frozen=True)
class MemberRepresentation:
    """One member: shares of power, population and GDP, and their ratios."""

    power_share: float
    population_share: float
    population_ratio: float
    penrose_share: float
    gdp_share: float | None = None
    gdp_ratio: float | None = None


@dataclass(frozen=True)
class GroupRepresentation:
    """A group of members (a UN regional group, a bloc): summed shares and ratios."""

    members: tuple[str, ...]
    power_share: float
    population_share: float
    population_ratio: float
    gdp_share: float | None = None
    gdp_ratio: float | None = None


@dataclass(frozen=True)
class Representation:
    """Representation measures of one distribution of power.

    Attributes
    ----------
    members, groups : per member and per group measures
    gini_per_citizen : population-weighted Gini of power per citizen
    gini_penrose : population-weighted Gini of ``power / sqrt(population)`` (the
        two-tier Penrose view of a citizen's power)
    penrose_distance : half the sum of ``|power share - Penrose share|`` (0 to 1)
    """

    members: dict[str, MemberRepresentation]
    groups: dict[str, GroupRepresentation]
    gini_per_citizen: float
    gini_penrose: float
    penrose_distance: float


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.inf


def representation(
    power: Mapping[str, float],
    *,
    population: Mapping[str, float],
    gdp: Mapping[str, float] | None = None,
    groups: Mapping[str, Iterable[str]] | None = None,
) -> Representation:
    """Power shares against population and GDP shares, per member and per group.

    Parameters
    ----------
    power : mapping of member id to power (any index; normalised here)
    population : mapping of member id to population (every member of ``power``)
    gdp : mapping of member id to GDP, optional
    groups : mapping of group name to member ids, optional (a member may be in several)

    Returns
    -------
    Representation

    Complexity ``O(n log n + sum of group sizes)``.

    Examples
    --------
    >>> r = representation({"A": 2, "B": 1, "C": 1}, population={"A": 50, "B": 25, "C": 25},
    ...                    gdp={"A": 1, "B": 1, "C": 2}, groups={"BC": ["B", "C"]})
    >>> r.groups["BC"].power_share, r.groups["BC"].gdp_ratio
    (0.5, 0.6666666666666666)
    """
    missing = set(power) - set(population)
    if missing:
        raise ValueError(f"no population for {', '.join(sorted(missing))}")
    if gdp is not None and set(power) - set(gdp):
        raise ValueError(f"no GDP for {', '.join(sorted(set(power) - set(gdp)))}")
    power_share = shares(power)
    population_share = shares({k: population[k] for k in power})
    gdp_share = shares({k: gdp[k] for k in power}) if gdp is not None else None
    penrose = penrose_shares({k: population[k] for k in power})
    members = {}
    for k in power:
        g_share = gdp_share[k] if gdp_share is not None else None
        members[k] = MemberRepresentation(
            power_share=power_share[k],
            population_share=population_share[k],
            population_ratio=_ratio(power_share[k], population_share[k]),
            penrose_share=penrose[k],
            gdp_share=g_share,
            gdp_ratio=_ratio(power_share[k], g_share) if g_share is not None else None,
        )
    group_results = {}
    for name, ids in (groups or {}).items():
        chosen = tuple(i for i in ids if i in power)
        p = sum(power_share[i] for i in chosen)
        pop = sum(population_share[i] for i in chosen)
        g = sum(gdp_share[i] for i in chosen) if gdp_share is not None else None
        group_results[name] = GroupRepresentation(
            members=chosen,
            power_share=p,
            population_share=pop,
            population_ratio=_ratio(p, pop),
            gdp_share=g,
            gdp_ratio=_ratio(p, g) if g is not None else None,
        )
    ids = list(power)
    people = [float(population[k]) for k in ids]
    per_citizen = [power_share[k] / people[i] if people[i] > 0 else 0.0 for i, k in enumerate(ids)]
    penrose_citizen = [
        power_share[k] / math.sqrt(people[i]) if people[i] > 0 else 0.0 for i, k in enumerate(ids)
    ]
    return Representation(
        members=members,
        groups=group_results,
        gini_per_citizen=gini(per_citizen, people),
        gini_penrose=gini(penrose_citizen, people),
        penrose_distance=0.5 * sum(abs(power_share[k] - penrose[k]) for k in ids),
    )
